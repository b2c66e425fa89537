//! Reply caps: at most N automatic replies per sender and per conversation
//! within a sliding time window, so two bots cannot loop.
//!
//! A pure policy object: the pipeline passes the times of the replies it
//! already sent (from the store) and the current time.

use time::{Duration, OffsetDateTime};

/// Configured caps; a maximum of 0 means "no cap".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyCaps {
    /// Most automatic replies to one sender address within `window`.
    pub max_per_sender: u32,
    /// Most automatic replies in one conversation (session) within `window`.
    pub max_per_conversation: u32,
    /// The sliding window the counts are taken over.
    pub window: Duration,
}

impl Default for ReplyCaps {
    fn default() -> Self {
        Self {
            max_per_sender: 10,
            max_per_conversation: 5,
            window: Duration::hours(1),
        }
    }
}

/// Which cap a reply would exceed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapExceeded {
    /// Too many replies to this sender.
    #[error(
        "reply cap per sender reached: {sent} replies in the last {window} (max {max}); next allowed at {next_allowed_at}"
    )]
    Sender {
        /// Replies already sent in the window.
        sent: usize,
        /// The cap.
        max: u32,
        /// The window.
        window: Duration,
        /// When the oldest counted reply leaves the window.
        next_allowed_at: OffsetDateTime,
    },
    /// Too many replies in this conversation.
    #[error(
        "reply cap per conversation reached: {sent} replies in the last {window} (max {max}); next allowed at {next_allowed_at}"
    )]
    Conversation {
        /// Replies already sent in the window.
        sent: usize,
        /// The cap.
        max: u32,
        /// The window.
        window: Duration,
        /// When the oldest counted reply leaves the window.
        next_allowed_at: OffsetDateTime,
    },
}

impl CapExceeded {
    /// Machine-readable name for logs and the skip record.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Sender { .. } => "reply_cap_sender",
            Self::Conversation { .. } => "reply_cap_conversation",
        }
    }
}

impl ReplyCaps {
    /// May one more automatic reply be sent now? `sender_history` and
    /// `conversation_history` are the send times of earlier automatic
    /// replies (any order; times outside the window are ignored).
    pub fn check(
        &self,
        sender_history: &[OffsetDateTime],
        conversation_history: &[OffsetDateTime],
        now: OffsetDateTime,
    ) -> Result<(), CapExceeded> {
        if let Some((sent, next_allowed_at)) = self.over(self.max_per_sender, sender_history, now) {
            return Err(CapExceeded::Sender {
                sent,
                max: self.max_per_sender,
                window: self.window,
                next_allowed_at,
            });
        }
        if let Some((sent, next_allowed_at)) =
            self.over(self.max_per_conversation, conversation_history, now)
        {
            return Err(CapExceeded::Conversation {
                sent,
                max: self.max_per_conversation,
                window: self.window,
                next_allowed_at,
            });
        }
        Ok(())
    }

    /// Count in the window and when a slot frees up, if the cap is reached.
    fn over(
        &self,
        max: u32,
        history: &[OffsetDateTime],
        now: OffsetDateTime,
    ) -> Option<(usize, OffsetDateTime)> {
        if max == 0 {
            return None;
        }
        let start = now - self.window;
        let mut in_window: Vec<OffsetDateTime> = history
            .iter()
            .copied()
            .filter(|t| *t > start && *t <= now)
            .collect();
        if in_window.len() < max as usize {
            return None;
        }
        in_window.sort();
        // The reply that must leave the window before another may be sent.
        let idx = in_window.len() - max as usize;
        let next = in_window.get(idx).map_or(now, |t| *t + self.window);
        Some((in_window.len(), next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2025-03-01 12:00 UTC);

    fn ago(minutes: i64) -> OffsetDateTime {
        NOW - Duration::minutes(minutes)
    }

    #[test]
    fn replies_under_the_caps_are_allowed() {
        let caps = ReplyCaps {
            max_per_sender: 3,
            max_per_conversation: 2,
            window: Duration::hours(1),
        };
        assert_eq!(caps.check(&[ago(5), ago(10)], &[ago(5)], NOW), Ok(()));
    }

    #[test]
    fn sender_cap_counts_only_the_window() {
        let caps = ReplyCaps {
            max_per_sender: 2,
            max_per_conversation: 0,
            window: Duration::hours(1),
        };
        assert_eq!(caps.check(&[ago(90), ago(120), ago(10)], &[], NOW), Ok(()));
        let err = caps.check(&[ago(50), ago(10)], &[], NOW);
        assert_eq!(
            err,
            Err(CapExceeded::Sender {
                sent: 2,
                max: 2,
                window: Duration::hours(1),
                next_allowed_at: ago(50) + Duration::hours(1)
            })
        );
    }

    #[test]
    fn conversation_cap_stops_a_loop() {
        let caps = ReplyCaps {
            max_per_sender: 0,
            max_per_conversation: 3,
            window: Duration::minutes(10),
        };
        let history = [ago(1), ago(2), ago(3)];
        let err = caps.check(&[], &history, NOW).err();
        assert_eq!(
            err.as_ref().map(CapExceeded::as_str),
            Some("reply_cap_conversation")
        );
    }

    #[test]
    fn zero_means_no_cap() {
        let caps = ReplyCaps {
            max_per_sender: 0,
            max_per_conversation: 0,
            window: Duration::hours(1),
        };
        let many: Vec<_> = (0..100).map(ago).collect();
        assert_eq!(caps.check(&many, &many, NOW), Ok(()));
    }
}
