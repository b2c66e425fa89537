//! [`PhraseTable`]: phrase lists fixed at compile time, indexed by the
//! compiler. A plugin runs in a fresh instance per hook, so an index built
//! at run time is built again on every call; a table in a `static` costs
//! nothing to set up.

use super::answers;
use super::slots::{Entry, SLOT_STARTS, search, sort_into_slots};

/// How many phrases `lists` hold together: the `N` of the
/// [`PhraseTable`] for them.
pub const fn phrase_count(lists: &[&[&str]]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < lists.len() {
        count += lists[i].len();
        i += 1;
    }
    count
}

/// Lists of phrases, indexed at compile time, that are looked for as whole
/// words ignoring case exactly as [`phrase_lists_in`](super::phrase_lists_in)
/// does.
///
/// The phrases must be written in lower case, trimmed and non-empty (the
/// compiler checks the ASCII part of that); non-ASCII characters in them
/// are taken for letters.
///
/// ```
/// use mailbot_guest::text::{PhraseTable, phrase_count};
///
/// const LISTS: &[&[&str]] = &[&["lawyer", "court"], &["asap", "now"]];
/// static TABLE: PhraseTable<{ phrase_count(LISTS) }> = PhraseTable::new(LISTS);
///
/// let found = TABLE.lists_in("Refund me NOW or I call my lawyer");
/// assert_eq!(found, [vec!["lawyer"], vec!["now"]]);
/// ```
#[derive(Debug)]
pub struct PhraseTable<const N: usize> {
    lists: &'static [&'static [&'static str]],
    sorted: [Entry<'static>; N],
    starts: [u32; SLOT_STARTS],
}

impl<const N: usize> PhraseTable<N> {
    /// Indexes `lists`. Panics (at compile time in a `const` or `static`)
    /// unless `N` is [`phrase_count`]`(lists)` and every phrase is
    /// non-empty, trimmed and free of ASCII capitals.
    pub const fn new(lists: &'static [&'static [&'static str]]) -> Self {
        assert!(N == phrase_count(lists), "N must be phrase_count(lists)");
        let mut entries = [Entry::EMPTY; N];
        let mut id = 0;
        let mut list = 0;
        while list < lists.len() {
            let mut i = 0;
            while i < lists[list].len() {
                entries[id] = entry(lists[list][i], id);
                id += 1;
                i += 1;
            }
            list += 1;
        }
        let mut sorted = [Entry::EMPTY; N];
        let mut starts = [0; SLOT_STARTS];
        sort_into_slots(&entries, &mut sorted, &mut starts);
        Self {
            lists,
            sorted,
            starts,
        }
    }

    /// For each list, the phrases of it found in `haystack`, in list order:
    /// what [`phrase_lists_in`](super::phrase_lists_in) answers for the
    /// same lists. One pass over the haystack serves all lists.
    pub fn lists_in(&self, haystack: &str) -> Vec<Vec<&'static str>> {
        let mut found = vec![false; N];
        search(
            &self.sorted,
            &self.starts,
            &haystack.to_lowercase(),
            &mut found,
        );
        answers(self.lists, &found)
    }
}

/// A byte of a word character, as far as a compile-time check can tell:
/// ASCII letters and digits, and any byte of a non-ASCII character.
const fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || !byte.is_ascii()
}

/// The entry for `phrase`, the `id`-th phrase; panics unless it is
/// non-empty, trimmed and free of ASCII capitals.
const fn entry(phrase: &'static str, id: usize) -> Entry<'static> {
    let bytes = phrase.as_bytes();
    assert!(!bytes.is_empty(), "a phrase must not be empty");
    assert!(
        !bytes[0].is_ascii_whitespace() && !bytes[bytes.len() - 1].is_ascii_whitespace(),
        "a phrase must be trimmed"
    );
    let mut first_word = 0;
    let mut in_first_word = true;
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            !bytes[i].is_ascii_uppercase(),
            "a phrase must be written in lower case"
        );
        in_first_word &= is_word_byte(bytes[i]);
        if in_first_word {
            first_word += 1;
        }
        i += 1;
    }
    Entry {
        lower: phrase,
        id,
        first_word,
        ends_word: is_word_byte(bytes[bytes.len() - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::super::phrase_lists_in;
    use super::*;

    const LISTS: &[&[&str]] = &[
        &["sue you", "lawyer", "time-sensitive", "#urgent", "m:"],
        &[],
        &["größe", "parler à un humain", "日本", "lawyer"],
    ];
    static TABLE: PhraseTable<{ phrase_count(LISTS) }> = PhraseTable::new(LISTS);

    #[test]
    fn the_table_answers_what_the_run_time_index_answers() {
        for text in [
            "I will SUE YOU, lawyer!",
            "it is TIME-SENSITIVE #urgently",
            "overtime-sensitive #urgent m: 1",
            "GRÖSSE Größe, je veux PARLER À UN HUMAIN",
            "日本 lawyers",
            "",
        ] {
            assert_eq!(TABLE.lists_in(text), phrase_lists_in(text, LISTS), "{text}");
        }
    }

    #[test]
    fn phrase_count_adds_up_every_list() {
        assert_eq!(phrase_count(LISTS), 9);
        assert_eq!(phrase_count(&[]), 0);
    }

    #[test]
    #[should_panic(expected = "lower case")]
    fn capitals_are_refused() {
        PhraseTable::<1>::new(&[&["Lawyer"]]);
    }

    #[test]
    #[should_panic(expected = "trimmed")]
    fn untrimmed_phrases_are_refused() {
        PhraseTable::<1>::new(&[&["lawyer "]]);
    }

    #[test]
    #[should_panic(expected = "phrase_count")]
    fn a_wrong_count_is_refused() {
        PhraseTable::<2>::new(&[&["lawyer"]]);
    }
}
