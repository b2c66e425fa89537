-- A message's bytes live apart from its row. SQLite rewrites a whole row,
-- overflow pages included, on every update: with the bytes inline, each
-- state change of a message wrote its raw mail to the journal again.
CREATE TABLE message_raw (
    message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    raw        BLOB NOT NULL
);
INSERT INTO message_raw (message_id, raw) SELECT id, raw FROM messages;
ALTER TABLE messages DROP COLUMN raw;
