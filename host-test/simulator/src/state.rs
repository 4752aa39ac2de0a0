//! What the simulator remembers, as LINE does: the requests it answered,
//! and each area's own state (kept in the area's folder), put together.

use crate::audience::state::Audiences;
use crate::chats::state::Chats;
use crate::faults::Faults;
use crate::liff::state::LiffApps;
use crate::membership::state::Coupons;
use crate::messaging::state::Messages;
use crate::module::state::Modules;
use crate::recorded::Recorded;
use crate::rich_menu::state::RichMenus;
use crate::tokens::state::Tokens;

/// Everything the simulator remembers.
#[derive(Default)]
pub(crate) struct State {
    /// Every request, as answered.
    pub(crate) requests: Vec<Recorded>,
    /// Tokens issued and revoked, and the registered assertion keys.
    pub(crate) tokens: Tokens,
    /// The messages sent.
    pub(crate) messages: Messages,
    /// The chats and the webhook setting.
    pub(crate) chats: Chats,
    /// The faults to act out, and the retry keys accepted.
    pub(crate) faults: Faults,
    /// The rich menus, their images, links, aliases and batch changes.
    pub(crate) rich_menus: RichMenus,
    /// The audiences.
    pub(crate) audiences: Audiences,
    /// The coupons.
    pub(crate) coupons: Coupons,
    /// The LIFF apps.
    pub(crate) liff_apps: LiffApps,
    /// The module's accounts and controlled chats.
    pub(crate) modules: Modules,
}
