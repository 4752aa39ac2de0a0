//! What an agent may do: the operator's choice of tools, by group
//! (`reading`, `sending`, `managing`) and by name. Actions that send to
//! many people at once or cannot be undone are exposed only when named;
//! the channel-token actions, whose inputs or results are the channel's
//! credentials, never.

use serde_json::Value;
use std::collections::BTreeSet;

/// The groups an action belongs to, by its manifest hints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Reads only (`readOnly`): profiles, quota, statistics, rich menus.
    Reading,
    /// Sends messages users see (`sendsMessage`), and asks.
    Sending,
    /// Changes the channel's settings or state: rich menus, audiences,
    /// webhooks, LIFF apps, coupons.
    Managing,
}

impl Group {
    /// The group's name in `--tools`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Reading => "reading",
            Group::Sending => "sending",
            Group::Managing => "managing",
        }
    }

    /// The group of an action whose manifest hints are `hints`.
    pub fn of(hints: &Value) -> Group {
        if hints["readOnly"] == true {
            Group::Reading
        } else if hints["sendsMessage"] == true {
            Group::Sending
        } else {
            Group::Managing
        }
    }

    fn parse(name: &str) -> Option<Group> {
        [Group::Reading, Group::Sending, Group::Managing]
            .into_iter()
            .find(|g| g.name() == name)
    }
}

/// The tool that asks a LINE user a question and waits for the answer.
pub const ASK: &str = "line-ask";

/// Sends to many people at once: exposed only when named.
const WIDE: [&str; 3] = ["multicast", "broadcast", "narrowcast"];

/// Why an action is exposed only when named (`None`: its group suffices).
pub fn named_only(action: &str) -> Option<&'static str> {
    if WIDE.contains(&action) {
        return Some("it sends to many people at once");
    }
    destructive(action).then_some("it cannot be undone")
}

/// Whether doing `action` destroys or removes something (deletes, revokes,
/// unlinks, cancels, leaves, closes, detaches).
pub fn destructive(action: &str) -> bool {
    let verbs = ["delete-", "revoke-", "unlink-", "cancel-", "leave-"];
    verbs.iter().any(|v| action.starts_with(v))
        || ["close-coupon", "detach-module"].contains(&action)
}

/// Why `action` is never exposed, whatever the operator names.
pub fn never(action: &str) -> Option<&'static str> {
    let credentials = action.contains("channel-token") || action.contains("channel-access-token");
    credentials.then_some(
        "its input or result is a channel credential, which never passes through an agent",
    )
}

/// The operator's choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    groups: BTreeSet<Group>,
    named: BTreeSet<String>,
}

impl Default for Exposure {
    /// Reading only.
    fn default() -> Self {
        Exposure {
            groups: BTreeSet::from([Group::Reading]),
            named: BTreeSet::new(),
        }
    }
}

impl Exposure {
    /// From `--tools`: comma-separated group names and action names (or
    /// [`ASK`]); `known` says which action names exist. An unknown name,
    /// or one never exposed, is refused with the reason.
    pub fn parse(list: &str, known: impl Fn(&str) -> bool) -> Result<Exposure, String> {
        let mut exposure = Exposure {
            groups: BTreeSet::new(),
            named: BTreeSet::new(),
        };
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            if let Some(group) = Group::parse(item) {
                exposure.groups.insert(group);
            } else if let Some(why) = never(item) {
                return Err(format!("{item} is never exposed: {why}"));
            } else if item == ASK || known(item) {
                exposure.named.insert(item.to_owned());
            } else {
                return Err(format!(
                    "{item} is neither a group (reading, sending, managing) nor an action"
                ));
            }
        }
        Ok(exposure)
    }

    /// Whether `action` (of `group`) is exposed, or why not.
    pub fn allows(&self, action: &str, group: Group) -> Result<(), String> {
        if let Some(why) = never(action) {
            return Err(format!("{action} is never exposed: {why}"));
        }
        if self.named.contains(action) {
            return Ok(());
        }
        if let Some(why) = named_only(action) {
            return Err(format!(
                "{action} is exposed only when the operator names it (--tools {action}): {why}"
            ));
        }
        match self.groups.contains(&group) {
            true => Ok(()),
            false => Err(format!(
                "{action} is not exposed: the operator did not expose the {} group or name it",
                group.name()
            )),
        }
    }

    /// Whether the ask tool is exposed (named, or the sending group).
    pub fn asks(&self) -> bool {
        self.named.contains(ASK) || self.groups.contains(&Group::Sending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        [
            "push",
            "broadcast",
            "delete-rich-menu",
            "get-profile",
            "create-rich-menu",
        ]
        .contains(&name)
    }

    #[test]
    fn reading_is_the_default_and_groups_leave_out_what_must_be_named() {
        let default = Exposure::default();
        assert!(default.allows("get-profile", Group::Reading).is_ok());
        assert!(default.allows("push", Group::Sending).is_err());
        assert!(!default.asks());
        let all = Exposure::parse("reading,sending,managing", known).unwrap();
        assert!(all.allows("push", Group::Sending).is_ok());
        assert!(all.asks());
        assert!(all.allows("create-rich-menu", Group::Managing).is_ok());
        let wide = all.allows("broadcast", Group::Sending).unwrap_err();
        assert!(wide.contains("many people"), "{wide}");
        let gone = all.allows("delete-rich-menu", Group::Managing).unwrap_err();
        assert!(gone.contains("cannot be undone"), "{gone}");
        let named = Exposure::parse("broadcast, delete-rich-menu", known).unwrap();
        assert!(named.allows("broadcast", Group::Sending).is_ok());
        assert!(named.allows("delete-rich-menu", Group::Managing).is_ok());
        assert!(named.allows("push", Group::Sending).is_err());
    }

    #[test]
    fn credentials_are_never_exposed_and_unknown_names_are_refused() {
        let error = Exposure::parse("issue-channel-token", |_| true).unwrap_err();
        assert!(error.contains("never"), "{error}");
        let error = Exposure::parse("reading,psuh", known).unwrap_err();
        assert!(error.contains("psuh"), "{error}");
        assert!(Exposure::parse(ASK, known).unwrap().asks());
    }

    #[test]
    fn groups_come_from_the_hints() {
        let hints = |r, s| serde_json::json!({"readOnly": r, "sendsMessage": s});
        assert_eq!(Group::of(&hints(true, false)), Group::Reading);
        assert_eq!(Group::of(&hints(false, true)), Group::Sending);
        assert_eq!(Group::of(&hints(false, false)), Group::Managing);
    }
}
