//! Test support: finds the shared mail corpus and records failures.
//!
//! The corpus lives in `shared/corpus` beside the checkout (CI puts it
//! there); it is found by walking up from the crate directory, so the same
//! tests run from the host crate and from a scratch crate. Mismatches are
//! written as `<case>.failed` files under the system temp directory, never
//! beside the corpus (which may be read-only).

use std::path::{Path, PathBuf};

/// The `shared/corpus` directory, or `None` when it is not beside us.
pub(crate) fn root() -> Option<PathBuf> {
    let start = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    start
        .ancestors()
        .map(|dir| dir.join("shared").join("corpus"))
        .find(|candidate| candidate.is_dir())
}

/// All `*.eml` files of a corpus sub-directory, sorted.
pub(crate) fn emls(sub: &str) -> Vec<PathBuf> {
    let Some(root) = root() else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Removes the `.failed` files of an earlier run of `set`.
pub(crate) fn reset(set: &str) {
    let _ = std::fs::remove_dir_all(std::env::temp_dir().join("mailbot-corpus-failed").join(set));
}

/// Writes `<case>.failed` for a mismatch and returns its path.
pub(crate) fn record_failure(set: &str, case: &Path, details: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("mailbot-corpus-failed").join(set);
    let _ = std::fs::create_dir_all(&dir);
    let name = case
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = dir.join(format!("{name}.failed"));
    let _ = std::fs::write(&path, details);
    path
}

/// Folds runs of white space to one space and trims the ends (the corpus
/// README's comparison rule).
pub(crate) fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
