//! What LINE keeps of the chats and the webhook: the groups and rooms
//! left, read receipts, the webhook setting, and how often a video's
//! transcoding was asked about.

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
}
