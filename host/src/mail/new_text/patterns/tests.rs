//! The line patterns, one by one.

use super::closing::*;
use super::history::*;

#[test]
fn all_patterns_compile() {
    for r in [
        &WROTE,
        &ATTRIBUTION_START,
        &DATE_LIKE,
        &EMAIL_LIKE,
        &SEPARATOR,
        &FORWARD_INTRO,
        &RULE_LINE,
        &HEADER_LINE,
        &HEADER_KEY_INLINE,
        &MOBILE_SIGNATURE,
        &SIGN_OFF,
        &LINK,
        &ATTRIBUTION_WORD,
        &DASH_NAME,
        &CONTACT_LINE,
        &DISCLAIMER,
        &EXCUSE_TAIL,
        &REPLY_ABOVE,
    ] {
        let _ = r.is_match("");
    }
}

#[test]
fn attributions_in_many_languages_are_strong() {
    for line in [
        "On Mon, Apr 2, 2012 at 6:26 PM, Megan One <xxx@gmail.com> wrote:",
        "On Apr 3, 2012, at 4:19 PM, bob wrote:",
        "Am 02.04.2012 um 18:26 schrieb Hans Müller <hans@example.de>:",
        "Le 2 avr. 2012 à 18:26, Jean Dupont <jean@example.fr> a écrit :",
        "El 2 abr 2012, a las 18:26, Juan <juan@example.es> escribió:",
        "Il giorno 2 apr 2012, alle ore 18:26, Mario <m@example.it> ha scritto:",
        "Op 2 apr. 2012 om 18:26 heeft Jan <jan@example.nl> het volgende geschreven:",
        "Op ma 2 apr. 2012 om 18:26 schreef Jan <jan@example.nl>:",
        "Em seg., 2 de abr. de 2012 às 18:26, João <j@example.pt> escreveu:",
        "Den 2 apr. 2012 kl. 18:26 skrev Sven <s@example.se>:",
        "ma 2. huhtik. 2012 klo 18.26 Matti (m@example.fi) kirjoitti:",
        "W dniu 2.04.2012 o 18:26 Jan <j@example.pl> napisał:",
        "Dne 2. 4. 2012 18:26 napsal Jan <j@example.cz>:",
        "02.04.2012 14:20 пользователь \"bob@example.com\" <bob@example.com> написал:",
        "пн, 2 квіт. 2012 о 18:26 Іван <i@example.ua> пише:",
        "2012年4月2日(月) 18:26 Taro <taro@example.jp>:",
        "Bob <bob@example.com> 于2012年4月2日周一 下午6:26写道：",
        "2012년 4월 2일 (월) 오후 6:26, Kim <kim@example.kr>님이 작성:",
        "2 Nis 2012 Pzt, saat 18:26 tarihinde Ali <ali@example.tr> şunu yazdı:",
        "Thu, 26 Jun 2014 14:00:51 +0400 от Alexander L <abc@example.com>:",
        "26.06.2014, 14:41, \"Alexander L\" <abc@example.com>:",
        "На 2.04.2012 г., в 18:26, Иван <i@example.bg> написа:",
        "در تاریخ ۲ آوریل ۲۰۱۲، Ali <ali@example.ir> نوشت:",
        "सोम, 2 अप्रैल 2012 को 6:26 pm पर Raj <raj@example.in> ने लिखा:",
        "ในวันที่ 2 เม.ย. 2012 18:26 Somchai <s@example.th> เขียนว่า:",
    ] {
        assert_eq!(attribution(line), Attribution::Strong, "{line}");
    }
}

#[test]
fn ordinary_sentences_are_not_attributions() {
    for line in [
        "Here is the list:",
        "I called on Monday and they said:",
        "Thanks!",
    ] {
        assert_eq!(attribution(line), Attribution::No, "{line}");
    }
    assert_eq!(attribution("John Smith wrote:"), Attribution::Weak);
    assert_eq!(
        attribution("On Wed, 14 Nov 2018 08:14:43 -0200 John Doe <john@doe.com> wrote"),
        Attribution::Strong,
        "without its colon, when date, address and verb are all there"
    );
    assert_eq!(
        attribution("I wrote to info@shop.example on 3 May and nobody wrote back"),
        Attribution::No
    );
    assert!(is_attribution_above_history(
        "Am 20.06.24 um 16:20 schrieb ACME Versand - Kundendienst"
    ));
    assert!(!is_attribution_above_history(
        "Am 20.06. um 16:20 schrieb ich Ihnen schon einmal."
    ));
    assert!(is_attribution_above_history(
        "2011/4/7 Nathan Ivanov <support@example.com>"
    ));
    assert_eq!(
        attribution("---- John Smith wrote ----"),
        Attribution::Strong
    );
    assert_eq!(
        attribution("------On 12/29/1987 17:32 PM, Julius Caesar wrote-----"),
        Attribution::Strong
    );
}

#[test]
fn original_message_separators_are_recognised() {
    for line in [
        "-----Original Message-----",
        "----- Original Message -----",
        "-------- Original-Nachricht --------",
        "-----Ursprüngliche Nachricht-----",
        "-------- Message d'origine --------",
        "---------- Forwarded message ---------",
        "-----Исходное сообщение-----",
        "------------------ 原始邮件 ------------------",
        "Begin forwarded message:",
        "Forwarded message:",
        "-----Reply Message-----",
        "-----Antwort Nachricht-----",
    ] {
        assert!(is_separator(line), "{line}");
    }
    assert!(!is_separator("--- see below ---x"));
    assert!(is_separator("-------- Oprindelig besked --------"));
    assert!(is_separator("## Please type your reply above this line ##"));
    assert!(is_separator(
        "##- Bitte geben Sie Ihre Antwort über dieser Zeile ein. -##"
    ));
    assert!(!is_separator(
        "I wrote my answer above, see the line about shipping"
    ));
    assert!(
        is_separator(
            "-------- Ursprüngliche Nachricht --------Von: \"Shop\" Datum: 07.08.24 18:46 An: Betreff: Rücksendung"
        ),
        "the header block run onto the separator's line"
    );
    assert!(!is_separator(
        "----- Original Message ----- and then some words"
    ));
}

#[test]
fn header_keys_know_their_role() {
    assert_eq!(header_key("From: Bob <b@x>"), Some(HeaderKey::From));
    assert_eq!(header_key("Von: Bob"), Some(HeaderKey::From));
    assert_eq!(header_key("От: Bob"), Some(HeaderKey::From));
    assert_eq!(header_key("Sent: Monday"), Some(HeaderKey::Strong));
    assert_eq!(header_key("Betreff: Test"), Some(HeaderKey::Strong));
    assert_eq!(header_key("To: a@x"), Some(HeaderKey::Weak));
    assert_eq!(header_key("Fromage is good"), None);
    assert!(is_inline_header_block(
        "Date: Tue, 2 Oct 2012 02:35:10 +0000 From: shop@example.com To: Smith, Anna Subject: Your order"
    ));
    assert!(is_inline_header_block(
        "From: Shop [mailto:shop@example.com] Sent: Monday, 2 April 2012 18:26 To: Anna Subject: Order"
    ));
    assert!(!is_inline_header_block("From: my side, the order is fine."));
    assert!(!is_inline_header_block(
        "Subject: the date of delivery, to be honest"
    ));
    assert_eq!(
        header_key("من: Shop <info@shop.example>"),
        Some(HeaderKey::From)
    );
    assert_eq!(
        header_key("تم الإرسال: Monday, May 20, 2024"),
        Some(HeaderKey::Strong)
    );
    assert_eq!(header_key("الموضوع: Your order"), Some(HeaderKey::Strong));
    assert_eq!(header_key("מאת: Shop"), Some(HeaderKey::From));
    assert_eq!(
        header_key("Message du : 12/12/2016 13:20"),
        Some(HeaderKey::Strong)
    );
}

#[test]
fn device_signatures_in_several_languages() {
    for line in [
        "Sent from my iPhone",
        "Get Outlook for iOS",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPhone",
        "Enviado desde mi iPhone",
        "Inviato da iPhone",
        "Verzonden met mijn iPad",
        "Skickat från min iPhone",
        "Sendt fra min iPhone",
        "Wysłane z iPhone'a",
        "Отправлено с iPhone",
        "iPhoneから送信",
        "发自我的iPhone",
        "iPhone에서 보냄",
        "Sent from Outlook for Android<https://aka.ms/xyz123>",
        "Télécharger Outlook pour iOS<https://aka.ms/abc>",
        "Gesendet von Outlook für Android",
        "Envoyé à partir de mon iPhone",
        "Enviado do iPhone",
        "Verzonden vanuit Outlook voor iOS",
        "Az iPhone-omról küldve",
        "أُرسلت من الـ iPhone",
        "נשלח מה-iPhone שלי",
        "Diese Nachricht wurde von meinem Android-Mobiltelefon mit K-9 Mail gesendet.",
        "Sent from my HTC phone.  Please excuse typos",
        "(Sent from mobile device)",
        "<<sent by galaxy>>",
        "從我的 iPhone 傳送",
        "Sent from Mail<https://go.microsoft.com/fwlink/?LinkId=550123> for Windows 10",
        "Sent wirelessly from my BlackBerry device on the Bell network.",
        "Envoyé sans fil par mon terminal mobile BlackBerry sur le réseau de Bell.",
    ] {
        assert!(is_mobile_signature(line), "{line}");
    }
    assert!(!is_mobile_signature("I sent the form yesterday"));
}
