//! [`FirstWords`]: the first words of the phrases of several [`Triggers`]
//! lists in a small hash set built at compile time, so a word of the text is
//! passed over after one look unless a phrase can start with it.
//!
//! A phrase starts with a word of lower-case ASCII letters that is followed
//! by a character ending a word (a space, an apostrophe, a hyphen). Where
//! such a phrase matches at the start of a word of the text, that word is
//! exactly as long as the phrase's first word. So an ASCII word of the text
//! that is not one of the first words, ignoring case, starts no phrase. A
//! word with other characters might: the Kelvin sign lower-cases to `k`,
//! and `ſ` matches `s`. Such words are let through unless they start with
//! an ASCII letter no first word starts with.

use std::ops::Range;

use crate::triggers::Triggers;

/// The longest first word, in bytes: a word fits in a `u64`.
const MAX_LEN: usize = 8;

/// Slots of the hash set: a power of two, well above the number of words.
const SLOTS: usize = 64;

/// The first words of the phrases of some [`Triggers`] lists.
pub struct FirstWords {
    /// Whether a first word starts with ASCII byte `b`, in either case:
    /// one look passes over most other words. A table rather than the bits
    /// of a `u128`: wasm has no 128-bit shift, so testing bit `b` of one
    /// was a call into a compiler helper for every word of the text.
    first_letters: [bool; 128],
    /// Each first word as a key (see [`key`]) at its hash slot or, when
    /// that is taken, in the next free one; 0 where there is none.
    slots: [u64; SLOTS],
}

impl FirstWords {
    /// The first words of every phrase of `lists`. Panics (at compile time,
    /// as the sets are `const`) when a phrase does not start with a word of
    /// 1 to 8 lower-case ASCII letters followed by an ASCII character that
    /// ends a word.
    pub const fn of(lists: &[&Triggers]) -> Self {
        let mut slots = [0; SLOTS];
        let mut first_letters = [false; 128];
        let mut filled = 0;
        let mut list = 0;
        while list < lists.len() {
            let phrases = lists[list].phrases();
            let mut i = 0;
            while i < phrases.len() {
                let word = first_word(phrases[i].as_bytes());
                first_letters[word[0] as usize] = true;
                first_letters[word[0].to_ascii_uppercase() as usize] = true;
                let key = key(word);
                let mut slot = slot_of(key);
                while slots[slot] != 0 && slots[slot] != key {
                    slot = (slot + 1) % SLOTS;
                }
                if slots[slot] == 0 {
                    slots[slot] = key;
                    filled += 1;
                    assert!(filled <= SLOTS / 2, "too many first words");
                }
                i += 1;
            }
            list += 1;
        }
        Self {
            first_letters,
            slots,
        }
    }

    /// False when no phrase can start at the start of `word`, the byte
    /// range of a whole word of `text` (a run of word characters); true
    /// when one may.
    #[inline]
    pub fn may_start(&self, text: &str, word: Range<usize>) -> bool {
        // An ASCII character matches only itself and its other case.
        match text.as_bytes().get(word.start) {
            Some(&first) if first.is_ascii() && !self.first_letters[usize::from(first)] => {
                return false;
            }
            None => return false,
            _ => {}
        }
        let len = word.len();
        if len == 0 {
            return false;
        }
        if len > MAX_LEN {
            return !text.as_bytes()[word].is_ascii();
        }
        let key = match text.as_bytes().get(word.start..word.start + MAX_LEN) {
            // Eight bytes read at once, those after the word masked off.
            Some(eight) => {
                let bytes = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
                (bytes & (u64::MAX >> (8 * (MAX_LEN - len)))) | CASE_BITS
            }
            None => key(&text.as_bytes()[word]),
        };
        if key & NON_ASCII_BITS != 0 {
            return true;
        }
        let mut slot = slot_of(key);
        loop {
            match self.slots[slot] {
                0 => return false,
                found if found == key => return true,
                _ => slot = (slot + 1) % SLOTS,
            }
        }
    }
}

/// The first word of `phrase`: its lower-case ASCII letters up to the
/// character that ends the word.
const fn first_word(phrase: &[u8]) -> &[u8] {
    let mut len = 0;
    while len < phrase.len() && phrase[len].is_ascii_lowercase() {
        len += 1;
    }
    assert!(len >= 1 && len <= MAX_LEN, "a first word of 1 to 8 letters");
    assert!(
        len < phrase.len() && matches!(phrase[len], b' ' | b'\'' | b'-'),
        "a first word ends with a space, an apostrophe or a hyphen"
    );
    phrase.split_at(len).0
}

/// Bit 5 of every byte: set, it lower-cases an ASCII letter and keeps
/// ASCII word characters (letters, digits, `_`) apart from one another and
/// from a zero byte.
const CASE_BITS: u64 = 0x2020_2020_2020_2020;

/// The top bit of every byte: set only in the bytes of non-ASCII
/// characters.
const NON_ASCII_BITS: u64 = 0x8080_8080_8080_8080;

/// A word of at most eight word characters as a number: its bytes, padded
/// with zeros, with [`CASE_BITS`] set. Never 0, and for an ASCII word the
/// same in any case.
const fn key(word: &[u8]) -> u64 {
    let mut bytes = [0; MAX_LEN];
    let mut i = 0;
    while i < word.len() {
        bytes[i] = word[i];
        i += 1;
    }
    u64::from_le_bytes(bytes) | CASE_BITS
}

/// The slot where a key goes first: the top bits of a multiplicative hash.
const fn slot_of(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (u64::BITS - SLOTS.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: Triggers = Triggers::new(&["my name is", "i'm with", "chamo-me", "trabalho na"]);
    const OTHERS: Triggers = Triggers::new(&["this is", "my name's"]);
    const WORDS: FirstWords = FirstWords::of(&[&NAMES, &OTHERS]);

    /// Whether a phrase may start with `word`, read alone and read at the
    /// start of a longer text.
    fn may_start(word: &str) -> bool {
        let alone = WORDS.may_start(word, 0..word.len());
        let text = format!("{word} and more words");
        assert_eq!(WORDS.may_start(&text, 0..word.len()), alone, "{word}");
        alone
    }

    #[test]
    fn the_first_words_of_every_list_are_in_the_set_in_any_case() {
        for word in ["my", "MY", "i", "I", "chamo", "Trabalho", "this", "tHIS"] {
            assert!(may_start(word), "{word}");
        }
    }

    #[test]
    fn other_ascii_words_are_not() {
        for word in [
            "m",
            "mya",
            "name",
            "im",
            "cham",
            "trabalhos",
            "is",
            "thi_",
            "my1",
            "",
            "Name",
            "walking",
            "thisisaverylongword",
        ] {
            assert!(!may_start(word), "{word}");
        }
    }

    #[test]
    fn words_that_start_with_another_ascii_letter_are_not_even_if_non_ascii_follows() {
        for word in ["über", "naïve", "Zoë", "b\u{212A}"] {
            let text = format!(" {word}");
            assert_eq!(
                WORDS.may_start(&text, 1..text.len()),
                word == "über",
                "{word}"
            );
        }
    }

    #[test]
    fn words_with_other_characters_are_let_through() {
        for word in [
            "thi\u{17F}",
            "\u{212A}",
            "über",
            "traba\u{301}lho",
            "trabalhoé",
        ] {
            assert!(may_start(word), "{word}");
        }
    }

    #[test]
    fn only_the_bytes_of_the_word_count_however_close_to_the_end() {
        assert!(WORDS.may_start("xx my", 3..5));
        assert!(WORDS.may_start("xx myself", 3..5));
        assert!(WORDS.may_start("xxxxxxxxx this", 10..14));
        assert!(!WORDS.may_start("xxxxxxxxx thisx", 10..15));
        assert!(!WORDS.may_start("mythical", 0..8));
    }

    #[test]
    fn keys_tell_words_of_different_lengths_and_characters_apart() {
        assert_eq!(key(b"My"), key(b"mY"));
        assert_ne!(key(b"my"), key(b"my_"));
        assert_ne!(key(b"i"), key(b"i0"));
        assert_ne!(key(b""), 0);
    }
}
