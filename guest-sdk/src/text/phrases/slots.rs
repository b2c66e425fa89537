//! The matching core shared by the run-time index ([`super::phrase_lists_in`])
//! and the compile-time [`super::PhraseTable`]: phrases sorted into slots
//! keyed by the first byte and the length of their first word, and the
//! search that walks the words of a lower-cased text once and compares each
//! word only with the phrases of its slot.
//!
//! A phrase that starts with a word character can only match where a word
//! of the text starts, and only when that word is exactly as long as the
//! phrase's own first word (the character after it, in the phrase a
//! non-word one or the required boundary, ends the text's word at the same
//! place). Phrases that start with another character may match anywhere and
//! sit in a slot of their own, searched for in the whole text.
//!
//! Everything here is `const fn` where building is concerned, so a table of
//! fixed phrases is built by the compiler, not on every call.

/// First-word lengths the slots tell apart; longer ones share the last.
const LENGTHS: usize = 8;

/// Slots for phrases that start with a word character: one per first-word
/// length and the low seven bits of the first byte.
const WORD_SLOTS: usize = 128 * LENGTHS;

/// The slot of the phrases that start with a non-word character.
const ANYWHERE: usize = WORD_SLOTS;

/// Length of a slot-start array: every slot's start, then the end.
pub(super) const SLOT_STARTS: usize = WORD_SLOTS + 2;

/// One phrase to look for.
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry<'a> {
    /// Trimmed and lower-cased: what is looked for.
    pub lower: &'a str,
    /// Its position among all phrases of all lists, in list order.
    pub id: usize,
    /// Byte length of its leading word characters; 0 when it starts with
    /// another character and so may match anywhere.
    pub first_word: usize,
    /// Whether it ends with a word character, so a match needs a boundary
    /// after it.
    pub ends_word: bool,
}

impl Entry<'_> {
    /// A placeholder to fill arrays with before sorting.
    pub const EMPTY: Entry<'static> = Entry {
        lower: "",
        id: 0,
        first_word: 0,
        ends_word: false,
    };

    const fn slot(&self) -> usize {
        if self.first_word == 0 {
            ANYWHERE
        } else {
            word_slot(self.lower.as_bytes()[0], self.first_word)
        }
    }

    /// True when the phrase matches the lower-cased `hay` at `start`, the
    /// start of a word.
    fn matches_at(&self, hay: &str, start: usize) -> bool {
        let (phrase, rest) = (self.lower.as_bytes(), &hay.as_bytes()[start..]);
        // Most candidates differ in their second byte: look at it before
        // comparing the whole phrase.
        phrase.get(1).is_none_or(|b| rest.get(1) == Some(b))
            && rest.starts_with(phrase)
            && self.bounded_after(hay, start)
    }

    /// True when a match at `start` is not glued to a word character after
    /// it (or needs no boundary there).
    fn bounded_after(&self, hay: &str, start: usize) -> bool {
        !(self.ends_word && starts_with_word_char(hay, start + self.lower.len()))
    }

    /// True when the phrase, which starts with a non-word character, occurs
    /// anywhere in the lower-cased `hay`.
    fn occurs_in(&self, hay: &str) -> bool {
        hay.match_indices(self.lower)
            .any(|(start, _)| self.bounded_after(hay, start))
    }
}

/// The slot of a word starting with byte `first` and `length` bytes long.
/// Words of lower-cased text start with an ASCII letter or digit or with a
/// UTF-8 lead byte; a lead byte may share a slot with an ASCII byte, and
/// long words share one. Every phrase in a slot is compared in full, so
/// sharing costs time, never a wrong answer.
const fn word_slot(first: u8, length: usize) -> usize {
    let length = if length < LENGTHS {
        length
    } else {
        LENGTHS - 1
    };
    (first & 0x7F) as usize * LENGTHS + length
}

/// Sorts `entries` by slot into `sorted` (stable, so list order is kept
/// within a slot) and fills `starts`: the entries of slot `s` are
/// `sorted[starts[s]..starts[s + 1]]`. `sorted` must be as long as
/// `entries`.
pub(super) const fn sort_into_slots<'a>(
    entries: &[Entry<'a>],
    sorted: &mut [Entry<'a>],
    starts: &mut [u32; SLOT_STARTS],
) {
    let mut i = 0;
    while i < entries.len() {
        starts[entries[i].slot() + 1] += 1;
        i += 1;
    }
    let mut s = 1;
    while s < SLOT_STARTS {
        starts[s] += starts[s - 1];
        s += 1;
    }
    // `starts[s + 1]` is now the end of slot `s`. Place the entries from
    // the last one down, each just below the ones of its slot already
    // placed: that keeps them in order, and leaves `starts[s + 1]` at the
    // first position of slot `s`.
    let mut i = entries.len();
    while i > 0 {
        i -= 1;
        let slot = entries[i].slot();
        starts[slot + 1] -= 1;
        sorted[starts[slot + 1] as usize] = entries[i];
    }
    // Shift the starts down by one slot to make `starts[s]` the first
    // position of slot `s`.
    let mut s = 0;
    while s + 1 < SLOT_STARTS {
        starts[s] = starts[s + 1];
        s += 1;
    }
    starts[SLOT_STARTS - 1] = entries.len() as u32;
}

/// Marks in `found` (indexed by [`Entry::id`]) the phrases of `sorted`
/// (slotted by [`sort_into_slots`] with `starts`) that occur in the
/// lower-cased `hay`.
pub(super) fn search(
    sorted: &[Entry<'_>],
    starts: &[u32; SLOT_STARTS],
    hay: &str,
    found: &mut [bool],
) {
    let bytes = hay.as_bytes();
    let mut at = 0;
    while let Some(&first) = bytes.get(at) {
        let start = at;
        at = match BYTE_CLASS[usize::from(first)] {
            ASCII_OTHER => {
                at += 1;
                continue;
            }
            ASCII_WORD => word_end(hay, at + 1),
            _ => match char_at(hay, at) {
                Some(c) if is_word_char(c) => word_end(hay, at + c.len_utf8()),
                c => {
                    at += c.map_or(1, char::len_utf8);
                    continue;
                }
            },
        };
        let length = at - start;
        for phrase in slot_of(sorted, starts, word_slot(first, length)) {
            if !found[phrase.id] && phrase.first_word == length && phrase.matches_at(hay, start) {
                found[phrase.id] = true;
            }
        }
    }
    for phrase in slot_of(sorted, starts, ANYWHERE) {
        found[phrase.id] = phrase.occurs_in(hay);
    }
}

/// The entries of slot `slot`.
fn slot_of<'s, 'a>(
    sorted: &'s [Entry<'a>],
    starts: &[u32; SLOT_STARTS],
    slot: usize,
) -> &'s [Entry<'a>] {
    &sorted[starts[slot] as usize..starts[slot + 1] as usize]
}

/// A letter or digit: what a phrase boundary separates.
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The character at byte offset `at` (which must be a character boundary),
/// if any.
fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

/// True when a word character starts at byte offset `at`.
fn starts_with_word_char(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => char_at(text, at).is_some_and(is_word_char),
    }
}

/// What a byte says about the character it starts: [`ASCII_WORD`] or
/// [`ASCII_OTHER`] for ASCII, [`NOT_ASCII`] for the bytes of any other
/// character, which has to be decoded to tell.
const BYTE_CLASS: [u8; 256] = {
    let mut classes = [NOT_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        classes[b] = if (b as u8).is_ascii_alphanumeric() {
            ASCII_WORD
        } else {
            ASCII_OTHER
        };
        b += 1;
    }
    classes
};
/// An ASCII letter or digit.
const ASCII_WORD: u8 = 1;
/// Any other ASCII character.
const ASCII_OTHER: u8 = 0;
/// A byte of a non-ASCII character.
const NOT_ASCII: u8 = 2;

/// The end of the word that goes on at `from` (a character boundary): the
/// byte offset of the first character at or after it that is not a word
/// character. Runs of ASCII are read eight bytes at a time
/// ([`ascii_word_run_end`]); only other characters are decoded.
#[inline(always)]
pub(super) fn word_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        at = ascii_word_run_end(bytes, at);
        if at == bytes.len() || bytes[at].is_ascii() {
            return at;
        }
        match char_at(text, at) {
            Some(c) if is_word_char(c) => at += c.len_utf8(),
            _ => return at,
        }
    }
}

/// The end of the run of ASCII letters and digits at `from`: eight bytes
/// at a time while the run goes on, the last few one by one. A word costs
/// one look instead of one per letter, which counts most in a plugin,
/// where every iteration of a loop also checks the call's deadline.
#[inline(always)]
fn ascii_word_run_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(eight) = bytes.get(at..at + 8) {
        let chunk = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
        let others = !ascii_alphanumeric(chunk) & HIGH_BITS;
        if others != 0 {
            // Little-endian: the lowest set bit is the first such byte.
            return at + (others.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while at < bytes.len() && BYTE_CLASS[usize::from(bytes[at])] == ASCII_WORD {
        at += 1;
    }
    at
}

/// `b` in every byte of a `u64`.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of every byte.
const HIGH_BITS: u64 = splat(0x80);

/// The high bit of each byte of `chunk` set where that byte is an ASCII
/// letter or digit, and clear where it is not; the other bits are clear.
#[inline(always)]
fn ascii_alphanumeric(chunk: u64) -> u64 {
    let low7 = chunk & splat(0x7F);
    // For a 7-bit byte v, v + (0x80 - lo) has its high bit set exactly when
    // v >= lo, and v + (0x7F - hi) exactly when v > hi; neither sum
    // reaches 0x100, so no byte carries into the next.
    let within = |lo: u8, hi: u8| (low7 + splat(0x80 - lo)) & !(low7 + splat(0x7F - hi));
    (within(b'0', b'9') | within(b'a', b'z') | within(b'A', b'Z')) & !chunk & HIGH_BITS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_bytes_at_a_time_tell_letters_and_digits_from_everything_else() {
        for b in 0..=255u8 {
            let chunk = u64::from_le_bytes([b, b'a', 0xFF, b'Z', b'/', b'9', b'{', b'@']);
            let mask = ascii_alphanumeric(chunk);
            assert_eq!(mask & 0x80 != 0, b.is_ascii_alphanumeric(), "byte {b:#04x}");
            assert_eq!(mask >> 8, 0x0080_0080_0080, "byte {b:#04x}");
        }
    }

    #[test]
    fn word_ends_agree_with_reading_byte_by_byte() {
        // Characters at the edges of the ranges, and non-ASCII ones of each
        // kind (letter, digit, other).
        let alphabet = [
            "a", "z", "A", "Z", "0", "9", "/", ":", "@", "[", "`", "{", " ", "\u{7f}", "é", "²",
            "日", "—", "K",
        ];
        let reference = |text: &str, from: usize| {
            let mut at = from;
            for c in text[from..].chars() {
                if !is_word_char(c) {
                    break;
                }
                at += c.len_utf8();
            }
            at
        };
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        for _ in 0..20_000 {
            let len = next(40);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            for (from, _) in text.char_indices() {
                assert_eq!(
                    word_end(&text, from),
                    reference(&text, from),
                    "{text:?} from {from}"
                );
            }
        }
    }

    fn entry(lower: &'static str, id: usize) -> Entry<'static> {
        let first_word = word_end(lower, 0);
        Entry {
            lower,
            id,
            first_word,
            ends_word: lower.chars().next_back().is_some_and(is_word_char),
        }
    }

    #[test]
    fn words_end_at_the_first_character_that_is_no_letter_or_digit() {
        let text = "¡Hi, 2 you—größe日本!";
        assert_eq!(word_end(text, 2), 4);
        assert_eq!(word_end(text, 8), 11);
        assert_eq!(word_end(text, 14), 27);
        assert_eq!(word_end(text, 0), 0);
        assert_eq!(word_end(text, text.len()), text.len());
        // Any numeric character continues a word, "²" too.
        assert_eq!(word_end("ab² c", 0), 4);
    }

    #[test]
    fn sorting_into_slots_groups_phrases_and_keeps_their_order() {
        let entries = [
            entry("scam", 0),
            entry("#urgent", 1),
            entry("sue you", 2),
            entry("sues", 3),
            entry("lawyer", 4),
        ];
        let mut sorted = [Entry::EMPTY; 5];
        let mut starts = [0; SLOT_STARTS];
        sort_into_slots(&entries, &mut sorted, &mut starts);
        let slot_of = |phrase: &'static str| {
            let e = entry(phrase, 0);
            let slot = e.slot();
            slot_of(&sorted, &starts, slot)
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>()
        };
        // "scam" and "sues" share the slot of four-letter words on `s`.
        assert_eq!(slot_of("scam"), [0, 3]);
        assert_eq!(slot_of("sue"), [2]);
        assert_eq!(slot_of("lawyer"), [4]);
        assert_eq!(slot_of("#x"), [1]);
        assert_eq!(starts[SLOT_STARTS - 1], 5);
        assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn search_marks_every_phrase_found_by_its_id() {
        let entries = [entry("sue you", 0), entry("#urgent", 1), entry("you", 2)];
        let mut sorted = [Entry::EMPTY; 3];
        let mut starts = [0; SLOT_STARTS];
        sort_into_slots(&entries, &mut sorted, &mut starts);
        let mut found = [false; 3];
        search(&sorted, &starts, "i will sue you #urgently", &mut found);
        assert_eq!(found, [true, false, true]);
    }
}
