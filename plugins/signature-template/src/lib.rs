//! `signature-template`: signs replies from a per-inbox template. Implements
//! the `signature` hook.
//!
//! # Configuration
//!
//! | key | default | meaning |
//! | --- | --- | --- |
//! | `text` | `{{ inbox_name }}` and `{{ inbox_address }}` on two lines | the plain-text signature; empty for no signature |
//! | `html` | none | an HTML signature; substituted values are HTML-escaped and line breaks become `<br>` |
//! | `fallback-name` | `Customer` | used for `{{ sender_name }}` and `{{ sender_first_name }}` when the customer's name is unknown |
//!
//! Placeholders, written `{{ name }}`:
//!
//! | placeholder | value |
//! | --- | --- |
//! | `sender_name` | the customer's name (collected contact, else the display name of their address), else `fallback-name` |
//! | `sender_first_name` | the first word of that name, else `fallback-name` |
//! | `sender_email` | the customer's address |
//! | `sender_company` | the customer's company when known, else empty |
//! | `inbox_name`, `inbox_address` | the inbox's name and address |
//! | `conversation_id` | the host's id for the conversation |
//! | `date`, `year` | today (UTC) as `2024-05-31`, and the year; need the `clock` capability |
//!
//! An unknown or malformed placeholder, in either template, is an error; so
//! is any key not listed above.
//!
//! ```toml
//! text = """
//! {{ inbox_name }} · {{ inbox_address }}
//! © {{ year }} ACME Inc."""
//! html = "<p><b>{{ inbox_name }}</b><br><a href=\"mailto:{{ inbox_address }}\">{{ inbox_address }}</a></p>"
//! ```

use mailbot_guest::text::{Template, iso_date};
use mailbot_guest::{Conversation, Hook, Inbox, Plugin, Signature, clock, config, export_plugin};

/// The placeholders templates may use.
pub const PLACEHOLDERS: &[&str] = &[
    "sender_name",
    "sender_first_name",
    "sender_email",
    "sender_company",
    "inbox_name",
    "inbox_address",
    "conversation_id",
    "date",
    "year",
];

const KEYS: &[&str] = &["text", "html", "fallback-name"];

/// The plain-text template used when `text` is not configured.
pub const DEFAULT_TEXT: &str = "{{ inbox_name }}\n{{ inbox_address }}";

/// Signs replies from a template.
#[derive(Default)]
pub struct SignatureTemplate;

impl Plugin for SignatureTemplate {
    const NAME: &'static str = "signature-template";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::Signature];

    fn signature(&self, conv: &Conversation, inbox: &Inbox) -> Result<Option<Signature>, String> {
        let mut text = None;
        let mut html = None;
        let mut fallback = "Customer".to_owned();
        for (key, value) in config::all().map_err(|e| format!("reading config: {e}"))? {
            match key.as_str() {
                "text" => text = Some(value),
                "html" => html = Some(value),
                "fallback-name" => fallback = value,
                _ => {
                    return Err(format!(
                        "unknown config key `{key}` (known: {})",
                        KEYS.join(", ")
                    ));
                }
            }
        }
        let text = template("text", text.as_deref().unwrap_or(DEFAULT_TEXT))?;
        let html = html.as_deref().map(|h| template("html", h)).transpose()?;

        let name = conv.customer_name().map(str::to_owned);
        let mut today: Option<u64> = None;
        let mut value = |placeholder: &str| -> Result<String, String> {
            let mut now = || -> Result<u64, String> {
                match today {
                    Some(t) => Ok(t),
                    None => {
                        let t = clock::now().map_err(|e| {
                            format!("`{{{{ {placeholder} }}}}` needs the clock: {e}")
                        })?;
                        today = Some(t);
                        Ok(t)
                    }
                }
            };
            Ok(match placeholder {
                "sender_name" => name.clone().unwrap_or_else(|| fallback.clone()),
                "sender_first_name" => name
                    .as_deref()
                    .and_then(|n| n.split_whitespace().next())
                    .map_or_else(|| fallback.clone(), str::to_owned),
                "sender_email" => conv.customer.email.clone(),
                "sender_company" => conv.contact.company.clone().unwrap_or_default(),
                "inbox_name" => inbox.name.clone(),
                "inbox_address" => inbox.address.clone(),
                "conversation_id" => conv.id.clone(),
                "date" => iso_date(now()?),
                "year" => iso_date(now()?)[..4].to_owned(),
                other => return Err(format!("unknown placeholder `{other}`")),
            })
        };
        let text = text.render(&mut value)?;
        let html = html.map(|h| h.render_html(&mut value)).transpose()?;
        if text.trim().is_empty() && html.is_none() {
            return Ok(None);
        }
        Ok(Some(Signature { text, html }))
    }
}

/// Parses the template in config `key` and checks its placeholders.
fn template(key: &str, src: &str) -> Result<Template, String> {
    let t = Template::parse(src).map_err(|e| format!("config `{key}`: {e}"))?;
    t.check_known(PLACEHOLDERS)
        .map_err(|e| format!("config `{key}`: {e}"))?;
    Ok(t)
}

export_plugin!(SignatureTemplate);

#[cfg(test)]
mod tests {
    use super::*;
    use mailbot_guest::{Address, Capability, Contact, testing};

    fn inbox() -> Inbox {
        Inbox {
            id: "i1".into(),
            name: "ACME Support".into(),
            address: "help@acme.test".into(),
        }
    }

    fn conv(name: Option<&str>) -> Conversation {
        Conversation {
            id: "c-42".into(),
            customer: Address {
                name: name.map(str::to_owned),
                email: "jane@example.com".into(),
            },
            ..Conversation::default()
        }
    }

    fn sign(conv: &Conversation) -> Result<Option<Signature>, String> {
        SignatureTemplate.signature(conv, &inbox())
    }

    #[test]
    fn default_template_names_the_inbox() {
        testing::clear();
        let s = sign(&conv(None)).unwrap().expect("signature");
        assert_eq!(s.text, "ACME Support\nhelp@acme.test");
        assert_eq!(s.html, None);
    }

    #[test]
    fn placeholders_are_filled_from_conversation_and_inbox() {
        testing::clear();
        testing::set_config(
            "text",
            "For {{sender_name}} ({{ sender_email }}) at {{ sender_company }}, {{ sender_first_name }}: \
             {{ inbox_name }} <{{ inbox_address }}> #{{ conversation_id }}",
        );
        let mut c = conv(Some("Jane Doe"));
        c.contact = Contact {
            company: Some("Globex".into()),
            ..Contact::default()
        };
        let s = sign(&c).unwrap().expect("signature");
        assert_eq!(
            s.text,
            "For Jane Doe (jane@example.com) at Globex, Jane: ACME Support <help@acme.test> #c-42"
        );
    }

    #[test]
    fn collected_contact_name_beats_the_display_name() {
        testing::clear();
        testing::set_config("text", "{{ sender_name }}");
        let mut c = conv(Some("jdoe"));
        c.contact.name = Some("Jane Doe".into());
        assert_eq!(
            sign(&c).unwrap().map(|s| s.text).as_deref(),
            Some("Jane Doe")
        );
    }

    #[test]
    fn missing_sender_name_falls_back() {
        testing::clear();
        testing::set_config("text", "Dear {{ sender_name }} / {{ sender_first_name }}");
        assert_eq!(
            sign(&conv(Some("  "))).unwrap().map(|s| s.text).as_deref(),
            Some("Dear Customer / Customer")
        );
        testing::set_config("fallback-name", "friend");
        assert_eq!(
            sign(&conv(None)).unwrap().map(|s| s.text).as_deref(),
            Some("Dear friend / friend")
        );
    }

    #[test]
    fn html_template_escapes_substituted_values_only() {
        testing::clear();
        testing::set_configs([
            ("text", "{{ sender_name }}"),
            ("html", "<p>For <b>{{ sender_name }}</b></p>"),
        ]);
        let s = sign(&conv(Some("Tom & <Jerry>")))
            .unwrap()
            .expect("signature");
        assert_eq!(s.text, "Tom & <Jerry>");
        assert_eq!(
            s.html.as_deref(),
            Some("<p>For <b>Tom &amp; &lt;Jerry&gt;</b></p>")
        );
    }

    #[test]
    fn date_and_year_come_from_the_host_clock() {
        testing::clear();
        testing::set_now(1_717_113_600_000);
        testing::set_config("text", "{{ date }} © {{ year }}");
        assert_eq!(
            sign(&conv(None)).unwrap().map(|s| s.text).as_deref(),
            Some("2024-05-31 © 2024")
        );
        testing::deny(Capability::Clock);
        let err = sign(&conv(None)).unwrap_err();
        assert!(err.contains("date") && err.contains("denied"), "{err}");
    }

    #[test]
    fn clock_is_not_needed_when_no_date_is_used() {
        testing::clear();
        testing::deny(Capability::Clock);
        assert!(sign(&conv(None)).unwrap().is_some());
    }

    #[test]
    fn unknown_placeholder_is_an_error_naming_it() {
        testing::clear();
        testing::set_configs([("text", "ok"), ("html", "<p>{{ sender_nmae }}</p>")]);
        let err = sign(&conv(None)).unwrap_err();
        assert!(err.contains("html") && err.contains("sender_nmae"), "{err}");
    }

    #[test]
    fn malformed_template_and_unknown_key_are_errors() {
        testing::clear();
        testing::set_config("text", "Hi {{ sender_name");
        assert!(sign(&conv(None)).unwrap_err().contains("unclosed"));
        testing::clear();
        testing::set_config("txt", "x");
        assert!(sign(&conv(None)).unwrap_err().contains("`txt`"));
    }

    #[test]
    fn empty_text_means_no_signature() {
        testing::clear();
        testing::set_config("text", "");
        assert_eq!(sign(&conv(None)), Ok(None));
    }
}
