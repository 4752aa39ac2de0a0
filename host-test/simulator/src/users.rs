//! The simulator playing LINE users towards a bot's webhook: following
//! (adding the account, or unblocking it), unfollowing (blocking it), and
//! confirming an account link from the URL the bot sent them. Each changes
//! what LINE answers (profiles, the follower list) and posts the event
//! LINE would, signed with the channel secret.

use crate::Simulator;
use crate::webhooks::{account_link_event, follow_event, unfollow_event};
use anyhow::{Context, Result};
use serde_json::Value;

impl Simulator {
    /// Plays `user` adding the account as a friend (unblocking it, if they
    /// had blocked it): a friend from now on, and LINE's `follow` event
    /// posted to `url`. The event and the status the bot answered.
    pub async fn follow(&self, url: &str, user: &str) -> Result<(Value, u16)> {
        let unblocked = {
            let mut state = self.state.lock().unwrap();
            let was = state.chats.is_friend(user);
            state.chats.friendship.insert(user.to_owned(), true);
            !was
        };
        let event = follow_event(user, unblocked);
        let status = self.send_webhook(url, std::slice::from_ref(&event)).await?;
        Ok((event, status))
    }

    /// Plays `user` blocking the account: LINE's profile lookup answers
    /// 404 from now on, and its `unfollow` event is posted to `url`.
    pub async fn unfollow(&self, url: &str, user: &str) -> Result<(Value, u16)> {
        self.state
            .lock()
            .unwrap()
            .chats
            .friendship
            .insert(user.to_owned(), false);
        let event = unfollow_event(user);
        let status = self.send_webhook(url, std::slice::from_ref(&event)).await?;
        Ok((event, status))
    }

    /// Plays `user` opening `link_url` (LINE's account-link dialog, with its
    /// `linkToken` and `nonce`) and confirming: LINE's `accountLink` event
    /// posted to `url`, `result: ok` only when the token was issued for
    /// `user` and not used before (LINE's tokens are single use). The
    /// event and the status the bot answered.
    pub async fn open_link(&self, url: &str, link_url: &str, user: &str) -> Result<(Value, u16)> {
        let query = link_url
            .split_once('?')
            .context("no query in the link URL")?
            .1;
        let field = |name: &str| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
                .map(decoded)
        };
        let token = field("linkToken").context("no linkToken in the link URL")?;
        let nonce = field("nonce").context("no nonce in the link URL")?;
        let ok = {
            let mut state = self.state.lock().unwrap();
            match state.chats.link_tokens.get_mut(&token) {
                Some((issued_for, used)) if issued_for == user && !*used => {
                    *used = true;
                    true
                }
                _ => false,
            }
        };
        let event = account_link_event(user, ok, &nonce);
        let status = self.send_webhook(url, std::slice::from_ref(&event)).await?;
        Ok((event, status))
    }

    /// Makes the account neither verified nor premium: LINE answers the
    /// follower list with 403 (or, with `false`, lists them again).
    pub fn set_followers_unavailable(&self, unavailable: bool) {
        self.state.lock().unwrap().chats.followers_unavailable = unavailable;
    }
}

/// A percent-encoded query value, decoded.
fn decoded(value: &str) -> String {
    percent_encoding::percent_decode_str(value)
        .decode_utf8_lossy()
        .into_owned()
}
