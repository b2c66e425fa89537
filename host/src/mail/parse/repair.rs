//! Repairs of raw bytes that mail-parser would misread, made before it
//! reads them: blank lines before the headers, lines ended by CR alone,
//! and multiparts cut off before their closing boundary. Each repair borrows the input when it has nothing to do.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem;
use regex::bytes::Regex;

/// How far into a message line endings are sampled.
const LINE_END_SAMPLE: usize = 64 * 1024;
/// How many multipart boundaries are looked at (a bound against hostile input).
const MAX_BOUNDARIES: usize = 32;

/// A `boundary` parameter, quoted or not.
static BOUNDARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\bboundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))"#)
        .unwrap_or_else(|e| panic!("boundary pattern: {e}"))
});

/// The message with every repair applied.
pub(super) fn repaired(raw: &[u8]) -> Cow<'_, [u8]> {
    let raw = without_leading_blank_lines(raw);
    match with_line_feeds(raw) {
        Cow::Borrowed(raw) => with_closed_multiparts(raw),
        Cow::Owned(fixed) => Cow::Owned(with_closed_multiparts(&fixed).into_owned()),
    }
}

/// The message from its first header on: a line of white space before the
/// headers (seen from broken gateways) would make mail-parser read it as
/// the end of an empty header section.
fn without_leading_blank_lines(raw: &[u8]) -> &[u8] {
    let mut start = 0;
    while let Some(len) = raw[start..].iter().position(|&b| b == b'\n') {
        let line = &raw[start..start + len];
        if !line.iter().all(u8::is_ascii_whitespace) {
            break;
        }
        start += len + 1;
    }
    &raw[start..]
}

/// A message whose lines end in CR alone (old Mac mail, some archives)
/// with CRLF instead: mail-parser reads lines up to LF, so it would see one
/// endless header. Mail with any LF in its first 64 KiB is left as it is.
fn with_line_feeds(raw: &[u8]) -> Cow<'_, [u8]> {
    let head = &raw[..raw.len().min(LINE_END_SAMPLE)];
    if head.contains(&b'\n') || !head.contains(&b'\r') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    for (i, &b) in raw.iter().enumerate() {
        out.push(b);
        if b == b'\r' && raw.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    Cow::Owned(out)
}

/// A message cut off inside a multipart (a size limit, a broken relay, an
/// archive that dropped the tail) with the missing closing boundaries
/// added, innermost first: without them mail-parser keeps the last part's
/// body undecoded. Only a message whose own (outermost) multipart is left
/// open is looked at further, so whole messages cost one search.
fn with_closed_multiparts(raw: &[u8]) -> Cow<'_, [u8]> {
    let head = &raw[..header_section_end(raw)];
    let Some(root) = boundaries(head).next() else {
        return Cow::Borrowed(raw);
    };
    if !opens_part(raw, root) || closes(raw, root) {
        return Cow::Borrowed(raw);
    }
    let unclosed: Vec<&[u8]> = boundaries(raw)
        .filter(|b| opens_part(raw, b) && !closes(raw, b))
        .collect();
    let mut out = raw.to_vec();
    if !out.ends_with(b"\n") {
        out.extend_from_slice(b"\r\n");
    }
    for boundary in unclosed.iter().rev() {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary);
        out.extend_from_slice(b"--\r\n");
    }
    Cow::Owned(out)
}

/// The `boundary` parameters in `bytes`, in order.
fn boundaries(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    BOUNDARY
        .captures_iter(bytes)
        .take(MAX_BOUNDARIES)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_bytes())
}

/// Where the header section ends (the first empty line), or the end.
pub(super) fn header_section_end(raw: &[u8]) -> usize {
    let crlf = memmem::find(raw, b"\r\n\r\n");
    let lf = memmem::find(raw, b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(raw.len()),
    }
}

/// True when a delimiter line `--boundary` opens a part.
fn opens_part(raw: &[u8], boundary: &[u8]) -> bool {
    memmem::find(raw, &[b"\n--", boundary].concat()).is_some()
}

/// True when the closing delimiter `--boundary--` starts a line.
fn closes(raw: &[u8], boundary: &[u8]) -> bool {
    memmem::find(raw, &[b"\n--", boundary, b"--"].concat()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_before_the_headers_are_dropped() {
        let raw = format!("{}\r\n\r\nFrom: a@x.org\r\n\r\nbody", " ".repeat(256));
        assert_eq!(&*repaired(raw.as_bytes()), b"From: a@x.org\r\n\r\nbody");
    }

    #[test]
    fn lines_ended_by_cr_alone_get_line_feeds() {
        assert_eq!(
            &*repaired(b"Subject: a\rFrom: b\r\rbody\r"),
            b"Subject: a\r\nFrom: b\r\n\r\nbody\r\n"
        );
    }

    #[test]
    fn a_multipart_cut_off_gets_its_closing_boundaries_innermost_first() {
        let raw = b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: multipart/alternative; boundary=\"in ner\"\r\n\r\n--in ner\r\nContent-Type: text/plain\r\n\r\nhello";
        let fixed = repaired(raw);
        assert!(
            fixed.ends_with(b"hello\r\n--in ner--\r\n--outer--\r\n"),
            "{}",
            String::from_utf8_lossy(&fixed)
        );
    }

    #[test]
    fn complete_and_plain_messages_are_borrowed_as_they_are() {
        let complete =
            b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n--b--\r\n";
        let plain = b"Subject: boundary=x in a subject\r\n\r\nno parts here\r\n";
        assert!(matches!(repaired(complete), Cow::Borrowed(_)));
        assert!(matches!(repaired(plain), Cow::Borrowed(_)));
    }
}
