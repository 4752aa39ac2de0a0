//! What the component's input checks (`src/validate.rs`) say, as JSON
//! Schema, so a platform's form refuses what the component would: the same
//! rules, keyed by the same field names, added to every input schema.

use serde_json::{Value, json};

/// A user id, and its group and room kin.
const USER_ID: &str = "^U[0-9a-f]{32}$";

/// The JSON Schema keywords of `validate`'s rule for the field `key`, for a
/// property whose schema is `property` (its type tells `to`'s two forms
/// apart); `None` for a field with no rule.
fn rule(key: &str, property: &Value) -> Option<Value> {
    let is_array = property["type"] == "array";
    Some(match key {
        "to" if is_array => json!({"minItems": 1, "items": {"pattern": USER_ID}}),
        "to" => json!({"pattern": "^[UCR][0-9a-f]{32}$"}),
        "chatId" | "userId" => json!({"pattern": USER_ID}),
        "groupId" => json!({"pattern": "^C[0-9a-f]{32}$"}),
        "roomId" => json!({"pattern": "^R[0-9a-f]{32}$"}),
        "loadingSeconds" => json!({"minimum": 5, "maximum": 60, "multipleOf": 5}),
        "date" => json!({"pattern": "^[0-9]{8}$"}),
        "replyToken" | "requestId" | "start" | "markAsReadToken" => {
            json!({"minLength": 1, "maxLength": 1000})
        }
        "customAggregationUnits" => {
            json!({"maxItems": 1, "items": {"pattern": "^[A-Za-z0-9_]{1,30}$"}})
        }
        "endpoint" => json!({"pattern": "^https://", "maxLength": 500}),
        "messageId" => json!({"pattern": "^[0-9]{1,64}$"}),
        "retryKey" => json!({"pattern": "^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$"}),
        "text" => json!({"minLength": 1, "maxLength": 5000}),
        "waitSeconds" => json!({"maximum": 3600}),
        "maxPages" => json!({"minimum": 1, "maximum": 10000}),
        "limit" if property["type"] == "integer" => json!({"minimum": 1, "maximum": 1000}),
        "richMenuId" => json!({"pattern": "^richmenu-[0-9a-f]{32}$"}),
        "richMenuAliasId" => json!({"pattern": "^[a-z0-9_-]{1,32}$"}),
        "resumeRequestKey" => json!({"pattern": "^[a-zA-Z0-9_-]{1,100}$"}),
        "userIds" => json!({"minItems": 1, "items": {"pattern": USER_ID}}),
        "operations" => json!({"minItems": 1, "maxItems": 1000}),
        "chatBarText" => json!({"minLength": 1, "maxLength": 14}),
        "name" => json!({"maxLength": 300}),
        "size" if property["type"] == "integer" => json!({"minimum": 1, "maximum": 40}),
        "size" => json!({"properties": {
            "width": {"minimum": 800, "maximum": 2500},
            "height": {"minimum": 250},
        }}),
        "areas" => json!({"maxItems": 20}),
        "audienceGroupId" | "membershipId" => json!({"minimum": 1}),
        "page" => json!({"minimum": 1}),
        "description" => json!({"minLength": 1, "maxLength": 120}),
        "clickUrl" => json!({"pattern": "^https?://", "maxLength": 2000}),
        "customAggregationUnit" => json!({"pattern": "^[A-Za-z0-9_]{1,30}$"}),
        "couponId" => json!({"minLength": 1, "maxLength": 1000}),
        "title" => json!({"minLength": 1, "maxLength": 60}),
        "usageCondition" => json!({"maxLength": 100}),
        "maxUseCountPerTicket" => json!({"minimum": 1, "maximum": 1}),
        "lotteryProbability" | "percentage" => json!({"minimum": 1, "maximum": 99}),
        "maxAcquireCount" => json!({"minimum": 1, "maximum": 999999}),
        "view" => json!({"properties": {
            "type": {"enum": ["compact", "tall", "full"]},
            "url": {"pattern": "^https://"},
        }}),
        "liffId" | "productId" | "productType" => json!({"minLength": 1, "maxLength": 1000}),
        "botId" => json!({"pattern": USER_ID}),
        "access_token" | "client_id" | "client_secret" | "client_assertion" | "code"
        | "redirect_uri" | "code_verifier" => json!({"minLength": 1, "maxLength": 8192}),
        _ => return None,
    })
}

/// Adds `keywords` to `schema`, into its sub-schemas (`items`,
/// `properties`) where both have one.
fn merge(schema: &mut Value, keywords: serde_json::Map<String, Value>) {
    for (keyword, value) in keywords {
        match (schema.get_mut(&keyword), value) {
            (Some(existing @ Value::Object(_)), Value::Object(more)) => merge(existing, more),
            (_, value) => schema[keyword.as_str()] = value,
        }
    }
}

/// Adds the rules to every property of the input schema `schema`, at
/// every level.
pub fn add(schema: &mut Value) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (key, property) in properties.iter_mut() {
        add(property);
        if let Some(Value::Object(keywords)) = rule(key, property) {
            merge(property, keywords);
        }
        // The messages' JSON text: say it is JSON, of what shape.
        if key == "messages"
            && let Some(branches) = property["anyOf"].as_array_mut()
        {
            let objects = branches[0].clone();
            branches[1]["contentMediaType"] = json!("application/json");
            branches[1]["contentSchema"] = objects;
        }
    }
}

/// The endpoint's own rules, which take the place of a field's usual one:
/// the table's `rules` (a phone number for `to`, a page of 100 coupons),
/// and `from` and `to` in a query string, which are days.
pub fn for_endpoint(schema: &mut Value, endpoint: &super::table::Endpoint) {
    use super::table::Rule;
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (key, property) in properties.iter_mut() {
        let own = endpoint.rules.iter().find(|(field, _)| field == key);
        let keywords = match own.map(|(_, rule)| *rule) {
            Some(Rule::Range(min, max)) => json!({"minimum": min, "maximum": max}),
            Some(Rule::Chars(min, max)) => json!({"minLength": min, "maxLength": max}),
            Some(Rule::Phone) => json!({"pattern": "^(\\+[1-9][0-9]{1,14}|[0-9A-Fa-f]{64})$"}),
            Some(Rule::Receiver) => json!({"pattern": "^[UCR][0-9a-f]{32}$"}),
            None if endpoint.query.contains(&key.as_str()) && (key == "from" || key == "to") => {
                json!({"pattern": "^[0-9]{8}$"})
            }
            None => continue,
        };
        for keyword in ["minimum", "maximum", "minLength", "maxLength", "pattern"] {
            property.as_object_mut().map(|p| p.remove(keyword));
        }
        if let Value::Object(keywords) = keywords {
            merge(property, keywords);
        }
    }
}
