//! The account the simulator starts with, as LINE would hold it: the
//! channel's credentials, its friends, groups and rooms, the messages with
//! content, the rich menus, audiences, memberships, coupons and LIFF apps
//! every test can rely on.

/// The channel access token the simulator accepts as given.
pub const CHANNEL_ACCESS_TOKEN: &str = "sim-channel-access-token";
/// The channel id the token endpoints accept.
pub const CLIENT_ID: &str = "1234567890";
/// The channel secret the token endpoints accept.
pub const CLIENT_SECRET: &str = "sim-channel-secret";
/// The monthly message limit the quota endpoint reports.
pub const MONTHLY_LIMIT: i64 = 10_000;
/// The users a broadcast or narrowcast reaches.
pub const FRIENDS: [&str; 3] = [
    "U00000000000000000000000000000001",
    "U00000000000000000000000000000002",
    "U00000000000000000000000000000003",
];

/// A user who blocked the account: LINE answers 404 for its profile (every
/// other well-formed user id is a friend with a profile).
pub const BLOCKED_USER: &str = "U0000000000000000000000000000dead";
/// A group chat the bot is in: [`FRIENDS`] and more, [`GROUP_SIZE`] in all.
pub const GROUP: &str = "C00000000000000000000000000000001";
/// Another group chat the bot is in (the one the examples leave).
pub const OTHER_GROUP: &str = "C00000000000000000000000000000002";
/// How many members [`GROUP`] has (LINE sends at most 100 ids a page).
pub const GROUP_SIZE: usize = 250;
/// A multi-person chat the bot is in, with [`FRIENDS`].
pub const ROOM: &str = "R00000000000000000000000000000001";
/// Another multi-person chat the bot is in (the one the examples leave).
pub const OTHER_ROOM: &str = "R00000000000000000000000000000002";

/// An image a user sent: its message id (content and preview).
pub const IMAGE_MESSAGE: &str = "100001";
/// A video a user sent: `processing` at first, then `succeeded`.
pub const VIDEO_MESSAGE: &str = "100002";

/// A rich menu the account has (2500x843, with its image): the default
/// menu, linked to the first of [`FRIENDS`], named by [`RICH_MENU_ALIAS`].
pub const RICH_MENU: &str = "richmenu-00000000000000000000000000000001";
/// Another rich menu (2500x1686, LINE's reference example), whose image is
/// not uploaded yet.
pub const OTHER_RICH_MENU: &str = "richmenu-00000000000000000000000000000002";
/// The alias of [`RICH_MENU`].
pub const RICH_MENU_ALIAS: &str = "soc-default";

/// A phone number LINE cannot send a notification message to: 422.
pub const UNREACHABLE_PHONE: &str = "+819000000000";
/// An upload audience the account has, `READY`, holding [`FRIENDS`].
pub const AUDIENCE: i64 = 4_389_303_728_991;
/// An audience another account shares with this one, `READY`.
pub const SHARED_AUDIENCE: i64 = 5_389_303_728_992;
/// The account's membership plan; the first of [`FRIENDS`] subscribes.
pub const MEMBERSHIP: i64 = 3189;
/// A coupon the account has, `RUNNING`.
pub const COUPON: &str = "COUPON-00000000000000000001";

/// A LIFF app the channel has.
pub const LIFF_APP: &str = "1657000000-SOCliff1";

/// An audience LINE finds too small: a narrowcast to it ends in phase
/// `failed` (LINE's error code 1) and reaches no one.
pub const SMALL_AUDIENCE: i64 = 1_000;
