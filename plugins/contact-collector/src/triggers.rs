//! [`Triggers`]: lists of lower-case phrases indexed by their first three
//! bytes at compile time, so a place in the text is compared only with the
//! phrases that start the way it does, and nothing is built per call.

use crate::chars::matches_ignoring_case;

/// How many bytes after the first letter the index looks at.
const LATER_BYTES: usize = 2;

/// Lower-case phrases, each starting with an ASCII letter, indexed by that
/// letter and by their next [`LATER_BYTES`] bytes.
pub struct Triggers {
    phrases: &'static [&'static str],
    /// Per letter (`a` first), bit `i` is set when phrase `i` starts with it.
    by_first_letter: [u128; 26],
    /// Per byte after the first letter (the second byte first), then per
    /// ASCII byte, bit `i` is set when phrase `i` may go on with it there:
    /// when its byte there is that byte (or, for a letter, its capital), or
    /// when it is shorter.
    by_later_byte: [[u128; 128]; LATER_BYTES],
}

impl Triggers {
    /// Panics (at compile time, as the lists are `const`) unless there are
    /// at most 128 phrases and each starts with a lower-case ASCII letter.
    pub const fn new(phrases: &'static [&'static str]) -> Self {
        assert!(phrases.len() <= 128, "at most 128 triggers in a list");
        let mut by_first_letter = [0; 26];
        let mut by_later_byte = [[0; 128]; LATER_BYTES];
        let mut i = 0;
        while i < phrases.len() {
            let bytes = phrases[i].as_bytes();
            assert!(bytes[0].is_ascii_lowercase(), "a trigger starts with a-z");
            by_first_letter[(bytes[0] - b'a') as usize] |= 1 << i;
            let mut later = 0;
            while later < LATER_BYTES {
                let at = 1 + later;
                let mut b = 0;
                while b < 128 {
                    let byte = b as u8;
                    if bytes.len() <= at
                        || bytes[at] == byte
                        || bytes[at] == byte.to_ascii_lowercase()
                    {
                        by_later_byte[later][b] |= 1 << i;
                    }
                    b += 1;
                }
                later += 1;
            }
            i += 1;
        }
        Self {
            phrases,
            by_first_letter,
            by_later_byte,
        }
    }

    /// The phrases, in list order.
    pub const fn phrases(&self) -> &'static [&'static str] {
        self.phrases
    }

    /// The phrases, in list order, that could start at byte offset `at`:
    /// those whose first letter is the text's there, ignoring case, and
    /// whose next bytes the text's next bytes can match.
    #[inline]
    pub fn starting_at(&self, text: &str, at: usize) -> impl Iterator<Item = &'static str> {
        set_bits(self.candidates(text, at)).map(|i| self.phrases[i])
    }

    /// The phrases of [`Triggers::starting_at`], as a mask.
    #[inline]
    fn candidates(&self, text: &str, at: usize) -> u128 {
        let bytes = text.as_bytes();
        match bytes.get(at) {
            Some(b) if b.is_ascii_alphabetic() => {
                let mut mask = self.by_first_letter[usize::from(b.to_ascii_lowercase() - b'a')];
                // Each later ASCII byte narrows the candidates. A non-ASCII
                // character may lower-case to an ASCII letter, so it ends
                // the narrowing; the end of the text (looked up as byte 0,
                // which no phrase has) leaves the shorter phrases.
                for (later, by_byte) in self.by_later_byte.iter().enumerate() {
                    match bytes.get(at + 1 + later) {
                        Some(&next) if next.is_ascii() => mask &= by_byte[usize::from(next)],
                        Some(_) => break,
                        None => {
                            mask &= by_byte[0];
                            break;
                        }
                    }
                }
                mask
            }
            // Some other characters lower-case to an ASCII letter (`K`, the
            // Kelvin sign, to `k`): compare those with every phrase.
            Some(b) if !b.is_ascii() => text
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or(0, |c| self.starting_with(c)),
            _ => 0,
        }
    }

    /// The phrases whose first letter `c` matches, ignoring case, as a
    /// mask.
    fn starting_with(&self, c: char) -> u128 {
        self.phrases
            .iter()
            .enumerate()
            .filter(|(_, phrase)| {
                phrase
                    .chars()
                    .next()
                    .is_some_and(|first| matches_ignoring_case(c, first))
            })
            .fold(0, |mask, (i, _)| mask | 1 << i)
    }
}

/// The positions of the set bits of `bits`, lowest first.
fn set_bits(mut bits: u128) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let lowest = bits.trailing_zeros();
        bits &= bits.wrapping_sub(1);
        (lowest < u128::BITS).then_some(lowest as usize)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRIGGERS: Triggers = Triggers::new(&["thanks", "best", "thank you", "kind regards"]);

    fn at_start(text: &str) -> Vec<&'static str> {
        TRIGGERS.starting_at(text, 0).collect()
    }

    #[test]
    fn only_phrases_with_the_same_first_letter_are_candidates_in_list_order() {
        assert_eq!(at_start("Thank you"), ["thanks", "thank you"]);
        assert_eq!(at_start("best"), ["best"]);
        assert_eq!(at_start("cheers"), Vec::<&str>::new());
        assert_eq!(at_start(" best"), Vec::<&str>::new());
        assert_eq!(at_start(""), Vec::<&str>::new());
    }

    #[test]
    fn the_second_byte_narrows_the_candidates() {
        assert_eq!(at_start("THANKS"), ["thanks", "thank you"]);
        assert_eq!(at_start("tha"), ["thanks", "thank you"]);
        assert_eq!(at_start("tea"), Vec::<&str>::new());
        assert_eq!(at_start("t"), Vec::<&str>::new());
        // A non-ASCII second character might lower-case to anything.
        assert_eq!(at_start("t\u{212A}"), ["thanks", "thank you"]);
        const SHORT: Triggers = Triggers::new(&["a", "ab"]);
        assert_eq!(SHORT.starting_at("a", 0).collect::<Vec<_>>(), ["a"]);
        assert_eq!(SHORT.starting_at("aB", 0).collect::<Vec<_>>(), ["a", "ab"]);
    }

    #[test]
    fn the_third_byte_narrows_the_candidates_too() {
        assert_eq!(at_start("THANK"), ["thanks", "thank you"]);
        assert_eq!(at_start("THE"), Vec::<&str>::new());
        assert_eq!(at_start("be"), Vec::<&str>::new());
        assert_eq!(at_start("kiNd"), ["kind regards"]);
        // A non-ASCII third character might lower-case to anything.
        assert_eq!(at_start("th\u{212A}"), ["thanks", "thank you"]);
        const SHORT: Triggers = Triggers::new(&["ab", "abc", "abd"]);
        let at_start = |text| SHORT.starting_at(text, 0).collect::<Vec<_>>();
        assert_eq!(at_start("ab"), ["ab"]);
        assert_eq!(at_start("abc"), ["ab", "abc"]);
        assert_eq!(at_start("ABD"), ["ab", "abd"]);
        assert_eq!(at_start("abé"), ["ab", "abc", "abd"]);
        assert_eq!(at_start("ab\0"), ["ab"]);
    }

    #[test]
    fn non_ascii_letters_that_lower_case_to_the_first_letter_are_candidates() {
        assert_eq!(at_start("\u{212A}ind regards"), ["kind regards"]);
        assert_eq!(at_start("ßest"), Vec::<&str>::new());
    }

    #[test]
    fn set_bits_are_listed_lowest_first() {
        let bits: Vec<usize> = set_bits(1 | 1 << 5 | 1 << 127).collect();
        assert_eq!(bits, [0, 5, 127]);
        assert_eq!(set_bits(0).count(), 0);
    }
}
