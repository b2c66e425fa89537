//! The per-language and per-client line patterns that mark quoted history
//! and signatures in plain text.
//!
//! Every pattern is compiled once. They are written for the general case:
//! the languages and clients listed are those whose wording is known, and
//! shape-based rules (a short line with a date and an address ending in a
//! colon) cover the rest.

use std::sync::LazyLock;

use regex::Regex;

fn re(pattern: &str) -> Regex {
    // The patterns are constants checked by the tests below; an invalid one
    // is a programming error caught by `all_patterns_compile`, never input.
    Regex::new(pattern).unwrap_or_else(|e| panic!("mail pattern {pattern:?}: {e}"))
}

/// Verbs of "X wrote:" attributions in many languages (matched anywhere in a
/// short block that ends with a colon).
static WROTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(\bwrote\b|\bwrites\b|\bschrieb\b|\bhat geschrieben\b|a [ée]crit|\bescribi[óo]\b|\bha scritto\b|\bscrisse\b|\bschreef\b|\bgeschreven\b|\bescreveu\b|\bskrev\b|\bskrifaði\b|\bkirjoitti\b|\bnapisa[łl]a?\b|\bnapisa[łl]\(a\)|\bnaps[aá]la?\b|\bnapsal\(a\)|\bnapísal|\bje napisa[ol]a?\b|написал|написала|написав|написала|пише\b|пишет\b|писал|yazd[ıi]\b|έγραψε|\b[íi]rta\b|\ba scris\b|\bva escriure\b|\bkirjutas\b|\bra[šs][ėe]\b|\brakst[īi]ja\b|\bmenulis\b|đã viết|כתב|כתבה|كتب|كتبت|نوشت|लिखा|เขียน|написа|写道|寫道|작성|書きました|のメッセージ|\bwrote on\b)",
    )
});

/// Opening words of attributions (English "On", German "Am", ...): with a
/// date in the block they make an attribution even without a verb.
static ATTRIBUTION_START: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*(on|am|le|el|il|op|em|den|dne|w dniu|в|у|päivänä|der|the|po)\b"));

/// An opening word of an attribution inside a line, after the reply's own
/// words ("Thanks! On Wed, … wrote:").
static ATTRIBUTION_WORD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:^|[\s\-])(on|am|le|el|il|op|em|den|dne|w dniu)\s"));

/// A date or time inside an attribution: `10:42`, `2014`, `26.06.2014`,
/// `2020年`, `2020년`.
static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(\b\d{1,2}:\d{2}\b|\b(19|20)\d{2}\b|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{4}\s*[年년]|\d{1,2}\s*[月월])",
    )
});

/// An e-mail address or a bracketed address.
static EMAIL_LIKE: LazyLock<Regex> =
    LazyLock::new(|| re(r"([^\s<>()\[\]]+@[^\s<>()\[\]]+|<[^<>]*@[^<>]*>|\[mailto:)"));

/// Separator lines that start history outright: "-----Original Message-----"
/// and its translations, forwarded-message banners, Apple's "Begin
/// forwarded message:".
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*[-=_*─—]{2,}\s*(original message|original e-?mail|reply message|antwort ?nachricht|forwarded message|forwarded e-?mail|ursprüngliche nachricht|original-?nachricht|weitergeleitete nachricht|message d'origine|message original|message transféré|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|origineel bericht|doorgestuurd bericht|mensagem original|mensagem encaminhada|ursprungligt meddelande|vidarebefordrat meddelande|oprindelig meddelelse|oprindelig besked|videresendt meddelelse|videresendt besked|opprinnelig melding|videresendt melding|alkuperäinen viesti|välitetty viesti|wiadomość oryginalna|oryginalna wiadomość|przekazana wiadomość|původní zpráva|přeposlaná zpráva|pôvodná správa|исходное сообщение|пересылаемое сообщение|пересланное сообщение|оригинальное сообщение|оригінальне повідомлення|вихідне повідомлення|пересланий лист|переслане повідомлення|原始邮件|原始郵件|原邮件|转发的邮件|轉寄郵件|元のメッセージ|転送メッセージ|転送されたメッセージ|원본 메시지|전달된 메시지|orijinal mesaj|özgün ileti|iletilen ileti|eredeti üzenet|továbbított üzenet|mesaj original|mesaj redirecționat|αρχικό μήνυμα|προωθημένο μήνυμα|originalna poruka|izvirno sporočilo|originaal kiri|pradinis laiškas|oriģinālā vēstule|pesan asli|thư gốc|الرسالة الأصلية|رسالة معاد توجيهها|הודעה מקורית|הודעה שהועברה|ข้อความต้นฉบับ|ข้อความที่ส่งต่อ)\s*[-=_*─—]*\s*(?P<rest>.*)$",
    )
});

/// Apple Mail and others: "Begin forwarded message:" in many languages.
static FORWARD_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(begin forwarded message|forwarded message|weitergeleitete nachricht|anfang der weitergeleiteten nachricht|début du message réexpédié|début du message transféré|inicio del mensaje reenviado|comienzo del mensaje reenviado|inizio messaggio inoltrato|begin doorgestuurd bericht|início da mensagem reencaminhada|início da mensagem encaminhada|vidarebefordrat brev|videresendt meddelelse|videresendt e-post|välitetty viesti|początek przekazywanej wiadomości|začátek přeposlané zprávy|начало переадресованного сообщения|пересылаемое сообщение|转发的邮件|以下為轉寄郵件|転送されたメッセージ|전달된 메시지|iletilen mesajın başlangıcı)\s*[:：]?\s*$",
    )
});

/// Help desks' "reply above this line" markers: everything below is the
/// ticket's history.
static REPLY_ABOVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)((reply|respond|write|type|answer)\b.{0,40}\babove (this|the) line|above this line.{0,30}\b(reply|respond)|(über|oberhalb) dieser (zeile|linie)|au-dessus de cette ligne|encima de esta línea|sopra questa (riga|linea)|boven deze (regel|lijn)|acima desta linha|ovanför (denna|den här) rad|over denne linje|yläpuolelle|powyżej tej linii|над этой строкой|この行より上)",
    )
});

/// A line made only of rule characters (Outlook's underscores, converted
/// `<hr>`): history when a header block follows.
static RULE_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*[-_=─—━]{8,}\s*$"));

/// Header keys of quoted header blocks, grouped by role.
/// The header keys of quoted header blocks, in many languages.
const HEADER_KEYS: &str = "from|von|من|מאת|từ|dari|จาก|de|da|van|fra|från|lähettäjä|od|nadawca|odesílatel|odosielateľ|от кого|от|від|kimden|gönderen|feladó|差出人|发件人|發件人|寄件者|寄件人|보낸 사람|보낸사람|από|expéditeur|remitente|mittente|afzender|avsändare|afsender|avsender|absender|remetente|saatja|siuntėjas|sūtītājs|pošiljatelj|pošiljalac|expeditor|pengirim|sent|date|gesendet|datum|envoyé|envoyé le|enviado|enviada|enviado el|fecha|inviato|data|verzonden|verstuurd|sendt|dato|skickat|lähetetty|päivämäärä|wysłano|wysłane|data wysłania|odesláno|odoslané|отправлено|дата|надіслано|gönderildi|tarih|elküldve|dátum|küldve|送信日時|日付|发送时间|日期|發送時間|寄件日期|보낸 날짜|날짜|στάλθηκε|ημερομηνία|to|an|à|a|para|aan|til|till|vastaanottaja|do|komu|кому|kime|alıcı|címzett|宛先|收件人|收件者|받는 사람|προς|destinataire|destinatario|destinatário|adresát|cc|kopie|copie|kopia|копия|копія|bilgi|másolat|抄送|副本|참조|κοιν|subject|betreff|objet|asunto|oggetto|onderwerp|emne|ämne|aihe|otsikko|temat|předmět|predmet|тема|konu|tárgy|件名|主题|主旨|제목|θέμα|assunto|sujet|reply-to|antwort an|message du|تم الإرسال|أرسلت|التاريخ|الموضوع|إلى|الى|نسخة|נשלח|תאריך|נושא|אל|עותק|đã gửi|ngày|chủ đề|đến|dikirim|tanggal|perihal|subjek|kepada|ส่ง|วันที่|เรื่อง|ถึง";

static HEADER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^\s*[*>]?\s*(?P<key>{HEADER_KEYS})\s*[*]?\s*[:：]"
    ))
});

/// A header key anywhere in a line, for header blocks a client ran onto
/// one line ("Date: … From: … To: … Subject: …").
static HEADER_KEY_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:^|\s)\*?(?P<key>{HEADER_KEYS})\*?\s*[:：]\s"
    ))
});

/// Keys that name the sender in a header block.
const FROM_KEYS: &[&str] = &[
    "from",
    "von",
    "de",
    "da",
    "van",
    "fra",
    "från",
    "lähettäjä",
    "od",
    "nadawca",
    "odesílatel",
    "odosielateľ",
    "от кого",
    "от",
    "від",
    "kimden",
    "gönderen",
    "feladó",
    "差出人",
    "发件人",
    "發件人",
    "寄件者",
    "寄件人",
    "보낸 사람",
    "보낸사람",
    "από",
    "expéditeur",
    "remitente",
    "mittente",
    "afzender",
    "avsändare",
    "afsender",
    "avsender",
    "absender",
    "remetente",
    "saatja",
    "siuntėjas",
    "sūtītājs",
    "pošiljatelj",
    "pošiljalac",
    "expeditor",
    "pengirim",
    "من",
    "מאת",
    "từ",
    "dari",
    "จาก",
];

/// Keys that are unambiguous enough to start a block (not "a", "do", "to").
const STRONG_OTHER_KEYS: &[&str] = &[
    "sent",
    "date",
    "gesendet",
    "datum",
    "envoyé",
    "envoyé le",
    "enviado",
    "enviada",
    "fecha",
    "inviato",
    "data",
    "verzonden",
    "sendt",
    "skickat",
    "lähetetty",
    "wysłano",
    "odesláno",
    "отправлено",
    "дата",
    "надіслано",
    "gönderildi",
    "tarih",
    "elküldve",
    "送信日時",
    "发送时间",
    "發送時間",
    "寄件日期",
    "보낸 날짜",
    "στάλθηκε",
    "subject",
    "betreff",
    "objet",
    "asunto",
    "oggetto",
    "onderwerp",
    "emne",
    "ämne",
    "aihe",
    "temat",
    "předmět",
    "тема",
    "konu",
    "tárgy",
    "件名",
    "主题",
    "主旨",
    "제목",
    "θέμα",
    "assunto",
    "sujet",
    "message du",
    "تم الإرسال",
    "أرسلت",
    "التاريخ",
    "الموضوع",
    "נשלח",
    "תאריך",
    "נושא",
    "đã gửi",
    "ngày",
    "chủ đề",
    "dikirim",
    "tanggal",
    "perihal",
    "subjek",
    "ส่ง",
    "วันที่",
    "เรื่อง",
];

/// Device and app signatures ("Sent from my iPhone", "Get Outlook for iOS").
/// What people add after their device line ("… Please excuse typos").
static EXCUSE_TAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)[.,;!]?\s+(please )?(excuse|pardon|sorry for|forgive) .{0,40}$"));

static MOBILE_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(sent from (my )?\S.{0,40}|sent by \S.{0,40}|sent wirelessly (from|by|via) .{1,60}|envoyé sans fil (par|depuis) .{1,60}|diese nachricht wurde (von|mit) .{1,60} gesendet\.?|sent with \S.{0,50}|sent via \S.{0,50}|sent using \S.{0,50}|get outlook for .{1,30}|download outlook for .{1,30}|sent from outlook.{0,30}|sent from yahoo mail.{0,30}|sent from mail for windows.{0,10}|sent on the go.{0,30}|sent from samsung.{0,40}|von meinem \S.{0,40}gesendet|gesendet von (meinem )?\S.{0,40}|outlook für \S{1,20} herunterladen|gesendet mit .{1,40}|envoyé de mon \S.{0,40}|envoyé depuis (mon )?\S.{0,40}|envoyé à partir de (mon )?\S.{0,40}|(obtenir|télécharger) outlook pour .{1,30}|enviado desde mi \S.{0,40}|enviado desde \S.{0,40}|enviado do (meu )?\S.{0,40}|enviado de meu \S.{0,40}|(obtener|descargar) outlook para .{1,30}|obter (o )?outlook para .{1,30}|inviato da(l mio)? \S.{0,40}|scarica outlook per .{1,30}|verzonden (met|vanaf|vanuit|van|via) (mijn )?\S.{0,40}|verstuurd (met|vanaf|vanuit|van|via) (mijn )?\S.{0,40}|outlook voor \S{1,20} downloaden|skickat från (min )?\S.{0,40}|(skaffa|hämta) outlook för .{1,30}|(hent|få) outlook (til|for) .{1,30}|sendt fra (min |mi )?\S.{0,40}|lähetetty \S.{0,40}(sta|stä|lla|llä)|wysłane z (mojego )?\S.{0,40}|wysłano z (mojego )?\S.{0,40}|odesláno z \S.{0,40}|odoslané z \S.{0,40}|отправлено с (моего )?\S.{0,40}|отправлено из \S.{0,40}|надіслано з \S.{0,40}|iphoneから送信|ipadから送信|android.{0,20}から送信|.{1,30}から送信$|发自我的\S{0,30}|從我的\s?\S{1,30}\s?傳送|发自\S{1,30}|.{1,20}에서 보냄$|.{1,30}'?(d[ae]n|t[ae]n) gönderildi$|.{1,30} cihazımdan gönderildi|saját \S{1,30} készülékről küldve|\S.{0,40}(ról|ről) küldve|trimis de pe \S.{0,40}|poslano (s|z|sa) \S.{0,40}|απεστάλη από \S.{0,40}|أرسلت من \S.{0,40}|ارسلت من \S.{0,40}|تم الإرسال من \S.{0,40}|נשלח מה\S.{0,40}|נשלח מ\S.{0,40}|đã gửi từ \S.{0,40}|dikirim dari \S.{0,40}|ส่งจาก \S.{0,40}|получить outlook для .{1,30}|pobierz (aplikację )?outlook.{0,40}|získat outlook pro .{1,30})\s*$",
    )
});

/// Sign-off lines that open a closing block ("Thanks,", "Best regards").
static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(thanks|thank you|many thanks|thanks again|thanks in advance|thx|cheers|best|all the best|best regards|best wishes|kind regards|warm regards|warmest regards|regards|sincerely|yours sincerely|yours truly|yours|respectfully|br|mfg|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|freundliche grüsse|viele grüße|viele grüsse|beste grüße|liebe grüße|lg|vg|gruß|grüße|danke|vielen dank|cordialement|bien cordialement|bien à vous|salutations|merci|merci beaucoup|amicalement|bonne journée|saludos|un saludo|saludos cordiales|atentamente|gracias|muchas gracias|cordiali saluti|distinti saluti|saluti|grazie|grazie mille|un saluto|met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|groeten|groet|bedankt|atenciosamente|att|abraços|abraço|obrigado|obrigada|cumprimentos|med vänliga hälsningar|vänliga hälsningar|vänligen|hälsningar|mvh|tack|med venlig hilsen|venlig hilsen|hilsen|mvh|med vennlig hilsen|vennlig hilsen|takk|ystävällisin terveisin|terveisin|kiitos|pozdrawiam|z poważaniem|dziękuję|s pozdravem|děkuji|s úctou|с уважением|с наилучшими пожеланиями|спасибо|всего доброго|з повагою|дякую|よろしくお願いします|よろしくお願いいたします|宜しくお願い致します|以上|此致|此致敬礼|祝好|谢谢|謝謝|감사합니다|고맙습니다|saygılarımla|saygılar|teşekkürler|iyi çalışmalar|üdvözlettel|köszönöm|με εκτίμηση|ευχαριστώ)\s*[,.!:;]?\s*$",
    )
});

/// True for a `>`-quoted line.
pub(crate) fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// True when the line is a history separator: alone, or with the quoted
/// header block run onto the same line ("-----Original Message-----From: …").
pub(crate) fn is_separator(line: &str) -> bool {
    if FORWARD_INTRO.is_match(line) || (line.len() <= 200 && REPLY_ABOVE.is_match(line)) {
        return true;
    }
    SEPARATOR.captures(line).is_some_and(|caps| {
        caps.name("rest").is_none_or(|rest| {
            rest.as_str().trim().is_empty() || header_key(rest.as_str()).is_some()
        })
    })
}

/// A line of eight or more underscores only.
pub(crate) fn is_underscore_rule(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 8 && line.bytes().all(|b| b == b'_')
}

/// A short line of rule characters only ("====", "----"), kept with the
/// history it sits above.
pub(crate) fn is_short_rule(line: &str) -> bool {
    let line = line.trim();
    line.chars().count() >= 3
        && line
            .chars()
            .all(|c| matches!(c, '-' | '_' | '=' | '*' | '~' | '─' | '—' | '━'))
}

/// True for a line of rule characters only.
pub(crate) fn is_rule_line(line: &str) -> bool {
    RULE_LINE.is_match(line)
}

/// Role of a header-block line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderKey {
    /// From / Von / De / От ...
    From,
    /// Sent / Date / Subject and their translations.
    Strong,
    /// To / Cc and short keys that only count inside a block.
    Weak,
}

/// The header key a line starts with, if any.
pub(crate) fn header_key(line: &str) -> Option<HeaderKey> {
    let caps = HEADER_LINE.captures(line)?;
    Some(role(caps.name("key")?.as_str()))
}

fn role(key: &str) -> HeaderKey {
    let key = key.to_lowercase();
    if FROM_KEYS.contains(&key.as_str()) {
        HeaderKey::From
    } else if STRONG_OTHER_KEYS.contains(&key.as_str()) {
        HeaderKey::Strong
    } else {
        HeaderKey::Weak
    }
}

/// True for a whole quoted header block on one line: it starts with a
/// sender, date or subject key and names a sender, a date or subject and
/// at least one more field further along.
pub(crate) fn is_inline_header_block(line: &str) -> bool {
    if line.len() > 1000 || header_key(line).is_none_or(|k| k == HeaderKey::Weak) {
        return false;
    }
    let roles: Vec<HeaderKey> = HEADER_KEY_INLINE
        .captures_iter(line)
        .filter_map(|c| c.name("key").map(|k| role(k.as_str())))
        .collect();
    roles.len() >= 3 && roles.contains(&HeaderKey::From) && roles.contains(&HeaderKey::Strong)
}

/// How sure we are that a block of lines is an "On … wrote:" attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attribution {
    /// Not an attribution.
    No,
    /// "Name wrote:" without date or address: only trusted before `>` lines.
    Weak,
    /// Has a date or address as well: starts history on its own.
    Strong,
}

/// Classifies a block of at most a few joined lines ending in a colon, or
/// ending in the verb itself with a date and an address before it ("On …
/// John <j@x> wrote", as some clients write it without the colon).
pub(crate) fn attribution(block: &str) -> Attribution {
    let block = block.trim();
    if block.chars().count() > 400 {
        return Attribution::No;
    }
    // "---- John Smith wrote ----": dashes around it instead of the colon
    // set it apart as surely as a separator line.
    let dashed = block.trim_matches('-').trim();
    if dashed.len() + 4 <= block.len() && block.ends_with("--") && WROTE.is_match(dashed) {
        return match attribution(&format!("{dashed}:")) {
            Attribution::No => Attribution::No,
            _ => Attribution::Strong,
        };
    }
    if !(block.ends_with(':') || block.ends_with('：')) {
        // Every line of a body comes here: the cheap test first.
        let strong = block.contains('@')
            && WROTE
                .find_iter(block)
                .last()
                .is_some_and(|m| m.end() == block.len())
            && DATE_LIKE.is_match(block)
            && EMAIL_LIKE.is_match(block);
        return if strong {
            Attribution::Strong
        } else {
            Attribution::No
        };
    }
    let has_date = DATE_LIKE.is_match(block);
    let has_email = EMAIL_LIKE.is_match(block);
    if WROTE.is_match(block) {
        if has_date || has_email {
            return Attribution::Strong;
        }
        let words = block.split_whitespace().count();
        return if words <= 8 {
            Attribution::Weak
        } else {
            Attribution::No
        };
    }
    if has_date && has_email {
        return Attribution::Strong;
    }
    if has_date && ATTRIBUTION_START.is_match(block) && block.split_whitespace().count() <= 14 {
        return Attribution::Weak;
    }
    Attribution::No
}

/// Where an attribution starts inside a line that begins with the reply's
/// own words: "Thanks! On Wed, Apr 4, 2012 at 3:59 PM, bob@x.org wrote:".
pub(crate) fn attribution_inside(line: &str) -> Option<usize> {
    let trimmed = line.trim_end();
    if !(trimmed.ends_with(':') || trimmed.ends_with('：')) || !line.contains('@') {
        return None;
    }
    ATTRIBUTION_WORD
        .captures_iter(line)
        .filter_map(|c| c.get(1).map(|m| m.start()))
        .filter(|&at| at > 0)
        .find(|&at| {
            !line[..at]
                .trim_matches(|c: char| c == '-' || c.is_whitespace())
                .is_empty()
                && attribution(&line[at..]) == Attribution::Strong
        })
}

/// A name signed with a dash on the last line: "-roman", "-Lev.",
/// "- Abhishek Kona". `spaced` tells whether a space follows the dash (then
/// it could be the last item of a list).
pub(crate) fn dash_name(line: &str) -> Option<bool> {
    let caps = DASH_NAME.captures(line)?;
    Some(caps.get(1).is_some_and(|m| !m.as_str().is_empty()))
}

static DASH_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*[-–—](\s?)\p{L}[\p{L}.'’]*(?:\s\p{L}[\p{L}.'’]*){0,2}\s*$"));

/// A line of contact details: a phone or fax number, an address, a web
/// site, a labelled company number ("IBAN …", "VAT …"), an inline image.
static CONTACT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(\+?\d[\d ().-]{6,}\d|[^\s<>()]+@[^\s<>()]+\.[a-z]{2,}|https?://|\bwww\.|^\W*(tel|tél|phone|telefon|telefono|teléfono|fax|mobile|mob|cell|handy|m|t|f|e|w|web|email|e-mail|iban|bic|swift|kvk|btw|vat|ust-?id(nr)?|siret|cif|nif|p\.?iva|address|adresse|skype)\b\W*[:.]?\s|\[image:)",
    )
});

/// The opening of a confidentiality notice in several languages.
static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\W*(the (content|contents|information) (of|in|contained in) this (e-?mail|message)|this (e-?mail|message|communication)\b.{0,60}\b(is|are|may be|contains?) (strictly )?(confidential|privileged|intended)|confidentiality (notice|note|statement)|disclaimer\b|diese (e-?mail|nachricht)\b.{0,60}\bvertraulich|ce (message|courriel|mail)\b.{0,80}\bconfidenti|este (mensaje|correo)\b.{0,80}\bconfidencial|(questo messaggio|le informazioni contenute in questo messaggio)\b.{0,80}\briservat|(dit|deze) (e-?mail|bericht)\b.{0,80}\bvertrouwelijk)",
    )
});

/// True for the first line of a confidentiality notice.
pub(crate) fn is_disclaimer_start(line: &str) -> bool {
    DISCLAIMER.is_match(line)
}

/// True for a line of contact details (see [`CONTACT_LINE`]).
pub(crate) fn is_contact_line(line: &str) -> bool {
    line.chars().count() <= 100 && CONTACT_LINE.is_match(line)
}

/// True for a line right above quoted history that introduces it although
/// it lacks the colon: "Am 20.06.24 um 16:20 schrieb ACME Support" (an
/// opening word, a date or time, a verb of writing, no sentence end).
pub(crate) fn is_attribution_above_history(line: &str) -> bool {
    let line = line.trim();
    if attribution(line) != Attribution::No {
        return true;
    }
    if line.ends_with(['.', '!', '?']) || !DATE_LIKE.is_match(line) {
        return false;
    }
    let words = line.split_whitespace().count();
    // "Am 20.06.24 um 16:20 schrieb ACME Support"
    (words <= 16 && ATTRIBUTION_START.is_match(line) && WROTE.is_match(line))
        // "2011/4/7 Nathan <support@example.com>"
        || (words <= 10 && EMAIL_LIKE.is_match(line))
}

/// A link a client glued into its device line ("Get Outlook for
/// iOS<https://aka.ms/…>", "Sent from Mail<https://…> for Windows").
static LINK: LazyLock<Regex> = LazyLock::new(|| re(r"\s*<https?://[^<>\s]*>"));

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
