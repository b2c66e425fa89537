//! Chat completion through the bot's configured model (`llm` import). Returns
//! [`HostError::Unavailable`] when the bot has no model configured, and
//! [`HostError::Denied`] when the plugin was not granted it.
//!
//! Natively the model is unavailable until
//! [`testing::set_llm_response`](crate::testing::set_llm_response) gives an answer.

use crate::HostError;

/// Who speaks in a chat message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChatRole {
    /// Instructions for the model.
    System,
    /// The user's words.
    User,
    /// The model's earlier answers.
    Assistant,
}

/// One message of a chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who speaks.
    pub role: ChatRole,
    /// What is said.
    pub content: String,
}

impl ChatMessage {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::System,
            content: content.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::User,
            content: content.into(),
        }
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::Assistant,
            content: content.into(),
        }
    }
}

/// Returns the model's answer to the chat, at most `max_tokens` long.
pub fn complete(messages: &[ChatMessage], max_tokens: u32) -> Result<String, HostError> {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::wit::mailbot::plugin::llm as g;
        let chat: Vec<g::ChatMessage> = messages
            .iter()
            .map(|m| g::ChatMessage {
                role: match m.role {
                    ChatRole::System => g::ChatRole::System,
                    ChatRole::User => g::ChatRole::User,
                    ChatRole::Assistant => g::ChatRole::Assistant,
                },
                content: m.content.clone(),
            })
            .collect();
        g::complete(&chat, max_tokens).map_err(HostError::from)
    }
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::complete(messages, max_tokens)
}
