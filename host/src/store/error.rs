//! The one error type every store backend returns.

/// Shorthand for results of store calls.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What can go wrong in a store call. Backends map their engine errors to
/// [`StoreError::Backend`]; the other variants mean the same on every backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or is deleted).
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// A compare-and-set lost: the record is not in the expected state
    /// (another worker moved it first), or a uniqueness rule was hit.
    #[error("conflict on {what} {id}: {detail}")]
    Conflict {
        what: &'static str,
        id: String,
        detail: String,
    },
    /// The caller passed something the store cannot keep.
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The engine failed (I/O, corruption, a value it cannot decode, a
    /// worker thread that panicked).
    #[error("storage backend: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl StoreError {
    /// A [`StoreError::NotFound`] for `what` with `id`.
    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        Self::NotFound {
            what,
            id: id.into(),
        }
    }

    /// A [`StoreError::Conflict`] for `what` with `id`.
    pub fn conflict(what: &'static str, id: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Conflict {
            what,
            id: id.into(),
            detail: detail.into(),
        }
    }

    /// A [`StoreError::Backend`] carrying only a message.
    pub fn backend(message: impl Into<String>) -> Self {
        Self::Backend(message.into().into())
    }

    /// True for [`StoreError::Conflict`], the outcome a racing worker expects.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }

    /// True for [`StoreError::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}
