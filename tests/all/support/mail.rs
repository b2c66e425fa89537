//! Reading headers out of raw messages in assertions, and writing the
//! customer mail tests send.

/// The unfolded value of the first `name` header in the header block.
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let head = head.split("\n\n").next().unwrap_or("");
    let mut value: Option<String> = None;
    for line in head.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some(v) = value.as_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((key, rest)) = line.split_once(':')
            && key.eq_ignore_ascii_case(name)
        {
            value = Some(rest.trim().to_owned());
        }
    }
    value
}

/// A plain customer message.
pub fn customer_mail(from: &str, to: &str, subject: &str, message_id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Jane Doe <{from}>\r\nTo: {to}\r\nSubject: {subject}\r\n\
         Message-ID: <{message_id}>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// A follow-up to `parent` (a reply mailbot sent), threaded by headers.
pub fn follow_up(from: &str, to: &str, parent: &[u8], message_id: &str, body: &str) -> Vec<u8> {
    let parent_id = header(parent, "Message-ID").expect("parent has a Message-ID");
    let references = match header(parent, "References") {
        Some(refs) => format!("{refs} {parent_id}"),
        None => parent_id.clone(),
    };
    let subject = header(parent, "Subject").unwrap_or_default();
    format!(
        "From: Jane Doe <{from}>\r\nTo: {to}\r\nSubject: {subject}\r\n\
         Message-ID: <{message_id}>\r\nIn-Reply-To: {parent_id}\r\nReferences: {references}\r\n\
         Date: Mon, 23 Nov 2026 10:05:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         {body}\r\n\r\nOn Mon, 23 Nov 2026, Support wrote:\r\n> We have received your message.\r\n"
    )
    .into_bytes()
}
