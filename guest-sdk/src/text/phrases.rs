//! Phrase matching: whether phrases occur in a text as whole words, ignoring
//! case, for one phrase or for several lists of them in one pass.
//!
//! The text is lower-cased once and its words are walked once; each word is
//! compared only with the phrases whose first word could be it (see
//! [`slots`]). Phrases given at run time are indexed per call (a plugin runs
//! in a fresh instance per hook, so nothing outlives a call); fixed lists
//! are better put in a [`PhraseTable`], which the compiler indexes.
//!
//! - [`slots`]: the index layout and the search, shared by both.
//! - [`table`]: [`PhraseTable`], the compile-time index.

mod slots;
mod table;

use std::borrow::Cow;

use slots::{Entry, SLOT_STARTS, is_word_char, search, sort_into_slots, word_end};
pub use table::{PhraseTable, phrase_count};

/// True when `phrase` occurs in `haystack` as whole words, ignoring case:
/// `court` matches "see you in court!" but not "courtesy". A boundary is
/// only needed where the phrase itself starts or ends with a word character
/// (a letter or digit): "!!!" or "#urgent" match anywhere.
///
/// ```
/// use mailbot_guest::text::contains_phrase;
/// assert!(contains_phrase("See you in COURT!", "court"));
/// assert!(!contains_phrase("Thanks for your courtesy", "court"));
/// assert!(contains_phrase("Ich möchte mit einem Menschen sprechen", "einem menschen"));
/// assert!(contains_phrase("what!!! now", "!!!"));
/// ```
pub fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    !phrases_in(haystack, &[phrase]).is_empty()
}

/// The phrases of `phrases` that [`contains_phrase`] finds in `haystack`, in
/// list order, in one pass over the haystack.
///
/// ```
/// use mailbot_guest::text::phrases_in;
/// let found = phrases_in("I want a REFUND or I go to court", &["refund", "lawyer", "court"]);
/// assert_eq!(found, ["refund", "court"]);
/// ```
pub fn phrases_in<'a>(haystack: &str, phrases: &[&'a str]) -> Vec<&'a str> {
    phrase_lists_in(haystack, &[phrases])
        .pop()
        .unwrap_or_default()
}

/// [`phrases_in`] for several lists at once: for each list, the phrases of
/// it found in `haystack`, in list order. One pass over the haystack serves
/// all lists.
///
/// ```
/// use mailbot_guest::text::phrase_lists_in;
/// let found = phrase_lists_in(
///     "Refund me NOW or I call my lawyer",
///     &[&["lawyer", "court"], &["asap", "now"], &["urgent"]],
/// );
/// assert_eq!(found, [vec!["lawyer"], vec!["now"], vec![]]);
/// ```
pub fn phrase_lists_in<'a>(haystack: &str, lists: &[&[&'a str]]) -> Vec<Vec<&'a str>> {
    let lower: Vec<Cow<'_, str>> = lists
        .iter()
        .flat_map(|list| list.iter())
        .map(|phrase| lower_cased(phrase))
        .collect();
    // Empty phrases are never found, so they get no entry.
    let entries: Vec<Entry<'_>> = lower
        .iter()
        .enumerate()
        .filter_map(|(id, lower)| entry(lower, id))
        .collect();
    let mut sorted = vec![Entry::EMPTY; entries.len()];
    let mut starts = [0; SLOT_STARTS];
    sort_into_slots(&entries, &mut sorted, &mut starts);
    let mut found = vec![false; lower.len()];
    search(&sorted, &starts, &haystack.to_lowercase(), &mut found);
    answers(lists, &found)
}

/// The entry for the trimmed, lower-cased `lower`, the `id`-th phrase;
/// `None` when it is empty.
fn entry(lower: &str, id: usize) -> Option<Entry<'_>> {
    let last = lower.chars().next_back()?;
    Some(Entry {
        lower,
        id,
        first_word: word_end(lower, 0),
        ends_word: is_word_char(last),
    })
}

/// For each of `lists`, its phrases whose `found` flag is set (indexed by
/// position among all phrases of all lists), in list order.
fn answers<'a>(lists: &[&[&'a str]], found: &[bool]) -> Vec<Vec<&'a str>> {
    let mut found = found.iter();
    lists
        .iter()
        .map(|list| {
            list.iter()
                .filter(|_| found.next().is_some_and(|&f| f))
                .copied()
                .collect()
        })
        .collect()
}

/// `phrase` trimmed and lower-cased as [`str::to_lowercase`] does it,
/// borrowed when that changes nothing (the built-in lists are written in
/// lower case).
fn lower_cased(phrase: &str) -> Cow<'_, str> {
    let phrase = phrase.trim();
    let unchanged = if phrase.is_ascii() {
        !phrase.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        phrase.chars().all(is_own_lower_case)
    };
    if unchanged {
        Cow::Borrowed(phrase)
    } else {
        Cow::Owned(phrase.to_lowercase())
    }
}

/// True when lower-casing `c` gives `c` back.
fn is_own_lower_case(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_uppercase();
    }
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_phrase("ASAP please", "asap"));
        assert!(!contains_phrase("grasapple", "asap"));
        assert!(contains_phrase("what!!! now", "!!!"));
        assert!(contains_phrase("courtesy, then court", "court"));
        assert!(!contains_phrase("anything", ""));
        assert!(!contains_phrase("anything", "  "));
    }

    #[test]
    fn phrases_are_trimmed_and_lower_cased() {
        assert!(contains_phrase(
            "please cancel my account",
            " Cancel My Account "
        ));
        assert!(contains_phrase("VIELE GRÜSSE", "viele grüsse"));
        assert!(contains_phrase("Ich bin WÜTEND", "Wütend"));
    }

    #[test]
    fn phrases_with_inner_punctuation_need_the_same_first_word() {
        assert!(contains_phrase("it is TIME-SENSITIVE.", "time-sensitive"));
        assert!(!contains_phrase("overtime-sensitive", "time-sensitive"));
        assert!(contains_phrase("my name's Jane", "my name's"));
        assert!(!contains_phrase("my names Jane", "my name's"));
    }

    #[test]
    fn phrases_starting_with_punctuation_match_anywhere_but_end_at_a_boundary() {
        assert!(contains_phrase("tagged#urgent", "#urgent"));
        assert!(!contains_phrase("#urgently", "#urgent"));
        assert!(contains_phrase("#urgently or #urgent", "#urgent"));
        assert!(contains_phrase("m: +44", "m:"));
    }

    #[test]
    fn words_longer_than_the_index_tells_apart_still_match_exactly() {
        let long = "verbraucherzentrale";
        assert!(contains_phrase("Die Verbraucherzentrale hilft", long));
        assert!(!contains_phrase("Die Verbraucherzentralen helfen", long));
        assert!(!contains_phrase("Die Verbraucherzentral hilft", long));
        assert!(contains_phrase(
            "eine Rechtsschutzversicherung",
            "rechtsschutzversicherung"
        ));
    }

    #[test]
    fn phrases_are_found_at_either_end_and_after_non_ascii_text() {
        assert!(contains_phrase("refund", "refund"));
        assert!(contains_phrase("Grüße — Rückerstattung", "rückerstattung"));
        assert!(contains_phrase("日本 refund", "refund"));
        assert!(!contains_phrase("日本refund", "refund"));
        assert!(contains_phrase("¡Es urgente!", "urgente"));
    }

    #[test]
    fn every_list_gets_its_own_answer_in_list_order() {
        let found = phrase_lists_in(
            "scam! call my LAWYER, then a lawyer again",
            &[&["lawyer", "scam", "lawyer"], &[], &["fraud"], &["scam"]],
        );
        assert_eq!(
            found,
            [
                vec!["lawyer", "scam", "lawyer"],
                vec![],
                vec![],
                vec!["scam"]
            ]
        );
    }

    #[test]
    fn phrases_as_given_are_answered_not_their_lower_case() {
        assert_eq!(
            phrases_in("gdpr request", &["GDPR", "gdpr"]),
            ["GDPR", "gdpr"]
        );
    }
}
