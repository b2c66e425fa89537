//! Scanners for the words around a name or company: trigger phrases matched
//! ignoring case at a word boundary, capitalised names with particles, and
//! company names. Each takes the text and a byte offset and answers the byte
//! offset where its match ends; none needs building before use.
//!
//! Where a scanner stands for a pattern, it matches what the pattern would,
//! leftmost-first and greedy:
//!
//! * blanks: `[ \t]+`
//! * a name: `\p{Lu}[\p{L}'’\-]*\.?`, then up to three times
//!   `[ \t]+(?:PARTICLE[ \t]+)*\p{Lu}[\p{L}'’\-]*`
//! * a company: `\p{Lu}[\p{L}\p{N}&'’.\-]*`, then up to four times
//!   `[ \t]+(?:&[ \t]+)?[\p{Lu}\p{N}][\p{L}\p{N}&'’.\-]*`

use std::ops::Range;

use crate::chars::{is_letter, is_number, is_upper_letter, is_word_char, matches_ignoring_case};

/// Lower-case particles allowed between the words of a name ("Pieter van
/// der Berg", "José de la Cruz"). Case-sensitive: "Van" is a name word.
pub const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "da", "di", "del", "della", "la", "le", "dos", "das", "du",
    "ter", "ten", "y", "e",
];

/// Most words in a name.
const MAX_NAME_WORDS: usize = 4;

/// Most words in a company name.
const MAX_COMPANY_WORDS: usize = 5;

fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

/// The end of the run of characters from `at` that satisfy `keep`.
fn end_of_run(text: &str, at: usize, keep: impl Fn(char) -> bool) -> usize {
    let rest = text.get(at..).unwrap_or("");
    at + rest.find(|c: char| !keep(c)).unwrap_or(rest.len())
}

/// Byte offsets where a word starts: a word character with no word
/// character before it (a Unicode `\b` followed by a word).
pub fn word_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    words(text).map(|word| word.start)
}

/// The words of `text`, as byte ranges: each a run of word characters
/// from a word start (see [`word_starts`]) to the next non-word character.
/// ASCII is read byte by byte; only other characters are decoded.
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        // `at` is never inside a word here: find the next word character.
        loop {
            let &byte = bytes.get(at)?;
            let length = if byte.is_ascii() {
                if is_ascii_word_byte(byte) {
                    break;
                }
                1
            } else {
                let c = char_at(text, at)?;
                if is_word_char(c) {
                    break;
                }
                c.len_utf8()
            };
            at += length;
        }
        let start = at;
        at = word_end(text, at);
        Some(start..at)
    })
}

/// An ASCII word character (`[0-9A-Za-z_]`).
fn is_ascii_word_byte(byte: u8) -> bool {
    ASCII_WORD_BYTES[usize::from(byte)]
}

/// Per byte, whether it is an ASCII word character: one look-up where the
/// tests would take several comparisons.
const ASCII_WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == b'_';
        b += 1;
    }
    table
};

/// The end of the run of word characters from `at`.
#[inline]
fn word_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = at;
    loop {
        while end < bytes.len() && is_ascii_word_byte(bytes[end]) {
            end += 1;
        }
        match bytes.get(end) {
            Some(b) if !b.is_ascii() => match char_at(text, end) {
                Some(c) if is_word_char(c) => end += c.len_utf8(),
                _ => return end,
            },
            _ => return end,
        }
    }
}

/// The end of `phrase` (lower-case) when the text at `at` spells it,
/// ignoring case. Compared byte by byte while both are ASCII, then
/// character by character.
pub fn phrase_end(text: &str, at: usize, phrase: &str) -> Option<usize> {
    let rest = text.get(at..)?;
    let (text_bytes, phrase_bytes) = (rest.as_bytes(), phrase.as_bytes());
    let mut ascii = 0;
    while let (Some(&wanted), Some(&b)) = (phrase_bytes.get(ascii), text_bytes.get(ascii)) {
        if !wanted.is_ascii() || !b.is_ascii() {
            break;
        }
        if b != wanted && b.to_ascii_lowercase() != wanted {
            return None;
        }
        ascii += 1;
    }
    // Both have only ASCII before `ascii`, so it is a character boundary
    // of each.
    let mut text_chars = rest[ascii..].char_indices();
    for wanted in phrase[ascii..].chars() {
        let (_, c) = text_chars.next()?;
        if !matches_ignoring_case(c, wanted) {
            return None;
        }
    }
    Some(
        text_chars
            .next()
            .map_or(text.len(), |(offset, _)| at + ascii + offset),
    )
}

/// The end of one or more spaces or tabs at `at` (`[ \t]+`).
pub fn blanks_end(text: &str, at: usize) -> Option<usize> {
    let end = end_of_run(text, at, |c| c == ' ' || c == '\t');
    (end > at).then_some(end)
}

/// The end of a capitalised word at `at`: an uppercase letter, then
/// letters, apostrophes and hyphens.
fn capitalised_word_end(text: &str, at: usize) -> Option<usize> {
    let first = char_at(text, at).filter(|&c| is_upper_letter(c))?;
    let is_name_char = |c: char| is_letter(c) || matches!(c, '\'' | '’' | '-');
    Some(end_of_run(text, at + first.len_utf8(), is_name_char))
}

/// The end of a name particle at `at` and the blanks after it.
fn particle_end(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    PARTICLES
        .iter()
        .filter(|particle| rest.starts_with(*particle))
        .find_map(|particle| blanks_end(text, at + particle.len()))
}

/// The end of the next word of a name after `at`: blanks, any particles,
/// then a capitalised word.
fn next_name_word_end(text: &str, at: usize) -> Option<usize> {
    let mut word_start = blanks_end(text, at)?;
    while let Some(after_particle) = particle_end(text, word_start) {
        word_start = after_particle;
    }
    capitalised_word_end(text, word_start)
}

/// Where a name starting at `at` can end, shortest first: after each of its
/// one to four capitalised words (the first may end in `.`). Empty when no
/// name starts at `at`.
pub fn name_ends(text: &str, at: usize) -> Vec<usize> {
    let Some(mut end) = capitalised_word_end(text, at) else {
        return Vec::new();
    };
    if text[end..].starts_with('.') {
        end += 1;
    }
    let mut ends = vec![end];
    while ends.len() < MAX_NAME_WORDS
        && let Some(next_end) = next_name_word_end(text, end)
    {
        end = next_end;
        ends.push(end);
    }
    ends
}

/// The end of the longest name starting at `at`.
pub fn name_end(text: &str, at: usize) -> Option<usize> {
    name_ends(text, at).last().copied()
}

fn is_company_char(c: char) -> bool {
    is_letter(c) || is_number(c) || matches!(c, '&' | '\'' | '’' | '.' | '-')
}

/// The end of the next word of a company after `at`: blanks, optionally a
/// standalone `&` and more blanks, then a word starting with an uppercase
/// letter or a digit.
fn next_company_word_end(text: &str, at: usize) -> Option<usize> {
    let mut word_start = blanks_end(text, at)?;
    if text[word_start..].starts_with('&')
        && let Some(after_ampersand) = blanks_end(text, word_start + 1)
    {
        word_start = after_ampersand;
    }
    let first = char_at(text, word_start).filter(|&c| is_upper_letter(c) || is_number(c))?;
    Some(end_of_run(
        text,
        word_start + first.len_utf8(),
        is_company_char,
    ))
}

/// The end of the longest company name starting at `at`: a capitalised
/// word, then up to four more words (see [`next_company_word_end`]).
pub fn company_end(text: &str, at: usize) -> Option<usize> {
    let first = char_at(text, at).filter(|&c| is_upper_letter(c))?;
    let mut end = end_of_run(text, at + first.len_utf8(), is_company_char);
    for _ in 1..MAX_COMPANY_WORDS {
        match next_company_word_end(text, end) {
            Some(next_end) => end = next_end,
            None => break,
        }
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name (all words) starting at `at`, as text.
    fn name_at(text: &str, at: usize) -> Option<&str> {
        name_end(text, at).map(|end| &text[at..end])
    }

    fn company_at(text: &str, at: usize) -> Option<&str> {
        company_end(text, at).map(|end| &text[at..end])
    }

    #[test]
    fn words_start_after_non_word_characters_only() {
        let starts: Vec<usize> = word_starts("my name,x_y ²ab").collect();
        // "²" is a number but not a word character; "_" is one.
        assert_eq!(starts, [0, 3, 8, 14]);
        // A combining accent continues the word it follows.
        assert_eq!(word_starts("e\u{301}my").collect::<Vec<_>>(), [0]);
        assert_eq!(
            word_starts("¡Olá, 日本—Ærø!_x").collect::<Vec<_>>(),
            [2, 8, 17, 23]
        );
        assert_eq!(word_starts("").count(), 0);
        assert_eq!(word_starts(" ,—").count(), 0);
    }

    #[test]
    fn words_run_from_their_start_to_the_next_non_word_character() {
        let text = "¡Olá, 日本—Ærø!_x e\u{301}my";
        let found: Vec<&str> = words(text).map(|word| &text[word]).collect();
        assert_eq!(found, ["Olá", "日本", "Ærø", "_x", "e\u{301}my"]);
        assert_eq!(words("").count(), 0);
    }

    #[test]
    fn phrases_match_ignoring_case_only_where_spelled() {
        assert_eq!(phrase_end("MY NAME IS Jane", 0, "my name is"), Some(10));
        // "ẞ" takes three bytes.
        assert_eq!(phrase_end("ICH HEIẞE Max", 0, "ich heiße"), Some(11));
        assert_eq!(phrase_end("my name iſ Jane", 0, "my name is"), Some(11));
        assert_eq!(phrase_end("my names", 0, "my name is"), None);
        assert_eq!(phrase_end("my name", 0, "my name is"), None);
        // Dotted capital I lower-cases to two characters, not to "i".
        assert_eq!(phrase_end("İ work at", 0, "i work at"), None);
        assert_eq!(phrase_end("x", 5, "x"), None);
    }

    #[test]
    fn blanks_are_spaces_and_tabs_only() {
        assert_eq!(blanks_end(" \t x", 0), Some(3));
        assert_eq!(blanks_end("\nx", 0), None);
        assert_eq!(blanks_end("x", 0), None);
    }

    #[test]
    fn names_are_one_to_four_capitalised_words() {
        assert_eq!(name_at("Jane Doe and", 0), Some("Jane Doe"));
        assert_eq!(name_ends("Jane Doe", 0), [4, 8]);
        assert_eq!(
            name_at("Anna Maria Luisa Theresa Schmidt", 0),
            Some("Anna Maria Luisa Theresa")
        );
        assert_eq!(name_at("jane Doe", 0), None);
        assert_eq!(name_at("Jane\tDoe\nSmith", 0), Some("Jane\tDoe"));
        assert_eq!(name_at("Jane, Doe", 0), Some("Jane"));
    }

    #[test]
    fn only_the_first_name_word_may_end_in_a_full_stop() {
        assert_eq!(name_at("J. Doe", 0), Some("J. Doe"));
        assert_eq!(name_at("Jane D. Smith", 0), Some("Jane D"));
    }

    #[test]
    fn particles_join_name_words_but_are_not_words_themselves() {
        assert_eq!(
            name_at("Pieter van der Berg", 0),
            Some("Pieter van der Berg")
        );
        assert_eq!(
            name_at("María de la Cruz y Pérez López", 0),
            Some("María de la Cruz y Pérez López")
        );
        // A particle needs a capitalised word after it.
        assert_eq!(name_at("Jan van der", 0), Some("Jan"));
        // Not a particle, and particles are case-sensitive.
        assert_eq!(name_at("Jan vander Berg", 0), Some("Jan"));
        assert_eq!(name_at("Anna Van Dijk", 0), Some("Anna Van Dijk"));
        // Particles do not count towards the four words.
        assert_eq!(
            name_at("Ana de Souza e Silva dos Santos y Lima", 0),
            Some("Ana de Souza e Silva dos Santos")
        );
    }

    #[test]
    fn names_keep_apostrophes_hyphens_and_non_ascii_letters() {
        for name in [
            "O'Neil",
            "D’Angelo",
            "Jean-Luc Picard",
            "Søren Kierkegaard",
            "José María",
            "Ærø",
            "Élodie Ødegaard",
            "Жанна Иванова",
        ] {
            assert_eq!(name_at(name, 0), Some(name), "{name}");
        }
    }

    #[test]
    fn capital_looking_symbols_do_not_start_a_name() {
        assert_eq!(name_at("Ⅻ", 0), None);
        assert_eq!(name_at("Ⓐnna", 0), None);
        // A decomposed accent is not a letter: the word stops before it.
        assert_eq!(name_at("Jose\u{301} Doe", 0), Some("Jose"));
    }

    #[test]
    fn companies_are_up_to_five_words_with_digits_and_ampersands() {
        assert_eq!(company_at("Widgets & Co ltd", 0), Some("Widgets & Co"));
        assert_eq!(company_at("AT&T Inc. is", 0), Some("AT&T Inc."));
        assert_eq!(company_at("Acme 3M Labs", 0), Some("Acme 3M Labs"));
        assert_eq!(company_at("A B C D E F", 0), Some("A B C D E"));
        assert_eq!(company_at("Acme &Co", 0), Some("Acme"));
        assert_eq!(company_at("Acme & co", 0), Some("Acme"));
        assert_eq!(company_at("3M", 0), None);
        assert_eq!(company_at("acme", 0), None);
    }
}
