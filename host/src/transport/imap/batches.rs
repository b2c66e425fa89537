//! How unread messages are split into fetches: at most a number of messages
//! and, by the sizes the server reports, at most a number of bytes, so a
//! mailbox full of large mail never has the host hold more than one
//! fetch's worth in memory. A message larger than the byte budget on its
//! own is fetched alone: it is the customer's mail, and mail is never left
//! behind for its size.

/// Splits `sized` ((UID, size in bytes), in UID order) into consecutive
/// runs of UIDs of at most `max_count` messages and at most `max_bytes`
/// bytes, except that a message is never split from the run it starts.
pub(super) fn by_size(sized: &[(u32, u64)], max_count: usize, max_bytes: u64) -> Vec<Vec<u32>> {
    let mut batches = Vec::new();
    let mut batch: Vec<u32> = Vec::new();
    let mut bytes = 0u64;
    for &(uid, size) in sized {
        let full = batch.len() >= max_count.max(1) || bytes.saturating_add(size) > max_bytes;
        if full && !batch.is_empty() {
            batches.push(std::mem::take(&mut batch));
            bytes = 0;
        }
        batch.push(uid);
        bytes = bytes.saturating_add(size);
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::by_size;

    #[test]
    fn small_messages_go_by_count() {
        let sized: Vec<(u32, u64)> = (1..=5).map(|uid| (uid, 100)).collect();
        assert_eq!(
            by_size(&sized, 2, 1 << 20),
            [vec![1, 2], vec![3, 4], vec![5]]
        );
    }

    #[test]
    fn large_messages_go_by_bytes_and_one_too_large_goes_alone() {
        let sized = [(1, 400), (2, 400), (3, 400), (4, 5_000), (5, 100), (6, 100)];
        assert_eq!(
            by_size(&sized, 100, 1_000),
            [vec![1, 2], vec![3], vec![4], vec![5, 6]]
        );
    }

    #[test]
    fn nothing_unread_is_no_fetch() {
        assert!(by_size(&[], 100, 1_000).is_empty());
    }
}
