//! What LINE keeps of the channel's LIFF apps.

use crate::seed::LIFF_APP;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The channel's LIFF apps, by id.
pub(crate) struct LiffApps(pub(crate) BTreeMap<String, Value>);

impl Default for LiffApps {
    fn default() -> Self {
        let app = json!({"liffId": LIFF_APP, "view": {"type": "compact", "url": "https://soc.example.com/liff"},
            "description": "SOC status", "scope": ["profile"], "botPrompt": "normal"});
        LiffApps(BTreeMap::from([(LIFF_APP.to_owned(), app)]))
    }
}
