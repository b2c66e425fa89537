//! HTML bodies: cut the quote containers mail clients mark in the DOM, then
//! convert what is left to text (html2text) and apply the plain-text rules.
//!
//! Containers that hold a whole quote (Gmail's `gmail_quote`, Yahoo's
//! `yahoo_quoted`, Thunderbird's `moz-cite-prefix`, ProtonMail, Zoho, AOL)
//! are removed where they stand; markers that open history running to the
//! end of the message (Outlook's `divRplyFwdMsg` and header rule, Hotmail's
//! `stopSpelling`, Zimbra's `zwchr`) remove everything after them.
//! `<blockquote>` is left to html2text, which renders it `>`-quoted, so the
//! text rules keep bottom-posted and interleaved answers. Signature
//! containers (Gmail's `gmail_signature`, Thunderbird's `moz-signature`,
//! Outlook's `Signature`) are taken out whole as the signature.

use html2text::config::{self, Config};
use html2text::{Element, Handle, RcDom};

use crate::mail::new_text::decorator::MailDecorator;
use crate::mail::new_text::{Author, NewText, lines};

/// Wrap width for html2text: wide enough never to wrap a real line, so line
/// patterns see lines as written.
const RENDER_WIDTH: usize = 4000;
/// Nesting depth below which the DOM is not searched for quote markers (a
/// bound for hostile input; html2text has its own).
const MAX_DEPTH: usize = 256;

/// Class-name fragments of elements that hold a whole quote.
const CONTAINER_CLASSES: &[&str] = &[
    "gmail_quote",
    "gmail_attr",
    "yahoo_quoted",
    "moz-cite-prefix",
    "protonmail_quote",
    "tutanota_quote",
    "zmail_extra",
    "spark_quote",
    "front-blockquote",
    "missive_quote",
];

/// Id fragments of elements that hold a whole quote.
const CONTAINER_IDS: &[&str] = &["aolmsgpart", "yahoo_quoted", "isforwardcontent"];

/// Ids of elements where history starts and runs to the end.
const CUT_IDS: &[&str] = &[
    "divrplyfwdmsg",
    "appendonsend",
    "olk_src_body_section",
    "stopspelling",
    "zwchr",
    "mail-editor-reference-message-container",
    "x_divrplyfwdmsg",
];

/// Class names of elements where history starts and runs to the end.
const CUT_CLASSES: &[&str] = &["outlookmessageheader", "x_outlookmessageheader"];

/// Class-name fragments of elements that hold the sender's signature.
const SIGNATURE_CLASSES: &[&str] = &[
    "gmail_signature",
    "moz-signature",
    "protonmail_signature_block",
];

/// Ids of elements that hold the sender's signature.
const SIGNATURE_IDS: &[&str] = &[
    "signature",
    "x_signature",
    "ms-outlook-mobile-signature",
    "applemailsignature",
];

/// The result of splitting an HTML body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlSplit {
    /// New text, quoted text and signature.
    pub parts: NewText,
    /// The whole body converted to text.
    pub full_text: String,
    /// `cid:` references (lower-cased) that only quoted history shows.
    pub quoted_cids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Keep,
    Container,
    CutToEnd,
    /// Hidden from the reader (Outlook's preview text): neither new text
    /// nor history.
    Hidden,
    Signature,
}

/// What the walk takes out of the DOM.
#[derive(Default)]
struct Cut {
    /// Quote containers and everything after a cut-to-end marker.
    quoted: Vec<Handle>,
    /// Signature containers.
    signatures: Vec<Handle>,
    /// `cid:` references inside `<blockquote>`s left in place.
    blockquote_cids: Vec<String>,
}

fn mail_config() -> Config<MailDecorator> {
    config::with_decorator(MailDecorator)
}

/// Splits an HTML body.
pub(crate) fn split(html: &str, author: Option<&Author>) -> HtmlSplit {
    let config = mail_config();
    let Ok(dom) = config.parse_html(html.as_bytes()) else {
        return HtmlSplit::default();
    };
    let full_text = render_dom(&config, &dom);
    let mut cut = Cut::default();
    walk(&dom.document, &mut cut, 0);
    let remaining = render_dom(&config, &dom);
    let mut parts = lines::split(&remaining, author);
    let mut quoted_cids = cut.blockquote_cids;
    for node in &cut.quoted {
        collect_cids(node, &mut quoted_cids, 0);
    }
    let rendered = |nodes: &[Handle]| -> Vec<String> {
        nodes
            .iter()
            .map(|node| render_node(&config, node))
            .filter(|t| !t.trim().is_empty())
            .collect()
    };
    let signature_text = rendered(&cut.signatures);
    if !signature_text.is_empty() {
        let mut signature: Vec<&str> = vec![parts.signature.as_str()];
        signature.extend(signature_text.iter().map(String::as_str));
        parts.signature = lines::join_trimmed(&signature);
        if !parts.new_text.is_empty() && !parts.new_text.ends_with('\n') {
            parts.new_text.push('\n');
        }
    }
    let removed_text = rendered(&cut.quoted);
    if !removed_text.is_empty() {
        let mut quoted: Vec<&str> = vec![parts.quoted_text.as_str()];
        quoted.extend(removed_text.iter().map(String::as_str));
        parts.quoted_text = lines::join_trimmed(&quoted);
    }
    HtmlSplit {
        parts,
        full_text,
        quoted_cids,
    }
}

/// Converts HTML to readable text (no quote handling).
pub fn to_text(html: &str) -> String {
    let config = mail_config();
    match config.parse_html(html.as_bytes()) {
        Ok(dom) => render_dom(&config, &dom),
        Err(_) => String::new(),
    }
}

fn render_dom(config: &Config<MailDecorator>, dom: &RcDom) -> String {
    config
        .dom_to_render_tree(dom)
        .and_then(|tree| config.render_to_string(tree, RENDER_WIDTH))
        .map(|s| tidy(&s))
        .unwrap_or_default()
}

fn render_node(config: &Config<MailDecorator>, node: &Handle) -> String {
    let dom = RcDom::default();
    dom.document.children.borrow_mut().push(node.clone());
    render_dom(config, &dom)
}

/// Trailing spaces off every line (html2text pads some blocks).
fn tidy(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

fn attr(node: &Handle, name: &str) -> Option<String> {
    match &node.data {
        Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| str::eq_ignore_ascii_case(&a.name.local, name))
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn element_name(node: &Handle) -> Option<String> {
    match &node.data {
        Element { name, .. } => Some(str::to_ascii_lowercase(&name.local)),
        _ => None,
    }
}

fn role(node: &Handle) -> Role {
    let Some(name) = element_name(node) else {
        return Role::Keep;
    };
    let class = attr(node, "class").unwrap_or_default().to_ascii_lowercase();
    let id = attr(node, "id").unwrap_or_default().to_ascii_lowercase();
    if CUT_IDS.contains(&id.as_str()) || class.split_whitespace().any(|c| CUT_CLASSES.contains(&c))
    {
        return Role::CutToEnd;
    }
    let style: String = attr(node, "style")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if style.contains("display:none") || style.contains("mso-hide:all") {
        return Role::Hidden;
    }
    // Outlook's rule above the "From: / Sent:" block of the quoted message.
    if name == "div"
        && (style.contains("border-top:solid#b5c4df") || style.contains("border-top:solid#e1e1e1"))
    {
        return Role::CutToEnd;
    }
    let container_class = class
        .split_whitespace()
        .any(|c| CONTAINER_CLASSES.iter().any(|k| c.contains(k)));
    let container_id = !id.is_empty() && CONTAINER_IDS.iter().any(|k| id.contains(k));
    if container_class || container_id {
        return Role::Container;
    }
    let signature_class = class
        .split_whitespace()
        .any(|c| SIGNATURE_CLASSES.iter().any(|k| c.contains(k)));
    if signature_class || SIGNATURE_IDS.contains(&id.as_str()) {
        return Role::Signature;
    }
    Role::Keep
}

/// Removes quote containers below `node`; returns true when a cut-to-end
/// marker was met, so the caller drops the following siblings too.
fn walk(node: &Handle, cut_out: &mut Cut, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let children: Vec<Handle> = node.children.borrow().clone();
    let mut keep = Vec::with_capacity(children.len());
    let mut cut = false;
    for child in children {
        if cut {
            cut_out.quoted.push(child);
            continue;
        }
        match role(&child) {
            Role::Hidden => {}
            Role::Container => cut_out.quoted.push(child),
            Role::Signature => cut_out.signatures.push(child),
            Role::CutToEnd => {
                cut_out.quoted.push(child);
                cut = true;
            }
            Role::Keep => {
                if element_name(&child).as_deref() == Some("blockquote") {
                    collect_cids(&child, &mut cut_out.blockquote_cids, depth);
                } else if walk(&child, cut_out, depth + 1) {
                    cut = true;
                }
                keep.push(child);
            }
        }
    }
    *node.children.borrow_mut() = keep;
    cut
}

fn collect_cids(node: &Handle, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for name in ["src", "background"] {
        if let Some(value) = attr(node, name) {
            let value = value.trim().to_ascii_lowercase();
            if let Some(cid) = value.strip_prefix("cid:") {
                out.push(cid.to_string());
            }
        }
    }
    for child in node.children.borrow().iter() {
        collect_cids(child, out, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(html: &str) -> HtmlSplit {
        super::split(html, None)
    }

    #[test]
    fn hidden_preview_text_is_neither_new_text_nor_history() {
        let s = split(
            "<div style=\"display:none;max-height:0;mso-hide:all\">preview of the reply</div><p>The real answer</p>",
        );
        assert_eq!(s.parts.new_text, "The real answer");
        assert!(!s.parts.quoted_text.contains("preview"), "{s:?}");
    }

    #[test]
    fn signature_containers_are_the_signature() {
        let s = split(
            "<div dir=ltr>Yes, Friday works.<br><br>Thanks,<br>Jim<br><div class=\"gmail_signature\">Jim Smith<br>ACME Corp</div></div><div class=\"gmail_quote\">On Mon, Bob wrote:<blockquote>Old</blockquote></div>",
        );
        assert_eq!(s.parts.new_text, "Yes, Friday works.\n");
        assert_eq!(s.parts.signature, "Thanks,\nJim\nJim Smith\nACME Corp");
        let outlook =
            split("<div>See attached.</div><div id=\"Signature\"><p>Anna Berg | Buyer</p></div>");
        assert_eq!(outlook.parts.new_text, "See attached.\n");
        assert_eq!(outlook.parts.signature, "Anna Berg | Buyer");
    }

    #[test]
    fn gmail_quote_container_is_cut() {
        let s = split(
            "<div dir=ltr>Sounds good</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Mon, Bob &lt;b@x&gt; wrote:</div><blockquote class=\"gmail_quote\">Old</blockquote></div>",
        );
        assert_eq!(s.parts.new_text, "Sounds good");
        assert!(s.parts.quoted_text.contains("Old"), "{s:?}");
    }

    #[test]
    fn outlook_reply_marker_cuts_to_the_end() {
        let s = split(
            "<div>New answer</div><div id=\"divRplyFwdMsg\"><b>From:</b> Bob</div><div>old text</div>",
        );
        assert_eq!(s.parts.new_text, "New answer");
        assert!(s.parts.quoted_text.contains("old text"));
    }

    #[test]
    fn bottom_posted_html_reply_keeps_text_after_blockquote() {
        let s = split("<blockquote type=\"cite\">old question</blockquote><p>my answer</p>");
        assert_eq!(s.parts.new_text, "my answer");
    }

    #[test]
    fn images_of_the_quote_are_reported() {
        let s = split(
            "<p>hi <img src=\"cid:mine@x\"></p><div class=\"gmail_quote\"><img src=\"cid:THEIRS@x\"></div>",
        );
        assert_eq!(s.quoted_cids, vec!["theirs@x".to_string()]);
    }

    #[test]
    fn links_and_images_leave_no_markup_behind() {
        let s = split(
            "<p>See <a href=\"https://x.example\">the page</a> <img src=\"logo.png\" alt=\"Logo\"></p>",
        );
        assert_eq!(s.parts.new_text, "See the page");
    }

    #[test]
    fn deeply_nested_markup_does_not_overflow() {
        let html = format!("{}hello{}", "<div>".repeat(5000), "</div>".repeat(5000));
        let _ = split(&html);
    }
}
