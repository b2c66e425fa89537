//! A test double for the host, so plugin logic runs under plain `cargo test`
//! on the native target. Only compiled off `wasm32`.
//!
//! The double is thread-local (each `#[test]` runs on its own thread) and
//! starts like a host that granted everything but has neither knowledge nor a
//! model: config and kv are empty, the clock reads zero, `knowledge::search`
//! and `llm::complete` return [`HostError::Unavailable`]. Call [`clear`] first
//! in a test that might share a thread with another.
//!
//! ```
//! use mailbot_guest::{Capability, HostError, config, kv, testing};
//!
//! testing::clear();
//! testing::set_config("greeting", "Hello");
//! assert_eq!(config::get("greeting"), Ok(Some("Hello".to_owned())));
//!
//! kv::set("seen", b"1").unwrap();
//! assert_eq!(testing::kv_contents()["seen"], b"1");
//!
//! testing::deny(Capability::Kv);
//! assert!(matches!(kv::get("seen"), Err(HostError::Denied(_))));
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::knowledge::Passage;
use crate::llm::ChatMessage;
use crate::log::Level;
use crate::{Capability, HostError};

#[derive(Default)]
struct State {
    config: BTreeMap<String, String>,
    /// Calls of `config::get` and `config::all`, each a host call in wasm.
    config_reads: usize,
    kv: BTreeMap<String, Vec<u8>>,
    now: u64,
    /// `None` until a test provides passages: the bot has no knowledge base.
    knowledge: Option<Vec<Passage>>,
    /// `None` until a test provides an answer: the bot has no model.
    llm_response: Option<String>,
    llm_requests: Vec<Vec<ChatMessage>>,
    /// Capabilities that answer with an error instead of working.
    failures: BTreeMap<Capability, HostError>,
    logs: Vec<(Level, String)>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::default();
}

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|state| f(&mut state.borrow_mut()))
}

/// Resets the double to its initial state.
pub fn clear() {
    with(|s| *s = State::default());
}

/// Sets config `key` to `value`.
pub fn set_config(key: impl Into<String>, value: impl Into<String>) {
    with(|s| s.config.insert(key.into(), value.into()));
}

/// Sets several config keys at once.
pub fn set_configs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) {
    for (key, value) in pairs {
        set_config(key, value);
    }
}

/// How many times the plugin read its config (`config::get` or
/// `config::all`, each one host call in wasm) since [`clear`].
pub fn config_reads() -> usize {
    with(|s| s.config_reads)
}

/// Puts `value` under `key` in the kv store.
pub fn set_kv(key: impl Into<String>, value: impl Into<Vec<u8>>) {
    with(|s| s.kv.insert(key.into(), value.into()));
}

/// Everything in the kv store.
pub fn kv_contents() -> BTreeMap<String, Vec<u8>> {
    with(|s| s.kv.clone())
}

/// Sets the host clock, in milliseconds since the Unix epoch.
pub fn set_now(millis: u64) {
    with(|s| s.now = millis);
}

/// Makes knowledge available; every search returns these passages (at most
/// `limit` of them), whatever the query.
pub fn set_knowledge(passages: Vec<Passage>) {
    with(|s| s.knowledge = Some(passages));
}

/// Makes the model available; every completion returns `answer`.
pub fn set_llm_response(answer: impl Into<String>) {
    with(|s| s.llm_response = Some(answer.into()));
}

/// The chats sent to `llm::complete` so far, oldest first.
pub fn llm_requests() -> Vec<Vec<ChatMessage>> {
    with(|s| s.llm_requests.clone())
}

/// Denies `capability`, as a host does when it was not granted: its calls
/// return [`HostError::Denied`] (log lines are dropped).
pub fn deny(capability: Capability) {
    fail(
        capability,
        HostError::Denied(format!("capability `{capability}` is not granted")),
    );
}

/// Makes every call of `capability` return `error`.
pub fn fail(capability: Capability, error: HostError) {
    with(|s| s.failures.insert(capability, error));
}

/// The log lines written so far, oldest first.
pub fn logs() -> Vec<(Level, String)> {
    with(|s| s.logs.clone())
}

/// The host side of the double, called by the import wrappers.
pub(crate) mod double {
    use super::*;

    fn check(s: &State, capability: Capability) -> Result<(), HostError> {
        match s.failures.get(&capability) {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    pub(crate) fn log(level: Level, message: &str) {
        with(|s| {
            if check(s, Capability::Log).is_ok() {
                s.logs.push((level, message.to_owned()));
            }
        });
    }

    pub(crate) fn config_get(key: &str) -> Result<Option<String>, HostError> {
        with(|s| {
            s.config_reads += 1;
            check(s, Capability::Config)?;
            Ok(s.config.get(key).cloned())
        })
    }

    pub(crate) fn config_all() -> Result<Vec<(String, String)>, HostError> {
        with(|s| {
            s.config_reads += 1;
            check(s, Capability::Config)?;
            Ok(s.config
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect())
        })
    }

    fn check_key(key: &str) -> Result<(), HostError> {
        if key.len() > crate::kv::MAX_KEY_LEN {
            return Err(HostError::Invalid(format!(
                "key is {} bytes, more than {}",
                key.len(),
                crate::kv::MAX_KEY_LEN
            )));
        }
        Ok(())
    }

    pub(crate) fn kv_get(key: &str) -> Result<Option<Vec<u8>>, HostError> {
        with(|s| {
            check(s, Capability::Kv)?;
            check_key(key)?;
            Ok(s.kv.get(key).cloned())
        })
    }

    pub(crate) fn kv_set(key: &str, value: &[u8]) -> Result<(), HostError> {
        with(|s| {
            check(s, Capability::Kv)?;
            check_key(key)?;
            if value.len() > crate::kv::MAX_VALUE_LEN {
                return Err(HostError::Invalid(format!(
                    "value is {} bytes, more than {}",
                    value.len(),
                    crate::kv::MAX_VALUE_LEN
                )));
            }
            s.kv.insert(key.to_owned(), value.to_vec());
            Ok(())
        })
    }

    pub(crate) fn kv_delete(key: &str) -> Result<(), HostError> {
        with(|s| {
            check(s, Capability::Kv)?;
            check_key(key)?;
            s.kv.remove(key);
            Ok(())
        })
    }

    pub(crate) fn now() -> Result<u64, HostError> {
        with(|s| {
            check(s, Capability::Clock)?;
            Ok(s.now)
        })
    }

    pub(crate) fn search(_query: &str, limit: u32) -> Result<Vec<Passage>, HostError> {
        with(|s| {
            check(s, Capability::Knowledge)?;
            let passages = s.knowledge.as_ref().ok_or_else(|| {
                HostError::Unavailable("the bot has no knowledge base".to_owned())
            })?;
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            Ok(passages.iter().take(limit).cloned().collect())
        })
    }

    pub(crate) fn complete(
        messages: &[ChatMessage],
        _max_tokens: u32,
    ) -> Result<String, HostError> {
        with(|s| {
            check(s, Capability::Llm)?;
            let answer = s.llm_response.clone().ok_or_else(|| {
                HostError::Unavailable("the bot has no model configured".to_owned())
            })?;
            s.llm_requests.push(messages.to_vec());
            Ok(answer)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock, config, knowledge, kv, llm};

    #[test]
    fn double_starts_without_knowledge_or_model() {
        clear();
        assert!(matches!(
            knowledge::search("q", 3),
            Err(HostError::Unavailable(_))
        ));
        assert!(matches!(
            llm::complete(&[ChatMessage::user("hi")], 10),
            Err(HostError::Unavailable(_))
        ));
        assert_eq!(clock::now(), Ok(0));
        assert_eq!(config::all(), Ok(Vec::new()));
    }

    #[test]
    fn config_all_is_sorted_by_key() {
        clear();
        set_configs([("b", "2"), ("a", "1")]);
        let all = config::all().unwrap();
        assert_eq!(all, [("a".into(), "1".into()), ("b".into(), "2".into())]);
        assert_eq!(config::get_or("c", "3"), Ok("3".into()));
        assert_eq!(config_reads(), 2);
    }

    #[test]
    fn config_bool_rejects_nonsense_with_the_key_name() {
        clear();
        set_config("flag", "yes");
        assert_eq!(config::get_bool("flag", false), Ok(true));
        set_config("flag", "maybe");
        let err = config::get_bool("flag", false).unwrap_err();
        assert!(err.contains("flag") && err.contains("maybe"), "{err}");
    }

    #[test]
    fn kv_enforces_host_limits() {
        clear();
        let long_key = "k".repeat(crate::kv::MAX_KEY_LEN + 1);
        assert!(matches!(
            kv::set(&long_key, b"v"),
            Err(HostError::Invalid(_))
        ));
        let big = vec![0; crate::kv::MAX_VALUE_LEN + 1];
        assert!(matches!(kv::set("k", &big), Err(HostError::Invalid(_))));
        kv::set("k", b"v").unwrap();
        kv::delete("k").unwrap();
        kv::delete("k").unwrap();
        assert_eq!(kv::get("k"), Ok(None));
    }

    #[test]
    fn knowledge_and_llm_answer_once_set() {
        clear();
        set_knowledge(vec![Passage::default(), Passage::default()]);
        assert_eq!(knowledge::search("q", 1).map(|p| p.len()), Ok(1));
        set_llm_response("answer");
        let chat = [ChatMessage::system("be nice"), ChatMessage::user("hi")];
        assert_eq!(llm::complete(&chat, 10), Ok("answer".into()));
        assert_eq!(llm_requests(), [chat.to_vec()]);
    }

    #[test]
    fn denied_log_drops_lines() {
        clear();
        crate::log::info("kept");
        deny(Capability::Log);
        crate::log::warn("dropped");
        assert_eq!(logs(), [(Level::Info, "kept".to_owned())]);
    }
}
