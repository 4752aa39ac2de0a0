//! What LINE keeps for a module channel: its accounts and the chats it
//! controls.

use serde_json::{Value, json};

/// The module's accounts and the chats it controls.
pub(crate) struct Modules {
    pub(crate) bots: Vec<Value>,
    pub(crate) controlled: Vec<String>,
}

impl Default for Modules {
    /// Two accounts the module is attached to.
    fn default() -> Self {
        let bot = |i: u32, name: &str| json!({"userId": format!("U{:032x}", 0xb0b0 + i), "basicId": format!("@soc{i}"), "displayName": name});
        Modules {
            bots: vec![bot(1, "SOC Tokyo"), bot(2, "SOC Osaka")],
            controlled: Vec::new(),
        }
    }
}
