//! Phone numbers, without mistaking dates, order numbers and the like for one.

use mailbot_guest::text::{PhraseTable, phrase_count};

use crate::digit_runs::{is_date, phone_candidates};

/// Words right before a number that make it a phone number.
const LABELS: &[&str] = &[
    "phone",
    "tel",
    "tel.",
    "telephone",
    "mobile",
    "mob",
    "cell",
    "call me",
    "call us",
    "reach me",
    "whatsapp",
    "m:",
    "t:",
    "p:",
    "telefon",
    "handy",
    "mobil",
    "tél",
    "téléphone",
    "portable",
    "teléfono",
    "telefono",
    "móvil",
    "movil",
    "cellulare",
    "telefoon",
    "mobiel",
    "telemóvel",
    "celular",
    "contacto",
];

/// [`LABELS`], indexed at compile time.
static LABEL_TABLE: PhraseTable<{ phrase_count(&[LABELS]) }> = PhraseTable::new(&[LABELS]);

/// Words right before a number that make it anything but a phone number.
const NOT_PHONE: &[&str] = &[
    "order",
    "invoice",
    "ticket",
    "ref",
    "reference",
    "no.",
    "nr",
    "nr.",
    "number",
    "id",
    "account",
    "case",
    "iban",
    "tracking",
    "customer",
    "kunden",
    "bestell",
    "rechnung",
    "auftrag",
    "commande",
    "facture",
    "pedido",
    "factura",
    "ordine",
    "fattura",
    "bestelling",
    "factuur",
    "encomenda",
    "fatura",
    "sku",
    "serial",
    "zip",
    "postcode",
    "plz",
    "vat",
    "ust",
];

/// How many characters before a number are read for its label.
const CONTEXT_CHARS: usize = 24;

/// The first phone number in `text`, as written. Outside a signature a number
/// only counts when labelled ("phone: …", "call me at …") or written with a
/// leading `+`; inside one (`in_signature`) any plausible number counts.
pub fn find_phone(text: &str, in_signature: bool) -> Option<String> {
    for (start, number) in phone_candidates(text) {
        if !plausible(number) {
            continue;
        }
        let context = context_before(text, start);
        if names_something_else(&context) {
            continue;
        }
        let labelled = LABEL_TABLE.lists_in(&context).iter().any(|l| !l.is_empty());
        let international = number.starts_with('+') || number.starts_with("00");
        let grouped = number.chars().any(|c| !c.is_ascii_digit());
        let accept = if in_signature {
            labelled || international || grouped || number.starts_with('0')
        } else {
            labelled || international
        };
        if accept {
            return Some(number.to_owned());
        }
    }
    None
}

/// The last 24 characters of `text` before byte offset `start`,
/// lower-cased: where a label or a word like "order" would be. Only those
/// are lower-cased, not everything before the number (for a number deep in
/// a long body that would be most of the body, once per candidate).
fn context_before(text: &str, start: usize) -> String {
    let before = &text[..start];
    let from = before
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(at, _)| at);
    before[from..].to_lowercase()
}

/// True when the word right before the number says it is an order number,
/// an invoice number and so on.
fn names_something_else(context: &str) -> bool {
    let tail = context.trim_end();
    if tail.ends_with('#') {
        return true;
    }
    let last_word = tail
        .trim_end_matches([':', '.', ' '])
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    !last_word.is_empty()
        && NOT_PHONE
            .iter()
            .map(|w| w.trim_end_matches(['.', ':']))
            .any(|w| w == last_word || (w.len() > 4 && last_word.starts_with(w)))
}

fn plausible(number: &str) -> bool {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) || is_date(number) {
        return false;
    }
    // A year range or a date with spaces ("2023 - 2024", "15 01 2024").
    let groups: Vec<&str> = number
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let all_years = groups.len() == 2
        && groups
            .iter()
            .all(|g| g.len() == 4 && (g.starts_with("19") || g.starts_with("20")));
    !all_years
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_numbers_are_found_in_common_formats() {
        for (text, want) in [
            ("+1 555 123 4567", "+1 555 123 4567"),
            ("Tel: (030) 1234-5678", "(030) 1234-5678"),
            ("M: +44 7700 900123\n", "+44 7700 900123"),
            ("0612345678", "0612345678"),
            ("T. 0049 89 123456", "0049 89 123456"),
            ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ] {
            assert_eq!(find_phone(text, true).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn dates_order_numbers_and_years_are_not_phones() {
        for text in [
            "Order 12345678",
            "order #55512345",
            "Invoice no. 2024-000123",
            "on 2024-01-15",
            "on 15.01.2024",
            "01/15/2024",
            "2019 - 2024",
            "Rechnung 123 456 789",
            "ticket 4711 0815",
        ] {
            assert_eq!(find_phone(text, true), None, "{text}");
        }
    }

    #[test]
    fn body_numbers_need_a_label_or_a_plus() {
        assert_eq!(find_phone("we are 1234 5678 strong", false), None);
        assert_eq!(
            find_phone("please call me at 555-123-4567 tomorrow", false).as_deref(),
            Some("555-123-4567")
        );
        assert_eq!(
            find_phone("reach me on +49 171 2345678", false).as_deref(),
            Some("+49 171 2345678")
        );
    }

    #[test]
    fn international_and_parenthesised_numbers_are_found() {
        assert_eq!(
            find_phone(
                "You can reach our London office on +44 20 7946 0958.",
                false
            )
            .as_deref(),
            Some("+44 20 7946 0958")
        );
        assert_eq!(
            find_phone("(555) 123-4567", true).as_deref(),
            Some("(555) 123-4567")
        );
    }

    #[test]
    fn only_the_characters_right_before_a_number_are_its_context() {
        let text = "İ\u{212A}ẞ ".repeat(40) + "Tel: 030 1234567";
        // 24 characters: "\u{212A}ẞ ", four times "İ\u{212A}ẞ ", then "Tel: ".
        let want = "kß ".to_owned() + &"i\u{307}kß ".repeat(4) + "tel: ";
        assert_eq!(context_before(&text, text.len() - 11), want);
        assert_eq!(find_phone(&text, false).as_deref(), Some("030 1234567"));
        assert_eq!(context_before("Tel: 0", 5), "tel: ");
        assert_eq!(context_before("", 0), "");
    }

    #[test]
    fn the_label_table_answers_what_the_run_time_index_answers() {
        for label in LABELS {
            for context in [
                label.to_string(),
                label.to_uppercase(),
                format!("my {label} "),
                format!("x{label}"),
                format!("{label}x "),
            ] {
                let table = LABEL_TABLE.lists_in(&context).concat();
                assert_eq!(
                    table,
                    mailbot_guest::text::phrases_in(&context, LABELS),
                    "{context}"
                );
            }
        }
    }

    #[test]
    fn a_labelled_date_is_still_not_a_phone() {
        assert_eq!(find_phone("Phone: 2024-01-15", false), None);
        assert_eq!(find_phone("Tel. 15.01.2024", true), None);
    }
}
