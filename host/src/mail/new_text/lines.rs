//! The plain-text rules: classify each line of a body and decide where
//! quoted history starts.
//!
//! Two kinds of history are told apart:
//! - `>`-quoted blocks (with the "On … wrote:" line that introduces them):
//!   only those lines are history, so bottom-posted and interleaved replies
//!   keep the customer's own text after them;
//! - unquoted history (Outlook header blocks, "-----Original Message-----",
//!   forwarded-message banners, an attribution followed by unquoted text):
//!   everything from there to the end is history.

use crate::mail::new_text::patterns::{self, Attribution, HeaderKey};
use crate::mail::new_text::{Author, NewText, signature};

/// How far below a header key we look for the rest of the header block.
const HEADER_BLOCK_WINDOW: usize = 8;
/// How many lines an attribution may be wrapped over.
const MAX_ATTRIBUTION_LINES: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Quoted,
    Text,
}

/// Characters that clients sprinkle into lines and that must not defeat the
/// patterns (bidi marks, zero-width spaces, BOM).
fn clean(line: &str) -> String {
    line.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200b}' | '\u{200c}' | '\u{200e}' | '\u{200f}' | '\u{feff}' | '\r'
            )
        })
        .collect()
}

fn kind(line: &str) -> Kind {
    if line.trim().is_empty() {
        Kind::Blank
    } else if patterns::is_quoted(line) {
        Kind::Quoted
    } else {
        Kind::Text
    }
}

/// Splits a plain-text body into new text, quoted history and signature.
pub(crate) fn split(text: &str, author: Option<&Author>) -> NewText {
    let lines = split_shared_attributions(text.split('\n').map(clean).collect());
    let mut kinds: Vec<Kind> = lines.iter().map(|l| kind(l)).collect();
    mark_wrapped_quote_lines(&lines, &mut kinds);
    let mut in_quote = vec![false; lines.len()];
    let mut history_start = lines.len();

    let mut i = 0;
    while i < lines.len() {
        if kinds[i] != Kind::Text {
            i += 1;
            continue;
        }
        let line = lines[i].as_str();
        if patterns::is_separator(line)
            || patterns::is_inline_header_block(line)
            || (patterns::is_rule_line(line)
                && next_non_blank(&kinds, i + 1)
                    .is_some_and(|j| header_block_at(&lines, &kinds, j)))
            || header_block_at(&lines, &kinds, i)
            || lone_from_line(&lines, &kinds, i)
        {
            history_start = lines_above_history(&lines, &kinds, i);
            break;
        }
        let before_quote = next_non_blank(&kinds, i + 1).is_some_and(|j| kinds[j] == Kind::Quoted);
        if before_quote && patterns::is_attribution_above_history(line) {
            in_quote[i] = true;
        }
        if let Some((start, strength)) = attribution_ending_at(&lines, &kinds, i) {
            match (strength, before_quote) {
                (_, true) => in_quote[start..=i].iter_mut().for_each(|q| *q = true),
                (Attribution::Strong, false) => {
                    history_start = lines_above_history(&lines, &kinds, start);
                    break;
                }
                _ => {}
            }
        }
        i += 1;
    }

    let mut new_lines: Vec<&str> = Vec::new();
    let mut quoted: Vec<&str> = Vec::new();
    let mut last_was_quote = false;
    for idx in 0..history_start {
        if kinds[idx] == Kind::Quoted || in_quote[idx] {
            quoted.push(&lines[idx]);
            last_was_quote = true;
        } else {
            let after_blank = new_lines.last().is_none_or(|l| l.trim().is_empty());
            if last_was_quote && kinds[idx] != Kind::Blank && !after_blank {
                // Keep paragraphs apart where a quote was cut out between them.
                new_lines.push("");
            }
            last_was_quote = false;
            new_lines.push(&lines[idx]);
        }
    }
    quoted.extend(lines[history_start..].iter().map(String::as_str));
    let (new_text, signature) = signature::split(&new_lines, author);
    NewText {
        new_text,
        quoted_text: join_trimmed(&quoted),
        signature,
    }
}

/// Joins lines and trims blank lines and white space at both ends.
pub(crate) fn join_trimmed(lines: &[&str]) -> String {
    let joined = lines
        .iter()
        // The "-- " delimiter keeps its space; other lines lose trailing blanks.
        .map(|l| {
            if l.trim_end() == "--" {
                *l
            } else {
                l.trim_end()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    joined.trim_start().trim_end_matches('\n').to_string()
}

/// Puts an attribution that shares its line with the reply's own words on
/// a line of its own, so the words stay new text.
fn split_shared_attributions(lines: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        match patterns::attribution_inside(&line) {
            Some(at) => {
                out.push(line[..at].trim_end_matches(['-', ' ', '\t']).to_string());
                out.push(line[at..].to_string());
            }
            None => out.push(line),
        }
    }
    out
}

/// Where history that was found at `start` really begins: a line above it
/// that introduces it without looking like it on its own (an attribution
/// without its colon, a short rule such as `====`) belongs to it, with the
/// blank lines around it.
fn lines_above_history(lines: &[String], kinds: &[Kind], start: usize) -> usize {
    let mut start = start;
    let mut probe = start;
    let mut blanks = 0;
    while probe > 0 {
        probe -= 1;
        match kinds[probe] {
            Kind::Blank if blanks < 1 => blanks += 1,
            Kind::Text
                if patterns::is_short_rule(&lines[probe])
                    || patterns::is_attribution_above_history(&lines[probe]) =>
            {
                start = probe;
                blanks = 0;
            }
            _ => break,
        }
    }
    start
}

/// Marks as quoted the unquoted halves of quoted lines a client wrapped
/// after quoting: a line right under a `>` line that stops mid-sentence,
/// starting in lower case ("> … sed dictum d" / "ignissim odio?"), and a
/// fragment squeezed between two `>` lines that no answer starts like (in
/// lower case after no question, or with punctuation: "_nonce=3dd518)").
fn mark_wrapped_quote_lines(lines: &[String], kinds: &mut [Kind]) {
    for i in 1..lines.len() {
        if kinds[i] != Kind::Text || kinds[i - 1] != Kind::Quoted {
            continue;
        }
        let above = lines[i - 1].trim_end();
        // Cut at the client's wrap width, mid-sentence.
        let mid_sentence = above.chars().count() >= 60
            && !above.ends_with(['.', '!', '?', ':', ';', '>', '。', '！', '？']);
        let first = lines[i].trim_start().chars().next();
        let lower = first.is_some_and(char::is_lowercase);
        let squeezed = kinds.get(i + 1) == Some(&Kind::Quoted)
            && ((lower && !above.ends_with(['?', '？']))
                || first.is_some_and(|c| c.is_ascii_punctuation()));
        if (mid_sentence && lower) || squeezed {
            kinds[i] = Kind::Quoted;
        }
    }
}

fn next_non_blank(kinds: &[Kind], from: usize) -> Option<usize> {
    (from..kinds.len()).find(|&j| kinds[j] != Kind::Blank)
}

/// True when line `i` is a sender's address set apart on its own, the only
/// header some clients put above what they quote ("From: foo@example.com").
fn lone_from_line(lines: &[String], kinds: &[Kind], i: usize) -> bool {
    let apart = |j: Option<usize>| j.is_none_or(|j| kinds.get(j) == Some(&Kind::Blank));
    // The cheap tests first: every unquoted line of a body comes here.
    lines[i].contains('@')
        && apart(i.checked_sub(1))
        && apart(Some(i + 1))
        && patterns::header_key(&lines[i]) == Some(HeaderKey::From)
        && next_non_blank(kinds, i + 1).is_some()
}

/// True when line `i` starts a header block: a From/Sent/Subject-like key
/// with at least one more key below it, including a sender (or an address)
/// and a date or subject.
fn header_block_at(lines: &[String], kinds: &[Kind], i: usize) -> bool {
    let Some(first) = patterns::header_key(&lines[i]) else {
        return false;
    };
    if first == HeaderKey::Weak {
        return false;
    }
    let mut has_from = first == HeaderKey::From;
    let mut has_strong = first == HeaderKey::Strong;
    let mut has_address = lines[i].contains('@');
    let mut count = 1;
    let mut others = 0;
    let mut blanks = 0;
    let mut after_other = false;
    for j in i + 1..lines.len().min(i + 1 + HEADER_BLOCK_WINDOW) {
        match kinds[j] {
            Kind::Blank => {
                blanks += 1;
                // A blank line after a line that is no header ends a
                // paragraph: a block further down is another one.
                if blanks > 2 || after_other {
                    break;
                }
            }
            Kind::Quoted => break,
            Kind::Text => match patterns::header_key(&lines[j]) {
                Some(key) => {
                    after_other = false;
                    count += 1;
                    has_address |= lines[j].contains('@');
                    has_from |= key == HeaderKey::From;
                    has_strong |= key == HeaderKey::Strong;
                }
                None => {
                    // Wrapped header values; a real paragraph ends the block.
                    after_other = true;
                    others += 1;
                    if others > 2 {
                        break;
                    }
                }
            },
        }
        if count >= 2 && has_strong && (has_from || has_address) {
            return true;
        }
    }
    false
}

/// An attribution whose last line is `end`; returns its first line and
/// strength. Wrapped attributions (Gmail breaks long ones) are joined back.
fn attribution_ending_at(
    lines: &[String],
    kinds: &[Kind],
    end: usize,
) -> Option<(usize, Attribution)> {
    let last = lines[end].trim_end();
    if !(last.ends_with(':') || last.ends_with('：')) {
        // Without its colon only a whole one-line attribution counts, or
        // one set between dashes ("---- John wrote ----").
        let strength = patterns::attribution(last);
        let counts = strength == Attribution::Strong
            || (last.ends_with("--") && strength != Attribution::No);
        return counts.then_some((end, strength));
    }
    let mut start = end;
    let mut best = patterns::attribution(last);
    let mut block = last.trim().to_string();
    while end + 1 - start < MAX_ATTRIBUTION_LINES && start > 0 {
        if best != Attribution::No && patterns::opens_attribution(&block) {
            // Whole from its opening word: a line above is the reply's own.
            break;
        }
        let prev_idx = start - 1;
        if kinds[prev_idx] != Kind::Text
            || !continues_into(&lines[prev_idx], &lines[start])
            || patterns::is_sign_off(&lines[prev_idx])
            // A complete attribution takes a line above it only when that
            // line reads as its first half (an address or date cut short).
            || (best == Attribution::Strong && !wrapped_header_half(&lines[prev_idx]))
        {
            break;
        }
        let candidate = format!("{} {}", lines[prev_idx].trim(), block);
        let strength = patterns::attribution(&candidate);
        if strength == Attribution::No {
            break;
        }
        start = prev_idx;
        block = candidate;
        if strength == Attribution::Strong || best == Attribution::No {
            best = strength;
        }
    }
    (best != Attribution::No).then_some((start, best))
}

/// Whether `line` ends the way the first half of a wrapped attribution
/// does: cut at an address or a name, or carrying the date or address.
fn wrapped_header_half(line: &str) -> bool {
    let line = line.trim_end();
    line.ends_with(['<', ',', '(', '"'])
        || line.contains('@')
        || line.chars().any(|c| c.is_ascii_digit())
}

/// Whether `prev` looks like the first half of a wrapped attribution that
/// continues on `next` (rather than a sentence of its own).
fn continues_into(prev: &str, next: &str) -> bool {
    let prev = prev.trim_end();
    if prev.ends_with(['.', '!', '?', '。', '！', '？']) {
        return false;
    }
    let next_start = next.trim_start().chars().next();
    wrapped_header_half(prev)
        || next_start.is_some_and(|c| c == '<' || c == '(' || c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> NewText {
        super::split(text, None)
    }

    struct Case {
        name: &'static str,
        body: &'static str,
        new_text: &'static str,
        signature: &'static str,
    }

    const CASES: &[Case] = &[
        Case {
            name: "gmail top post",
            body: "Hello\n\nOn Mon, Apr 2, 2012 at 6:26 PM, Megan One <xxx@gmail.com> wrote:\n\n> Hi\n",
            new_text: "Hello",
            signature: "",
        },
        Case {
            name: "wrapped gmail attribution",
            body: "Sure thing\n\nOn Mon, Apr 2, 2012 at 6:26 PM, Megan One <\nxxx@gmail.com> wrote:\n> Hi\n",
            new_text: "Sure thing",
            signature: "",
        },
        Case {
            name: "bottom post keeps text after the quote",
            body: "On 04/02/2012 06:26 PM, Megan One wrote:\n> Hi\nHello",
            new_text: "Hello",
            signature: "",
        },
        Case {
            name: "a greeting right above the attribution stays new text",
            body: "Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:\n> question?\nanswer\n",
            new_text: "Hi,\n\nanswer",
            signature: "",
        },
        Case {
            name: "fragments of wrapped quote lines stay in the quote",
            body: "Blah\n\nOn Monday, 24 September, 2012 at 3:46 PM, bob wrote:\n\n> View ticket (http://example.com/action\n_nonce=3dd518)\n>\n> Maecenas orci.\nrhoncus tortor in.\n>\n",
            new_text: "Blah",
            signature: "",
        },
        Case {
            name: "an answer squeezed between quoted questions is kept",
            body: "> Can you ship on Friday?\nyes, friday works\n> And the invoice?\nAttached.\n> Thanks\n",
            new_text: "yes, friday works\n\nAttached.",
            signature: "",
        },
        Case {
            name: "a name signed with a slash",
            body: "I have a contract until the end of the year.\n\n/John\n",
            new_text: "I have a contract until the end of the year.",
            signature: "/John",
        },
        Case {
            name: "danish kh sign-off",
            body: "Hej,\n\nSvar.\n\nKh\nPeter\n",
            new_text: "Hej,\n\nSvar.",
            signature: "Kh\nPeter",
        },
        Case {
            name: "a rule of em dashes above name and title",
            body: "以上，看到后告诉我。\n\n——————————————\n\n小满\n活动协调人\n",
            new_text: "以上，看到后告诉我。",
            signature: "——————————————\n\n小满\n活动协调人",
        },
        Case {
            name: "a lone from line above the quoted message",
            body: "Sure.\n\nFrom: foo@example.com <foo@example.com>\n\nMy email is <foo@example.com>\n",
            new_text: "Sure.",
            signature: "",
        },
        Case {
            name: "a header block that starts with its date",
            body: "Blah\n\nDate: Wed, 16 May 2012 00:15:02 -0600\nTo: klizhentas@example.com\n\nold text\n",
            new_text: "Blah",
            signature: "",
        },
        Case {
            name: "interleaved answers are all kept",
            body: "> question one?\nanswer one\n\n> question two?\nanswer two\n",
            new_text: "answer one\n\nanswer two",
            signature: "",
        },
        Case {
            name: "outlook header block in german",
            body: "Danke!\n\nVon: Hans <h@example.de>\nGesendet: Montag, 2. April 2012 18:26\nAn: Support\nBetreff: Test\n\nHallo\n",
            new_text: "Danke!",
            signature: "",
        },
        Case {
            name: "original message separator in french",
            body: "Merci\n\n-------- Message d'origine --------\nDe : a@b.fr\nHi\n",
            new_text: "Merci",
            signature: "",
        },
        Case {
            name: "unquoted history after a german attribution",
            body: "Ja, passt.\n\nAm 02.04.2012 um 18:26 schrieb Hans <h@example.de>:\n\nHallo, passt das?\n",
            new_text: "Ja, passt.",
            signature: "",
        },
        Case {
            name: "dash dash signature",
            body: "Hello\n\n-- \nJohn Doe\nACME Inc.\n",
            new_text: "Hello",
            signature: "-- \nJohn Doe\nACME Inc.",
        },
        Case {
            name: "mobile signature in spanish",
            body: "Hola\n\nEnviado desde mi iPhone\n\nEl 2 abr 2012, a las 18:26, Juan <j@example.es> escribió:\n\n> Hi\n",
            new_text: "Hola",
            signature: "Enviado desde mi iPhone",
        },
        Case {
            name: "sign-off block",
            body: "Hi. I am fine.\n\nThanks,\nAlex\n",
            new_text: "Hi. I am fine.",
            signature: "Thanks,\nAlex",
        },
        Case {
            name: "a lone thanks is the message itself",
            body: "Thanks!\n",
            new_text: "Thanks!",
            signature: "",
        },
        Case {
            name: "colon sentences are not attributions",
            body: "Here is the list:\n- apples\n- pears\n",
            new_text: "Here is the list:\n- apples\n- pears",
            signature: "",
        },
        Case {
            name: "russian outlook header block",
            body: "Спасибо\n\nОт: Иван\nОтправлено: 26 июня 2014 г. 15:05\nКому: Alex\nТема: Test\n\nПривет\n",
            new_text: "Спасибо",
            signature: "",
        },
        Case {
            name: "attribution without its colon above unquoted history",
            body: "When can you ship it?\n\nOn Wed, 14 Nov 2018 08:14:43 -0200 Shop <help@shop.example> wrote\n\nYour order is ready.\n",
            new_text: "When can you ship it?",
            signature: "",
        },
        Case {
            name: "german attribution without colon or address above a header block",
            body: "Wo bleibt mein Paket?\nAm 20.06.24 um 16:20 schrieb ACME Versand - Kundendienst\nVon: \"ACME\" <versand@acme.example>\nDatum: 20.06.24 16:20\nAn: kunde@example.de\n\nIhr Paket ist unterwegs.\n",
            new_text: "Wo bleibt mein Paket?",
            signature: "",
        },
        Case {
            name: "a sign-off is not the first half of the attribution below it",
            body: "Bitte holen Sie es ab.\nFreundliche Grüße\nacme schrieb am Do. 20. Juni 2024 um 14:49:\n> Hallo\n",
            new_text: "Bitte holen Sie es ab.",
            signature: "Freundliche Grüße",
        },
        Case {
            name: "a quoted line the client wrapped stays quoted",
            body: "Yes, Tuesday works.\n\nOn Mon, 2 Apr 2012 at 18:26, Shop <s@shop.example> wrote:\n> We could deliver the replacement on Tuesday morning, or would Wed\nnesday suit you better?\n> Regards\n",
            new_text: "Yes, Tuesday works.",
            signature: "",
        },
        Case {
            name: "a rule and an intro line above a french header block",
            body: "Merci pour votre retour.\n\n====\n\nMessage du : 12/12/2016 13:20\nDe : \"Boutique\" <aide@boutique.example>\nA : client@example.fr\nSujet : Votre commande\n\nBonjour\n",
            new_text: "Merci pour votre retour.",
            signature: "",
        },
        Case {
            name: "arabic outlook header block",
            body: "شكرا لكم\n\nمن: Shop <info@shop.example>\nتم الإرسال: Monday, May 20, 2024 10:11 AM\nإلى: customer@example.com\nالموضوع: Your order\n\nHello\n",
            new_text: "شكرا لكم",
            signature: "",
        },
        Case {
            name: "a lone From line of the customer's own is not history",
            body: "From: the warehouse\nThe parcel came back.\n\nPlease resend it.\n\nFrom: Shop [help@shop.example]\nSent: Friday, 23 March 2012 5:08 p.m.\nTo: Anna\nSubject: Your parcel\n\n> It is on its way.\n",
            new_text: "From: the warehouse\nThe parcel came back.\n\nPlease resend it.",
            signature: "",
        },
        Case {
            name: "a header block run onto one line",
            body: "Thanks, that helps.\n\nDate: Tue, 2 Oct 2012 02:35:10 +0000 From: help@shop.example To: Anna Subject: Your parcel\nIt is on its way.\n",
            new_text: "Thanks, that helps.",
            signature: "",
        },
        Case {
            name: "a help desk's reply-above-this-line marker",
            body: "The second one, please.\n\n## Please type your reply above this line ##\n\nAgent wrote: which one?\n",
            new_text: "The second one, please.",
            signature: "",
        },
        Case {
            name: "the reply's words on the attribution's line stay new text",
            body: "Thanks! On Wed, Apr 4, 2012 at 3:59 PM, bob@shop.example wrote:\n> Is it fixed?\n",
            new_text: "Thanks!",
            signature: "",
        },
        Case {
            name: "an answer right under a short quoted line is the customer's",
            body: "I agree with this part:\n> the sky is blue\nand I would add it is also big.\n",
            new_text: "I agree with this part:\n\nand I would add it is also big.",
            signature: "",
        },
        Case {
            name: "an attribution between dashes",
            body: "Sure.\n\n---- John Smith wrote ----\n\nCan you call me?\n",
            new_text: "Sure.",
            signature: "",
        },
        Case {
            name: "a date and an address above a quote",
            body: "Yes please.\n\n2011/4/7 Nathan <support@shop.example>\n> Shall we send it?\n",
            new_text: "Yes please.",
            signature: "",
        },
        Case {
            name: "japanese gmail attribution",
            body: "了解しました。\n\n2012年4月2日(月) 18:26 Taro <taro@example.jp>:\n\n> こんにちは\n",
            new_text: "了解しました。",
            signature: "",
        },
    ];

    #[test]
    fn plain_text_cases_split_as_expected() {
        for case in CASES {
            let got = split(case.body);
            assert_eq!(
                got.new_text.trim_end(),
                case.new_text,
                "{}: {got:?}",
                case.name
            );
            assert_eq!(got.signature, case.signature, "{}: {got:?}", case.name);
        }
    }

    #[test]
    fn quoted_part_keeps_the_history() {
        let got = split("Hello\n\nOn Mon, Apr 2, 2012 at 6:26 PM, Bob <b@x.org> wrote:\n> Hi\n");
        assert!(got.quoted_text.starts_with("On Mon"), "{got:?}");
        assert!(got.quoted_text.ends_with("> Hi"), "{got:?}");
    }
}
