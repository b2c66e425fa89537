//! Runs of digits and separators that may be phone numbers, and the dates
//! among them. ASCII only: phone numbers are written that way. Whether a
//! run counts as a phone number is [`crate::phone`]'s business.

/// Fewest separators-or-digits between the first and last digit.
const MIN_INNER: usize = 5;

/// Most separators-or-digits between the first and last digit.
const MAX_INNER: usize = 22;

/// A character allowed inside a phone number.
fn is_phone_byte(byte: u8) -> bool {
    byte.is_ascii_digit() || matches!(byte, b' ' | b'\t' | b'(' | b')' | b'.' | b'-' | b'/')
}

/// An ASCII word character: what an ASCII word boundary separates.
fn is_ascii_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The phone-number candidates in `text`, left to right and not
/// overlapping, each with its byte offset. The same runs as the pattern
/// `(?:\+|\()?(?-u:\b)[0-9][0-9 \t().\-/]{5,22}[0-9](?-u:\b)`: an optional
/// `+` or `(`, then a digit that starts an ASCII word, then 5 to 22 digits
/// or separators, then a digit that ends an ASCII word, taking the longest
/// such run.
pub fn phone_candidates(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        let (start, end) = next_candidate(bytes, from)?;
        from = end;
        Some((start, &text[start..end]))
    })
}

/// The first candidate from `from` on, as (start, end). It may start at
/// each digit, preceded by the `+` or `(` before it; every other byte is
/// passed over without a look at what follows it.
fn next_candidate(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut next = from;
    loop {
        let digit = next_digit(bytes, next)?;
        next = digit + 1;
        let opener = digit
            .checked_sub(1)
            .filter(|&before| before >= from && matches!(bytes[before], b'+' | b'('));
        for start in opener.into_iter().chain([digit]) {
            if let Some(end) = candidate_end(bytes, start) {
                return Some((start, end));
            }
        }
    }
}

/// `byte` in each of the eight bytes of a `u64`.
const fn repeated(byte: u8) -> u64 {
    u64::from_le_bytes([byte; 8])
}

/// The offset of the first ASCII digit at or after `from`. Eight bytes are
/// looked at together: XOR with `0` takes the digits, and only them, to
/// 0..=9; a byte below 10 borrows when 10 is subtracted and keeps its top
/// bit clear, which marks it. (A borrow may mark bytes after it too, never
/// one before, so the lowest mark is the first digit.)
fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut offset = from;
    for chunk in &mut chunks {
        let eight = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ repeated(b'0');
        let below_ten = eight.wrapping_sub(repeated(10)) & !eight & repeated(0x80);
        if below_ten != 0 {
            return Some(offset + below_ten.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    let last = chunks.remainder().iter().position(u8::is_ascii_digit)?;
    Some(offset + last)
}

/// The end of the candidate starting at `start`, if one does.
fn candidate_end(bytes: &[u8], start: usize) -> Option<usize> {
    let first_digit = match bytes.get(start)? {
        b'+' | b'(' => start + 1,
        _ => start,
    };
    if !bytes.get(first_digit)?.is_ascii_digit() {
        return None;
    }
    // The first digit must start a word: after a `+` or `(` it does.
    if first_digit == start && start > 0 && is_ascii_word_byte(bytes[start - 1]) {
        return None;
    }
    let run_end = bytes[first_digit + 1..]
        .iter()
        .position(|&b| !is_phone_byte(b))
        .map_or(bytes.len(), |offset| first_digit + 1 + offset);
    // The last digit: as far right as the run and the length allow, and
    // not followed by a word character.
    let last_digits = first_digit + 1 + MIN_INNER..=(first_digit + 1 + MAX_INNER).min(run_end);
    last_digits.rev().find_map(|last| {
        let ends_word = bytes.get(last + 1).is_none_or(|&b| !is_ascii_word_byte(b));
        (bytes.get(last)?.is_ascii_digit() && ends_word).then_some(last + 1)
    })
}

/// True when `number` is a date, not a phone number: `2024-01-15`,
/// `15.01.2024`, `1/5/24`. Three groups of digits joined by `.`, `/` or
/// `-`: year first (4, 1–2, 1–2 digits) or year last (1–2, 1–2, 2–4).
pub fn is_date(number: &str) -> bool {
    let groups: Vec<&str> = number.split(['.', '/', '-']).collect();
    let [first, second, third] = groups[..] else {
        return false;
    };
    if !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    matches!(
        (first.len(), second.len(), third.len()),
        (4, 1..=2, 1..=2) | (1..=2, 1..=2, 2..=4)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(text: &str) -> Vec<&str> {
        phone_candidates(text).map(|(_, number)| number).collect()
    }

    #[test]
    fn the_next_digit_is_the_first_byte_from_on_that_is_one() {
        let naive = |bytes: &[u8], from: usize| {
            bytes
                .get(from..)?
                .iter()
                .position(u8::is_ascii_digit)
                .map(|i| from + i)
        };
        // Every byte value, alone and at each position of a longer text, and
        // digits next to their neighbours `/`, `:` and bytes with the top
        // bit set.
        for byte in 0..=u8::MAX {
            for at in 0..20 {
                let mut bytes = vec![b'x'; 20];
                bytes[at] = byte;
                for from in [0, at, at + 1] {
                    assert_eq!(next_digit(&bytes, from), naive(&bytes, from), "{byte} {at}");
                }
            }
        }
        let text = "/:°¹ ab:/9 0x1 é5 ٣7".as_bytes();
        for from in 0..=text.len() + 1 {
            assert_eq!(next_digit(text, from), naive(text, from), "{from}");
        }
    }

    #[test]
    fn candidates_keep_a_leading_plus_or_parenthesis() {
        assert_eq!(candidates("+44 20 7946 0958"), ["+44 20 7946 0958"]);
        assert_eq!(candidates("call (555) 123-4567."), ["(555) 123-4567"]);
        assert_eq!(
            phone_candidates("+(44) 20 7946").collect::<Vec<_>>(),
            [(1, "(44) 20 7946")]
        );
    }

    #[test]
    fn candidates_start_and_end_at_ascii_word_boundaries() {
        assert_eq!(candidates("x12345678"), Vec::<&str>::new());
        assert_eq!(candidates("12345678x"), Vec::<&str>::new());
        assert_eq!(candidates("12345678_"), Vec::<&str>::new());
        // Non-ASCII letters are not ASCII word characters.
        assert_eq!(
            phone_candidates("é12345678é").collect::<Vec<_>>(),
            [(2, "12345678")]
        );
    }

    #[test]
    fn candidates_end_on_a_digit_and_are_at_most_24_characters() {
        assert_eq!(candidates("555 123 4567 - ok"), ["555 123 4567"]);
        assert_eq!(candidates("1234567"), ["1234567"]);
        assert_eq!(candidates("123456"), Vec::<&str>::new());
        // Too long to end on a word boundary within 24 characters.
        assert_eq!(candidates(&"1".repeat(25)), Vec::<&str>::new());
        assert_eq!(
            candidates("1 2 3 4 5 6 7 8 9 0 1 2 3 4"),
            ["1 2 3 4 5 6 7 8 9 0 1 2"]
        );
    }

    #[test]
    fn a_plus_or_parenthesis_counts_only_right_before_the_digit() {
        assert_eq!(candidates("+ 44 20 7946"), ["44 20 7946"]);
        assert_eq!(candidates("(+44) 20 7946"), ["+44) 20 7946"]);
        assert_eq!(candidates("((555) 123-4567"), ["(555) 123-4567"]);
        assert_eq!(
            phone_candidates("1234567+7654321").collect::<Vec<_>>(),
            [(0, "1234567"), (7, "+7654321")]
        );
    }

    #[test]
    fn candidates_follow_one_another_without_overlapping() {
        assert_eq!(
            candidates("1234567, 7654321 and 0612345678"),
            ["1234567", "7654321", "0612345678"]
        );
        // A run too long for one candidate continues in the next.
        assert_eq!(
            candidates("1234567 1234567 1234567 1234567"),
            ["1234567 1234567 1234567", "1234567"]
        );
    }

    #[test]
    fn dates_are_three_digit_groups_with_the_year_first_or_last() {
        for date in ["2024-01-15", "15.01.2024", "1/5/24", "2024/1/5", "12-34-56"] {
            assert!(is_date(date), "{date}");
        }
        for not_date in [
            "2024-01-15-1",
            "2024--01-15",
            "+2024-01-15",
            "2024 01 15",
            "12345-1-1",
            "1-1-1",
            "15.01",
            "",
        ] {
            assert!(!is_date(not_date), "{not_date}");
        }
    }
}
