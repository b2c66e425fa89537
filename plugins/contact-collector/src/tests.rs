//! Table-driven tests of the whole hook on realistic messages.

use super::*;
use mailbot_guest::{Address, testing};

fn msg(from: Address, new_text: &str, signature: &str) -> Message {
    Message {
        from,
        new_text: new_text.into(),
        signature_text: signature.into(),
        ..Message::default()
    }
}

fn collect(m: &Message) -> Option<Contact> {
    testing::clear();
    ContactCollector
        .collect_contact(m, &Conversation::default())
        .expect("collect_contact succeeds")
}

#[test]
fn signature_under_a_sign_off_gives_name_company_and_phone() {
    let m = msg(
        Address::new("jane@acme.test"),
        "Hi, my order has not arrived.\n\nBest,\nJane Doe\nACME Corp\n+1 555 123 4567",
        "",
    );
    let c = collect(&m).expect("contact");
    assert_eq!(c.name.as_deref(), Some("Jane Doe"));
    assert_eq!(c.company.as_deref(), Some("ACME Corp"));
    assert_eq!(c.phone.as_deref(), Some("+1 555 123 4567"));
    assert_eq!(c.email.as_deref(), Some("jane@acme.test"));
}

#[test]
fn one_line_signature_with_separators_is_split() {
    let m = msg(
        Address::new("jd@x.test"),
        "See attached.\n\nRegards\nJane Doe | Head of Operations | Widgets & Co\nTel: (030) 1234-5678",
        "",
    );
    let c = collect(&m).expect("contact");
    assert_eq!(c.name.as_deref(), Some("Jane Doe"));
    assert_eq!(c.company.as_deref(), Some("Widgets & Co"));
    assert_eq!(c.phone.as_deref(), Some("(030) 1234-5678"));
}

#[test]
fn host_separated_signature_block_is_read() {
    let m = msg(
        Address::named("Max", "max@beispiel.test"),
        "Guten Tag, wo bleibt meine Lieferung?\n\nMit freundlichen Grüßen",
        "Max Mustermann\nGeschäftsführer\nBeispiel GmbH\nTel. +49 89 1234567",
    );
    let c = collect(&m).expect("contact");
    assert_eq!(c.name.as_deref(), Some("Max Mustermann"));
    assert_eq!(c.company.as_deref(), Some("Beispiel GmbH"));
    assert_eq!(c.phone.as_deref(), Some("+49 89 1234567"));
}

#[test]
fn my_name_is_phrasing_is_understood_in_seven_languages() {
    for (text, name) in [
        ("Hello, my name is Jane Doe and I need help.", "Jane Doe"),
        (
            "Hallo, ich heiße Jürgen Müller und habe eine Frage.",
            "Jürgen Müller",
        ),
        ("Guten Tag, mein Name ist Anna Schmidt.", "Anna Schmidt"),
        (
            "Bonjour, je m'appelle Éloïse Martin, j'ai un problème.",
            "Éloïse Martin",
        ),
        (
            "Hola, me llamo José García y tengo una pregunta.",
            "José García",
        ),
        ("Buongiorno, mi chiamo Giulia Rossi.", "Giulia Rossi"),
        (
            "Goedendag, mijn naam is Pieter van der Berg.",
            "Pieter van der Berg",
        ),
        (
            "Olá, meu nome é João Silva e preciso de ajuda.",
            "João Silva",
        ),
    ] {
        let c = collect(&msg(Address::new("x@y.test"), text, "")).expect(text);
        assert_eq!(c.name.as_deref(), Some(name), "{text}");
    }
}

#[test]
fn company_phrasing_is_understood() {
    for (text, company) in [
        (
            "Hi, this is Jane from Globex Corporation.",
            "Globex Corporation",
        ),
        ("I work at Initech and our invoice is wrong.", "Initech"),
        (
            "Ich arbeite bei Siemens Healthineers, und",
            "Siemens Healthineers",
        ),
    ] {
        let c = collect(&msg(Address::new("x@y.test"), text, "")).expect(text);
        assert_eq!(c.company.as_deref(), Some(company), "{text}");
    }
}

#[test]
fn from_display_name_is_used_and_reordered() {
    let c = collect(&msg(Address::named("Doe, Jane", "jane@x.test"), "hi", "")).expect("contact");
    assert_eq!(c.name.as_deref(), Some("Jane Doe"));
}

#[test]
fn role_display_names_are_not_names() {
    let c = collect(&msg(Address::named("Support", "support@x.test"), "hi", "")).expect("contact");
    assert_eq!(c.name, None);
    assert_eq!(c.email.as_deref(), Some("support@x.test"));
}

#[test]
fn reply_to_is_the_contact_email() {
    let mut m = msg(Address::new("form@shop.test"), "hi", "");
    m.reply_to = Some(Address::new("jane@example.com"));
    assert_eq!(
        collect(&m).and_then(|c| c.email).as_deref(),
        Some("jane@example.com")
    );
}

#[test]
fn dates_and_order_numbers_are_not_phone_numbers() {
    let m = msg(
        Address::new("x@y.test"),
        "My order 12345678 from 2024-01-15 (invoice no. 2024-000123) is late.\n\nThanks,\nJane",
        "",
    );
    assert_eq!(collect(&m).and_then(|c| c.phone), None);
}

#[test]
fn sentences_starting_with_thanks_are_not_sign_offs() {
    let m = msg(
        Address::new("x@y.test"),
        "Thanks for the quick reply\nAlex Smith is my manager",
        "",
    );
    assert_eq!(collect(&m).and_then(|c| c.name), None);
}

#[test]
fn nothing_found_gives_none() {
    testing::clear();
    testing::set_config("from-header", "false");
    let m = msg(
        Address::named("Jane", "jane@x.test"),
        "Where is my parcel?",
        "",
    );
    assert_eq!(
        ContactCollector.collect_contact(&m, &Conversation::default()),
        Ok(None)
    );
}

#[test]
fn fields_the_conversation_already_knows_are_left_out() {
    testing::clear();
    let m = msg(
        Address::named("Jane Doe", "jane@x.test"),
        "Hi\n\nBest,\nJane Doe\n+1 555 123 4567",
        "",
    );
    let conv = Conversation {
        contact: Contact {
            name: Some("jane doe".into()),
            email: Some("JANE@x.test".into()),
            ..Contact::default()
        },
        ..Conversation::default()
    };
    let c = ContactCollector
        .collect_contact(&m, &conv)
        .unwrap()
        .expect("phone is new");
    assert_eq!((c.name, c.email), (None, None));
    assert_eq!(c.phone.as_deref(), Some("+1 555 123 4567"));
}

#[test]
fn bad_config_is_an_error() {
    testing::clear();
    testing::set_config("phone", "yes");
    assert!(
        ContactCollector
            .collect_contact(&Message::default(), &Conversation::default())
            .is_err()
    );
    testing::clear();
    testing::set_config("signature", "perhaps");
    let err = ContactCollector
        .collect_contact(&Message::default(), &Conversation::default())
        .unwrap_err();
    assert!(err.contains("signature"), "{err}");
}

#[test]
fn names_whose_lower_case_changes_length_are_read_whole_from_the_sign_off_line() {
    for (text, want) in [
        ("Where is my parcel?\n\nBest, İsmail İnan", "İsmail İnan"),
        (
            "Where is my parcel?\n\nThanks, \u{212A}elvin Smith",
            "\u{212A}elvin Smith",
        ),
        (
            "Where is my parcel?\n\nCheers, \u{212B}sa Berg",
            "\u{212B}sa Berg",
        ),
    ] {
        let m = msg(Address::new("x@shop.test"), text, "");
        let c = collect(&m).expect("contact");
        assert_eq!(c.name.as_deref(), Some(want), "{text:?}");
    }
}
