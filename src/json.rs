//! JSON to WIT records and back, for `invoke`, by the same rules as the
//! host's conversion: a record is an object with camelCase keys, unknown
//! keys are refused, `null` is an absent option, and a field that carries
//! LINE objects as JSON text (`messages`, `recipient`, `filter`, `limit`)
//! takes the objects themselves too; any other `string` field (a secret
//! among them) takes only a string.
//! Each field is checked against the manifest's schema first, so an error
//! names the field.

use crate::abi::{Action, Output};
use crate::error::invalid;
use crate::names::snake_case;
use crate::redact::{MAX_QUOTE_CHARS, quote};
use crate::types::ErrorCode;
use base64::Engine as _;
use line_rules::shown::{cut, shown};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Parses `text` as an object of the record `schema` describes: checked,
/// with Rust's field names as keys. `path` names it in errors (`config`, or
/// empty for the input).
pub fn fields(text: &str, schema: &Value, path: &str) -> Result<Map<String, Value>, ErrorCode> {
    let whole = if path.is_empty() { "input" } else { path };
    let value: Value = serde_json::from_str(text)
        .map_err(|e| invalid(whole, format!("is not valid JSON: {e}")))?;
    match value {
        Value::Null => record(Map::new(), schema, path),
        Value::Object(object) => record(object, schema, path),
        _ => Err(invalid(whole, "must be an object")),
    }
}

/// A record's fields checked against its schema, keyed by Rust's names:
/// unknown keys refused, required ones demanded, each value checked.
fn record(
    object: Map<String, Value>,
    schema: &Value,
    path: &str,
) -> Result<Map<String, Value>, ErrorCode> {
    let empty = Map::new();
    let properties = schema["properties"].as_object().unwrap_or(&empty);
    let mut fields = Map::new();
    for (key, value) in object {
        let field = join(path, &cut(&key, MAX_QUOTE_CHARS));
        let Some(property) = properties.get(&key) else {
            let known: Vec<&str> = properties.keys().map(String::as_str).collect();
            let message = match known.is_empty() {
                true => "is not a field here; this action takes no input".to_owned(),
                false => format!("is not a field here; the fields are {}", known.join(", ")),
            };
            return Err(invalid(field, message));
        };
        if !value.is_null() {
            fields.insert(snake_case(&key), check(&field, property, value)?);
        }
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        let key = required.as_str().unwrap_or_default();
        if !fields.contains_key(&snake_case(key)) {
            return Err(invalid(join(path, key), "is required"));
        }
    }
    Ok(fields)
}

/// The record of type `T` from checked `fields`.
pub fn into<T: DeserializeOwned>(fields: Map<String, Value>, path: &str) -> Result<T, ErrorCode> {
    let whole = if path.is_empty() { "input" } else { path };
    serde_json::from_value(Value::Object(fields)).map_err(|e| invalid(whole, quote(&e.to_string())))
}

/// An action's input from checked `fields`: its byte list (if it has one)
/// given as base64, decoded beside the rest, and every field of the record
/// there, an absent option as `null` (as the typed exports lift it).
pub fn input(
    action: &Action,
    mut fields: Map<String, Value>,
) -> Result<(Map<String, Value>, Vec<u8>), ErrorCode> {
    let mut bytes = Vec::new();
    if let Some(name) = action.input_bytes {
        let key = snake_case(name);
        if let Some(Value::String(text)) = fields.insert(key, Value::Array(Vec::new())) {
            bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|e| invalid(name, format!("must be base64: {e}")))?;
        }
    }
    let Some(record) = action.input else {
        return Ok((fields, bytes));
    };
    match crate::abi::conform(record, Value::Object(fields), "") {
        Ok(Value::Object(fields)) => Ok((fields, bytes)),
        Ok(_) => Ok((Map::new(), bytes)),
        Err(e) => Err(invalid("input", quote(&e))),
    }
}

/// An action's output as JSON text: camelCase keys (or LINE's snake_case,
/// [`Action::output_snake_case`]), absent options left out, content's
/// bytes (if the record has them) as base64.
pub fn output(action: &Action, output: Output) -> Result<String, ErrorCode> {
    let mut value = match action.output_snake_case {
        true => crate::response::snake_output(output.fields),
        false => crate::response::camel_keys(output.fields),
    };
    if let (Some(field), Value::Object(object)) = (action.output_bytes, &mut value) {
        let field = crate::names::camel_case(field);
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(output.bytes.unwrap_or_default());
        object.insert(field, Value::String(encoded));
    }
    Ok(value.to_string())
}

/// Checks one field's value against its schema.
fn check(field: &str, schema: &Value, value: Value) -> Result<Value, ErrorCode> {
    let expected = |what: &str| Err(invalid(field, format!("must be {what}")));
    let text_field = schema.get("anyOf").is_some();
    match (schema["type"].as_str(), value) {
        (Some("string"), value @ Value::String(_)) => Ok(value),
        (_, value @ Value::String(_)) if text_field => Ok(value),
        (_, value @ (Value::Array(_) | Value::Object(_))) if text_field => {
            Ok(Value::String(value.to_string()))
        }
        (Some("string"), _) => expected("a string"),
        (Some("boolean"), value @ Value::Bool(_)) => Ok(value),
        (Some("boolean"), _) => expected("true or false"),
        (Some("integer"), Value::Number(n)) if in_range(&n, schema) => Ok(Value::Number(n)),
        (Some("integer"), value) => {
            expected(&format!("a whole number in range, got {}", shown(&value)))
        }
        (Some("array"), Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| check(&format!("{field}[{i}]"), &schema["items"], item))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        (Some("array"), _) => expected("an array"),
        (Some("object"), Value::Object(object)) => record(object, schema, field).map(Value::Object),
        (Some("object"), _) => expected("an object"),
        (_, _) if text_field => expected("JSON (an array or object) or its text"),
        (_, value) => Ok(value),
    }
}

fn in_range(n: &serde_json::Number, schema: &Value) -> bool {
    let Some(n) = n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)) else {
        return false;
    };
    let bound = |key: &str| {
        schema[key]
            .as_i64()
            .map(i128::from)
            .or(schema[key].as_u64().map(i128::from))
    };
    bound("minimum").is_none_or(|min| n >= min) && bound("maximum").is_none_or(|max| n <= max)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
