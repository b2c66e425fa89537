//! Names and companies people state in the text: "my name is …", "I work
//! at …", "this is Jane from …", in English, German, French, Spanish,
//! Italian, Dutch and Portuguese.
//!
//! A trigger phrase matches ignoring case where a word starts; the name or
//! company after it (past spaces or tabs) is case-sensitive and must be
//! capitalised (see [`crate::scan`]). The first place in the text where a
//! trigger is followed by a name or company wins.

use crate::chars::matches_ignoring_case;
use crate::scan::{blanks_end, company_end, name_end, name_ends, phrase_end, word_starts};

/// Phrases, lower-case, that put a person's name right after them.
const NAME_PHRASES: Triggers = Triggers::new(&[
    "my name is",
    "my name's",
    "ich heiße",
    "ich heisse",
    "mein name ist",
    "je m'appelle",
    "je m’appelle",
    "mon nom est",
    "me llamo",
    "mi nombre es",
    "mi chiamo",
    "il mio nome è",
    "mijn naam is",
    "ik heet",
    "meu nome é",
    "o meu nome é",
    "me chamo",
    "chamo-me",
]);

/// Phrases, lower-case, that put a company name right after them.
const COMPANY_PHRASES: Triggers = Triggers::new(&[
    "i work at",
    "i work for",
    "i'm with",
    "on behalf of",
    "ich arbeite bei",
    "ich arbeite für",
    "je travaille chez",
    "je travaille pour",
    "trabajo en",
    "trabajo para",
    "lavoro per",
    "lavoro presso",
    "lavoro in",
    "ik werk bij",
    "ik werk voor",
    "trabalho na",
    "trabalho no",
    "trabalho para",
]);

/// "This is" introduces a name, then one of [`AFFILIATIONS`] a company.
const INTRODUCTION: &str = "this is";

/// Words between an introduced name and the company ("this is Jane from
/// ACME"), lower-case.
const AFFILIATIONS: Triggers = Triggers::new(&["from", "at", "with"]);

/// The text from `start` to `end`, without trailing dots (a name or company
/// at the end of a sentence).
fn without_full_stop(text: &str, start: usize, end: usize) -> String {
    text[start..end].trim_end_matches('.').to_owned()
}

/// Where the text right after `phrase` at `at` continues: the phrase, then
/// blanks.
fn after_phrase(text: &str, at: usize, phrase: &str) -> Option<usize> {
    blanks_end(text, phrase_end(text, at, phrase)?)
}

/// Trigger phrases indexed by the ASCII letter they start with, so a word
/// is compared only with the phrases that start with its letter.
struct Triggers {
    phrases: &'static [&'static str],
    /// Per letter (`a` first), bit `i` is set when phrase `i` starts with it.
    by_first_letter: [u32; 26],
}

impl Triggers {
    /// Panics (at compile time, as the lists are `const`) unless there are
    /// at most 32 phrases and each starts with a lower-case ASCII letter.
    const fn new(phrases: &'static [&'static str]) -> Self {
        assert!(phrases.len() <= 32, "at most 32 triggers in a list");
        let mut by_first_letter = [0; 26];
        let mut i = 0;
        while i < phrases.len() {
            let first = phrases[i].as_bytes()[0];
            assert!(first.is_ascii_lowercase(), "a trigger starts with a-z");
            by_first_letter[(first - b'a') as usize] |= 1 << i;
            i += 1;
        }
        Self {
            phrases,
            by_first_letter,
        }
    }

    /// The phrases that could start at `at`: those whose first letter is the
    /// text's there, ignoring case.
    fn starting_at(&self, text: &str, at: usize) -> impl Iterator<Item = &'static str> {
        let first = text.get(at..).and_then(|rest| rest.chars().next());
        let candidates = match first {
            Some(c) if c.is_ascii_alphabetic() => {
                self.by_first_letter[usize::from(c.to_ascii_lowercase() as u8 - b'a')]
            }
            // Some other characters lower-case to an ASCII letter (`K`, the
            // Kelvin sign, to `k`): compare those with every phrase.
            Some(c) if !c.is_ascii() => u32::MAX,
            _ => 0,
        };
        set_bits(candidates)
            .map_while(|i| self.phrases.get(i).copied())
            .filter(move |phrase| {
                matches!((first, phrase.chars().next()), (Some(c), Some(wanted)) if matches_ignoring_case(c, wanted))
            })
    }
}

/// The positions of the set bits of `bits`, lowest first.
fn set_bits(mut bits: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let lowest = bits.trailing_zeros();
        bits &= bits.wrapping_sub(1);
        (lowest < u32::BITS).then_some(lowest as usize)
    })
}

/// What one of `phrases` at `at` states: the phrase, blanks, then a match of
/// `scan` (a name or a company), without a trailing full stop.
fn stated_after(
    text: &str,
    at: usize,
    phrases: &Triggers,
    scan: impl Fn(&str, usize) -> Option<usize>,
) -> Option<String> {
    phrases.starting_at(text, at).find_map(|phrase| {
        let start = after_phrase(text, at, phrase)?;
        let end = scan(text, start)?;
        Some(without_full_stop(text, start, end))
    })
}

/// The name given by "my name is …" phrasing, in any supported language.
pub fn name_from_phrase(text: &str) -> Option<String> {
    word_starts(text).find_map(|at| stated_after(text, at, &NAME_PHRASES, name_end))
}

/// The company given by "I work at …" or "this is Jane from …" phrasing.
pub fn company_from_phrase(text: &str) -> Option<String> {
    word_starts(text).find_map(|at| {
        stated_after(text, at, &COMPANY_PHRASES, company_end)
            .or_else(|| introduced_company(text, at))
    })
}

/// The company of "this is NAME from|at|with COMPANY" at `at`. The name
/// may end after any of its words, longest first, so "This is Jane At
/// Acme" still finds "Acme".
fn introduced_company(text: &str, at: usize) -> Option<String> {
    let name_start = after_phrase(text, at, INTRODUCTION)?;
    name_ends(text, name_start)
        .into_iter()
        .rev()
        .find_map(|name_end| {
            let affiliation_start = blanks_end(text, name_end)?;
            stated_after(text, affiliation_start, &AFFILIATIONS, company_end)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_must_start_a_word() {
        assert_eq!(name_from_phrase("the enemy name is Jane"), None);
        assert_eq!(
            name_from_phrase("Hi,my name is Jane").as_deref(),
            Some("Jane")
        );
        assert_eq!(company_from_phrase("Bi work at Initech"), None);
    }

    #[test]
    fn triggers_ignore_case_but_names_do_not() {
        assert_eq!(
            name_from_phrase("MY NAME IS Søren Kierkegaard.").as_deref(),
            Some("Søren Kierkegaard")
        );
        assert_eq!(name_from_phrase("my name is jane"), None);
        assert_eq!(company_from_phrase("I WORK AT acme"), None);
    }

    #[test]
    fn the_first_trigger_followed_by_a_name_wins() {
        assert_eq!(
            name_from_phrase("my name is jane; ich heiße Max, mein Name ist Moritz").as_deref(),
            Some("Max")
        );
    }

    #[test]
    fn names_after_triggers_in_several_languages() {
        for (text, name) in [
            (
                "me llamo José María Aznar López y Pérez",
                "José María Aznar López",
            ),
            ("je m’appelle Ærø", "Ærø"),
            ("je m'appelle Jean-Luc O'Neil.", "Jean-Luc O'Neil"),
            ("il mio nome è Giulia", "Giulia"),
            ("Olá, o meu nome é João da Silva", "João da Silva"),
            ("chamo-me\tAna", "Ana"),
            ("my name is J.", "J"),
        ] {
            assert_eq!(name_from_phrase(text).as_deref(), Some(name), "{text}");
        }
        assert_eq!(name_from_phrase("my name is\nJane"), None);
    }

    #[test]
    fn companies_after_triggers() {
        for (text, company) in [
            ("I work for Widgets & Co.", "Widgets & Co"),
            ("on behalf of AT&T Inc., I", "AT&T Inc"),
            ("Je travaille chez Société Générale", "Société Générale"),
            ("THIS IS Jane Doe WITH Initech", "Initech"),
        ] {
            assert_eq!(
                company_from_phrase(text).as_deref(),
                Some(company),
                "{text}"
            );
        }
    }

    #[test]
    fn an_introduced_name_gives_back_words_to_find_the_company() {
        assert_eq!(
            company_from_phrase("this is Jane At Acme").as_deref(),
            Some("Acme")
        );
        assert_eq!(company_from_phrase("this is jane from Acme"), None);
        assert_eq!(company_from_phrase("this is Jane Doe"), None);
    }
}
