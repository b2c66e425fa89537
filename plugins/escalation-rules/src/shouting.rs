//! The shouting detector: `!!!`, or enough words in capitals.
//!
//! Most mail is calm, so a quick look at the bytes comes first ([`look`]),
//! eight at a time: it finds `!!!` and tells calm text apart without
//! reading it letter by letter. Only text that may shout is read by words.

/// What shows that `text` shouts: `!!!`, or at least three all-capital words
/// (of two or more letters, ten capitals in all) making up at least 40% of
/// the words. Words are runs of letters. Nothing is allocated unless it
/// shouts.
pub fn shouting(text: &str) -> Option<String> {
    let look = look(text);
    if look.exclaims {
        return Some("repeated exclamation marks".into());
    }
    if look.capital_pairs < 3 {
        return None;
    }
    let mut count = WordCount::default();
    let mut word = Word::default();
    for c in text.chars() {
        match letter_case(c) {
            Some(capital) => word.add_letter(capital),
            None => count.add(std::mem::take(&mut word)),
        }
    }
    count.add(word);
    (count.capital_words >= 3
        && count.capital_letters >= 10
        && count.capital_words * 10 >= count.words * 4)
        .then(|| format!("{} words in capitals", count.capital_words))
}

/// What a look at the bytes of a text tells, read by [`Look::add`].
#[derive(Debug, Default, PartialEq)]
struct Look {
    /// Whether it holds `!!!`.
    exclaims: bool,
    /// Pairs of neighbouring bytes where the first may end a capital letter
    /// (an ASCII capital, or the last byte of another character) and the
    /// second may start one (an ASCII capital or the first byte of another
    /// character). A word in capitals of two or more letters has such a
    /// pair, and different words have different ones, so text with fewer
    /// than three has fewer than three such words. Lower-case text, accents
    /// included, has none.
    capital_pairs: usize,
    /// `!` read in a row so far.
    exclamation_marks: usize,
    /// Whether the last byte read may end a capital.
    after_capital: bool,
}

impl Look {
    fn add(&mut self, byte: u8) {
        self.exclamation_marks = if byte == b'!' {
            self.exclamation_marks + 1
        } else {
            0
        };
        self.exclaims |= self.exclamation_marks >= 3;
        if self.after_capital && (byte.is_ascii_uppercase() || byte >= 0xC0) {
            self.capital_pairs += 1;
        }
        self.after_capital = byte.is_ascii_uppercase() || !byte.is_ascii();
    }

    /// Reads eight bytes that are none of `!`, an ASCII capital or part of
    /// a non-ASCII character: they end a run of `!` and cannot start or
    /// end a capital.
    fn skip_calm(&mut self) {
        self.exclamation_marks = 0;
        self.after_capital = false;
    }
}

/// Looks at the bytes of `text`, eight at a time; the bytes of a group
/// with nothing [`notable`] in it are not looked at one by one. Stops at the
/// first `!!!`.
fn look(text: &str) -> Look {
    let mut look = Look::default();
    let mut groups = text.as_bytes().chunks_exact(8);
    for group in &mut groups {
        let bytes: [u8; 8] = group.try_into().expect("chunks of eight");
        if notable(u64::from_le_bytes(bytes)) == 0 {
            look.skip_calm();
            continue;
        }
        bytes.iter().for_each(|&b| look.add(b));
        if look.exclaims {
            return look;
        }
    }
    groups.remainder().iter().for_each(|&b| look.add(b));
    look
}

/// Every byte of a `u64` set to `byte`.
const fn each_byte(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// The bytes of `group` that are `!`, an ASCII capital or part of a
/// non-ASCII character: a mask with the top bit of each such byte set.
/// The ASCII tests work on the low seven bits of every byte, where adding
/// at most `0x7F` never carries into the next byte.
fn notable(group: u64) -> u64 {
    let top = each_byte(0x80);
    let low = group & each_byte(0x7F);
    // Top bit set where the byte is at least `A`, and where it is past `Z`.
    let from_a = low + each_byte(0x80 - b'A');
    let past_z = low + each_byte(0x80 - b'Z' - 1);
    // Top bit set where the byte is anything but `!`.
    let not_bang = (low ^ each_byte(b'!')) + each_byte(0x7F);
    ((from_a & !past_z) | !not_bang | group) & top
}

/// For a letter, whether it is a capital; `None` for anything else.
fn letter_case(c: char) -> Option<bool> {
    if c.is_ascii() {
        return c.is_ascii_alphabetic().then(|| c.is_ascii_uppercase());
    }
    c.is_alphabetic().then(|| c.is_uppercase())
}

/// The word being read by [`shouting`].
struct Word {
    letters: usize,
    all_capitals: bool,
}

impl Default for Word {
    fn default() -> Self {
        Self {
            letters: 0,
            all_capitals: true,
        }
    }
}

impl Word {
    fn add_letter(&mut self, capital: bool) {
        self.letters += 1;
        self.all_capitals &= capital;
    }
}

/// What [`shouting`] counts, over words of two or more letters.
#[derive(Default)]
struct WordCount {
    words: usize,
    capital_words: usize,
    /// Letters of the all-capital words.
    capital_letters: usize,
}

impl WordCount {
    fn add(&mut self, word: Word) {
        if word.letters < 2 {
            return;
        }
        self.words += 1;
        if word.all_capitals {
            self.capital_words += 1;
            self.capital_letters += word.letters;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shouting_needs_several_capital_words() {
        assert!(shouting("WHERE IS MY ORDER").is_some());
        assert!(shouting("where is my order??!!!").is_some());
        assert!(
            shouting("The PDF and the CSV from NASA are attached to this long message").is_none()
        );
    }

    #[test]
    fn shouting_counts_words_of_two_or_more_letters_split_at_non_letters() {
        // One-letter words do not count.
        assert!(shouting("WHERE, ISX MY ORDERS a b c d").is_some());
        // Three capital words of ten letters, 3 of 6 words.
        assert!(shouting("WHERE ISX MY order now then").is_some());
        // 3 of 8 words is under 40%.
        assert!(shouting("WHERE ISX MY order now then and more").is_none());
        // Nine capital letters are not enough.
        assert!(shouting("WHERE IS MY").is_none());
        // Digits split words: "AB1CD" is two words.
        assert!(shouting("AB1CD EFGHIJ").is_some());
        assert!(shouting("ÄRGER ÜBER DAS").is_some());
        assert!(shouting("").is_none());
    }

    #[test]
    fn shouting_in_any_script_gets_past_the_look_at_the_bytes() {
        assert_eq!(
            shouting("wo ist MEIN PAKET, VERDAMMT").as_deref(),
            Some("3 words in capitals")
        );
        assert!(shouting("ЖАННА ИВАНОВА ПИШЕТ").is_some());
        assert!(shouting("日本語 日本語 日本語 日本語").is_none());
    }

    #[test]
    fn notable_bytes_are_exclamation_marks_capitals_and_non_ascii() {
        for byte in 0..=u8::MAX {
            let wanted = byte == b'!' || byte.is_ascii_uppercase() || !byte.is_ascii();
            for at in 0..8 {
                let mut group = *b"calm txt";
                group[at] = byte;
                let mask = notable(u64::from_le_bytes(group));
                let expected = if wanted { 0x80 << (8 * at) } else { 0 };
                assert_eq!(mask, expected, "byte {byte:#04x} at {at}");
            }
        }
    }

    #[test]
    fn three_exclamation_marks_are_found_across_groups_of_eight() {
        assert!(look("seven!!!").exclaims);
        assert!(look("calm text!!!").exclaims);
        assert!(look("calm te!!!").exclaims);
        assert!(!look("calm t!!,  !! calm text !").exclaims);
        assert!(!look("!! calm text of sixteen !").exclaims);
    }

    #[test]
    fn capital_pairs_are_counted_across_groups_of_eight() {
        assert_eq!(look("I am A Bit Upset, Okay").capital_pairs, 0);
        assert_eq!(look("Straße, schön, à été, Übung").capital_pairs, 0);
        assert_eq!(look("calm teXT, NOT calm text OK").capital_pairs, 4);
        assert_eq!(look("AB calm text").capital_pairs, 1);
        // Any two non-ASCII characters in a row might be capitals.
        assert_eq!(look("ÄR ÜB").capital_pairs, 2);
        assert_eq!(look("日本").capital_pairs, 1);
    }
}
