//! [`FolderSender`]: "sends" by writing each message as an `.eml` file, so a
//! machine with no mail relay still works and replies can be inspected.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{OutboundSender, SendError, SmtpAccepted};

/// Writes each message to `<dir>/<message-id>.eml` (or a uuid when the
/// message has no Message-ID). The write is atomic: a temporary file in the
/// same folder, fsynced, then renamed, so a reader never sees half a message
/// and sending the same message twice leaves one file.
#[derive(Debug, Clone)]
pub struct FolderSender {
    /// Target folder.
    dir: PathBuf,
}

impl FolderSender {
    /// Creates `dir` if needed.
    pub fn new(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir })
    }

    /// The target folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn write(&self, name: &str, raw: &[u8]) -> std::io::Result<PathBuf> {
        let target = self.dir.join(format!("{name}.eml"));
        let temp = self.dir.join(format!(".{}.tmp", uuid::Uuid::new_v4()));
        let result = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(raw)?;
            file.sync_all()?;
            std::fs::rename(&temp, &target)?;
            // Make the rename itself durable.
            std::fs::File::open(&self.dir)?.sync_all()
        })();
        if result.is_err() {
            std::fs::remove_file(&temp).ok();
        }
        result.map(|()| target)
    }
}

/// The Message-ID header's value without angle brackets, if present.
fn message_id(raw: &[u8]) -> Option<String> {
    let header_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let headers = String::from_utf8_lossy(&raw[..header_end]);
    let mut lines = headers.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if !name.trim().eq_ignore_ascii_case("message-id") {
            continue;
        }
        let mut value = value.to_owned();
        while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
            value.push_str(next);
            lines.next();
        }
        let id = value
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        return (!id.is_empty()).then(|| id.to_owned());
    }
    None
}

/// A file-name-safe version of a Message-ID.
fn file_name(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@' | '+' | '=') {
                c
            } else {
                '_'
            }
        })
        .take(200)
        .collect::<String>()
        .trim_start_matches('.')
        .to_owned()
}

#[async_trait::async_trait]
impl OutboundSender for FolderSender {
    async fn send(
        &self,
        envelope_from: &str,
        recipients: &[String],
        raw: &[u8],
    ) -> Result<SmtpAccepted, SendError> {
        let name = message_id(raw)
            .map(|id| file_name(&id))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let this = self.clone();
        let raw = raw.to_vec();
        let path = tokio::task::spawn_blocking(move || this.write(&name, &raw))
            .await
            .map_err(|e| SendError::Temporary(format!("write task: {e}")))?
            .map_err(|e| SendError::Temporary(format!("{}: {e}", self.dir.display())))?;
        tracing::info!(
            from = envelope_from,
            to = ?recipients,
            path = %path.display(),
            "no relay configured: message written to folder"
        );
        Ok(SmtpAccepted {
            response: format!("written to {}", path.display()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_found_and_made_safe() {
        let table: &[(&[u8], Option<&str>)] = &[
            (
                b"Subject: x\r\nMessage-ID: <a.b@x.com>\r\n\r\nbody",
                Some("a.b@x.com"),
            ),
            (b"message-id:\r\n <folded@x>\r\n\r\n", Some("folded@x")),
            (b"Subject: x\r\n\r\nMessage-ID: <in-body@x>", None),
        ];
        for (raw, expected) in table {
            assert_eq!(message_id(raw).as_deref(), *expected);
        }
        assert_eq!(file_name("../a/b@x"), "_a_b@x");
    }

    #[tokio::test]
    async fn a_message_becomes_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let sender = FolderSender::new(dir.path().join("out")).unwrap();
        let raw = b"Message-ID: <m1@x>\r\nSubject: hi\r\n\r\nbody\r\n";
        for _ in 0..2 {
            sender.send("a@x", &["b@x".into()], raw).await.unwrap();
        }
        let files: Vec<_> = std::fs::read_dir(sender.dir()).unwrap().collect();
        assert_eq!(files.len(), 1);
        assert_eq!(std::fs::read(sender.dir().join("m1@x.eml")).unwrap(), raw);
    }
}
