//! Names and companies people state in the text: "my name is …", "I work
//! at …", "this is Jane from …", in English, German, French, Spanish,
//! Italian, Dutch and Portuguese.
//!
//! A trigger phrase matches ignoring case where a word starts; the name or
//! company after it (past spaces or tabs) is case-sensitive and must be
//! capitalised (see [`crate::scan`]). The first place in the text where a
//! trigger is followed by a name or company wins.

use crate::first_words::FirstWords;
use crate::scan::{blanks_end, company_end, name_end, name_ends, phrase_end, word_starts, words};
use crate::triggers::Triggers;

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
const INTRODUCTION: Triggers = Triggers::new(&["this is"]);

/// The first words of [`NAME_PHRASES`], [`COMPANY_PHRASES`] and
/// [`INTRODUCTION`], so that most words are passed over after one look.
const FIRST_WORDS: FirstWords = FirstWords::of(&[&NAME_PHRASES, &COMPANY_PHRASES, &INTRODUCTION]);

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

/// The name and the company people state in a text.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stated {
    /// The name given by "my name is …" phrasing.
    pub name: Option<String>,
    /// The company given by "I work at …" or "this is Jane from …" phrasing.
    pub company: Option<String>,
}

impl Stated {
    /// The first name and the first company stated in `text`, in one walk
    /// over the starts of its words that stops once both are found.
    pub fn find(text: &str) -> Self {
        let mut stated = Self::default();
        let openers = words(text).filter(|word| FIRST_WORDS.may_start(text, word.clone()));
        for at in openers.map(|word| word.start) {
            if stated.name.is_none() {
                stated.name = stated_after(text, at, &NAME_PHRASES, name_end);
            }
            if stated.company.is_none() {
                stated.company = stated_after(text, at, &COMPANY_PHRASES, company_end)
                    .or_else(|| introduced_company(text, at));
            }
            if stated.name.is_some() && stated.company.is_some() {
                break;
            }
        }
        stated
    }
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
    let introduction = INTRODUCTION.starting_at(text, at).next()?;
    let name_start = after_phrase(text, at, introduction)?;
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
    fn one_walk_finds_the_first_name_and_the_first_company() {
        let text = "Hi, this is Jane from Initech, and my name is Jane Doe; I work at Acme.";
        assert_eq!(
            Stated::find(text),
            Stated {
                name: name_from_phrase(text),
                company: company_from_phrase(text),
            }
        );
        assert_eq!(Stated::find(text).name.as_deref(), Some("Jane Doe"));
        assert_eq!(Stated::find(text).company.as_deref(), Some("Initech"));
        assert_eq!(Stated::find("nothing here"), Stated::default());
    }

    #[test]
    fn every_trigger_passes_the_first_word_filter_however_written() {
        let lists = [&NAME_PHRASES, &COMPANY_PHRASES, &INTRODUCTION];
        for phrase in lists.iter().flat_map(|list| list.phrases()) {
            for text in [
                phrase.to_string(),
                phrase.to_uppercase(),
                phrase.replace('k', "\u{212A}").replace('s', "\u{17F}"),
            ] {
                let first = words(&text).next().expect("a first word");
                assert_eq!(first.start, 0, "{text}");
                assert!(FIRST_WORDS.may_start(&text, first), "{text}");
            }
        }
    }

    #[test]
    fn the_filtered_walk_finds_what_checking_every_word_finds() {
        for text in [
            "Hello, I ordered boots. On behalf of ACME Corp, my name is Jane Doe.",
            "Guten Tag, ich heiße Max Müller und ich arbeite bei Beispiel GmbH.",
            "Bonjour, je m’appelle Élodie et je travaille chez Société Générale.",
            "Olá! O meu nome é João; trabalho na Empresa Lda.",
            "THIS IS Jane Doe WITH Initech. Mijn naam is Pieter van der Berg.",
            "mythical my name is jane, chamo-me Ana, lavoro presso Fiat",
            "İ\u{212A} my name is Kelvin. I\u{212A} werk bij Ærø",
            "Hi,my name is Jane",
            "nothing to see here",
        ] {
            assert_eq!(
                Stated::find(text),
                Stated {
                    name: name_from_phrase(text),
                    company: company_from_phrase(text),
                },
                "{text}"
            );
        }
    }

    #[test]
    fn stated_phrases_written_with_the_kelvin_sign_or_long_s_are_found() {
        assert_eq!(
            Stated::find("I\u{212A} werk bij Initech")
                .company
                .as_deref(),
            Some("Initech")
        );
        assert_eq!(
            Stated::find("Hi, thi\u{17F} i\u{17F} Jane from Acme")
                .company
                .as_deref(),
            Some("Acme")
        );
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
