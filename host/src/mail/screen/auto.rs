//! Header and subject signals of machine-sent mail: RFC 3834
//! `Auto-Submitted`, `Precedence`, list headers, the vendor headers of
//! auto-responders, system senders, out-of-office subjects, complaint reports
//! and read receipts.

use std::sync::LazyLock;

use regex::Regex;

use crate::mail::parse::ParsedMail;

fn re(pattern: &str) -> Regex {
    // Constant patterns, exercised by the tests below.
    Regex::new(pattern).unwrap_or_else(|e| panic!("screen pattern {pattern:?}: {e}"))
}

/// Out-of-office and auto-reply subjects in many languages.
static OOO_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(^\s*(auto|autoreply|auto-reply|automatic reply|automatische antwort|réponse automatique|respuesta automática|risposta automatica|automatisch antwoord|resposta automática|automatiskt svar|automatisk svar|automaattinen vastaus|odpowiedź automatyczna|automatická odpověď|автоматический ответ|автоответ|автоматична відповідь|自動応答|自动回复|自動回覆|자동 회신|otomatik yanıt|automatikus válasz|αυτόματη απάντηση|răspuns automat)\s*[:：]|out of (the )?office|auto[- ]?reply|auto[- ]?respon(se|der|s)|automatic reply|automatische antwort|abwesenheitsnotiz|abwesenheitsmeldung|abwesenheit|ich bin (zurzeit |derzeit )?nicht im büro|réponse automatique|absence du bureau|je suis absent|respuesta automática|fuera de la oficina|risposta automatica|fuori ufficio|automatisch antwoord|afwezigheidsbericht|niet op kantoor|resposta automática|ausente do escritório|fora do escritório|automatiskt svar|frånvaromeddelande|frånvarande|automatisk svar|fraværsmelding|fravær|ikke på kontoret|automaattinen vastaus|poissaolo|lomalla|odpowiedź automatyczna|poza biurem|nieobecność|automatická odpověď|mimo kancelář|nepřítomnost|автоматический ответ|автоответ|нет на месте|вне офиса|в отпуске|автоматична відповідь|поза офісом|不在通知|自動応答|自動返信|自动回复|自動回覆|休假|자동 회신|부재중|부재 중|otomatik yanıt|ofis dışında|izindeyim|automatikus válasz|házon kívül|αυτόματη απάντηση|εκτός γραφείου|răspuns automat|vacation (reply|notice|message)|on vacation|away from (the )?office|away until|fuori sede|au(ß|ss)er haus|afwezig|frånvaro|не в офисе|autoodpowied[źz]|în afara biroului|absent du bureau|automaattivastaus|automatické odpovědi|automātiskā atbilde|automatiska atbilde|ārpus biroja|arpus biroja|automatinis atsakymas|ne biure|automaatvastus|automaatne vastus|samodejni odgovor|automatski odgovor|аутоматски одговор|автоматичен отговор|automatická odpoveď|mimo kancelárie|balasan otomatis|di luar kantor|trả lời tự động|מענה אוטומטי|תשובה אוטומטית|رد تلقائي|خارج المكتب|ตอบกลับอัตโนมัติ|स्वचालित उत्तर|resposta automàtica|fora de l'oficina)",
    )
});

/// Local parts of the mail system's own addresses, which send bounces and
/// are never a failed recipient.
static MAIL_SYSTEM_LOCAL_PART: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(mailer[-_]?daemon|mail[-_]?daemon|mdaemon|post[-_]?master)([-+._].*)?$")
});

/// Local parts of other senders that never read replies.
static SYSTEM_LOCAL_PART: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(no[-_.]?reply|mailman|majordomo|listserv|list[-_]?serv|owner-.+|.+-(owner|request|bounces?)|do[-_.]?not[-_.]?reply|dont[-_.]?reply|bounces?|auto[-_]?reply|auto[-_]?responder|autoresponder|mail[-_]?delivery[-_]?(system|subsystem)?)([-+._].*)?$",
    )
});

/// Display names MTAs give their bounces.
static SYSTEM_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(mail delivery (system|subsystem|service)|mailer[- ]daemon|postmaster|mail administrator|microsoft outlook|mail system)\s*$",
    )
});

/// True when `email` is the mail system's own address (MAILER-DAEMON,
/// postmaster).
pub(crate) fn is_mail_system_address(email: &str) -> bool {
    MAIL_SYSTEM_LOCAL_PART.is_match(local_part(email))
}

/// True when the sender at `email` never reads replies: the mail system,
/// no-reply addresses, list servers, auto-responders.
fn is_system_address(email: &str) -> bool {
    let local = local_part(email);
    MAIL_SYSTEM_LOCAL_PART.is_match(local) || SYSTEM_LOCAL_PART.is_match(local)
}

fn local_part(email: &str) -> &str {
    email.split('@').next().unwrap_or_default()
}

/// What the headers of a message say about who sent it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Signals {
    /// `Auto-Submitted` present with a value other than `no`.
    pub auto_submitted: bool,
    /// `Precedence` value when bulk, list or junk.
    pub precedence: Option<String>,
    /// A mailing-list header.
    pub list: bool,
    /// Null return path or no usable From.
    pub null_sender: bool,
    /// MAILER-DAEMON, postmaster, no-reply and the like.
    pub system_sender: bool,
    /// An auto-responder header (X-Autoreply, X-Autorespond, Microsoft's).
    pub auto_reply_header: bool,
    /// An out-of-office subject.
    pub ooo_subject: bool,
}

pub(crate) fn signals(mail: &ParsedMail) -> Signals {
    let auto_submitted = mail.header_all("auto-submitted").any(|v| {
        let v = v.trim().to_ascii_lowercase();
        !v.is_empty() && !v.starts_with("no")
    });
    let precedence = mail
        .header_all("precedence")
        .chain(mail.header_all("x-precedence"))
        .map(|v| v.trim().to_ascii_lowercase())
        .find(|v| matches!(v.as_str(), "bulk" | "list" | "junk" | "auto_reply"));
    let list = [
        "list-id",
        "list-unsubscribe",
        "list-post",
        "list-help",
        "list-subscribe",
        "list-owner",
        "list-archive",
        "mailing-list",
        "x-mailing-list",
        "x-mailman-version",
        "x-beenthere",
        // fml, a Japanese list server, and others of its time
        "x-mlserver",
        "x-ml-name",
        "x-ml-count",
        "x-listserver",
        "x-list",
    ]
    .iter()
    .any(|h| mail.header(h).is_some());
    let return_path = mail.header("return-path").map(|v| v.trim().to_string());
    let null_return = return_path.as_deref().is_some_and(|rp| {
        let inner = rp.trim_start_matches('<').trim_end_matches('>').trim();
        inner.is_empty() || inner.eq_ignore_ascii_case("mailer-daemon")
    });
    let from_email = mail
        .from
        .as_ref()
        .map(|f| f.email.trim().to_string())
        .unwrap_or_default();
    let null_sender = null_return || from_email.is_empty() || !from_email.contains('@');
    let system_sender = [mail.from.as_ref(), mail.reply_to.as_ref()]
        .into_iter()
        .flatten()
        .any(|m| {
            is_system_address(&m.email)
                || m.name.as_deref().is_some_and(|n| SYSTEM_NAME.is_match(n))
        })
        || mail.header("sender").is_some_and(|s| {
            let email = s
                .rsplit('<')
                .next()
                .unwrap_or(s)
                .trim_end_matches('>')
                .trim();
            is_system_address(email)
        });
    Signals {
        auto_submitted,
        precedence,
        list,
        null_sender,
        system_sender,
        auto_reply_header: auto_reply_header(mail),
        ooo_subject: OOO_SUBJECT.is_match(&mail.subject),
    }
}

/// Complaint reports mailbox providers send to senders: RFC 5965 ARF, and
/// Microsoft's JMRP ("complaint about message from 192.0.2.1", the
/// original attached with `X-HmXmrOriginalRecipient`).
static COMPLAINT_SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*complaint about message from \[?\d{1,3}(\.\d{1,3}){3}\]?\s*$"));

/// True for an abuse or complaint report.
pub(crate) fn is_feedback_report(mail: &ParsedMail) -> bool {
    mail.report.feedback_report.is_some()
        || mail.report.report_type.as_deref() == Some("feedback-report")
        || COMPLAINT_SUBJECT.is_match(&mail.subject)
        || mail.report.returned_headers.as_deref().is_some_and(|h| {
            h.lines().any(|l| {
                l.get(..25)
                    .is_some_and(|k| k.eq_ignore_ascii_case("x-hmxmroriginalrecipient"))
            })
        })
}

/// True for a read receipt (RFC 8098 message disposition notification).
pub(crate) fn is_read_receipt(mail: &ParsedMail) -> bool {
    mail.report.disposition_notification
        || mail.report.report_type.as_deref() == Some("disposition-notification")
}

/// Vendor headers of auto-responders. `X-Auto-Response-Suppress` alone is
/// set by Exchange on its own auto-replies (and by mailbot) with `All`;
/// other values appear on ordinary mail and are not trusted.
fn auto_reply_header(mail: &ParsedMail) -> bool {
    const PRESENT: &[&str] = &[
        "x-autoreply",
        "x-autorespond",
        "x-autoresponder",
        "x-autoreply-from",
        "x-mail-autoreply",
        "x-auto-reply",
        "x-vacation",
        "x-ms-exchange-generated-message-source",
        // challenge-response services asking the sender to prove itself
        "x-bluebottle-request",
    ];
    if PRESENT.iter().any(|h| {
        mail.header(h).is_some_and(|v| {
            let v = v.trim().to_ascii_lowercase();
            !matches!(v.as_str(), "no" | "false" | "0")
        })
    }) {
        return true;
    }
    let value_is = |name: &str, pred: &dyn Fn(&str) -> bool| {
        mail.header_all(name)
            .any(|v| pred(&v.trim().to_ascii_lowercase()))
    };
    value_is("x-auto-response-suppress", &|v| v == "all")
        || value_is("x-autogenerated", &|v| v.contains("reply"))
        || value_is("x-fc-machinegenerated", &|v| v == "true")
        || value_is("x-post-messageclass", &|v| v.contains("autoresponder"))
        || value_is("delivered-to", &|v| v.contains("autoresponder"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_office_subjects_in_many_languages() {
        for s in [
            "Out of Office: Your request",
            "Automatic reply: Nyaan",
            "Auto: Hello",
            "Abwesenheitsnotiz: Anfrage",
            "Réponse automatique : Bonjour",
            "Respuesta automática: Hola",
            "Risposta automatica: Ciao",
            "Automatisch antwoord: Hallo",
            "Автоматический ответ: Привет",
            "自動応答: こんにちは",
            "自动回复: 你好",
            "AutoRespons :Nyaan?",
            "Außer Haus: Ihre Anfrage",
            "Afwezig tot maandag",
            "Не в офисе до 5 мая",
        ] {
            assert!(OOO_SUBJECT.is_match(s), "{s}");
        }
        for s in [
            "Re: your invoice",
            "Question about my order",
            "Automobile insurance",
        ] {
            assert!(!OOO_SUBJECT.is_match(s), "{s}");
        }
    }

    #[test]
    fn system_local_parts() {
        for l in [
            "MAILER-DAEMON",
            "postmaster",
            "no-reply",
            "noreply",
            "donotreply",
            "bounce+abc=x",
            "do_not_reply",
            "post_master",
            "MDaemon",
            "2ndml-owner",
            "owner-users",
            "users-request",
            "mailman",
        ] {
            assert!(is_system_address(l), "{l}");
        }
        for l in [
            "alex",
            "bouncer-fan",
            "replyall",
            "it-admin",
            "owner",
            "requests",
        ] {
            assert!(!is_system_address(l), "{l}");
        }
    }
}
