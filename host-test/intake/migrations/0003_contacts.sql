-- Contacts: the LINE users each channel's intake has seen, kept current from
-- follow and unfollow events, profile lookups and follower syncs, and the
-- platform's own id once a user linked their account. Personal data: what is
-- here is listed in the README, and rows are deleted past the retention.
CREATE TABLE contacts (
    -- The channel's name (`default` for a channel given by --config alone).
    channel TEXT NOT NULL,
    -- LINE's user id.
    user_id TEXT NOT NULL,
    -- 'friend', 'blocked' (unfollowed: LINE's block), 'not-friend' (a
    -- profile lookup answered 404, or a full follower sync left it out), or
    -- NULL when unknown.
    status TEXT,
    -- When the status was observed (the event's timestamp, or the check's
    -- time), milliseconds since the epoch; an older observation never
    -- replaces a newer one.
    status_at INTEGER,
    -- 'event' (follow/unfollow), 'check' (profile lookup) or 'sync'.
    status_source TEXT,
    -- When the user last followed, blocked (unfollowed) and unblocked.
    followed_at INTEGER,
    blocked_at INTEGER,
    unblocked_at INTEGER,
    -- LINE's displayName (from the profile, fetched once on follow).
    display_name TEXT,
    -- When an event from this user last arrived.
    last_seen INTEGER,
    -- The platform's own id, once the user linked their account.
    platform_id TEXT,
    linked_at INTEGER,
    -- When the row was last written (retention counts from here).
    touched_at INTEGER NOT NULL,
    PRIMARY KEY (channel, user_id)
);
CREATE UNIQUE INDEX contacts_by_platform_id ON contacts (channel, platform_id)
    WHERE platform_id IS NOT NULL;
CREATE INDEX contacts_touched ON contacts (touched_at);

-- Account links under way: a nonce (128 random bits) for one platform id and
-- the LINE user its link token was issued for; single use, with an expiry.
CREATE TABLE link_nonces (
    nonce TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- NULL until an accountLink event used it; then when, and the outcome.
    used_at INTEGER,
    outcome TEXT
);

-- What happened to contacts that a platform may want to audit: links made,
-- refused (with the reason) and removed, contacts forgotten.
CREATE TABLE contact_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    user_id TEXT,
    platform_id TEXT,
    -- 'linked', 'link-refused', 'unlinked', 'forgotten'.
    what TEXT NOT NULL,
    reason TEXT,
    -- The webhook event it came from, if any.
    event_id TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX contact_log_at ON contact_log (at);

-- Follower syncs: where an interrupted one resumes (LINE's `next`).
CREATE TABLE follower_syncs (
    channel TEXT PRIMARY KEY,
    -- LINE's continuation token, or NULL when the last sync finished.
    next TEXT,
    -- When the sync under way started (a full sync marks users it did not
    -- see, and had not heard of since, as not friends).
    started_at INTEGER NOT NULL
);

-- (events.state may now also be 'skipped': an event of a type --types does
-- not keep, recorded by id only so that its redelivery is recognised.)
