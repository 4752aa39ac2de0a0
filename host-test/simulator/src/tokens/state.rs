//! What LINE keeps of a channel's tokens: those issued and revoked, the
//! registered assertion keys, the authorization codes used.

use crate::seed::CHANNEL_ACCESS_TOKEN;
use rsa::{PrivateKey, PublicKey};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// The key id of the assertion key every simulator has registered
/// ([`assertion_private_jwk`]).
pub const ASSERTION_KEY_ID: &str = "sim-assertion-key-1";

/// The assertion key registered with every simulator: made once per
/// process (a new one each run; never a credential for anything).
pub(crate) static ASSERTION_KEY: LazyLock<PrivateKey> = LazyLock::new(|| {
    use rsa::Generate as _;
    PrivateKey::generate()
});

/// A token the simulator issued.
pub(crate) struct Issued {
    pub(crate) expires: Instant,
    /// The key id of a token v2.1.
    pub(crate) key_id: Option<String>,
}

/// The channel's tokens and keys.
pub(crate) struct Tokens {
    pub(crate) issued: HashMap<String, Issued>,
    /// Tokens revoked (the given channel access token among them).
    pub(crate) revoked: HashSet<String>,
    /// The lifetime of tokens issued from now on, when a test set one.
    pub(crate) lifetime: Option<Duration>,
    /// The registered assertion keys, by key id.
    pub(crate) keys: HashMap<String, PublicKey>,
    /// Authorization codes already used to attach a module.
    pub(crate) used_codes: HashSet<String>,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens {
            issued: HashMap::new(),
            revoked: HashSet::new(),
            lifetime: None,
            keys: HashMap::from([(ASSERTION_KEY_ID.to_owned(), ASSERTION_KEY.to_public_key())]),
            used_codes: HashSet::new(),
        }
    }
}

impl Tokens {
    /// Registers a public key for JWT assertions under `key_id`.
    pub(crate) fn register(&mut self, key_id: &str, key: PublicKey) {
        self.keys.insert(key_id.to_owned(), key);
    }

    /// Seconds left of a token that works now, or why not.
    pub(crate) fn left(&self, token: &str) -> Result<u64, &'static str> {
        if self.revoked.contains(token) {
            return Err("The access token has been revoked");
        }
        if token == CHANNEL_ACCESS_TOKEN {
            return Ok(2_592_000);
        }
        let issued = self.issued.get(token).ok_or("invalid access token")?;
        let left = issued.expires.saturating_duration_since(Instant::now());
        match left.is_zero() {
            true => Err("access token expired"),
            false => Ok(left.as_secs().max(1)),
        }
    }

    pub(crate) fn issue(&mut self, lifetime: Duration, key_id: Option<String>) -> Value {
        let lifetime = self.lifetime.unwrap_or(lifetime);
        let token = format!("sim-issued-{}", uuid::Uuid::new_v4().simple());
        let issued = Issued {
            expires: Instant::now() + lifetime,
            key_id: key_id.clone(),
        };
        self.issued.insert(token.clone(), issued);
        let mut body = json!({"token_type": "Bearer", "access_token": token, "expires_in": lifetime.as_secs()});
        if let Some(key_id) = key_id {
            body["key_id"] = json!(key_id);
        }
        body
    }
}
