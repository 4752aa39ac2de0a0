//! JSON to component values and back, driven by the WIT types, so every
//! action gets LINE's camelCase JSON with no per-action code.
//!
//! Rules: a record is an object whose keys are the field names in camelCase
//! (`notification-disabled` is `notificationDisabled`); unknown keys are
//! rejected; an absent or `null` key is an empty `option`. A field that
//! carries LINE objects as JSON text (`messages`, `recipient`, `filter`,
//! `limit`) given a JSON array or object receives its JSON text; any other
//! `string` field (a config secret among them) takes only a string. A
//! variant becomes `{"type": case, ...payload fields}`; an enum its case
//! name.

use serde_json::{Map, Number, Value, json};

#[path = "../../../src/shown.rs"]
mod shown;
use shown::{cut, shown};
#[path = "../../../src/names.rs"]
#[allow(dead_code)] // the host needs only some of the names
mod names;
use names::JSON_TEXT_FIELDS;
pub use names::camel_case;
use wasmtime::component::{Type, Val};

/// Input that does not fit the action's WIT types.
#[derive(Debug)]
pub struct InputError {
    /// The field path in camelCase, e.g. `config.timeoutMs` or `to[3]`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl InputError {
    /// An error at `field`; the empty path is the whole `input`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        InputError {
            field: if field.is_empty() {
                "input".to_owned()
            } else {
                field.to_owned()
            },
            message: message.into(),
        }
    }

    /// The same JSON shape as the component's `invalid-input` error.
    pub fn to_json(&self) -> Value {
        json!({"type": "invalid-input", "field": self.field, "message": self.message})
    }
}

/// The length of `value` as JSON text, counted without keeping the text.
pub fn text_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// How a WIT field is named in JSON: [`camel_case`], or LINE's snake_case
/// ([`snake_name`]) for the actions of `names::SNAKE_CASE_INTERFACES`.
pub type Names = fn(&str) -> String;

/// `access-token` → `access_token`: LINE's name in the interfaces that keep
/// LINE's snake_case.
pub fn snake_name(field: &str) -> String {
    field.replace('-', "_")
}

/// Whether the actions of the interface `name` (its short name, e.g.
/// `channel-access-token`) name their fields in snake_case.
pub fn snake_case_interface(name: &str) -> bool {
    names::SNAKE_CASE_INTERFACES.contains(&name)
}

/// Converts `value` to a component value of type `ty`; `path` names it in errors.
pub fn to_val(ty: &Type, value: &Value, path: &str) -> Result<Val, InputError> {
    to_val_named(ty, value, path, camel_case)
}

/// [`to_val`] with fields named by `names`.
pub fn to_val_named(ty: &Type, value: &Value, path: &str, names: Names) -> Result<Val, InputError> {
    let expected = |what: &str| InputError::new(path, format!("must be {what}"));
    Ok(match ty {
        Type::Bool => Val::Bool(value.as_bool().ok_or_else(|| expected("true or false"))?),
        Type::String => Val::String(match value {
            Value::String(s) => s.clone(),
            Value::Array(_) | Value::Object(_) if JSON_TEXT_FIELDS.contains(&path) => {
                value.to_string()
            }
            _ => return Err(expected("a string")),
        }),
        Type::U16 => Val::U16(int(value, path)?),
        Type::U32 => Val::U32(int(value, path)?),
        Type::U64 => Val::U64(int(value, path)?),
        Type::S32 => Val::S32(int(value, path)?),
        Type::S64 => Val::S64(int(value, path)?),
        Type::Option(inner) => match value {
            Value::Null => Val::Option(None),
            v => Val::Option(Some(Box::new(to_val_named(&inner.ty(), v, path, names)?))),
        },
        Type::List(list) => list_val(&list.ty(), value, path, names)?,
        Type::Record(record) => record_val(record, value, path, names)?,
        Type::Enum(e) => {
            let name = value.as_str().ok_or_else(|| expected("a string"))?;
            if !e.names().any(|n| n == name) {
                let names: Vec<&str> = e.names().collect();
                return Err(expected(&format!("one of {}", names.join(", "))));
            }
            Val::Enum(name.to_owned())
        }
        other => {
            return Err(InputError::new(
                path,
                format!("has a type this host cannot build from JSON: {other:?}"),
            ));
        }
    })
}

/// A list: its items one by one, or content's bytes from base64 text.
fn list_val(item: &Type, value: &Value, path: &str, names: Names) -> Result<Val, InputError> {
    let expected = |what: &str| InputError::new(path, format!("must be {what}"));
    if let (Type::U8, Some(text)) = (item, value.as_str()) {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| expected("base64"))?;
        return Ok(Val::List(bytes.into_iter().map(Val::U8).collect()));
    }
    let items = value.as_array().ok_or_else(|| expected("an array"))?;
    let vals = items
        .iter()
        .enumerate()
        .map(|(i, value)| to_val_named(item, value, &format!("{path}[{i}]"), names));
    Ok(Val::List(vals.collect::<Result<_, _>>()?))
}

/// A record: each field by its name, required ones demanded, unknown keys
/// refused.
fn record_val(
    record: &wasmtime::component::types::Record,
    value: &Value,
    path: &str,
    names: Names,
) -> Result<Val, InputError> {
    let object = value
        .as_object()
        .ok_or_else(|| InputError::new(path, "must be an object"))?;
    let mut fields = Vec::new();
    let mut given = 0;
    // A field path is only made for a field that is there (or missing and
    // required): most of a record's options are absent.
    for field in record.fields() {
        let key = names(field.name);
        let val = match (object.get(&key), &field.ty) {
            (None, Type::Option(_)) => Val::Option(None),
            (None, _) => return Err(InputError::new(&join(path, &key), "is required")),
            (Some(v), ty) => {
                given += 1;
                to_val_named(ty, v, &join(path, &key), names)?
            }
        };
        fields.push((field.name.to_owned(), val));
    }
    if given < object.len() {
        let known: Vec<String> = record.fields().map(|f| names(f.name)).collect();
        if let Some(unknown) = object.keys().find(|k| !known.contains(k)) {
            return Err(InputError::new(
                &join(path, &cut(unknown, 200)),
                format!("is not a field here; the fields are {}", known.join(", ")),
            ));
        }
    }
    Ok(Val::Record(fields))
}

fn int<T: TryFrom<i64> + TryFrom<u64>>(value: &Value, path: &str) -> Result<T, InputError> {
    let fits = match value {
        Value::Number(n) => n
            .as_u64()
            .and_then(|u| T::try_from(u).ok())
            .or_else(|| n.as_i64().and_then(|i| T::try_from(i).ok())),
        _ => None,
    };
    fits.ok_or_else(|| {
        InputError::new(
            path,
            format!("must be a whole number in range, got {}", shown(value)),
        )
    })
}

/// Actions without input take `{}` or `null`; anything else is a mistake.
pub fn expect_empty(input: &Value) -> Result<(), InputError> {
    match input {
        Value::Null => Ok(()),
        Value::Object(o) if o.is_empty() => Ok(()),
        Value::Object(o) => Err(InputError::new(
            o.keys().next().unwrap(),
            "is not a field here; this action takes no input",
        )),
        _ => Err(InputError::new("", "must be an object")),
    }
}

/// Converts a component value to JSON (records with camelCase keys, empty
/// options left out).
pub fn from_val(val: &Val) -> Value {
    from_val_named(val, camel_case)
}

/// [`from_val`] with fields named by `names`.
pub fn from_val_named(val: &Val, names: Names) -> Value {
    let from_val = |val: &Val| from_val_named(val, names);
    match val {
        Val::Bool(b) => Value::Bool(*b),
        Val::S8(n) => json!(n),
        Val::U8(n) => json!(n),
        Val::S16(n) => json!(n),
        Val::U16(n) => json!(n),
        Val::S32(n) => json!(n),
        Val::U32(n) => json!(n),
        Val::S64(n) => json!(n),
        Val::U64(n) => json!(n),
        Val::Float32(f) => Number::from_f64(f64::from(*f)).map_or(Value::Null, Value::Number),
        Val::Float64(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Val::Char(c) => Value::String(c.to_string()),
        Val::String(s) => Value::String(s.clone()),
        Val::List(items) if matches!(items.first(), Some(Val::U8(_))) => {
            use base64::Engine as _;
            let bytes: Vec<u8> = items
                .iter()
                .filter_map(|v| match v {
                    Val::U8(b) => Some(*b),
                    _ => None,
                })
                .collect();
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Val::List(items) | Val::Tuple(items) => Value::Array(items.iter().map(from_val).collect()),
        Val::Record(fields) => {
            let mut object = Map::new();
            for (name, value) in fields {
                if !matches!(value, Val::Option(None)) {
                    object.insert(names(name), from_val(value));
                }
            }
            Value::Object(object)
        }
        Val::Variant(case, payload) => {
            let mut object = Map::new();
            object.insert("type".into(), Value::String(case.clone()));
            match payload.as_deref().map(from_val) {
                // A payload with a `type` of its own stays whole, as `value`.
                Some(Value::Object(fields)) if !fields.contains_key("type") => {
                    object.extend(fields)
                }
                Some(other) => drop(object.insert("value".into(), other)),
                None => {}
            }
            Value::Object(object)
        }
        Val::Enum(case) => Value::String(case.clone()),
        Val::Option(inner) => inner.as_deref().map_or(Value::Null, from_val),
        Val::Result(Ok(v)) => json!({"ok": v.as_deref().map(from_val)}),
        Val::Result(Err(e)) => json!({"err": e.as_deref().map(from_val)}),
        Val::Flags(names) => json!(names),
        other => Value::String(format!("{other:?}")),
    }
}
