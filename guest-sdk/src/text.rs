//! Small text helpers plugins keep needing: `{{ placeholder }}` templates,
//! HTML escaping, phrase matching, list-valued config and calendar dates.

use std::fmt::Write as _;

mod phrases;

pub use phrases::{PhraseTable, contains_phrase, phrase_count, phrase_lists_in, phrases_in};

/// A parsed template: literal text with `{{ name }}` placeholders.
///
/// Names are letters, digits, `_` and `-`; whitespace inside the braces is
/// optional. There is no escape for a literal `{{`.
///
/// ```
/// use mailbot_guest::text::Template;
///
/// let t = Template::parse("Hi {{ name }}, <3").unwrap();
/// t.check_known(&["name"]).unwrap();
/// let lookup = |_: &str| Ok("Jane & Joe".to_owned());
/// assert_eq!(t.render(lookup).unwrap(), "Hi Jane & Joe, <3");
/// assert_eq!(t.render_html(lookup).unwrap(), "Hi Jane &amp; Joe, <3");
/// assert!(Template::parse("Hi {{ name").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Placeholder(String),
}

impl Template {
    /// Parses `src`; `Err` says what is wrong and where (an unclosed `{{` or a
    /// malformed name).
    pub fn parse(src: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = src;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Literal(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err(format!(
                    "unclosed `{{{{` at byte {}",
                    src.len() - rest.len() + start
                ));
            };
            let name = after[..end].trim();
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid {
                return Err(format!("malformed placeholder `{{{{{}}}}}`", &after[..end]));
            }
            parts.push(Part::Placeholder(name.to_owned()));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    /// The placeholder names in order of appearance (repeats included).
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// True when the template uses placeholder `name`.
    pub fn uses(&self, name: &str) -> bool {
        self.placeholders().any(|p| p == name)
    }

    /// `Err` naming the first placeholder not in `known`, and listing `known`.
    pub fn check_known(&self, known: &[&str]) -> Result<(), String> {
        match self.placeholders().find(|p| !known.contains(p)) {
            None => Ok(()),
            Some(unknown) => Err(format!(
                "unknown placeholder `{{{{ {unknown} }}}}` (known: {})",
                known.join(", ")
            )),
        }
    }

    /// Fills every placeholder with `value(name)`, unchanged.
    pub fn render(
        &self,
        value: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<String, String> {
        self.fill(value, false)
    }

    /// Fills every placeholder with `value(name)` escaped for HTML (line
    /// breaks become `<br>`); the template's own text is kept as written.
    pub fn render_html(
        &self,
        value: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<String, String> {
        self.fill(value, true)
    }

    fn fill(
        &self,
        mut value: impl FnMut(&str) -> Result<String, String>,
        html: bool,
    ) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Placeholder(name) => {
                    let v = value(name)?;
                    if html {
                        out.push_str(&escape_html(&v).replace('\n', "<br>\n"));
                    } else {
                        out.push_str(&v);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'` for use in HTML text and attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Splits a list-valued config value on commas and line breaks, trimming
/// items and skipping empty ones and `#` comment lines.
///
/// ```
/// use mailbot_guest::text::split_list;
/// assert_eq!(split_list("a, b\n# note\n c ,"), ["a", "b", "c"]);
/// ```
pub fn split_list(value: &str) -> Vec<String> {
    value
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The UTC calendar date `(year, month, day)` of `millis` since the Unix epoch.
///
/// ```
/// use mailbot_guest::text::civil_date;
/// assert_eq!(civil_date(0), (1970, 1, 1));
/// assert_eq!(civil_date(1_709_164_800_000), (2024, 2, 29));
/// ```
pub fn civil_date(millis: u64) -> (i64, u32, u32) {
    // Howard Hinnant's days-to-civil algorithm.
    let days = i64::try_from(millis / 86_400_000).unwrap_or(i64::MAX / 2) + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// `millis` as an ISO date, e.g. `2024-02-29`.
pub fn iso_date(millis: u64) -> String {
    let (y, m, d) = civil_date(millis);
    let mut out = String::new();
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_lists_placeholders_in_order() {
        let t = Template::parse("{{a}} and {{ b-c }}{{a}}").unwrap();
        assert_eq!(t.placeholders().collect::<Vec<_>>(), ["a", "b-c", "a"]);
    }

    #[test]
    fn template_rejects_unknown_and_malformed_placeholders() {
        let t = Template::parse("Hi {{ nmae }}").unwrap();
        let err = t.check_known(&["name"]).unwrap_err();
        assert!(err.contains("nmae") && err.contains("name"), "{err}");
        assert!(Template::parse("{{ two words }}").is_err());
        assert!(Template::parse("{{}}").is_err());
    }

    #[test]
    fn template_render_passes_lookup_errors_through() {
        let t = Template::parse("{{ date }}").unwrap();
        assert_eq!(
            t.render(|_| Err("clock denied".into())),
            Err("clock denied".into())
        );
    }

    #[test]
    fn html_render_escapes_values_and_breaks_lines() {
        let t = Template::parse("<b>{{ v }}</b>").unwrap();
        let html = t.render_html(|_| Ok("a<b>\nc".into())).unwrap();
        assert_eq!(html, "<b>a&lt;b&gt;<br>\nc</b>");
    }

    #[test]
    fn iso_date_formats_known_days() {
        assert_eq!(iso_date(951_782_400_000), "2000-02-29");
        assert_eq!(iso_date(4_102_444_800_000), "2100-01-01");
    }
}
