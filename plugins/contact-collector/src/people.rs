//! Names and companies from the `From` display name and from the lines under
//! a sign-off. Stated ones ("my name is …") are [`crate::phrases`]'s.

use mailbot_guest::Address;

use crate::phone::find_phone;
use crate::scan::{PARTICLES, phrase_end};
use crate::triggers::Triggers;

/// Sign-off lines, lower-case, without trailing punctuation.
const SIGN_OFFS: Triggers = Triggers::new(&[
    "best",
    "best regards",
    "kind regards",
    "regards",
    "warm regards",
    "warmest regards",
    "many thanks",
    "thanks",
    "thank you",
    "thanks again",
    "thanks in advance",
    "cheers",
    "sincerely",
    "yours sincerely",
    "yours truly",
    "yours faithfully",
    "all the best",
    "br",
    "with best regards",
    "mit freundlichen grüßen",
    "mit freundlichen grüssen",
    "mit freundlichen gruessen",
    "freundliche grüße",
    "viele grüße",
    "beste grüße",
    "liebe grüße",
    "herzliche grüße",
    "grüße",
    "gruß",
    "lg",
    "mfg",
    "vg",
    "cordialement",
    "bien cordialement",
    "bien à vous",
    "salutations",
    "meilleures salutations",
    "sincères salutations",
    "merci",
    "merci beaucoup",
    "bonne journée",
    "saludos",
    "saludos cordiales",
    "un saludo",
    "atentamente",
    "gracias",
    "muchas gracias",
    "un abrazo",
    "cordiali saluti",
    "distinti saluti",
    "saluti",
    "grazie",
    "un saluto",
    "buona giornata",
    "met vriendelijke groet",
    "met vriendelijke groeten",
    "vriendelijke groet",
    "groeten",
    "groetjes",
    "hartelijke groet",
    "mvg",
    "bedankt",
    "atenciosamente",
    "cumprimentos",
    "melhores cumprimentos",
    "abraços",
    "um abraço",
    "obrigado",
    "obrigada",
    "saudações",
]);

/// Words that mark a legal form, so the line names a company.
const COMPANY_FORMS: &[&str] = &[
    "inc",
    "inc.",
    "ltd",
    "ltd.",
    "llc",
    "l.l.c.",
    "gmbh",
    "ag",
    "corp",
    "corp.",
    "corporation",
    "co.",
    "s.a.",
    "sa",
    "sas",
    "sarl",
    "s.l.",
    "sl",
    "s.r.l.",
    "srl",
    "s.p.a.",
    "spa",
    "b.v.",
    "bv",
    "n.v.",
    "nv",
    "lda",
    "ltda",
    "limited",
    "plc",
    "kg",
    "ohg",
    "e.v.",
    "ug",
    "gbr",
    "oy",
    "ab",
    "aps",
    "pty",
    "company",
    "group",
    "co",
];

/// Words that mark a job title rather than a company.
const TITLE_WORDS: &[&str] = &[
    "manager",
    "director",
    "engineer",
    "developer",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "founder",
    "co-founder",
    "owner",
    "head",
    "lead",
    "officer",
    "assistant",
    "consultant",
    "specialist",
    "president",
    "vp",
    "coordinator",
    "analyst",
    "designer",
    "administrator",
    "accountant",
    "architect",
    "intern",
    "representative",
    "executive",
    "secretary",
    "geschäftsführer",
    "geschäftsführerin",
    "leiter",
    "leiterin",
    "inhaber",
    "inhaberin",
    "directeur",
    "directrice",
    "gérant",
    "gerente",
    "responsable",
    "ingénieur",
    "ingeniero",
    "diretor",
    "diretora",
    "responsabile",
    "medewerker",
    "eigenaar",
    "sales",
    "support",
    "marketing",
];

/// Display names that name a role or a system, not a person.
const GENERIC_NAMES: &[&str] = &[
    "support",
    "info",
    "admin",
    "sales",
    "team",
    "noreply",
    "no-reply",
    "no reply",
    "customer service",
    "billing",
    "office",
    "contact",
    "hello",
    "mail",
    "mailer-daemon",
    "postmaster",
    "webmaster",
    "notifications",
    "newsletter",
];

/// A person's name from a `From` display name: quotes stripped, "Doe, Jane"
/// turned into "Jane Doe"; `None` for role names and address-like names.
pub fn display_name(address: &Address) -> Option<String> {
    let raw = address
        .name
        .as_deref()?
        .trim()
        .trim_matches(['"', '\''])
        .trim();
    if raw.is_empty() || raw.contains('@') || !raw.chars().any(char::is_alphabetic) {
        return None;
    }
    if is_listed(raw, GENERIC_NAMES) || same_ignoring_case(raw, address.local_part()) {
        return None;
    }
    let name = match raw.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() && !last.trim().contains(' ') => {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => raw.to_owned(),
    };
    Some(name.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// What the lines of a signature block say.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SignatureInfo {
    /// The person's name.
    pub name: Option<String>,
    /// The company.
    pub company: Option<String>,
    /// A phone number.
    pub phone: Option<String>,
}

/// The lines under the last sign-off of `new_text` (and any name on the
/// sign-off line itself, as in "Best, Jane"), followed by the lines of the
/// separated `signature_text`. Empty when there is neither.
pub fn signature_lines(new_text: &str, signature_text: &str) -> Vec<String> {
    let mut block = Vec::new();
    // Looked for from the end, without keeping the lines before it.
    if let Some(after) = new_text
        .lines()
        .rev()
        .position(|l| sign_off_rest(l).is_some())
    {
        let mut from_end: Vec<&str> = new_text.lines().rev().take(after + 1).collect();
        let sign_off = from_end.pop().expect("the sign-off line");
        if let Some(rest) = sign_off_rest(sign_off).filter(|r| !r.is_empty()) {
            block.push(rest.to_owned());
        }
        block.extend(from_end.iter().rev().map(|l| l.trim().to_owned()));
    }
    block.extend(signature_text.lines().map(|l| l.trim().to_owned()));
    block.retain(|l| !l.is_empty() && l != "--" && l != "-- ");
    block.truncate(10);
    block
}

/// When `line` is a sign-off, what follows it on the same line.
///
/// The sign-off is matched ignoring case character by character against
/// `line` itself, so the answer is a slice of `line` at offsets found in it.
/// (Offsets found in a lower-cased copy do not fit the original where
/// lower-casing changes a character's length in bytes: `İ`, `ẞ`, the Kelvin
/// sign.) Only the sign-off's length of the line is looked at, not the whole
/// line lower-cased.
fn sign_off_rest(line: &str) -> Option<&str> {
    let trimmed = line.trim();
    SIGN_OFFS.starting_at(trimmed, 0).find_map(|s| {
        let rest = &trimmed[phrase_end(trimmed, 0, s)?..];
        let rest_trimmed = rest.trim_start_matches([',', '!', '.', ' ', '-', '–']);
        let ends_word = rest.chars().next().is_none_or(|c| !c.is_alphanumeric());
        // "Best, Jane" carries a name; "Thanks for the help" is a sentence.
        let ok = ends_word && (rest_trimmed.is_empty() || rest.starts_with(','));
        ok.then(|| rest_trimmed.trim())
    })
}

/// Reads name, company and phone from signature lines.
pub fn parse_signature(lines: &[String]) -> SignatureInfo {
    let mut info = SignatureInfo::default();
    let mut name_line = None;
    for (i, line) in lines.iter().enumerate() {
        if info.phone.is_none()
            && let Some(phone) = find_phone(line, true)
        {
            info.phone = Some(phone);
            continue;
        }
        if line.contains('@') || line.contains("://") || phrase_end(line, 0, "www.").is_some() {
            continue;
        }
        for (j, part) in line_parts(line).iter().enumerate() {
            if info.name.is_none() && j == 0 && i <= 1 && looks_like_name(part, i == 0) {
                info.name = Some(part.clone());
                name_line = Some(i);
            } else if info.company.is_none() {
                let near_name = name_line.is_some_and(|n| i <= n + 2);
                if looks_like_company(part, near_name) {
                    info.company = Some(part.clone());
                }
            }
        }
    }
    info
}

/// Splits "Jane Doe | ACME Corp" style lines into their parts, keeping a
/// legal form that follows a comma with its company ("ACME, Inc.").
fn line_parts(line: &str) -> Vec<String> {
    let mut joined = line.split_whitespace().collect::<Vec<_>>().join(" ");
    for (sep, mark) in [
        (" | ", '|'),
        (" / ", '/'),
        (" – ", '–'),
        (" - ", '-'),
        (" · ", '·'),
        (", ", ','),
    ] {
        // Most lines have none of the separators: look for the character
        // that marks one before building a searcher for it.
        if joined.contains(mark) {
            joined = joined.replace(sep, "\u{1}");
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for part in joined
        .split('\u{1}')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let is_form = is_listed(part, COMPANY_FORMS);
        match parts.last_mut() {
            Some(last) if is_form => {
                last.push_str(", ");
                last.push_str(part);
            }
            _ => parts.push(part.to_owned()),
        }
    }
    parts
}

/// The words of `text` without the punctuation around them.
fn bare_words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .map(|w| w.trim_matches([',', ';', '(', ')']))
}

/// True when `text`, lower-cased, is one of `list` (lower-case). ASCII text
/// is compared without building its lower case.
fn is_listed(text: &str, list: &[&str]) -> bool {
    if text.is_ascii() {
        list.iter().any(|item| item.eq_ignore_ascii_case(text))
    } else {
        list.contains(&text.to_lowercase().as_str())
    }
}

/// True when `a` and `b` are the same lower-cased. ASCII is compared
/// without building the lower case.
fn same_ignoring_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

fn looks_like_name(part: &str, may_be_single_word: bool) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let shape_ok = words.iter().all(|w| {
        PARTICLES.contains(w)
            || (w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’')))
    });
    let count_ok = if may_be_single_word {
        (1..=4).contains(&words.len())
    } else {
        (2..=4).contains(&words.len())
    };
    shape_ok
        && count_ok
        && part.chars().count() <= 40
        && sign_off_rest(part).is_none()
        && !is_listed(part, GENERIC_NAMES)
        && !bare_words(part).any(|w| is_listed(w, TITLE_WORDS) || is_listed(w, COMPANY_FORMS))
}

fn looks_like_company(part: &str, near_name: bool) -> bool {
    if bare_words(part).any(|w| is_listed(w, COMPANY_FORMS)) && part.chars().count() <= 60 {
        return true;
    }
    near_name
        && (1..=5).contains(&bare_words(part).count())
        && part.chars().next().is_some_and(|c| c.is_uppercase())
        && !part.chars().any(|c| c.is_ascii_digit() || c == ':')
        && !bare_words(part).any(|w| is_listed(w, TITLE_WORDS))
        && sign_off_rest(part).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_words_are_found_in_any_case_as_lower_casing_would() {
        for text in ["GmbH", "gmbh", "INC.", "Geschäftsführer", "GESCHÄFTSFÜHRER"] {
            let lowered = text.to_lowercase();
            let want = COMPANY_FORMS.contains(&lowered.as_str())
                || TITLE_WORDS.contains(&lowered.as_str());
            assert!(want, "{text}");
            assert!(
                is_listed(text, COMPANY_FORMS) || is_listed(text, TITLE_WORDS),
                "{text}"
            );
        }
        // The Kelvin sign lower-cases to `k`; `ſ` stays itself.
        assert!(is_listed("\u{212A}G", COMPANY_FORMS));
        assert!(!is_listed("\u{17F}a", COMPANY_FORMS));
        assert!(!is_listed("gmbh.", COMPANY_FORMS));
        assert!(!is_listed("", COMPANY_FORMS));
    }

    #[test]
    fn case_is_ignored_in_comparisons_as_lower_casing_both_would() {
        assert!(same_ignoring_case("Jane", "JANE"));
        assert!(same_ignoring_case("Jürgen", "JÜRGEN"));
        assert!(same_ignoring_case("\u{212A}im", "kim"));
        assert!(!same_ignoring_case("Jane", "Jan"));
        assert!(!same_ignoring_case("\u{17F}am", "sam"));
    }

    #[test]
    fn lines_are_split_at_separators_only_where_they_stand() {
        assert_eq!(
            line_parts("Jane Doe | Head of Ops / Widgets & Co"),
            ["Jane Doe", "Head of Ops", "Widgets & Co"]
        );
        assert_eq!(line_parts("ACME, Inc."), ["ACME, Inc."]);
        assert_eq!(line_parts("Doe,Jane - x-ray"), ["Doe,Jane", "x-ray"]);
        assert_eq!(line_parts("a | | b"), ["a", "| b"]);
        assert_eq!(line_parts("Best regards,"), ["Best regards,"]);
    }

    #[test]
    fn sign_off_rest_is_what_follows_the_sign_off() {
        for (line, want) in [
            ("Best, Jane", Some("Jane")),
            ("  Kind regards, Jane Doe ", Some("Jane Doe")),
            ("Kind regards -- Jane", None),
            ("THANKS!", Some("")),
            ("Mit freundlichen Grüßen", Some("")),
            ("Thanks for the help", None),
            ("Bestellung 42", None),
        ] {
            assert_eq!(sign_off_rest(line), want, "{line:?}");
        }
    }

    /// Characters whose lower case is longer or shorter in UTF-8 than they
    /// are: `İ` (2 bytes, "i̇" 3), `ẞ` (3, `ß` 2), the Kelvin sign `K` (3,
    /// `k` 1) and the Ångström sign `Å` (3, `å` 2).
    #[test]
    fn sign_off_rest_keeps_names_whose_lower_case_changes_length() {
        for (line, want) in [
            ("Best, İsmail İnan", "İsmail İnan"),
            ("Best,İlker", "İlker"),
            ("Grüße, İlker Yılmaz", "İlker Yılmaz"),
            ("Best, ẞx", "ẞx"),
            ("Thanks, \u{212A}elvin", "\u{212A}elvin"),
            ("Cheers, \u{212B}sa", "\u{212B}sa"),
        ] {
            assert_eq!(sign_off_rest(line), Some(want), "{line:?}");
        }
    }

    #[test]
    fn sign_offs_written_with_case_changing_letters_are_recognised() {
        assert_eq!(sign_off_rest("MIT FREUNDLICHEN GRÜẞEN, Jan"), Some("Jan"));
        assert_eq!(sign_off_rest("THAN\u{212A}S, Jo"), Some("Jo"));
    }

    #[test]
    fn a_body_line_with_case_changing_letters_does_not_break_the_signature() {
        let text = "Hi,\nBest, ẞx was late again.\nThanks, \u{212A}elvin\nACME Corp";
        assert_eq!(
            signature_lines(text, ""),
            ["\u{212A}elvin".to_owned(), "ACME Corp".to_owned()]
        );
    }
}
