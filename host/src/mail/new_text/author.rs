//! The sender's own name, from the display name of `From`, and the lines
//! where they sign with it: "Jim Smith | Enrollment Manager", "Jim P.
//! Smith", "jim smith", or just "Jim" on the last line. A signature without
//! a delimiter or a sign-off is found this way.

/// A sender's first and last name, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    first: String,
    last: Option<String>,
}

/// Words of a name line: letters joined by dots, hyphens or apostrophes.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’')))
        .map(|w| w.trim_matches(['.', '-', '\'', '’']).to_lowercase())
        .filter(|w| !w.is_empty())
}

impl Author {
    /// The author named by a `From` display name ("Jim Smith", "Smith,
    /// Jim", "\"Jim P. Smith\""); `None` when it names no person (empty, an
    /// address, one letter).
    pub fn from_display_name(name: &str) -> Option<Author> {
        let name = name.trim().trim_matches(['"', '\'']);
        if name.contains('@') {
            return None;
        }
        // "Smith, Jim" is "Jim Smith".
        let ordered = match name.split_once(',') {
            Some((last, first)) if !first.trim().is_empty() => format!("{first} {last}"),
            _ => name.to_string(),
        };
        let mut words: Vec<String> = words(&ordered).collect();
        if words.first().is_none_or(|w| w.chars().count() < 2) {
            return None;
        }
        let first = words.remove(0);
        let last = words.pop().filter(|w| w.chars().count() >= 2);
        Some(Author { first, last })
    }

    /// True when `line` starts with the author's full name (a middle name
    /// or initial may sit between), followed by nothing or by a title,
    /// company or separator.
    pub fn signs_with_full_name(&self, line: &str) -> bool {
        let Some(last) = &self.last else {
            return false;
        };
        let mut words = words(line);
        words.next().as_deref() == Some(self.first.as_str()) && words.take(2).any(|w| &w == last)
    }

    /// True when `line` is the author's first name alone ("Jim", "- Jim").
    pub fn signs_with_first_name(&self, line: &str) -> bool {
        let mut words = words(line);
        words.next().as_deref() == Some(self.first.as_str()) && words.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(name: &str) -> Author {
        Author::from_display_name(name).unwrap_or_else(|| panic!("{name} names a person"))
    }

    #[test]
    fn display_names_in_either_order_name_the_same_person() {
        assert_eq!(author("Jim Smith"), author("\"Smith, Jim\""));
        assert_eq!(author("Jim P. Smith"), author("jim smith"));
        assert_eq!(Author::from_display_name("jim@example.com"), None);
        assert_eq!(Author::from_display_name("J"), None);
    }

    #[test]
    fn a_signature_line_starts_with_the_full_name() {
        let jim = author("Smith, Jim");
        for line in [
            "Jim Smith | Enrollment Manager",
            "jim smith",
            "Jim P. Smith",
            "*Jim Smith*",
        ] {
            assert!(jim.signs_with_full_name(line), "{line}");
        }
        for line in [
            "Jim will call Smith tomorrow about it",
            "Smith",
            "Jimmy Smith",
        ] {
            assert!(!jim.signs_with_full_name(line), "{line}");
        }
        assert!(jim.signs_with_first_name("- Jim"));
        assert!(!jim.signs_with_first_name("Jim said so"));
    }
}
