//! JSON to WIT records and back, for `invoke`, by the same rules as the
//! host's conversion: a record is an object with camelCase keys, unknown
//! keys are refused, `null` is an absent option, and a field that carries
//! LINE objects as JSON text (`messages`, `recipient`, `filter`, `limit`)
//! takes the objects themselves too; any other `string` field (a secret
//! among them) takes only a string.
//! Each field is checked against its record's type ([`Ty`], the same
//! description the typed exports read memory by) first, so an error names
//! the field.

use crate::abi::{Action, Field, Output, Ty};
use crate::error::invalid;
use crate::names::snake_case;
use crate::redact::{MAX_QUOTE_CHARS, quote};
use crate::types::ErrorCode;
use base64::Engine as _;
use line_rules::shown::{cut, shown};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// How a record's fields are named and read in JSON.
#[derive(Clone, Copy)]
pub struct Names<'a> {
    /// LINE's snake_case names instead of camelCase.
    pub snake_case: bool,
    /// The action's own rules (top level only): a JSON-text name whose own
    /// rule is not about LINE objects is plain text there.
    pub own: &'a [(&'static str, line_rules::Rule)],
}

impl Names<'_> {
    /// camelCase names, no rules of their own (the config).
    pub const CAMEL: Names<'static> = Names {
        snake_case: false,
        own: &[],
    };

    /// A field's JSON name from Rust's (`type_` → `type`).
    fn json(&self, key: &str) -> String {
        match self.snake_case {
            true => key.trim_end_matches('_').to_owned(),
            false => crate::names::camel_case(key),
        }
    }

    /// Whether the field `name` (a string) takes LINE objects as JSON text.
    fn objects(&self, name: &str) -> bool {
        use line_rules::{Custom, Rule};
        crate::names::JSON_TEXT_FIELDS.contains(&name)
            && self.own.iter().all(|(field, rule)| {
                *field != name
                    || matches!(rule, Rule::Custom(Custom::Messages | Custom::JsonObject))
            })
    }

    /// The same names below the top level, where no own rule applies.
    fn inner(&self) -> Self {
        Names { own: &[], ..*self }
    }
}

/// Parses `text` as an object of the record `ty`: checked, with Rust's
/// field names as keys. `path` names it in errors (`config`, or empty for
/// the input).
pub fn fields(
    text: &str,
    ty: &Ty,
    names: Names,
    path: &str,
) -> Result<Map<String, Value>, ErrorCode> {
    let whole = if path.is_empty() { "input" } else { path };
    let value: Value = serde_json::from_str(text)
        .map_err(|e| invalid(whole, format!("is not valid JSON: {e}")))?;
    let Ty::Record(fields) = ty else {
        return Err(invalid(whole, "takes no input"));
    };
    match value {
        Value::Null => record(Map::new(), fields, names, path),
        Value::Object(object) => record(object, fields, names, path),
        _ => Err(invalid(whole, "must be an object")),
    }
}

/// A record's fields checked against their types, keyed by Rust's names:
/// unknown keys refused, required ones demanded, each value checked.
fn record(
    mut object: Map<String, Value>,
    fields: &[Field],
    names: Names,
    path: &str,
) -> Result<Map<String, Value>, ErrorCode> {
    let named: Vec<(String, &Field)> = fields.iter().map(|f| (names.json(f.key), f)).collect();
    if let Some(key) = object
        .keys()
        .find(|key| !named.iter().any(|(name, _)| name == *key))
    {
        let field = join(path, &cut(key, MAX_QUOTE_CHARS));
        let known: Vec<&str> = named.iter().map(|(name, _)| name.as_str()).collect();
        let message = match known.is_empty() {
            true => "is not a field here; this action takes no input".to_owned(),
            false => format!("is not a field here; the fields are {}", known.join(", ")),
        };
        return Err(invalid(field, message));
    }
    let mut checked = Map::new();
    for (name, field) in named {
        let at = join(path, &name);
        let (ty, optional) = match field.ty {
            Ty::Option { some, .. } => (*some, true),
            ty => (ty, false),
        };
        match object.remove(&name).filter(|v| !v.is_null()) {
            Some(value) => {
                let text = matches!(ty, Ty::String) && names.objects(&name);
                checked.insert(
                    field.key.to_owned(),
                    check(&at, ty, text, names.inner(), value)?,
                );
            }
            None if optional => {}
            None => return Err(invalid(at, "is required")),
        }
    }
    Ok(checked)
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

/// Checks one field's value against its type (`text`: a string that takes
/// LINE objects as JSON text, or the objects themselves).
fn check(field: &str, ty: &Ty, text: bool, names: Names, value: Value) -> Result<Value, ErrorCode> {
    let expected = |what: &str| Err(invalid(field, format!("must be {what}")));
    let number = |value: Value, min: i128, max: i128| {
        let n = value
            .as_i64()
            .map(i128::from)
            .or(value.as_u64().map(i128::from));
        match n.is_some_and(|n| (min..=max).contains(&n)) {
            true => Ok(value),
            false => expected(&format!("a whole number in range, got {}", shown(&value))),
        }
    };
    match (ty, value) {
        (Ty::String | Ty::Bytes, value @ Value::String(_)) => Ok(value),
        (Ty::String, value @ (Value::Array(_) | Value::Object(_))) if text => {
            Ok(Value::String(value.to_string()))
        }
        (Ty::String, _) if text => expected("JSON (an array or object) or its text"),
        (Ty::String | Ty::Bytes, _) => expected("a string"),
        (Ty::Bool, value @ Value::Bool(_)) => Ok(value),
        (Ty::Bool, _) => expected("true or false"),
        (Ty::U8, value) => number(value, 0, u8::MAX.into()),
        (Ty::U16, value) => number(value, 0, u16::MAX.into()),
        (Ty::U32, value) => number(value, 0, u32::MAX.into()),
        (Ty::U64, value) => number(value, 0, u64::MAX.into()),
        (Ty::S64, value) => number(value, i64::MIN.into(), i64::MAX.into()),
        (Ty::F64, value @ Value::Number(_)) => Ok(value),
        (Ty::F64, _) => expected("a number"),
        (Ty::List { item, .. }, Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| check(&format!("{field}[{i}]"), item, false, names, v))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        (Ty::List { .. }, _) => expected("an array"),
        (Ty::Option { some, .. }, value) => check(field, some, text, names, value),
        (Ty::Record(fields), Value::Object(object)) => {
            record(object, fields, names, field).map(Value::Object)
        }
        (Ty::Record(_), _) => expected("an object"),
        (Ty::Enum(_) | Ty::Variant { .. }, value) => Ok(value),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
