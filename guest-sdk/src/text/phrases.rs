//! Phrase matching: whether phrases occur in a text as whole words, ignoring
//! case, for one phrase or for several lists of them in one pass.
//!
//! A plugin runs in a fresh instance per hook, so nothing built here
//! outlives a call and everything is built per call, cheaply: the text is
//! lower-cased once, and the phrases are put into an [`Index`] keyed by the
//! first byte and the length of their first word. Walking the words of the
//! text once, only the phrases under that word's key are compared. A phrase
//! that starts with a word character can only match where a word of the
//! text starts, and only when that word is exactly as long as the phrase's
//! own first word (the character after it, in the phrase a non-word one or
//! the required boundary, ends the text's word at the same place).

use std::borrow::Cow;

/// First-word lengths an [`Index`] tells apart; longer ones share the last
/// slot.
const LENGTHS: usize = 8;

/// Index slots: one per first-word length and the low seven bits of the
/// first byte.
const SLOTS: usize = 128 * LENGTHS;

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
    let index = Index::new(lists);
    let found = index.search(&haystack.to_lowercase());
    let mut answer = vec![Vec::new(); lists.len()];
    for (phrase, found) in index.phrases.iter().zip(found) {
        if found {
            answer[phrase.list].push(phrase.given);
        }
    }
    answer
}

/// A letter or digit: what a phrase boundary separates.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The words of `text` as (byte offset, byte length): its maximal runs of
/// word characters.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = find_class(text, from, true)?;
        let end = find_class(text, start, false).unwrap_or(text.len());
        from = end;
        Some((start, end - start))
    })
}

/// The byte offset of the first character at or after `from` that is a word
/// character (`word`) or is not one (`!word`). Runs of ASCII are classified
/// byte by byte; only other characters are decoded.
#[inline]
fn find_class(text: &str, from: usize, word: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        at += bytes
            .get(at..)?
            .iter()
            .position(|b| !b.is_ascii() || b.is_ascii_alphanumeric() == word)?;
        if bytes[at].is_ascii() {
            return Some(at);
        }
        let c = text.get(at..)?.chars().next()?;
        if is_word_char(c) == word {
            return Some(at);
        }
        at += c.len_utf8();
    }
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

/// The slot of an [`Index`] for a word starting with byte `first` and
/// `length` bytes long. Words of lower-cased text start with an ASCII
/// letter or digit or with a UTF-8 lead byte; a lead byte may share a slot
/// with an ASCII byte, and long words share one. Every phrase in a slot is
/// compared in full, so sharing costs time, never a wrong answer.
fn slot(first: u8, length: usize) -> usize {
    usize::from(first & 0x7F) * LENGTHS + length.min(LENGTHS - 1)
}

/// One phrase to look for.
struct Phrase<'a> {
    /// As the caller gave it, for the answer.
    given: &'a str,
    /// The list it came from.
    list: usize,
    /// Trimmed and lower-cased: what is looked for.
    lower: Cow<'a, str>,
    /// Byte length of its leading word characters; 0 when it starts with
    /// another character and so may match anywhere.
    first_word: usize,
    /// Whether it ends with a word character, so a match needs a boundary
    /// after it.
    ends_word: bool,
    /// The next phrase in the same index slot.
    next: Option<usize>,
}

impl Phrase<'_> {
    /// True when the phrase matches the lower-cased `hay` at `start`, the
    /// start of a word.
    fn matches_at(&self, hay: &str, start: usize) -> bool {
        hay[start..].starts_with(&*self.lower) && self.bounded_after(hay, start)
    }

    /// True when a match at `start` is not glued to a word character after
    /// it (or needs no boundary there).
    fn bounded_after(&self, hay: &str, start: usize) -> bool {
        let after = hay[start + self.lower.len()..].chars().next();
        !(self.ends_word && after.is_some_and(is_word_char))
    }

    /// True when the phrase, which starts with a non-word character, occurs
    /// anywhere in the lower-cased `hay`.
    fn occurs_in(&self, hay: &str) -> bool {
        hay.match_indices(&*self.lower)
            .any(|(start, _)| self.bounded_after(hay, start))
    }
}

/// Phrases keyed by the first byte and the length of their first word, each
/// slot a chain through [`Phrase::next`].
struct Index<'a> {
    /// Every non-empty phrase, in list order.
    phrases: Vec<Phrase<'a>>,
    /// Per slot (see [`slot`]), the first phrase of its chain.
    slots: Vec<Option<usize>>,
    /// The phrases that start with a non-word character.
    anywhere: Vec<usize>,
}

impl<'a> Index<'a> {
    fn new(lists: &[&[&'a str]]) -> Self {
        let mut index = Self {
            phrases: Vec::with_capacity(lists.iter().map(|list| list.len()).sum()),
            slots: vec![None; SLOTS],
            anywhere: Vec::new(),
        };
        for (list, phrases) in lists.iter().enumerate() {
            for &given in *phrases {
                index.add(list, given);
            }
        }
        index
    }

    fn add(&mut self, list: usize, given: &'a str) {
        let lower = lower_cased(given);
        let Some(last) = lower.chars().next_back() else {
            return;
        };
        let first_word = find_class(&lower, 0, false).unwrap_or(lower.len());
        let i = self.phrases.len();
        let next = if first_word == 0 {
            self.anywhere.push(i);
            None
        } else {
            self.slots[slot(lower.as_bytes()[0], first_word)].replace(i)
        };
        self.phrases.push(Phrase {
            given,
            list,
            lower,
            first_word,
            ends_word: is_word_char(last),
            next,
        });
    }

    /// Which phrases occur in the lower-cased `hay`, by position.
    fn search(&self, hay: &str) -> Vec<bool> {
        let mut found = vec![false; self.phrases.len()];
        for (start, length) in words(hay) {
            let first = self.slots[slot(hay.as_bytes()[start], length)];
            for i in std::iter::successors(first, |&i| self.phrases[i].next) {
                let phrase = &self.phrases[i];
                if !found[i] && phrase.first_word == length && phrase.matches_at(hay, start) {
                    found[i] = true;
                }
            }
        }
        for &i in &self.anywhere {
            found[i] = self.phrases[i].occurs_in(hay);
        }
        found
    }
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
