-- Questions put to LINE users (asks), their answers and refusals, and the
-- store's own MAC key for the asks' postback data.
CREATE TABLE asks (
    -- Unguessable (128 random bits, base64url).
    id TEXT PRIMARY KEY,
    -- The user, group or room asked.
    chat TEXT NOT NULL,
    question TEXT NOT NULL,
    -- The options' labels (JSON list).
    options TEXT NOT NULL,
    -- 1 when the next text message from an allowed answerer counts too.
    free_text INTEGER NOT NULL,
    -- 'asked', 'any', or user ids joined by commas.
    answerers TEXT NOT NULL,
    -- Milliseconds since the epoch.
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- The answer given at expiry (an option's label), if any.
    default_answer TEXT,
    -- 1 when every answer is recorded, 0 when the first closes it.
    every INTEGER NOT NULL,
    -- What an answerer is replied: taken, refused.
    thanks TEXT NOT NULL,
    refused TEXT NOT NULL,
    -- 'open', 'answered' (first wins, taken) or 'expired'.
    state TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX asks_open ON asks (chat, state);

CREATE TABLE answers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The ask ('' when the data named none that exists or was forged).
    ask_id TEXT NOT NULL,
    -- The webhook event it came in (NULL for the default at expiry).
    event_id TEXT,
    answerer TEXT,
    -- The option's index and label, or the free text.
    option_index INTEGER,
    label TEXT,
    text TEXT,
    -- 1 when it counts; 0 with the reason when refused.
    accepted INTEGER NOT NULL,
    reason TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX answers_by_ask ON answers (ask_id, accepted, seq);

CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
