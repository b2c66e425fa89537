//! `template-reply`: acknowledges customer mail with a reply from a template
//! — the auto-reply many helpdesks send ("we have received your message, your
//! reference is …") and mailbot's default reply policy. Implements the
//! `generate-reply` hook.
//!
//! By default only the first customer message of a conversation is
//! acknowledged; follow-ups get no reply (`reply-on`, `follow-up`).
//!
//! # Configuration
//!
//! | key | default | meaning |
//! | --- | --- | --- |
//! | `text` | [`DEFAULT_TEXT`] | the plain-text reply |
//! | `html` | none | an HTML reply; substituted values are HTML-escaped and line breaks become `<br>` |
//! | `reply-on` | `first` | `first`: only the first customer message of a conversation; `every`: every message |
//! | `follow-up` | `no-reply` | the answer for a message `reply-on` skips: `no-reply` or `no-opinion` (let the next plugin decide) |
//! | `fallback-name` | `there` | the name used when the customer's name is unknown ("Hi there,") |
//! | `inbox-name` | the bot's name | what `{{ inbox_name }}` says (the hook is not told the inbox; mailbot's default chain sets the inbox's name) |
//! | `reference-prefix` | `REF-` | put before the reference number |
//! | `knowledge` | `false` | fill `{{ related_articles }}` from the bot's knowledge |
//! | `knowledge-limit` | `3` | how many related articles at most |
//!
//! Placeholders, written `{{ name }}`:
//!
//! | placeholder | value |
//! | --- | --- |
//! | `sender_name`, `sender_first_name` | the customer's name (from the message, else the conversation), or its first word; else `fallback-name` |
//! | `sender_email` | where the reply goes (`Reply-To` over `From`) |
//! | `subject` | the subject without `Re:`/list prefixes; "your message" when empty |
//! | `inbox_name`, `inbox_address` | `inbox-name`, and the address the message was delivered to |
//! | `bot_name` | the bot's name |
//! | `conversation_id` | the host's id for the conversation |
//! | `reference` | a reference number, the same for every message of a conversation, e.g. `REF-1A2B3C4D` |
//! | `date` | today (UTC) as `2024-05-31`; needs the `clock` capability |
//! | `related_articles` | one `- title` line per related knowledge passage; empty when `knowledge` is off, denied or unavailable |
//!
//! An unknown or malformed placeholder, or an unknown key, is an error.

use mailbot_guest::text::{Template, iso_date};
use mailbot_guest::{
    Bot, Conversation, Hook, HostError, Message, Plugin, Reply, ReplyDecision, Role, clock, config,
    export_plugin, knowledge, log,
};

/// The plain-text template used when `text` is not configured.
pub const DEFAULT_TEXT: &str = "Hi {{ sender_first_name }},

thank you for contacting {{ inbox_name }}. We have received your message \
\"{{ subject }}\" and will get back to you as soon as possible.

Your reference number is {{ reference }}. To add anything, reply to this email: \
your reply joins the same conversation.
";

/// The placeholders templates may use.
pub const PLACEHOLDERS: &[&str] = &[
    "sender_name",
    "sender_first_name",
    "sender_email",
    "subject",
    "inbox_name",
    "inbox_address",
    "bot_name",
    "conversation_id",
    "reference",
    "date",
    "related_articles",
];

const KEYS: &[&str] = &[
    "text",
    "html",
    "reply-on",
    "follow-up",
    "fallback-name",
    "inbox-name",
    "reference-prefix",
    "knowledge",
    "knowledge-limit",
];

/// Replies from a template.
#[derive(Default)]
pub struct TemplateReply;

impl Plugin for TemplateReply {
    const NAME: &'static str = "template-reply";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::GenerateReply];

    fn generate_reply(
        &self,
        msg: &Message,
        conv: &Conversation,
        bot: &Bot,
    ) -> Result<ReplyDecision, String> {
        for (key, _) in config::all().map_err(|e| format!("reading config: {e}"))? {
            if !KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "unknown config key `{key}` (known: {})",
                    KEYS.join(", ")
                ));
            }
        }
        let text = template("text", &get("text")?.unwrap_or_else(|| DEFAULT_TEXT.into()))?;
        let html = get("html")?.map(|h| template("html", &h)).transpose()?;
        let every = match get("reply-on")?.as_deref().map(str::trim) {
            None | Some("first") => false,
            Some("every") => true,
            Some(other) => {
                return Err(format!(
                    "config `reply-on`: expected first or every, got `{other}`"
                ));
            }
        };
        let skipped = match get("follow-up")?.as_deref().map(str::trim) {
            None | Some("no-reply") => {
                ReplyDecision::NoReply("already acknowledged earlier in this conversation".into())
            }
            Some("no-opinion") => ReplyDecision::NoOpinion,
            Some(other) => {
                return Err(format!(
                    "config `follow-up`: expected no-reply or no-opinion, got `{other}`"
                ));
            }
        };
        let use_knowledge = config::get_bool("knowledge", false)?;
        let limit: u32 = match get("knowledge-limit")? {
            None => 3,
            Some(v) => v.trim().parse().map_err(|_| {
                format!("config `knowledge-limit`: expected a whole number, got `{v}`")
            })?,
        };
        if !every && conv.count_turns(Role::Customer) > 0 {
            return Ok(skipped);
        }

        let fallback = get("fallback-name")?.unwrap_or_else(|| "there".into());
        let name = msg
            .from
            .name
            .as_deref()
            .or(msg.reply_to.as_ref().and_then(|a| a.name.as_deref()))
            .map(str::trim)
            .filter(|n| !n.is_empty() && !n.contains('@'))
            .or(conv.customer_name())
            .map(str::to_owned);
        let inbox_name = get("inbox-name")?.unwrap_or_else(|| bot.name.clone());
        let prefix = get("reference-prefix")?.unwrap_or_else(|| "REF-".into());
        let uses = |p: &str| text.uses(p) || html.as_ref().is_some_and(|h| h.uses(p));
        let related = if uses("related_articles") && use_knowledge {
            related_articles(msg, limit)
        } else {
            String::new()
        };
        let date = if uses("date") {
            let now = clock::now().map_err(|e| format!("`{{{{ date }}}}` needs the clock: {e}"))?;
            iso_date(now)
        } else {
            String::new()
        };

        let mut value = |placeholder: &str| -> Result<String, String> {
            Ok(match placeholder {
                "sender_name" => name.clone().unwrap_or_else(|| fallback.clone()),
                "sender_first_name" => name
                    .as_deref()
                    .and_then(|n| n.split_whitespace().next())
                    .map_or_else(|| fallback.clone(), str::to_owned),
                "sender_email" => msg.reply_address().email.clone(),
                "subject" => subject(msg),
                "inbox_name" => inbox_name.clone(),
                "inbox_address" => msg.delivered_to.clone(),
                "bot_name" => bot.name.clone(),
                "conversation_id" => conv.id.clone(),
                "reference" => reference(&prefix, conv, msg),
                "date" => date.clone(),
                "related_articles" => related.clone(),
                other => return Err(format!("unknown placeholder `{other}`")),
            })
        };
        let reply = Reply {
            text: text.render(&mut value)?,
            html: html.map(|h| h.render_html(&mut value)).transpose()?,
            attachments: Vec::new(),
        };
        Ok(ReplyDecision::Reply(reply))
    }
}

fn get(key: &str) -> Result<Option<String>, String> {
    config::get(key).map_err(|e| format!("reading config `{key}`: {e}"))
}

/// Parses the template in config `key` and checks its placeholders.
fn template(key: &str, src: &str) -> Result<Template, String> {
    let t = Template::parse(src).map_err(|e| format!("config `{key}`: {e}"))?;
    t.check_known(PLACEHOLDERS)
        .map_err(|e| format!("config `{key}`: {e}"))?;
    Ok(t)
}

fn subject(msg: &Message) -> String {
    [&msg.normalized_subject, &msg.subject]
        .into_iter()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .unwrap_or("your message")
        .to_owned()
}

/// A stable reference for the conversation: `prefix` and eight hex digits of
/// an FNV-1a hash of its id (of the message id when the conversation has none).
pub fn reference(prefix: &str, conv: &Conversation, msg: &Message) -> String {
    let id = if conv.id.is_empty() {
        &msg.id
    } else {
        &conv.id
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{prefix}{:08X}", (hash ^ (hash >> 32)) & 0xffff_ffff)
}

/// `- title` lines for passages related to the message; empty, with a log
/// line, when knowledge is denied, unavailable or failing: an acknowledgement
/// never fails for want of suggestions.
fn related_articles(msg: &Message, limit: u32) -> String {
    let query: String = format!("{}\n{}", subject(msg), msg.new_text)
        .chars()
        .take(500)
        .collect();
    match knowledge::search(&query, limit) {
        Ok(passages) => passages
            .iter()
            .map(|p| {
                let title = if p.source.trim().is_empty() {
                    p.text.chars().take(120).collect::<String>()
                } else {
                    p.source.trim().to_owned()
                };
                format!("- {}", title.trim())
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e @ (HostError::Denied(_) | HostError::Unavailable(_))) => {
            log::debug(&format!("no related articles: {e}"));
            String::new()
        }
        Err(e) => {
            log::warn(&format!(
                "knowledge search failed, replying without articles: {e}"
            ));
            String::new()
        }
    }
}

export_plugin!(TemplateReply);

#[cfg(test)]
mod tests;
