//! Character classes and case folding for the scanners: the Unicode classes
//! the crate's patterns are defined by (`\p{Lu}`, `\p{L}`, `\p{N}`, `\w`),
//! answered from the standard library's tables plus a few `const` ranges, so
//! nothing is built at run time.
//!
//! The standard library's properties are slightly wider than the general
//! categories: `is_uppercase` also holds for Roman numerals and circled
//! letters, `is_alphabetic` for those and for combining marks that spell
//! vowels. The ranges below take out the ones Latin, Greek and Cyrillic text
//! meets; what is left are vowel signs of scripts without capitals, which a
//! capitalised name never continues into.

/// Combining diacritical marks: never letters, but word characters for a
/// word boundary (`\w` includes marks).
const COMBINING_MARKS: &[(char, char)] = &[
    ('\u{0300}', '\u{036F}'),
    ('\u{0483}', '\u{0489}'),
    ('\u{1AB0}', '\u{1AFF}'),
    ('\u{1DC0}', '\u{1DFF}'),
    ('\u{20D0}', '\u{20FF}'),
    ('\u{FE20}', '\u{FE2F}'),
];

/// Circled and squared Latin letters: alphabetic (and the capitals
/// uppercase) symbols, not letters.
const ENCLOSED_LETTERS: &[(char, char)] = &[('\u{24B6}', '\u{24E9}'), ('\u{1F130}', '\u{1F189}')];

/// Superscripts, fractions and circled numbers: numeric but not decimal
/// digits, so not word characters.
const OTHER_NUMBERS: &[(char, char)] = &[
    ('\u{00B2}', '\u{00B3}'),
    ('\u{00B9}', '\u{00B9}'),
    ('\u{00BC}', '\u{00BE}'),
    ('\u{2070}', '\u{2070}'),
    ('\u{2074}', '\u{2079}'),
    ('\u{2080}', '\u{2089}'),
    ('\u{2150}', '\u{215F}'),
    ('\u{2189}', '\u{2189}'),
    ('\u{2460}', '\u{249B}'),
    ('\u{24EA}', '\u{24FF}'),
    ('\u{2776}', '\u{2793}'),
];

/// Connector punctuation besides `_`, and the zero-width (non-)joiners:
/// word characters that are neither letters nor digits.
const OTHER_WORD_CHARS: &[(char, char)] = &[
    ('\u{200C}', '\u{200D}'),
    ('\u{203F}', '\u{2040}'),
    ('\u{2054}', '\u{2054}'),
    ('\u{FE33}', '\u{FE34}'),
    ('\u{FE4D}', '\u{FE4F}'),
    ('\u{FF3F}', '\u{FF3F}'),
];

fn in_ranges(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|&(low, high)| (low..=high).contains(&c))
}

/// An uppercase letter (`\p{Lu}`).
pub fn is_upper_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    c.is_uppercase() && !c.is_numeric() && !in_ranges(c, ENCLOSED_LETTERS)
}

/// A letter of any case or script (`\p{L}`).
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic()
        && !c.is_numeric()
        && !in_ranges(c, COMBINING_MARKS)
        && !in_ranges(c, ENCLOSED_LETTERS)
}

/// A number of any script (`\p{N}`).
pub fn is_number(c: char) -> bool {
    c.is_numeric()
}

/// A word character in the Unicode sense (`\w`): what a word boundary
/// (`\b`) separates from everything else.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    (c.is_alphanumeric() && !in_ranges(c, OTHER_NUMBERS))
        || in_ranges(c, COMBINING_MARKS)
        || in_ranges(c, OTHER_WORD_CHARS)
}

/// True when text character `c` matches pattern character `lower` ignoring
/// case. `lower` must be lower-case; `c` matches when it is `lower` or
/// lower-cases to it, and the long s `ſ` matches `s`, as simple Unicode case
/// folding has it. Exact for the Latin letters, `ß`, accented vowels and
/// punctuation the trigger phrases are written in.
pub fn matches_ignoring_case(c: char, lower: char) -> bool {
    if c == lower {
        return true;
    }
    if c.is_ascii() {
        return c.to_ascii_lowercase() == lower;
    }
    if c == 'ſ' {
        return lower == 's';
    }
    let mut lowered = c.to_lowercase();
    lowered.next() == Some(lower) && lowered.next().is_none()
}
