//! How each request record becomes LINE's request: a JSON body and query
//! parameters in LINE's field names, each field checked on the way in.

use crate::actions::*;
use crate::validate::{self, IdKind};
use serde_json::{Map, Value};

/// The part of an HTTP request that comes from the action's input.
#[derive(Default)]
pub struct Draft {
    /// The JSON body's fields (sent for POST endpoints).
    pub body: Map<String, Value>,
    /// Query parameters (for GET endpoints).
    pub query: Vec<(&'static str, String)>,
    /// The caller's retry key, checked (sends with a retry key).
    pub retry_key: Option<String>,
    /// Only validate the messages; send nothing (`dryRun`).
    pub dry_run: bool,
}

impl Draft {
    /// Sets a body field.
    pub fn set(&mut self, field: &str, value: impl Into<Value>) {
        self.body.insert(field.to_owned(), value.into());
    }

    /// Sets a body field when the input has it.
    pub fn set_opt(&mut self, field: &str, value: Option<impl Into<Value>>) {
        if let Some(value) = value {
            self.set(field, value);
        }
    }

    /// Sets `messages` from its JSON text, or from the `text` shortcut
    /// (one text message), checked; exactly one of them must be given.
    pub fn messages(
        &mut self,
        messages: Option<&String>,
        text: Option<&String>,
    ) -> Result<(), ErrorCode> {
        let messages = match (messages, text) {
            (Some(messages), None) => validate::messages("messages", messages)?,
            (None, Some(text)) => {
                validate::text("text", text)?;
                serde_json::json!([{"type": "text", "text": text}])
            }
            (Some(_), Some(_)) => {
                return Err(crate::error::invalid(
                    "text",
                    "give messages or text, not both",
                ));
            }
            (None, None) => {
                return Err(crate::error::invalid(
                    "messages",
                    "is required: a JSON array of 1 to 5 message objects (or give text for one text message)",
                ));
            }
        };
        self.set("messages", messages);
        Ok(())
    }

    /// Sets `customAggregationUnits` when the input has it, checked.
    pub fn aggregation_units(&mut self, units: Option<&Vec<String>>) -> Result<(), ErrorCode> {
        if let Some(units) = units {
            validate::aggregation_units("customAggregationUnits", units)?;
            self.set("customAggregationUnits", units.clone());
        }
        Ok(())
    }

    /// Takes the caller's retry key, which must be a UUID.
    pub fn retry_key(&mut self, key: Option<&String>) -> Result<(), ErrorCode> {
        if let Some(key) = key {
            if !crate::retry::is_key(key) {
                return Err(crate::error::invalid(
                    "retryKey",
                    format!(
                        "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000, got {}",
                        crate::redact::quote(key)
                    ),
                ));
            }
            self.retry_key = Some(key.to_ascii_lowercase());
        }
        Ok(())
    }

    /// Sets a LINE object field given as JSON text, when the input has it.
    pub fn object_opt(&mut self, field: &str, text: Option<&String>) -> Result<(), ErrorCode> {
        if let Some(text) = text {
            let object = validate::json_object(field, text)?;
            self.set(field, object);
        }
        Ok(())
    }
}

/// A request record that knows its LINE fields.
pub trait LineRequest {
    /// Checks the input and writes LINE's fields into `draft`.
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode>;

    /// How long the caller lets the action ask LINE again until its answer
    /// is final ([`FromLine::is_final`](crate::response::FromLine::is_final));
    /// zero: ask once.
    fn wait(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }
}

/// Actions without input.
impl LineRequest for () {
    fn write(&self, _: &mut Draft) -> Result<(), ErrorCode> {
        Ok(())
    }
}

impl LineRequest for DisplayLoadingRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        validate::id("chatId", &self.chat_id, IdKind::User)?;
        if let Some(seconds) = self.loading_seconds {
            validate::loading_seconds("loadingSeconds", seconds)?;
        }
        draft.set("chatId", self.chat_id.as_str());
        draft.set_opt("loadingSeconds", self.loading_seconds);
        Ok(())
    }
}

impl LineRequest for PushRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        validate::id("to", &self.to, IdKind::Receiver)?;
        draft.set("to", self.to.as_str());
        draft.messages(self.messages.as_ref(), self.text.as_ref())?;
        draft.set_opt("notificationDisabled", self.notification_disabled);
        draft.aggregation_units(self.custom_aggregation_units.as_ref())?;
        draft.retry_key(self.retry_key.as_ref())?;
        draft.dry_run = self.dry_run.unwrap_or(false);
        Ok(())
    }
}

impl LineRequest for ReplyRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        validate::non_empty("replyToken", &self.reply_token)?;
        draft.set("replyToken", self.reply_token.as_str());
        draft.messages(self.messages.as_ref(), self.text.as_ref())?;
        draft.set_opt("notificationDisabled", self.notification_disabled);
        draft.dry_run = self.dry_run.unwrap_or(false);
        Ok(())
    }
}

impl LineRequest for MulticastRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        validate::recipients("to", &self.to)?;
        draft.set("to", self.to.clone());
        draft.messages(self.messages.as_ref(), self.text.as_ref())?;
        draft.set_opt("notificationDisabled", self.notification_disabled);
        draft.aggregation_units(self.custom_aggregation_units.as_ref())?;
        draft.retry_key(self.retry_key.as_ref())?;
        draft.dry_run = self.dry_run.unwrap_or(false);
        Ok(())
    }
}

impl LineRequest for BroadcastRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        draft.messages(self.messages.as_ref(), self.text.as_ref())?;
        draft.set_opt("notificationDisabled", self.notification_disabled);
        draft.retry_key(self.retry_key.as_ref())?;
        draft.dry_run = self.dry_run.unwrap_or(false);
        Ok(())
    }
}

impl LineRequest for NarrowcastRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        draft.messages(self.messages.as_ref(), self.text.as_ref())?;
        draft.object_opt("recipient", self.recipient.as_ref())?;
        draft.object_opt("filter", self.filter.as_ref())?;
        draft.object_opt("limit", self.limit.as_ref())?;
        draft.set_opt("notificationDisabled", self.notification_disabled);
        draft.retry_key(self.retry_key.as_ref())?;
        draft.dry_run = self.dry_run.unwrap_or(false);
        Ok(())
    }
}

impl LineRequest for NarrowcastProgressRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        validate::non_empty("requestId", &self.request_id)?;
        if let Some(seconds) = self.wait_seconds {
            validate::at_most("waitSeconds", seconds, validate::MAX_WAIT_SECONDS)?;
        }
        draft.query.push(("requestId", self.request_id.clone()));
        Ok(())
    }

    fn wait(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.wait_seconds.unwrap_or(0).into())
    }
}

impl LineRequest for ValidateRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        draft.messages(self.messages.as_ref(), self.text.as_ref())
    }
}

impl LineRequest for DeliveryRequest {
    fn write(&self, draft: &mut Draft) -> Result<(), ErrorCode> {
        validate::date("date", &self.date)?;
        draft.query.push(("date", self.date.clone()));
        Ok(())
    }
}
