//! What LINE keeps of the chats and the webhook: the groups and rooms
//! left, read receipts, the webhook setting, how often a video's
//! transcoding was asked about, who follows or blocked the account, and
//! the account-link tokens issued.

use crate::seed::{BLOCKED_USER, FRIENDS};
use std::collections::{BTreeMap, HashMap};

/// The chats and the webhook setting.
#[derive(Default)]
pub(crate) struct Chats {
    /// Group and room ids the bot has left.
    pub(crate) left: std::collections::HashSet<String>,
    /// The chats whose messages were marked as read (user ids, or
    /// `token:…` for a mark-as-read token).
    pub(crate) read: Vec<String>,
    /// The webhook URL set, and whether webhooks are on.
    pub(crate) webhook: Option<(String, bool)>,
    /// How often the video's transcoding was asked about.
    pub(crate) transcoding_asks: u32,
    /// Where webhooks for the set endpoint really go (a loopback stand-in
    /// for the https endpoint), if the test said so.
    pub(crate) webhook_delivery: Option<String>,
    /// Users who followed (`true`) or blocked (`false`) the account since
    /// the start, over the seed (every user a friend but [`BLOCKED_USER`]).
    pub(crate) friendship: BTreeMap<String, bool>,
    /// Account-link tokens issued: the user each is for, and whether it was used.
    pub(crate) link_tokens: HashMap<String, (String, bool)>,
    /// The account is neither verified nor premium: LINE refuses it the
    /// follower list (403).
    pub(crate) followers_unavailable: bool,
}

impl Chats {
    /// Whether `user` is a friend of the account now.
    pub(crate) fn is_friend(&self, user: &str) -> bool {
        self.friendship
            .get(user)
            .copied()
            .unwrap_or(user != BLOCKED_USER)
    }

    /// The account's followers: the seed's friends still friends, then
    /// those who followed since.
    pub(crate) fn followers(&self) -> Vec<String> {
        let seeded = FRIENDS.iter().map(|f| f.to_string());
        let followed = self
            .friendship
            .iter()
            .filter(|(user, friend)| **friend && !FRIENDS.contains(&user.as_str()))
            .map(|(user, _)| user.clone());
        seeded
            .filter(|user| self.is_friend(user))
            .chain(followed)
            .collect()
    }
}
