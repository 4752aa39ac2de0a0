//! What the store takes in: an event as the intake prints and forwards
//! it, and a reply owed to an answerer. Plain data, below the store and
//! the answering that both use it.

/// One event as stored: what the intake prints and forwards.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// LINE's `webhookEventId` (empty when the event has none).
    pub id: String,
    /// The chat whose order it keeps (group, room or user id; may be empty).
    pub chat: String,
    /// The event's JSON as printed and forwarded.
    pub json: String,
    /// LINE's event type (`message`, `postback`, …; `answer` for an ask's).
    pub kind: String,
    /// Whether it is delivered (`--types` keeps some types only; the
    /// others still update contacts and answer asks, and are recorded so
    /// that a redelivery is recognised).
    pub keep: bool,
}

/// A reply to send to an answerer (with the postback's reply token).
#[derive(Debug, Clone)]
pub struct Reply {
    /// LINE's reply token.
    pub token: String,
    /// The text.
    pub text: String,
}
