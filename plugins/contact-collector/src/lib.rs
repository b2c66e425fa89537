//! `contact-collector`: finds the customer's name, email, phone and company
//! in a message. Implements the `collect-contact` hook.
//!
//! Sources, most trusted first:
//!
//! 1. "my name is …" phrasing in the new text, in English, German, French,
//!    Spanish, Italian, Dutch and Portuguese ("ich heiße", "je m'appelle",
//!    "me llamo", "mi chiamo", "mijn naam is", "meu nome é", …), and company
//!    phrasing ("I work at …", "this is Jane from …", "ich arbeite bei …").
//! 2. The signature: the lines under a sign-off ("Best,", "Mit freundlichen
//!    Grüßen", "Cordialement", "Saludos", …) and the signature block the host
//!    separated, e.g. "Jane Doe / ACME Corp / +1 555 123 4567".
//! 3. The `From` header: its display name ("Doe, Jane" becomes "Jane Doe";
//!    role names such as "Support" are ignored) and the reply address
//!    (`Reply-To` over `From`) as the email.
//!
//! Phone numbers in the body count only when labelled ("phone: …", "call me
//! at …") or international (`+…`); in a signature any plausible number
//! counts. Dates, years and numbers after "order", "invoice", "ticket", "#"
//! and the like are never taken for phone numbers.
//!
//! Fields equal to what the conversation already knows are left out; the
//! hook answers none when nothing new was found.
//!
//! # Configuration
//!
//! | key | default | meaning |
//! | --- | --- | --- |
//! | `from-header` | `true` | use the `From` display name and the reply address |
//! | `signature` | `true` | read sign-offs and signature blocks |
//! | `phrases` | `true` | read "my name is …" and "I work at …" phrasing |
//!
//! Values are `true`/`false` (also `yes`/`no`, `on`/`off`, `1`/`0`). Any
//! other key is an error.

mod chars;
mod digit_runs;
mod first_words;
mod people;
mod phone;
mod phrases;
mod scan;
mod triggers;

use mailbot_guest::{Contact, Conversation, Hook, Message, Plugin, config, export_plugin};

pub use people::{SignatureInfo, display_name};
pub use phone::find_phone;
pub use phrases::{Stated, company_from_phrase, name_from_phrase};

const KEYS: &[&str] = &["from-header", "signature", "phrases"];

/// Collects contact fields from messages.
#[derive(Default)]
pub struct ContactCollector;

impl Plugin for ContactCollector {
    const NAME: &'static str = "contact-collector";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::CollectContact];

    fn collect_contact(
        &self,
        msg: &Message,
        conv: &Conversation,
    ) -> Result<Option<Contact>, String> {
        let Settings {
            use_from,
            use_signature,
            use_phrases,
        } = Settings::load()?;

        let mut found = Contact::default();
        if use_phrases {
            let stated = Stated::find(&msg.new_text);
            found.name = stated.name;
            found.company = stated.company;
            found.phone = find_phone(&msg.new_text, false);
        }
        if use_signature {
            let lines = people::signature_lines(&msg.new_text, &msg.signature_text);
            let sig = people::parse_signature(&lines);
            let from_name = use_from.then(|| display_name(&msg.from)).flatten();
            // A full name from the From header beats a lone first name under
            // a sign-off; a signature's full name beats a one-word header.
            let sig_name = sig.name.filter(|n| {
                from_name
                    .as_ref()
                    .is_none_or(|f| n.split_whitespace().count() > f.split_whitespace().count())
            });
            found.name = found.name.or(sig_name);
            found.company = found.company.or(sig.company);
            found.phone = found.phone.or(sig.phone);
        }
        if use_from {
            found.name = found.name.or_else(|| display_name(&msg.from));
            let email = msg.reply_address().email.trim();
            if email.contains('@') {
                found.email = Some(email.to_owned());
            }
        }
        Ok(only_new(found, &conv.contact))
    }
}

/// The sources that are on.
struct Settings {
    use_from: bool,
    use_signature: bool,
    use_phrases: bool,
}

impl Settings {
    /// Reads the configuration with one host call: an unknown key is an
    /// error, then each switch is checked in the order of [`KEYS`].
    fn load() -> Result<Self, String> {
        let values = config::all().map_err(|e| format!("reading config: {e}"))?;
        if let Some((key, _)) = values.iter().find(|(key, _)| !KEYS.contains(&key.as_str())) {
            return Err(format!(
                "unknown config key `{key}` (known: {})",
                KEYS.join(", ")
            ));
        }
        let switch = |key: &str| match values.iter().find(|(k, _)| k == key) {
            Some((_, value)) => config::parse_bool(key, value),
            None => Ok(true),
        };
        Ok(Self {
            use_from: switch("from-header")?,
            use_signature: switch("signature")?,
            use_phrases: switch("phrases")?,
        })
    }
}

/// `found` without the fields `known` already has (ignoring case); `None`
/// when nothing is left.
fn only_new(mut found: Contact, known: &Contact) -> Option<Contact> {
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => false,
    };
    for (field, known) in [
        (&mut found.name, &known.name),
        (&mut found.email, &known.email),
        (&mut found.phone, &known.phone),
        (&mut found.company, &known.company),
    ] {
        if same(field, known) {
            *field = None;
        }
    }
    (!found.is_empty()).then_some(found)
}

export_plugin!(ContactCollector);

#[cfg(test)]
mod tests;
