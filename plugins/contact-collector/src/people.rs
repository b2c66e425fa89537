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
    let lower = raw.to_lowercase();
    if GENERIC_NAMES.contains(&lower.as_str()) || lower == address.local_part().to_lowercase() {
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
    let lines: Vec<&str> = new_text.lines().collect();
    let mut block = Vec::new();
    if let Some(i) = lines.iter().rposition(|l| sign_off_rest(l).is_some()) {
        if let Some(rest) = sign_off_rest(lines[i]).filter(|r| !r.is_empty()) {
            block.push(rest.to_owned());
        }
        block.extend(lines[i + 1..].iter().map(|l| l.trim().to_owned()));
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
    for sep in [" | ", " / ", " – ", " - ", " · ", ", "] {
        joined = joined.replace(sep, "\u{1}");
    }
    let mut parts: Vec<String> = Vec::new();
    for part in joined
        .split('\u{1}')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let is_form = COMPANY_FORMS.contains(&part.to_lowercase().as_str());
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

fn words_lower(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.trim_matches([',', ';', '(', ')']).to_lowercase())
        .collect()
}

fn looks_like_name(part: &str, may_be_single_word: bool) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let lower = words_lower(part);
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
        && !GENERIC_NAMES.contains(&part.to_lowercase().as_str())
        && !lower
            .iter()
            .any(|w| TITLE_WORDS.contains(&w.as_str()) || COMPANY_FORMS.contains(&w.as_str()))
}

fn looks_like_company(part: &str, near_name: bool) -> bool {
    let lower = words_lower(part);
    if lower.iter().any(|w| COMPANY_FORMS.contains(&w.as_str())) && part.chars().count() <= 60 {
        return true;
    }
    near_name
        && (1..=5).contains(&lower.len())
        && part.chars().next().is_some_and(|c| c.is_uppercase())
        && !part.chars().any(|c| c.is_ascii_digit() || c == ':')
        && !lower.iter().any(|w| TITLE_WORDS.contains(&w.as_str()))
        && sign_off_rest(part).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

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
