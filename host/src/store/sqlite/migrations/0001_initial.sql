-- mailbot store, first schema. Times are unix milliseconds; ids are UUID text;
-- enums are snake_case text; JSON is text.

CREATE TABLE bots (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    backstory   TEXT NOT NULL,
    settings    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE inboxes (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    slug        TEXT,
    bot_id      TEXT REFERENCES bots(id) ON DELETE SET NULL,
    settings    TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX inboxes_live_address ON inboxes(address) WHERE deleted = 0;
CREATE UNIQUE INDEX inboxes_live_slug ON inboxes(slug) WHERE deleted = 0 AND slug IS NOT NULL;

CREATE TABLE channels (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    config      TEXT NOT NULL,
    status      TEXT NOT NULL,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE channel_logs (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id  TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    level       TEXT NOT NULL,
    line        TEXT NOT NULL
);
CREATE INDEX channel_logs_by_channel ON channel_logs(channel_id, seq);

CREATE TABLE imap_cursors (
    channel_id  TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL,
    PRIMARY KEY (channel_id, mailbox)
);

CREATE TABLE conversations (
    id              TEXT PRIMARY KEY,
    inbox_id        TEXT NOT NULL REFERENCES inboxes(id),
    customer_email  TEXT NOT NULL,
    customer_name   TEXT,
    status          TEXT NOT NULL,
    priority        TEXT NOT NULL,
    bot_paused      INTEGER NOT NULL DEFAULT 0,
    paused_reason   TEXT,
    created_at      INTEGER NOT NULL,
    last_message_at INTEGER NOT NULL
);
CREATE INDEX conversations_by_customer
    ON conversations(inbox_id, customer_email, last_message_at);
CREATE INDEX conversations_by_created ON conversations(created_at, id);

CREATE TABLE messages (
    id                TEXT PRIMARY KEY,
    inbox_id          TEXT NOT NULL REFERENCES inboxes(id),
    source_key        TEXT NOT NULL,
    source            TEXT NOT NULL,
    content_hash      TEXT NOT NULL,
    raw               BLOB NOT NULL,
    state             TEXT NOT NULL,
    reason            TEXT,
    conversation_id   TEXT REFERENCES conversations(id),
    message_id_header TEXT,
    from_email        TEXT,
    subject           TEXT,
    new_text          TEXT,
    received_at       INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX messages_source_key ON messages(inbox_id, source_key);
CREATE UNIQUE INDEX messages_content ON messages(inbox_id, source, content_hash);
CREATE INDEX messages_by_state ON messages(state, received_at);
CREATE INDEX messages_by_conversation ON messages(conversation_id, received_at);
CREATE INDEX messages_by_inbox ON messages(inbox_id, received_at, id);
CREATE INDEX messages_by_header ON messages(inbox_id, message_id_header)
    WHERE message_id_header IS NOT NULL;

CREATE TABLE message_state_history (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id  TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    state       TEXT NOT NULL,
    reason      TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX message_state_history_by_message ON message_state_history(message_id, seq);

CREATE TABLE contacts (
    id          TEXT PRIMARY KEY,
    inbox_id    TEXT NOT NULL REFERENCES inboxes(id),
    email       TEXT NOT NULL,
    name        TEXT,
    phone       TEXT,
    company     TEXT,
    extra       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (inbox_id, email)
);
CREATE INDEX contacts_by_created ON contacts(inbox_id, created_at, id);

CREATE TABLE blocks (
    inbox_id    TEXT NOT NULL REFERENCES inboxes(id),
    email       TEXT NOT NULL,
    reason      TEXT,
    at          INTEGER NOT NULL,
    PRIMARY KEY (inbox_id, email)
);

CREATE TABLE undeliverable (
    inbox_id    TEXT NOT NULL REFERENCES inboxes(id),
    email       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (inbox_id, email)
);

CREATE TABLE outbox (
    id                TEXT PRIMARY KEY,
    message_id        TEXT REFERENCES messages(id),
    conversation_id   TEXT REFERENCES conversations(id),
    inbox_id          TEXT NOT NULL REFERENCES inboxes(id),
    kind              TEXT NOT NULL,
    message_id_header TEXT NOT NULL UNIQUE,
    envelope_from     TEXT NOT NULL,
    recipients        TEXT NOT NULL,
    raw               BLOB NOT NULL,
    text              TEXT NOT NULL,
    state             TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER NOT NULL,
    last_error        TEXT,
    smtp_response     TEXT,
    created_at        INTEGER NOT NULL,
    sent_at           INTEGER
);
-- At most one item per (cause, kind): a restarted pipeline cannot queue twice.
CREATE UNIQUE INDEX outbox_once_per_cause ON outbox(message_id, kind)
    WHERE message_id IS NOT NULL;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_by_conversation ON outbox(conversation_id, created_at);

-- Normalised recipients of outbox items, indexed for reply caps.
CREATE TABLE outbox_recipients (
    outbox_id   TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    PRIMARY KEY (outbox_id, email)
);
CREATE INDEX outbox_recipients_by_email ON outbox_recipients(email);

CREATE TABLE decisions (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id   TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    hook         TEXT NOT NULL,
    plugin_name  TEXT NOT NULL,
    plugin_hash  TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    error        TEXT,
    duration_us  INTEGER NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX decisions_by_message ON decisions(message_id, seq);

CREATE TABLE plugin_kv (
    plugin      TEXT NOT NULL,
    inbox_id    TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       BLOB NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (plugin, inbox_id, key)
) WITHOUT ROWID;
