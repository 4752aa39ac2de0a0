//! The actions as an agent sees them, from the component's manifest: each
//! action's name, a description written for a model choosing a tool (what
//! it does, what it costs, what it cannot undo), its input and output JSON
//! Schemas, and MCP's annotations derived from its hints.

use crate::exposure::{Exposure, Group, destructive};
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// One action of the manifest.
#[derive(Clone, Debug)]
pub struct Entry {
    /// LINE's operationId in kebab-case, e.g. `get-profile`.
    pub name: String,
    /// A short title.
    pub title: String,
    /// Its group.
    pub group: Group,
    description: String,
    input_schema: Value,
    output_schema: Value,
    hints: Value,
    docs_url: String,
}

/// Every action the component has.
#[derive(Clone, Debug)]
pub struct Catalogue {
    entries: Vec<Entry>,
}

impl Catalogue {
    /// The actions of `manifest` (what `describe` returns).
    pub fn from_manifest(manifest: &Value) -> Catalogue {
        let actions = manifest["actions"].as_array().cloned().unwrap_or_default();
        let entries = actions
            .iter()
            .map(|a| Entry {
                name: text(&a["name"]),
                title: text(&a["title"]),
                group: Group::of(&a["hints"]),
                description: text(&a["description"]),
                input_schema: a["inputSchema"].clone(),
                output_schema: a["outputSchema"].clone(),
                hints: a["hints"].clone(),
                docs_url: text(&a["docsUrl"]),
            })
            .collect();
        Catalogue { entries }
    }

    /// The action `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The actions `exposure` exposes, in the manifest's order.
    pub fn exposed<'a>(&'a self, exposure: &'a Exposure) -> impl Iterator<Item = &'a Entry> {
        self.entries
            .iter()
            .filter(|e| exposure.allows(&e.name, e.group).is_ok())
    }

    /// Every action: name, title, group, and whether it is exposed (or
    /// why not); the agent's map of what exists.
    pub fn listing(&self, exposure: &Exposure) -> Value {
        let actions: Vec<Value> = self
            .entries
            .iter()
            .map(|e| {
                let item = json!({"name": e.name, "title": e.title, "group": e.group.name()});
                e.marked(item, exposure)
            })
            .collect();
        json!({"actions": actions})
    }

    /// One action whole: what the tool of it would say, and its schemas.
    pub fn detail(&self, entry: &Entry, exposure: &Exposure) -> Value {
        let detail = json!({
            "name": entry.name,
            "title": entry.title,
            "group": entry.group.name(),
            "description": entry.model_description(),
            "inputSchema": entry.input_schema,
            "outputSchema": entry.output_schema,
            "docsUrl": entry.docs_url,
        });
        entry.marked(detail, exposure)
    }
}

impl Entry {
    /// `about` with `exposed`, and `why` not when it is not.
    fn marked(&self, mut about: Value, exposure: &Exposure) -> Value {
        match exposure.allows(&self.name, self.group) {
            Ok(()) => about["exposed"] = json!(true),
            Err(why) => {
                about["exposed"] = json!(false);
                about["why"] = json!(why);
            }
        }
        about
    }

    /// The MCP tool of this action.
    pub fn tool(&self) -> Tool {
        let mut tool = Tool::new(
            self.name.clone(),
            self.model_description(),
            object(&self.input_schema),
        )
        .with_title(self.title.clone())
        .with_annotations(self.annotations());
        if self.output_schema["type"] == "object" {
            tool = tool.with_raw_output_schema(object(&self.output_schema));
        }
        tool
    }

    /// MCP's hints: reading only, destroying, the same when repeated,
    /// reaching outside (LINE and its users, always).
    pub fn annotations(&self) -> ToolAnnotations {
        let read_only = self.group == Group::Reading;
        ToolAnnotations::with_title(self.title.clone())
            .read_only(read_only)
            .destructive(!read_only && destructive(&self.name))
            .idempotent(self.hints["idempotent"] == true)
            .open_world(true)
    }

    /// What the tool says to a model choosing it: LINE's description, then
    /// what it changes, what it costs and what it cannot undo.
    pub fn model_description(&self) -> String {
        let effect = match self.group {
            Group::Reading => "Reads only; changes nothing.".to_owned(),
            Group::Sending => {
                let mut effect =
                    "Sends a message that LINE users see at once; a message cannot be \
                                  unsent, and sends count against the channel's monthly quota."
                        .to_owned();
                if self.hints["retryKey"] == true {
                    effect.push_str(" Calling again with the result's retryKey sends nothing new.");
                }
                effect
            }
            Group::Managing if destructive(&self.name) => {
                "Changes the channel and cannot be undone.".to_owned()
            }
            Group::Managing => "Changes the channel's settings or state.".to_owned(),
        };
        let mut text = format!("{} {effect}", self.description);
        if let Some(limit) = self.hints["rateLimit"].as_str() {
            text.push_str(&format!(" LINE allows {limit}."));
        }
        text
    }
}

/// `value` as a JSON object (an empty one if it is not).
fn object(value: &Value) -> Arc<Map<String, Value>> {
    Arc::new(value.as_object().cloned().unwrap_or_default())
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Value {
        json!({"actions": [
            {"name": "get-profile", "title": "Get a profile", "description": "Gets a profile.",
             "inputSchema": {"type": "object"}, "outputSchema": {"type": "object"},
             "hints": {"readOnly": true, "sendsMessage": false, "idempotent": true, "rateLimit": "2,000 requests per second"}},
            {"name": "broadcast", "title": "Broadcast", "description": "Sends to every friend.",
             "inputSchema": {"type": "object"}, "outputSchema": {"type": "object"},
             "hints": {"readOnly": false, "sendsMessage": true, "idempotent": true, "retryKey": true}},
            {"name": "delete-rich-menu", "title": "Delete a rich menu", "description": "Deletes it.",
             "inputSchema": {"type": "object"}, "outputSchema": {"type": "object"},
             "hints": {"readOnly": false, "sendsMessage": false, "idempotent": true}},
        ]})
    }

    #[test]
    fn annotations_and_descriptions_follow_the_hints() {
        let catalogue = Catalogue::from_manifest(&manifest());
        let read = catalogue.get("get-profile").unwrap().tool();
        let hints = read.annotations.unwrap();
        assert_eq!(
            (hints.read_only_hint, hints.destructive_hint),
            (Some(true), Some(false))
        );
        assert!(read.description.unwrap().contains("Reads only"));
        let gone = catalogue.get("delete-rich-menu").unwrap().tool();
        assert_eq!(gone.annotations.unwrap().destructive_hint, Some(true));
        assert!(gone.description.unwrap().contains("cannot be undone"));
        let send = catalogue.get("broadcast").unwrap().model_description();
        assert!(
            send.contains("cannot be unsent") && send.contains("retryKey"),
            "{send}"
        );
    }

    #[test]
    fn the_listing_says_what_is_exposed_and_why_not() {
        let catalogue = Catalogue::from_manifest(&manifest());
        let listing = catalogue.listing(&Exposure::default());
        let actions = listing["actions"].as_array().unwrap();
        assert_eq!(actions[0]["exposed"], true);
        assert_eq!(actions[1]["exposed"], false);
        assert!(actions[1]["why"].as_str().unwrap().contains("many people"));
        let reading = Exposure::default();
        let exposed: Vec<&str> = catalogue
            .exposed(&reading)
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(exposed, ["get-profile"]);
    }
}
