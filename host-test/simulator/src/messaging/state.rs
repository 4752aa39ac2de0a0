//! What LINE keeps of the messages sent: the deliveries, the reply tokens
//! used, the narrowcasts in progress, the message ids given and the
//! aggregation units named.

use crate::recorded::Delivery;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

/// A narrowcast LINE accepted.
pub(crate) struct Narrowcast {
    pub(crate) accepted: SystemTime,
    /// Ends in phase `failed` (audience too small).
    pub(crate) fails: bool,
}

/// The messages sent.
#[derive(Default)]
pub(crate) struct Messages {
    pub(crate) used_reply_tokens: HashSet<String>,
    pub(crate) deliveries: Vec<Delivery>,
    pub(crate) narrowcasts: HashMap<String, Narrowcast>,
    /// How long a narrowcast takes to end (default: at once).
    pub(crate) narrowcast_time: Duration,
    pub(crate) next_message_id: u64,
    /// The aggregation units sends named, in first-use order.
    pub(crate) units: Vec<String>,
}
