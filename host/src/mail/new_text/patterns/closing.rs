//! Lines that close a message: device and app lines ("Sent from my
//! iPhone"), sign-offs, the "-- " delimiter, a name signed with a dash,
//! contact details and confidentiality notices.

use std::sync::LazyLock;

use regex::Regex;

use super::re;

/// Device and app signatures ("Sent from my iPhone", "Get Outlook for iOS").
/// What people add after their device line ("… Please excuse typos").
pub(super) static EXCUSE_TAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)[.,;!]?\s+(please )?(excuse|pardon|sorry for|forgive) .{0,40}$"));

pub(super) static MOBILE_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(sent from (my )?\S.{0,40}|sent by \S.{0,40}|sent wirelessly (from|by|via) .{1,60}|envoyé sans fil (par|depuis) .{1,60}|diese nachricht wurde (von|mit) .{1,60} gesendet\.?|sent with \S.{0,50}|sent via \S.{0,50}|sent using \S.{0,50}|get outlook for .{1,30}|download outlook for .{1,30}|sent from outlook.{0,30}|sent from yahoo mail.{0,30}|sent from mail for windows.{0,10}|sent on the go.{0,30}|sent from samsung.{0,40}|von meinem \S.{0,40}gesendet|gesendet von (meinem )?\S.{0,40}|outlook für \S{1,20} herunterladen|gesendet mit .{1,40}|envoyé de mon \S.{0,40}|envoyé depuis (mon )?\S.{0,40}|envoyé à partir de (mon )?\S.{0,40}|(obtenir|télécharger) outlook pour .{1,30}|enviado desde mi \S.{0,40}|enviado desde \S.{0,40}|enviado do (meu )?\S.{0,40}|enviado de meu \S.{0,40}|(obtener|descargar) outlook para .{1,30}|obter (o )?outlook para .{1,30}|inviato da(l mio)? \S.{0,40}|scarica outlook per .{1,30}|verzonden (met|vanaf|vanuit|van|via) (mijn )?\S.{0,40}|verstuurd (met|vanaf|vanuit|van|via) (mijn )?\S.{0,40}|outlook voor \S{1,20} downloaden|skickat från (min )?\S.{0,40}|(skaffa|hämta) outlook för .{1,30}|(hent|få) outlook (til|for) .{1,30}|sendt fra (min |mi )?\S.{0,40}|lähetetty \S.{0,40}(sta|stä|lla|llä)|wysłane z (mojego )?\S.{0,40}|wysłano z (mojego )?\S.{0,40}|odesláno z \S.{0,40}|odoslané z \S.{0,40}|отправлено с (моего )?\S.{0,40}|отправлено из \S.{0,40}|надіслано з \S.{0,40}|iphoneから送信|ipadから送信|android.{0,20}から送信|.{1,30}から送信$|发自我的\S{0,30}|從我的\s?\S{1,30}\s?傳送|发自\S{1,30}|.{1,20}에서 보냄$|.{1,30}'?(d[ae]n|t[ae]n) gönderildi$|.{1,30} cihazımdan gönderildi|saját \S{1,30} készülékről küldve|\S.{0,40}(ról|ről) küldve|trimis de pe \S.{0,40}|poslano (s|z|sa) \S.{0,40}|απεστάλη από \S.{0,40}|أرسلت من \S.{0,40}|ارسلت من \S.{0,40}|تم الإرسال من \S.{0,40}|נשלח מה\S.{0,40}|נשלח מ\S.{0,40}|đã gửi từ \S.{0,40}|dikirim dari \S.{0,40}|ส่งจาก \S.{0,40}|получить outlook для .{1,30}|pobierz (aplikację )?outlook.{0,40}|získat outlook pro .{1,30})\s*$",
    )
});

/// Sign-off lines that open a closing block ("Thanks,", "Best regards").
pub(super) static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(thanks|thank you|many thanks|thanks again|thanks in advance|thx|cheers|best|all the best|best regards|best wishes|kind regards|warm regards|warmest regards|regards|sincerely|yours sincerely|yours truly|yours|respectfully|br|mfg|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|freundliche grüsse|viele grüße|viele grüsse|beste grüße|liebe grüße|lg|vg|gruß|grüße|danke|vielen dank|cordialement|bien cordialement|bien à vous|salutations|merci|merci beaucoup|amicalement|bonne journée|saludos|un saludo|saludos cordiales|atentamente|gracias|muchas gracias|cordiali saluti|distinti saluti|saluti|grazie|grazie mille|un saluto|met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|groeten|groet|bedankt|atenciosamente|att|abraços|abraço|obrigado|obrigada|cumprimentos|med vänliga hälsningar|vänliga hälsningar|vänligen|hälsningar|mvh|tack|med venlig hilsen|venlig hilsen|kærlig hilsen|kh|hilsen|mvh|med vennlig hilsen|vennlig hilsen|takk|ystävällisin terveisin|terveisin|kiitos|pozdrawiam|z poważaniem|dziękuję|s pozdravem|děkuji|s úctou|с уважением|с наилучшими пожеланиями|спасибо|всего доброго|з повагою|дякую|よろしくお願いします|よろしくお願いいたします|宜しくお願い致します|以上|此致|此致敬礼|祝好|谢谢|謝謝|감사합니다|고맙습니다|saygılarımla|saygılar|teşekkürler|iyi çalışmalar|üdvözlettel|köszönöm|με εκτίμηση|ευχαριστώ)\s*[,.!:;]?\s*$",
    )
});

/// A rule some clients and writers put above a signature: eight or more
/// underscores, em dashes or box-drawing lines (not hyphens or equals
/// signs, which underline headings).
pub(crate) fn is_signature_rule(line: &str) -> bool {
    let line = line.trim();
    line.chars().count() >= 8 && line.chars().all(|c| matches!(c, '_' | '—' | '─' | '━'))
}

/// How a name signed with a dash is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DashName {
    /// "-roman", "-Lev.": nothing else is written like that.
    Tight,
    /// "- Abhishek Kona": could also be the last item of a list.
    Spaced,
}

/// A name signed with a dash on the last line: "-roman", "-Lev.",
/// "- Abhishek Kona".
pub(crate) fn dash_name(line: &str) -> Option<DashName> {
    let caps = DASH_NAME.captures(line)?;
    let spaced = caps.get(1).is_some_and(|m| !m.as_str().is_empty());
    Some(if spaced {
        DashName::Spaced
    } else {
        DashName::Tight
    })
}

pub(super) static DASH_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*[-–—/](\s?)\p{L}[\p{L}.'’]*(?:\s\p{L}[\p{L}.'’]*){0,2}\s*$"));

/// A line of contact details: a phone or fax number, an address, a web
/// site, a labelled company number ("IBAN …", "VAT …"), an inline image.
pub(super) static CONTACT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(\+?\d[\d ().-]{6,}\d|[^\s<>()]+@[^\s<>()]+\.[a-z]{2,}|https?://|\bwww\.|^\W*(tel|tél|phone|telefon|telefono|teléfono|fax|mobile|mob|cell|handy|m|t|f|e|w|web|email|e-mail|iban|bic|swift|kvk|btw|vat|ust-?id(nr)?|siret|cif|nif|p\.?iva|address|adresse|skype)\b\W*[:.]?\s|\[image:)",
    )
});

/// The opening of a confidentiality notice in several languages, or of a
/// mailing list's footer (Mailman's "riak-users mailing list", Google
/// Groups' "You received this message because you are subscribed …").
pub(super) static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\W*(the (content|contents|information) (of|in|contained in) this (e-?mail|message)|this (e-?mail|message|communication)\b.{0,60}\b(is|are|may be|contains?) (strictly )?(confidential|privileged|intended)|confidentiality (notice|note|statement)|disclaimer\b|diese (e-?mail|nachricht)\b.{0,60}\bvertraulich|ce (message|courriel|mail)\b.{0,80}\bconfidenti|este (mensaje|correo)\b.{0,80}\bconfidencial|(questo messaggio|le informazioni contenute in questo messaggio)\b.{0,80}\briservat|(dit|deze) (e-?mail|bericht)\b.{0,80}\bvertrouwelijk|[\w.-]+ mailing list\s*$|you received this (message|e-?mail) because you are subscribed)",
    )
});

/// True for the first line of a confidentiality notice or list footer.
pub(crate) fn is_disclaimer_start(line: &str) -> bool {
    DISCLAIMER.is_match(line)
}

/// True for a line of contact details (see [`CONTACT_LINE`]).
pub(crate) fn is_contact_line(line: &str) -> bool {
    line.chars().count() <= 100 && CONTACT_LINE.is_match(line)
}

/// A link a client glued into its device line ("Get Outlook for
/// iOS<https://aka.ms/…>", "Sent from Mail<https://…> for Windows").
pub(super) static LINK: LazyLock<Regex> = LazyLock::new(|| re(r"\s*<https?://[^<>\s]*>"));

/// True for a device or app signature line.
pub(crate) fn is_mobile_signature(line: &str) -> bool {
    let line = LINK.replace_all(line, "");
    let line = EXCUSE_TAIL.replace(&line, "");
    // "(Sent from my phone)", "<<sent by Galaxy>>"
    let line = line
        .trim()
        .trim_start_matches(['(', '<', '[', '*', '_'])
        .trim_end_matches([')', '>', ']', '*', '_']);
    // Arabic vowel marks and the stretching character vary from client to
    // client ("أُرسلت من الـ iPhone"); they are dropped for matching only.
    let line: String = line
        .chars()
        .filter(|c| !matches!(c, '\u{064b}'..='\u{065f}' | '\u{0670}' | '\u{0640}'))
        .collect();
    line.chars().count() <= 80 && MOBILE_SIGNATURE.is_match(&line)
}

/// True for a sign-off line ("Thanks,", "Mit freundlichen Grüßen").
pub(crate) fn is_sign_off(line: &str) -> bool {
    line.chars().count() <= 48 && SIGN_OFF.is_match(line)
}

/// True for the "-- " signature delimiter (also without the trailing space,
/// as many clients strip it).
pub(crate) fn is_signature_delimiter(line: &str) -> bool {
    matches!(
        line.trim_end_matches(['\r', '\u{a0}']),
        "-- " | "--" | "—" | "-- -"
    ) || line.trim() == "--"
}
