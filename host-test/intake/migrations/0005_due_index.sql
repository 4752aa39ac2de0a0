-- The undelivered events in the store's order: what a claim scans and the
-- backlog bound counts, without walking the delivered ones kept for the
-- redelivery window.
CREATE INDEX events_undelivered ON events (seq) WHERE state = 'pending';
