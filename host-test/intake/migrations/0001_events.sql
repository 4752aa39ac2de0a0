-- Every event LINE was told 200 for, from the moment it was stored until it
-- is delivered (or parked as a dead letter), and afterwards, for the
-- retention window, so that LINE's redeliveries are recognised.
CREATE TABLE events (
    -- The order events were stored in: delivery follows it per chat.
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    -- LINE's webhookEventId (the same on a redelivery); NULL when absent.
    event_id TEXT UNIQUE,
    -- The chat it happened in (group, room or user id; '' when none): one
    -- event per chat is in delivery at a time, the oldest first.
    chat TEXT NOT NULL,
    -- The event as the intake prints and forwards it (JSON).
    event TEXT NOT NULL,
    -- When it was stored, in milliseconds since the epoch.
    received_at INTEGER NOT NULL,
    -- 'pending' (to deliver), 'delivered' or 'dead' (attempts used up).
    state TEXT NOT NULL DEFAULT 'pending',
    -- Delivery attempts made.
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Not to be tried again before this time (milliseconds since the epoch).
    next_at INTEGER NOT NULL DEFAULT 0,
    -- Why the last attempt failed.
    last_error TEXT,
    -- When it was delivered or parked.
    done_at INTEGER
);
CREATE INDEX events_by_chat ON events (state, chat, seq);
CREATE INDEX events_done ON events (state, done_at);
