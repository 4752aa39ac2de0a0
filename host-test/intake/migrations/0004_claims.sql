-- Claims: replicas sharing a store deliver an event one at a time. The
-- replica delivering it (its name) and until when its claim holds, in
-- milliseconds since the epoch (0: unclaimed); a lapsed claim is taken over.
ALTER TABLE events ADD COLUMN claimed_by TEXT;
ALTER TABLE events ADD COLUMN claim_until INTEGER NOT NULL DEFAULT 0;
