//! What the simulator remembers, as LINE does: requests, tokens (issued,
//! revoked) and assertion keys,
//! used reply tokens, deliveries, narrowcasts, accepted retry keys, the
//! groups and rooms left, read receipts, the webhook setting, aggregation
//! units, rich menus, audiences, coupons, and the faults scripted for the
//! tests.

use super::{Delivery, Fault, RandomFaults, Recorded};
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, SystemTime};

/// A narrowcast LINE accepted.
pub(super) struct Narrowcast {
    pub(super) accepted: SystemTime,
    /// Ends in phase `failed` (audience too small).
    pub(super) fails: bool,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) requests: Vec<Recorded>,
    /// Tokens issued and revoked, and the registered assertion keys.
    pub(super) tokens: super::tokens::Tokens,
    pub(super) used_reply_tokens: HashSet<String>,
    pub(super) deliveries: Vec<Delivery>,
    pub(super) narrowcasts: HashMap<String, Narrowcast>,
    pub(super) narrowcast_time: Duration,
    pub(super) scripts: HashMap<String, VecDeque<Fault>>,
    pub(super) random: Option<(RandomFaults, fastrand::Rng)>,
    pub(super) faults_acted: Vec<(String, Fault)>,
    pub(super) accepted_keys: HashMap<String, (String, Value)>,
    pub(super) next_message_id: u64,
    /// Group and room ids the bot has left.
    pub(super) left: HashSet<String>,
    /// The chats whose messages were marked as read (user ids, or
    /// `token:…` for a mark-as-read token).
    pub(super) read: Vec<String>,
    /// The webhook URL set, and whether webhooks are on.
    pub(super) webhook: Option<(String, bool)>,
    /// The aggregation units sends named, in first-use order.
    pub(super) units: Vec<String>,
    /// How often the video's transcoding was asked about.
    pub(super) transcoding_asks: u32,
    /// Where webhooks for the set endpoint really go (a loopback stand-in
    /// for the https endpoint), if the test said so.
    pub(super) webhook_delivery: Option<String>,
    /// The rich menus, their images, links, aliases and batch changes.
    pub(super) rich_menus: super::rich_menu::RichMenus,
    /// The audiences.
    pub(super) audiences: super::audience::Audiences,
    /// The coupons.
    pub(super) coupons: super::membership::Coupons,
    /// The LIFF apps.
    pub(super) liff_apps: super::liff::LiffApps,
    /// The module's accounts and controlled chats.
    pub(super) modules: super::module::Modules,
}
