//! [`Triggers`]: lists of lower-case phrases indexed by their first two
//! bytes at compile time, so a place in the text is compared only with the
//! phrases that start the way it does, and nothing is built per call.

use crate::chars::matches_ignoring_case;

/// Lower-case phrases, each starting with an ASCII letter, indexed by that
/// letter and by their second byte.
pub struct Triggers {
    phrases: &'static [&'static str],
    /// Per letter (`a` first), bit `i` is set when phrase `i` starts with it.
    by_first_letter: [u128; 26],
    /// Per ASCII byte, bit `i` is set when phrase `i` may go on with it
    /// after its first letter: when its second byte is that byte (or, for a
    /// letter, its capital), or when it has no second byte.
    by_second_byte: [u128; 128],
}

impl Triggers {
    /// Panics (at compile time, as the lists are `const`) unless there are
    /// at most 128 phrases and each starts with a lower-case ASCII letter.
    pub const fn new(phrases: &'static [&'static str]) -> Self {
        assert!(phrases.len() <= 128, "at most 128 triggers in a list");
        let mut by_first_letter = [0; 26];
        let mut by_second_byte = [0; 128];
        let mut i = 0;
        while i < phrases.len() {
            let bytes = phrases[i].as_bytes();
            assert!(bytes[0].is_ascii_lowercase(), "a trigger starts with a-z");
            by_first_letter[(bytes[0] - b'a') as usize] |= 1 << i;
            let mut b = 0;
            while b < 128 {
                let second = b as u8;
                if bytes.len() < 2 || bytes[1] == second || bytes[1] == second.to_ascii_lowercase()
                {
                    by_second_byte[b] |= 1 << i;
                }
                b += 1;
            }
            i += 1;
        }
        Self {
            phrases,
            by_first_letter,
            by_second_byte,
        }
    }

    /// The phrases, in list order.
    pub const fn phrases(&self) -> &'static [&'static str] {
        self.phrases
    }

    /// The phrases, in list order, that could start at byte offset `at`:
    /// those whose first letter is the text's there, ignoring case, and
    /// whose second byte the text's next byte can match.
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
                let by_first = self.by_first_letter[usize::from(b.to_ascii_lowercase() - b'a')];
                // A non-ASCII character may lower-case to an ASCII letter,
                // and the end of the text leaves phrases of one letter.
                match bytes.get(at + 1) {
                    Some(&next) if next.is_ascii() => {
                        by_first & self.by_second_byte[usize::from(next)]
                    }
                    Some(_) => by_first,
                    None => by_first & self.by_second_byte[0],
                }
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
