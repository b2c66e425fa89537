//! Lines that start quoted history: "On … wrote:" attributions (also
//! wrapped, without their colon, or sharing a line with the reply),
//! "-----Original Message-----" separators and forward banners, help
//! desks' "reply above this line" markers, and quoted header blocks
//! ("From: / Sent: / To: / Subject:") in many languages.

use std::sync::LazyLock;

use regex::Regex;

use super::re;

/// Verbs of "X wrote:" attributions in many languages (matched anywhere in a
/// short block that ends with a colon).
pub(super) static WROTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(\bwrote\b|\bwrites\b|\bschrieb\b|\bhat geschrieben\b|a [ée]crit|\bescribi[óo]\b|\bha scritto\b|\bscrisse\b|\bschreef\b|\bgeschreven\b|\bescreveu\b|\bskrev\b|\bskrifaði\b|\bkirjoitti\b|\bnapisa[łl]a?\b|\bnapisa[łl]\(a\)|\bnaps[aá]la?\b|\bnapsal\(a\)|\bnapísal|\bje napisa[ol]a?\b|написал|написала|написав|написала|пише\b|пишет\b|писал|yazd[ıi]\b|έγραψε|\b[íi]rta\b|\ba scris\b|\bva escriure\b|\bkirjutas\b|\bra[šs][ėe]\b|\brakst[īi]ja\b|\bmenulis\b|đã viết|כתב|כתבה|كتب|كتبت|نوشت|लिखा|เขียน|написа|写道|寫道|작성|書きました|のメッセージ|\bwrote on\b)",
    )
});

/// Opening words of attributions (English "On", German "Am", ...): with a
/// date in the block they make an attribution even without a verb.
pub(super) static ATTRIBUTION_START: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*(on|am|le|el|il|op|em|den|dne|w dniu|в|у|päivänä|der|the|po)\b"));

/// An opening word of an attribution inside a line, after the reply's own
/// words ("Thanks! On Wed, … wrote:").
pub(super) static ATTRIBUTION_WORD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:^|[\s\-])(on|am|le|el|il|op|em|den|dne|w dniu)\s"));

/// A date or time inside an attribution: `10:42`, `2014`, `26.06.2014`,
/// `2020年`, `2020년`.
pub(super) static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(\b\d{1,2}:\d{2}\b|\b(19|20)\d{2}\b|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{4}\s*[年년]|\d{1,2}\s*[月월])",
    )
});

/// An e-mail address or a bracketed address.
pub(super) static EMAIL_LIKE: LazyLock<Regex> =
    LazyLock::new(|| re(r"([^\s<>()\[\]]+@[^\s<>()\[\]]+|<[^<>]*@[^<>]*>|\[mailto:)"));

/// Separator lines that start history outright: "-----Original Message-----"
/// and its translations, forwarded-message banners, Apple's "Begin
/// forwarded message:".
pub(super) static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*[-=_*─—]{2,}\s*(original message|original e-?mail|reply message|antwort ?nachricht|forwarded message|forwarded e-?mail|ursprüngliche nachricht|original-?nachricht|weitergeleitete nachricht|message d'origine|message original|message transféré|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|origineel bericht|doorgestuurd bericht|mensagem original|mensagem encaminhada|ursprungligt meddelande|vidarebefordrat meddelande|oprindelig meddelelse|oprindelig besked|videresendt meddelelse|videresendt besked|opprinnelig melding|videresendt melding|alkuperäinen viesti|välitetty viesti|wiadomość oryginalna|oryginalna wiadomość|przekazana wiadomość|původní zpráva|přeposlaná zpráva|pôvodná správa|исходное сообщение|пересылаемое сообщение|пересланное сообщение|оригинальное сообщение|оригінальне повідомлення|вихідне повідомлення|пересланий лист|переслане повідомлення|原始邮件|原始郵件|原邮件|转发的邮件|轉寄郵件|元のメッセージ|転送メッセージ|転送されたメッセージ|원본 메시지|전달된 메시지|orijinal mesaj|özgün ileti|iletilen ileti|eredeti üzenet|továbbított üzenet|mesaj original|mesaj redirecționat|αρχικό μήνυμα|προωθημένο μήνυμα|originalna poruka|izvirno sporočilo|originaal kiri|pradinis laiškas|oriģinālā vēstule|pesan asli|thư gốc|الرسالة الأصلية|رسالة معاد توجيهها|הודעה מקורית|הודעה שהועברה|ข้อความต้นฉบับ|ข้อความที่ส่งต่อ)\s*[-=_*─—]*\s*(?P<rest>.*)$",
    )
});

/// Apple Mail and others: "Begin forwarded message:" in many languages.
pub(super) static FORWARD_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(begin forwarded message|forwarded message|weitergeleitete nachricht|anfang der weitergeleiteten nachricht|début du message réexpédié|début du message transféré|inicio del mensaje reenviado|comienzo del mensaje reenviado|inizio messaggio inoltrato|begin doorgestuurd bericht|início da mensagem reencaminhada|início da mensagem encaminhada|vidarebefordrat brev|videresendt meddelelse|videresendt e-post|välitetty viesti|początek przekazywanej wiadomości|začátek přeposlané zprávy|начало переадресованного сообщения|пересылаемое сообщение|转发的邮件|以下為轉寄郵件|転送されたメッセージ|전달된 메시지|iletilen mesajın başlangıcı)\s*[:：]?\s*$",
    )
});

/// Help desks' "reply above this line" markers: everything below is the
/// ticket's history.
pub(super) static REPLY_ABOVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)((reply|respond|write|type|answer)\b.{0,40}\babove (this|the) line|above this line.{0,30}\b(reply|respond)|(über|oberhalb) dieser (zeile|linie)|au-dessus de cette ligne|encima de esta línea|sopra questa (riga|linea)|boven deze (regel|lijn)|acima desta linha|ovanför (denna|den här) rad|over denne linje|yläpuolelle|powyżej tej linii|над этой строкой|この行より上)",
    )
});

/// A line made only of rule characters (Outlook's underscores, converted
/// `<hr>`): history when a header block follows.
pub(super) static RULE_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*[-_=─—━]{8,}\s*$"));

/// Header keys of quoted header blocks, grouped by role.
/// The header keys of quoted header blocks, in many languages.
pub(super) const HEADER_KEYS: &str = "from|von|من|מאת|từ|dari|จาก|de|da|van|fra|från|lähettäjä|od|nadawca|odesílatel|odosielateľ|от кого|от|від|kimden|gönderen|feladó|差出人|发件人|發件人|寄件者|寄件人|보낸 사람|보낸사람|από|expéditeur|remitente|mittente|afzender|avsändare|afsender|avsender|absender|remetente|saatja|siuntėjas|sūtītājs|pošiljatelj|pošiljalac|expeditor|pengirim|sent|date|gesendet|datum|envoyé|envoyé le|enviado|enviada|enviado el|fecha|inviato|data|verzonden|verstuurd|sendt|dato|skickat|lähetetty|päivämäärä|wysłano|wysłane|data wysłania|odesláno|odoslané|отправлено|дата|надіслано|gönderildi|tarih|elküldve|dátum|küldve|送信日時|日付|发送时间|日期|發送時間|寄件日期|보낸 날짜|날짜|στάλθηκε|ημερομηνία|to|an|à|a|para|aan|til|till|vastaanottaja|do|komu|кому|kime|alıcı|címzett|宛先|收件人|收件者|받는 사람|προς|destinataire|destinatario|destinatário|adresát|cc|kopie|copie|kopia|копия|копія|bilgi|másolat|抄送|副本|참조|κοιν|subject|betreff|objet|asunto|oggetto|onderwerp|emne|ämne|aihe|otsikko|temat|předmět|predmet|тема|konu|tárgy|件名|主题|主旨|제목|θέμα|assunto|sujet|reply-to|antwort an|message du|تم الإرسال|أرسلت|التاريخ|الموضوع|إلى|الى|نسخة|נשלח|תאריך|נושא|אל|עותק|đã gửi|ngày|chủ đề|đến|dikirim|tanggal|perihal|subjek|kepada|ส่ง|วันที่|เรื่อง|ถึง";

pub(super) static HEADER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^\s*[*>]?\s*(?P<key>{HEADER_KEYS})\s*[*]?\s*[:：]"
    ))
});

/// A header key anywhere in a line, for header blocks a client ran onto
/// one line ("Date: … From: … To: … Subject: …").
pub(super) static HEADER_KEY_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:^|\s)\*?(?P<key>{HEADER_KEYS})\*?\s*[:：]\s"
    ))
});

/// Keys that name the sender in a header block.
pub(super) const FROM_KEYS: &[&str] = &[
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
pub(super) const STRONG_OTHER_KEYS: &[&str] = &[
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

/// True when `block` begins with an attribution's opening word and carries
/// its date ("On Tue, 2011-03-01 …", "Il giorno sabato 26 maggio 2012 …"):
/// then nothing above it belongs to it.
pub(crate) fn opens_attribution(block: &str) -> bool {
    ATTRIBUTION_START.is_match(block) && DATE_LIKE.is_match(block)
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
