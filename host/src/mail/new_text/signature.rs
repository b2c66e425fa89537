//! Separates the signature from the end of the customer's new text.
//!
//! The signature is always a suffix of the new lines, so `new_text` followed
//! by `signature` is what the customer wrote. It starts at the earliest of:
//! the `-- ` delimiter, a device/app signature ("Sent from my iPhone") near
//! the end, a confidentiality notice or list footer, or a sign-off line
//! ("Thanks,", "Mit freundlichen Grüßen") or a rule of underscores or em
//! dashes followed by a few short lines; above those, a block of contact
//! details, a name signed with a dash or the author's own name.

use crate::mail::new_text::author::Author;
use crate::mail::new_text::lines::join_trimmed;
use crate::mail::new_text::patterns::{self, DashName};

/// Longest signature after a `-- ` delimiter, in non-blank lines; past this
/// the dashes are more likely part of the text.
const MAX_DELIMITED_SIGNATURE: usize = 20;
/// How close to the end a device signature must be, in non-blank lines.
const MOBILE_SIGNATURE_TAIL: usize = 6;
/// Lines a sign-off block may have after the sign-off line.
const MAX_SIGN_OFF_TAIL: usize = 5;
/// Longest line inside a sign-off block.
const MAX_SIGN_OFF_LINE: usize = 60;
/// How close to the end a confidentiality notice starts, in non-blank lines.
const MAX_NOTICE_TAIL: usize = 25;
/// Longest line of a mailing list's footer under its rule of underscores.
const MAX_FOOTER_LINE: usize = 90;
/// Longest contact block without a sign-off or delimiter, in non-blank lines.
const MAX_CONTACT_BLOCK: usize = 12;
/// Lines of contact details that make a block at the end a signature.
const MIN_CONTACT_LINES: usize = 2;
/// A name or title line inside a contact block: this short at most.
const MAX_NAME_LINE: usize = 40;

/// Splits new lines into (new text, signature). When there is a signature
/// the new text ends with a line break, so the two concatenate back into
/// the text as written.
pub(crate) fn split(lines: &[&str], author: Option<&Author>) -> (String, String) {
    let start = signature_start(lines, author);
    match start {
        Some(k) => {
            let new_text = join_trimmed(&lines[..k]);
            let signature = join_trimmed(&lines[k..]);
            if signature.is_empty() {
                (new_text, signature)
            } else if new_text.is_empty() {
                (String::new(), signature)
            } else {
                (format!("{new_text}\n"), signature)
            }
        }
        None => (join_trimmed(lines), String::new()),
    }
}

fn signature_start(lines: &[&str], author: Option<&Author>) -> Option<usize> {
    let non_blank: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    let first_text = *non_blank.first()?;
    let mut best: Option<usize> = None;
    let mut consider = |k: usize| best = Some(best.map_or(k, |b| b.min(k)));

    if let Some(k) = lines
        .iter()
        .position(|l| patterns::is_signature_delimiter(l))
    {
        let after = non_blank.iter().filter(|&&i| i > k).count();
        if after <= MAX_DELIMITED_SIGNATURE {
            consider(k);
        }
    }
    let tail_from = non_blank.len().saturating_sub(MOBILE_SIGNATURE_TAIL);
    if let Some(&k) = non_blank[tail_from..]
        .iter()
        .find(|&&i| patterns::is_mobile_signature(lines[i]))
    {
        consider(k);
    }
    // A confidentiality notice or a list's footer closing the mail, with
    // the rule of underscores above it.
    let notice_from = non_blank.len().saturating_sub(MAX_NOTICE_TAIL);
    if let Some(pos) = (notice_from..non_blank.len()).find(|&pos| {
        non_blank[pos] != first_text && patterns::is_disclaimer_start(lines[non_blank[pos]])
    }) {
        let ruled = pos > 1 && is_short_underscore_rule(lines[non_blank[pos - 1]]);
        consider(non_blank[if ruled { pos - 1 } else { pos }]);
    }
    // A sign-off, or a rule some clients and writers put above the
    // signature, only opens one when something was written above it.
    for (pos, &k) in non_blank.iter().enumerate() {
        let opens = patterns::is_sign_off(lines[k]) || patterns::is_signature_rule(lines[k]);
        if k == first_text || !opens {
            continue;
        }
        let tail = &non_blank[pos + 1..];
        // A list's footer under its rule carries the list's address.
        let longest = if patterns::is_signature_rule(lines[k]) {
            MAX_FOOTER_LINE
        } else {
            MAX_SIGN_OFF_LINE
        };
        if tail.len() <= MAX_SIGN_OFF_TAIL
            && tail
                .iter()
                .all(|&i| lines[i].trim().chars().count() <= longest)
        {
            consider(k);
            break;
        }
    }
    // Whatever ends the mail, or sits right above its signature: a block
    // of contact details, a name signed with a dash or the author's name.
    let end = best.unwrap_or(lines.len());
    let above: Vec<usize> = non_blank.iter().copied().filter(|&i| i < end).collect();
    let extended = [
        contact_block_start(lines, &above),
        dash_signed(lines, &above),
        author.and_then(|a| author_signed(lines, &above, a)),
    ]
    .into_iter()
    .flatten()
    .min();
    match (best, extended) {
        (Some(b), Some(k)) => Some(b.min(k)),
        (b, k) => b.or(k),
    }
}

/// The last of `non_blank` when it is a name signed with a dash ("-roman",
/// "- Abhishek Kona"); with a space after the dash only when it is not the
/// last item of a list, and never the only line.
fn dash_signed(lines: &[&str], non_blank: &[usize]) -> Option<usize> {
    let [.., before, last] = non_blank[..] else {
        return None;
    };
    let list_above = lines[before].trim_start().starts_with(['-', '*', '•']);
    match patterns::dash_name(lines[last])? {
        DashName::Spaced if list_above => None,
        _ => Some(last),
    }
}

/// A rule of two or more underscores (Mailman's, sometimes cut short).
fn is_short_underscore_rule(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 2 && line.bytes().all(|b| b == b'_')
}

/// Where the author signs with their own name at the end: a short line
/// starting with their full name with a few short lines under it ("Jim
/// Smith | Enrollment Manager" / "XYZ Corp"), or their first name alone on
/// the last line. Never the first line.
fn author_signed(lines: &[&str], non_blank: &[usize], author: &Author) -> Option<usize> {
    let from = non_blank.len().saturating_sub(MAX_SIGN_OFF_TAIL + 1).max(1);
    let last = non_blank.len().checked_sub(1)?;
    (from..non_blank.len())
        .find(|&pos| {
            let line = lines[non_blank[pos]].trim();
            let short = |l: &str| l.trim().chars().count() <= MAX_SIGN_OFF_LINE;
            (short(line)
                && author.signs_with_full_name(line)
                && non_blank[pos + 1..].iter().all(|&i| short(lines[i])))
                || (pos == last && author.signs_with_first_name(line))
        })
        .map(|pos| non_blank[pos])
}

/// Where a block of contact details at the end begins: name and title
/// lines, phone, address, web site ("Karen Green / Designer / Tel: … /
/// www.…"), with at least two lines of contact details and no sign-off or
/// delimiter above it. A block that a line ending in a colon introduces is
/// the message itself ("Please ship to:").
fn contact_block_start(lines: &[&str], non_blank: &[usize]) -> Option<usize> {
    let mut start = None;
    let mut contacts = 0;
    for (taken, &i) in non_blank.iter().rev().enumerate() {
        let line = lines[i].trim().trim_matches(['*', '_']);
        let contact = patterns::is_contact_line(line);
        // A name, title or company: short, capitalised, no sentence end,
        // no list item.
        let name_like = line.chars().count() <= MAX_NAME_LINE
            && line.split_whitespace().count() <= 6
            && !line.ends_with(['.', '?', '!', ':', ','])
            && line
                .chars()
                .next()
                .is_some_and(|c| !c.is_lowercase() && !matches!(c, '-' | '•' | '–'));
        if taken == MAX_CONTACT_BLOCK || !(contact || name_like) {
            break;
        }
        contacts += usize::from(contact);
        start = Some(i);
    }
    let start = start?;
    let above = lines[*non_blank.iter().rev().find(|&&i| i < start)?].trim_end();
    // "Please ship it to:" introduces the block as the message ("+1:" does not).
    let introduced = above.ends_with([':', '：']) && above.chars().any(char::is_alphabetic);
    (contacts >= MIN_CONTACT_LINES && !introduced).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (String, String) {
        let lines: Vec<&str> = text.split('\n').collect();
        split(&lines, None)
    }

    fn run_by(author: &str, text: &str) -> (String, String) {
        let lines: Vec<&str> = text.split('\n').collect();
        split(&lines, Author::from_display_name(author).as_ref())
    }

    #[test]
    fn the_authors_name_near_the_end_opens_the_signature() {
        let body = "I don't put a delimiter above my signature.\n\nReally.\n\nJim Smith | Enrollment Manager\nXYZ Corp";
        assert_eq!(
            run_by("Smith, Jim", body),
            (
                "I don't put a delimiter above my signature.\n\nReally.\n".into(),
                "Jim Smith | Enrollment Manager\nXYZ Corp".into()
            )
        );
        assert_eq!(
            run_by("Jim Smith", "Can you check the order?\n\nJim").1,
            "Jim"
        );
        let named_in_text = "Jim Smith here, from XYZ.\n\nMy order 1234 never arrived.";
        assert_eq!(
            run_by("Jim Smith", named_in_text).1,
            "",
            "the first line is the message"
        );
        let long_tail = format!(
            "Hello\nJim Smith asked me to write.\n{}",
            "more text\n".repeat(8)
        );
        assert_eq!(run_by("Jim Smith", &long_tail).1, "");
    }

    #[test]
    fn delimiter_starts_the_signature() {
        assert_eq!(run("Hi\n-- \nBob"), ("Hi\n".into(), "-- \nBob".into()));
    }

    #[test]
    fn long_text_after_dashes_is_not_a_signature() {
        let body = format!("Hi\n--\n{}", "line\n".repeat(30));
        assert_eq!(run(&body).1, "");
    }

    #[test]
    fn device_signature_is_found_near_the_end_only() {
        assert_eq!(run("Hello\n\nSent from my iPhone").1, "Sent from my iPhone");
        let body = format!("Sent from my iPhone\n{}", "more text here\n".repeat(10));
        assert_eq!(run(&body).1, "");
    }

    #[test]
    fn sign_off_with_long_tail_is_text() {
        let body = "Thanks for the answer\nRegards,\nthis is a line that is very long and is definitely not a name or title at all\n";
        assert_eq!(run(body).1, "");
    }

    #[test]
    fn a_rule_of_underscores_above_a_short_tail_opens_the_signature() {
        assert_eq!(
            run("See you then.\n\n_______________________\nAnna Berg\nACME Ltd").1,
            "_______________________\nAnna Berg\nACME Ltd"
        );
        let body = format!(
            "Part one\n__________\n{}",
            "more of the message\n".repeat(8)
        );
        assert_eq!(
            run(&body).1,
            "",
            "a rule inside the text is not a signature"
        );
    }

    #[test]
    fn a_mailing_lists_footer_is_no_part_of_the_message() {
        let body = "They need to be deleted one by one.\n\n\n__\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users";
        assert_eq!(
            run(body),
            (
                "They need to be deleted one by one.\n".into(),
                "__\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users".into()
            )
        );
    }

    #[test]
    fn a_name_signed_with_a_dash_is_the_signature_but_a_list_item_is_not() {
        assert_eq!(run("Works for me.\n\n-roman").1, "-roman");
        assert_eq!(run("Works for me.\n\n- Abhishek Kona").1, "- Abhishek Kona");
        assert_eq!(run("I need:\n- apples\n- pears").1, "");
    }

    #[test]
    fn a_contact_block_at_the_end_is_the_signature() {
        let body = "Yes, that works.\n\n*Richard Lindhout* | *Owner*\n*Call me +31 6 22 22 22 22*\n\nMain Street 2, 4694EG Town\n\n*IBAN    NL93 BANK 0000 1111 22*\n*WEB     example.nl <https://example.nl/>*";
        assert_eq!(run(body).0, "Yes, that works.\n");
        let emoji = body.replace("Yes, that works.", ":+1:");
        assert_eq!(run(&emoji).0, ":+1:\n", "an emoji code introduces nothing");
        let bullets = "Two more things\n\nand keep this\n\n   - first point\n   - second point\n\nKaren Green\nDesigner\nTel: +44 423 423 423\nkaren@example.com";
        assert_eq!(
            run(bullets).1,
            "Karen Green\nDesigner\nTel: +44 423 423 423\nkaren@example.com",
            "lines in lower case and list items are the message"
        );
        let shipping = "Please ship it to:\nAnna Berg\nMain Street 5\n12345 Berlin\nPhone: +49 30 1234567\nanna@customer.example";
        assert_eq!(
            run(shipping).1,
            "",
            "an address the customer gives is the message"
        );
        let short = "Call me back on +49 30 1234567\nor write to anna@customer.example";
        assert_eq!(
            run(short).1,
            "",
            "nothing above it: the block is the message"
        );
    }

    #[test]
    fn a_confidentiality_notice_and_the_contact_block_above_it_are_the_signature() {
        let body = "Please send it on Monday.\n\nKaren Green\nDesigner\nTel: +44 20 7946 0000\nkaren@studio.example\nwww.studio.example\n\nThe content of this email is confidential and intended for the recipient specified in message only. It is strictly forbidden to share any part of this message with any third party.";
        let (new_text, signature) = run(body);
        assert_eq!(new_text, "Please send it on Monday.\n");
        assert!(signature.starts_with("Karen Green"), "{signature}");
    }

    #[test]
    fn a_name_signed_with_a_dash_above_a_list_footer_is_the_signature() {
        let body = "It works now.\n\n-Abhishek\n\n___________________________\nusers mailing list\nusers@lists.example.org\nhttp://lists.example.org/mailman/listinfo/users_lists.example.org";
        assert_eq!(run(body).0, "It works now.\n");
    }

    #[test]
    fn earliest_signature_start_wins() {
        assert_eq!(
            run("Hello\n\nBest regards,\nAnna\n-- \nACME\nSent from my iPad").1,
            "Best regards,\nAnna\n-- \nACME\nSent from my iPad"
        );
    }
}
