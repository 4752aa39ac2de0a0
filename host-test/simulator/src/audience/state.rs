//! What LINE keeps of the audiences: each one's group, uploads and users.

use crate::seed::{AUDIENCE, FRIENDS, SHARED_AUDIENCE};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One audience.
pub(crate) struct Audience {
    /// LINE's `AudienceGroup`, but for its status (set when read).
    pub(crate) group: Value,
    /// Its uploads (LINE's `AudienceGroupJob`s).
    pub(crate) jobs: Vec<Value>,
    /// The users it holds.
    pub(crate) ids: Vec<String>,
    /// When it was created (it is built `build_time` later).
    pub(crate) created: Instant,
}

/// The account's audiences.
pub(crate) struct Audiences {
    pub(crate) groups: BTreeMap<i64, Audience>,
    pub(crate) next: i64,
    /// How long an audience takes to be built (default: at once).
    pub(crate) build_time: Duration,
}

impl Default for Audiences {
    /// [`AUDIENCE`] (uploaded, holding [`FRIENDS`]) and [`SHARED_AUDIENCE`].
    fn default() -> Self {
        let mut audiences = Audiences {
            groups: BTreeMap::new(),
            next: AUDIENCE + 1_000,
            build_time: Duration::ZERO,
        };
        let friends: Vec<String> = FRIENDS.iter().map(|f| f.to_string()).collect();
        for (id, name) in [
            (AUDIENCE, "SOC on-call staff"),
            (SHARED_AUDIENCE, "Shared: regional SOC"),
        ] {
            let body = json!({"description": name});
            let group = group(id, "UPLOAD", &body);
            let audience = Audience {
                group,
                jobs: Vec::new(),
                ids: friends.clone(),
                created: Instant::now(),
            };
            audiences.groups.insert(id, audience);
        }
        audiences
    }
}

impl Audiences {
    /// The users of audience `id`, if the account has it.
    pub(crate) fn members(&self, id: i64) -> Option<Vec<String>> {
        self.groups.get(&id).map(|a| a.ids.clone())
    }
}

/// Now, in seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// LINE's `AudienceGroup` for a new audience of `kind` made from `body`.
pub(crate) fn group(id: i64, kind: &str, body: &Value) -> Value {
    let mut group = json!({
        "audienceGroupId": id, "type": kind, "description": body["description"],
        "audienceCount": 0, "created": now(), "permission": "READ_WRITE",
        "createRoute": "MESSAGING_API", "isIfaAudience": body["isIfaAudience"].as_bool().unwrap_or(false),
    });
    for key in ["requestId", "clickUrl"] {
        if let Some(value) = body.get(key) {
            group[key] = value.clone();
        }
    }
    group
}
