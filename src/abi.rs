//! The actions' typed exports, read and written by one interpreter of the
//! component model's canonical ABI instead of code generated per function.
//!
//! wit-bindgen writes, for each exported function, its own code to lift the
//! config and input records from linear memory and to lower the result with
//! the whole `error-code` variant, and the records' serde impls on top: at
//! 111 actions that was most of the component. Here the build script
//! describes each record once as data ([`Ty`], with the offsets wit-parser
//! computes), each action's export is a two-line function
//! ([`crate::typed`]), and one walk of the description lifts the input into
//! the JSON fields [`crate::call`] takes ([`lift`]), checks LINE's answer
//! against the output record ([`conform`], for typed exports and `invoke`
//! alike) and lowers it ([`lower`]).
//!
//! JSON here uses Rust's field names (`request_id`, `type_`), as the rest of
//! the crate does; [`crate::json`] turns them into the names platforms see.

// Natively (the unit tests) there is no host to call the exports, so only
// `conform` is reached.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use serde_json::{Map, Number, Value};

/// A WIT type as the canonical ABI lays it out in memory (wasm32).
#[derive(Debug)]
pub enum Ty {
    /// `bool`: one byte, 0 or 1.
    Bool,
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `s64`.
    S64,
    /// `f64`.
    F64,
    /// `string`: pointer and length (UTF-8).
    String,
    /// `list<u8>`: bytes, kept beside the JSON ([`Bytes`]).
    Bytes,
    /// `list<T>`: pointer and count of items `size` bytes apart.
    List {
        /// The item type.
        item: &'static Ty,
        /// An item's size in bytes.
        size: u32,
        /// An item's alignment.
        align: u32,
    },
    /// `option<T>`: a byte (0 none, 1 some), the value at `at`.
    Option {
        /// The type of the value.
        some: &'static Ty,
        /// Where the value is.
        at: u32,
    },
    /// A record: its fields in order.
    Record(&'static [Field]),
    /// An enum: a byte, the index of its case (Rust's names).
    Enum(&'static [&'static str]),
    /// A variant: a byte, the index of its case (Rust's names), the
    /// case's value (if it has one) at `at`.
    Variant {
        /// The cases and their values' types.
        cases: &'static [(&'static str, Option<&'static Ty>)],
        /// Where a case's value is.
        at: u32,
    },
}

/// A record's field.
#[derive(Debug)]
pub struct Field {
    /// Its name in JSON here: Rust's (`request_id`, `type_`).
    pub key: &'static str,
    /// Where it is in the record.
    pub offset: u32,
    /// Its type.
    pub ty: &'static Ty,
}

/// What the exports and `invoke` need to know of an action's records.
#[derive(Debug)]
pub struct Action {
    /// The input record (none for an action without input).
    pub input: Option<&'static Ty>,
    /// Where the input is in the parameters (after the config).
    pub input_at: u32,
    /// The parameters' size and alignment (the host passes them in memory).
    pub params: (u32, u32),
    /// `result<output, error-code>`.
    pub result: &'static Ty,
    /// The output record.
    pub output: &'static Ty,
    /// The input's byte list, if it has one: camelCase name.
    pub input_bytes: Option<&'static str>,
    /// The output's byte list, if it has one: Rust's name.
    pub output_bytes: Option<&'static str>,
    /// Whether the input keeps LINE's snake_case names in JSON
    /// ([`crate::names::SNAKE_CASE_INTERFACES`]) instead of camelCase.
    pub input_snake_case: bool,
    /// Whether the output does.
    pub output_snake_case: bool,
    /// The output's list fields (Rust's names), which LINE leaves out when
    /// they are empty.
    pub lists: &'static [&'static str],
}

/// A byte list that travels beside the JSON, not in it (an image to upload,
/// content downloaded): as `list<u8>` in memory, base64 in `invoke`'s JSON.
pub type Bytes = Vec<u8>;

// The types, CONFIG, ACTIONS (by table row) and RESULT_SIZE
// (build/exports.rs).
include!(concat!(env!("OUT_DIR"), "/abi.rs"));

/// Reads `n` bytes at `ptr` as a little-endian number.
unsafe fn read(ptr: *const u8, n: usize) -> u64 {
    let mut bytes = [0u8; 8];
    // SAFETY: the caller points at `n` readable bytes.
    unsafe { std::ptr::copy_nonoverlapping(ptr, bytes.as_mut_ptr(), n) };
    u64::from_le_bytes(bytes)
}

/// Writes the low `n` bytes of `value` at `ptr`, little-endian.
unsafe fn write(ptr: *mut u8, n: usize, value: u64) {
    // SAFETY: the caller points at `n` writable bytes.
    unsafe { std::ptr::copy_nonoverlapping(value.to_le_bytes().as_ptr(), ptr, n) };
}

/// A pointer and count at `ptr` (a string's or list's).
unsafe fn pointer_and_count(ptr: *const u8) -> (*mut u8, usize) {
    // SAFETY: a string or list is two u32s.
    unsafe {
        (
            read(ptr, 4) as usize as *mut u8,
            read(ptr.add(4), 4) as usize,
        )
    }
}

/// Lifts the value of type `ty` at `ptr` into JSON, taking what it owns
/// (strings, lists: allocated by the host through `cabi_realloc`, ours to
/// free). A byte list goes to `bytes` (an empty list stays in the JSON).
///
/// # Safety
/// `ptr` holds a value of `ty` the host lowered for this component.
pub unsafe fn lift(ty: &Ty, ptr: *const u8, bytes: &mut Bytes) -> Value {
    // SAFETY (throughout): the layout is the canonical ABI's for `ty`,
    // which the build script took from wit-parser.
    unsafe {
        match ty {
            Ty::Bool => Value::Bool(*ptr != 0),
            Ty::U8 => Value::from(*ptr),
            Ty::U16 => Value::from(read(ptr, 2)),
            Ty::U32 => Value::from(read(ptr, 4)),
            Ty::U64 => Value::from(read(ptr, 8)),
            Ty::S64 => Value::from(read(ptr, 8) as i64),
            Ty::F64 => {
                Number::from_f64(f64::from_bits(read(ptr, 8))).map_or(Value::Null, Value::Number)
            }
            Ty::String => {
                let (at, len) = pointer_and_count(ptr);
                match len {
                    0 => Value::String(String::new()),
                    // The host wrote UTF-8 (a `string`), allocated as `len` bytes.
                    _ => Value::String(String::from_raw_parts(at, len, len)),
                }
            }
            Ty::Bytes => {
                let (at, len) = pointer_and_count(ptr);
                if len > 0 {
                    *bytes = Vec::from_raw_parts(at, len, len);
                }
                Value::Array(Vec::new())
            }
            Ty::List { item, size, align } => {
                let (at, len) = pointer_and_count(ptr);
                let items = (0..len)
                    .map(|i| lift(item, at.add(i * *size as usize), bytes))
                    .collect();
                free(at, len * *size as usize, *align as usize);
                Value::Array(items)
            }
            Ty::Option { some, at } => match *ptr {
                0 => Value::Null,
                _ => lift(some, ptr.add(*at as usize), bytes),
            },
            Ty::Record(fields) => Value::Object(
                fields
                    .iter()
                    .map(|f| {
                        (
                            f.key.to_owned(),
                            lift(f.ty, ptr.add(f.offset as usize), bytes),
                        )
                    })
                    .collect(),
            ),
            Ty::Enum(cases) => Value::from(cases.get(*ptr as usize).copied().unwrap_or_default()),
            Ty::Variant { cases, at } => {
                let (name, payload) = cases.get(*ptr as usize).copied().unwrap_or(("", None));
                let value =
                    payload.map_or(Value::Null, |ty| lift(ty, ptr.add(*at as usize), bytes));
                Value::Object(Map::from_iter([(name.to_owned(), value)]))
            }
        }
    }
}

/// Frees `size` bytes at `ptr` allocated with `align` (nothing for none).
///
/// # Safety
/// The host allocated them so through `cabi_realloc`, for us to free.
pub unsafe fn free(ptr: *mut u8, size: usize, align: usize) {
    if size > 0 {
        let layout = std::alloc::Layout::from_size_align(size, align).expect("a valid layout");
        // SAFETY: allocated by `cabi_realloc` (the global allocator) so.
        unsafe { std::alloc::dealloc(ptr, layout) };
    }
}

/// Whether `value` fits `ty` as serde would read it into the record: the
/// value with unknown fields left out and absent options as `null`, or
/// what does not fit (`missing field `id``, or the path and what it must
/// be). A byte list may be absent (its bytes travel beside).
pub fn conform(ty: &Ty, value: Value, path: &str) -> Result<Value, String> {
    let wrong = |what: &str, got: &Value| {
        let at = if path.is_empty() {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        Err(format!(
            "invalid type{at}: {}, expected {what}",
            kind_of(got)
        ))
    };
    let number = |value: Value, min: i128, max: i128| match value
        .as_i64()
        .map(i128::from)
        .or(value.as_u64().map(i128::from))
    {
        Some(n) if (min..=max).contains(&n) => Ok(value),
        _ => wrong(&format!("a whole number from {min} to {max}"), &value),
    };
    match ty {
        Ty::Bool if value.is_boolean() => Ok(value),
        Ty::Bool => wrong("true or false", &value),
        Ty::U8 => number(value, 0, u8::MAX.into()),
        Ty::U16 => number(value, 0, u16::MAX.into()),
        Ty::U32 => number(value, 0, u32::MAX.into()),
        Ty::U64 => number(value, 0, u64::MAX.into()),
        Ty::S64 => number(value, i64::MIN.into(), i64::MAX.into()),
        Ty::F64 if value.is_number() => Ok(value),
        Ty::F64 => wrong("a number", &value),
        Ty::String if value.is_string() => Ok(value),
        Ty::String => wrong("a string", &value),
        Ty::Bytes | Ty::List { .. } => {
            let Value::Array(items) = value else {
                return wrong("a list", &value);
            };
            let item = match ty {
                Ty::List { item, .. } => item,
                _ => &Ty::U8,
            };
            let items = items.into_iter().enumerate();
            items
                .map(|(i, v)| conform(item, v, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()
                .map(Value::Array)
        }
        Ty::Option { .. } if value.is_null() => Ok(Value::Null),
        Ty::Option { some, .. } => conform(some, value, path),
        Ty::Record(fields) => {
            let Value::Object(mut object) = value else {
                return wrong("an object", &value);
            };
            let mut out = Map::new();
            for field in *fields {
                let at = if path.is_empty() {
                    field.key.to_owned()
                } else {
                    format!("{path}.{}", field.key)
                };
                let value = match (object.remove(field.key), field.ty) {
                    (Some(value), _) => conform(field.ty, value, &at)?,
                    (None, Ty::Option { .. }) => Value::Null,
                    (None, _) => return Err(format!("missing field `{at}`")),
                };
                out.insert(field.key.to_owned(), value);
            }
            Ok(Value::Object(out))
        }
        Ty::Enum(cases) if value.as_str().is_some_and(|v| cases.contains(&v)) => Ok(value),
        Ty::Enum(cases) => wrong(&format!("one of {}", cases.join(", ")), &value),
        Ty::Variant { .. } => wrong("a case of a variant", &value),
    }
}

/// The kind of a JSON value, for an error.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What this instance allocated for the last result it returned, freed by
/// the host's call of its `cabi_post_` export ([`post`]).
struct Allocations(std::cell::RefCell<Vec<(*mut u8, std::alloc::Layout)>>);

// SAFETY: a component instance is single-threaded.
unsafe impl Sync for Allocations {}

static ALLOCATIONS: Allocations = Allocations(std::cell::RefCell::new(Vec::new()));

/// Allocates `size` bytes aligned to `align` for a lowered result, kept
/// until [`post`].
fn allocate(size: usize, align: usize) -> *mut u8 {
    if size == 0 {
        return align as *mut u8;
    }
    let layout = std::alloc::Layout::from_size_align(size, align).expect("a valid layout");
    // SAFETY: the layout's size is not zero.
    let ptr = unsafe { std::alloc::alloc(layout) };
    if ptr.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    ALLOCATIONS.0.borrow_mut().push((ptr, layout));
    ptr
}

/// Frees what the last result's lowering allocated (the `cabi_post_`
/// exports call it once the host has read the result).
pub fn post() {
    for (ptr, layout) in ALLOCATIONS.0.borrow_mut().drain(..) {
        // SAFETY: allocated by `allocate` with this layout, freed once.
        unsafe { std::alloc::dealloc(ptr, layout) };
    }
}

/// Lowers `value` (already [`conform`]ed to `ty`) at `ptr`; an absent byte
/// list takes `bytes`.
///
/// # Safety
/// `ptr` has room for a value of `ty`, aligned for it.
pub unsafe fn lower(ty: &Ty, value: &Value, ptr: *mut u8, bytes: &mut Option<Bytes>) {
    // SAFETY (throughout): the layout is the canonical ABI's for `ty`.
    unsafe {
        match ty {
            Ty::Bool => *ptr = u8::from(value.as_bool().unwrap_or_default()),
            Ty::U8 => *ptr = value.as_u64().unwrap_or_default() as u8,
            Ty::U16 => write(ptr, 2, value.as_u64().unwrap_or_default()),
            Ty::U32 => write(ptr, 4, value.as_u64().unwrap_or_default()),
            Ty::U64 => write(ptr, 8, value.as_u64().unwrap_or_default()),
            Ty::S64 => write(ptr, 8, value.as_i64().unwrap_or_default() as u64),
            Ty::F64 => write(ptr, 8, value.as_f64().unwrap_or_default().to_bits()),
            Ty::String => lower_owned(value.as_str().unwrap_or_default().as_bytes().to_vec(), ptr),
            Ty::Bytes => {
                let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                match bytes.take() {
                    Some(taken) if items.is_empty() => lower_owned(taken, ptr),
                    _ => lower_owned(
                        items
                            .iter()
                            .map(|v| v.as_u64().unwrap_or_default() as u8)
                            .collect(),
                        ptr,
                    ),
                }
            }
            Ty::List { item, size, align } => {
                let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                let at = allocate(items.len() * *size as usize, *align as usize);
                for (i, v) in items.iter().enumerate() {
                    lower(item, v, at.add(i * *size as usize), bytes);
                }
                write(ptr, 4, at as usize as u64);
                write(ptr.add(4), 4, items.len() as u64);
            }
            Ty::Option { some, at } => match value {
                Value::Null => *ptr = 0,
                value => {
                    *ptr = 1;
                    lower(some, value, ptr.add(*at as usize), bytes);
                }
            },
            Ty::Record(fields) => {
                for field in *fields {
                    let value = value.get(field.key).unwrap_or(&Value::Null);
                    lower(field.ty, value, ptr.add(field.offset as usize), bytes);
                }
            }
            Ty::Enum(cases) => {
                let name = value.as_str().unwrap_or_default();
                *ptr = cases.iter().position(|c| *c == name).unwrap_or_default() as u8;
            }
            Ty::Variant { cases, at } => {
                // Externally tagged, as serde writes an enum: {"Case": value}.
                let (name, payload) = match value {
                    Value::Object(object) => object
                        .iter()
                        .next()
                        .map_or(("", &Value::Null), |(k, v)| (k.as_str(), v)),
                    Value::String(name) => (name.as_str(), &Value::Null),
                    _ => ("", &Value::Null),
                };
                let case = cases
                    .iter()
                    .position(|(c, _)| *c == name)
                    .unwrap_or_default();
                *ptr = case as u8;
                if let Some(ty) = cases[case].1 {
                    lower(ty, payload, ptr.add(*at as usize), bytes);
                }
            }
        }
    }
}

/// Writes the pointer and length of `bytes`, kept (not copied) until
/// [`post`].
unsafe fn lower_owned(bytes: Vec<u8>, ptr: *mut u8) {
    let mut bytes = std::mem::ManuallyDrop::new(bytes);
    let (at, len, capacity) = (bytes.as_mut_ptr(), bytes.len(), bytes.capacity());
    if capacity > 0 {
        let layout = std::alloc::Layout::array::<u8>(capacity).expect("a valid layout");
        ALLOCATIONS.0.borrow_mut().push((at, layout));
    }
    // SAFETY: `ptr` has room for two u32s.
    unsafe {
        write(ptr, 4, at as usize as u64);
        write(ptr.add(4), 4, len as u64);
    }
}

/// An action's output as the output record takes it: LINE's merged answer
/// checked against the record, the bytes kept beside.
pub struct Output {
    /// The record's fields (Rust's names; absent options `null`).
    pub fields: Value,
    /// Its byte list (content downloaded), if it has one.
    pub bytes: Option<Bytes>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static ID: Ty = Ty::Option {
        some: &Ty::String,
        at: 4,
    };
    static ITEMS: Ty = Ty::List {
        item: &Ty::U32,
        size: 4,
        align: 4,
    };
    static RECORD: Ty = Ty::Record(&[
        Field {
            key: "request_id",
            offset: 0,
            ty: &Ty::String,
        },
        Field {
            key: "quote_token",
            offset: 8,
            ty: &ID,
        },
        Field {
            key: "counts",
            offset: 20,
            ty: &ITEMS,
        },
    ]);

    #[test]
    fn conform_reads_as_serde_reads_a_record() {
        let answer = json!({"request_id": "r", "counts": [1, 2], "extra": true});
        assert_eq!(
            conform(&RECORD, answer, ""),
            Ok(json!({"request_id": "r", "quote_token": null, "counts": [1, 2]}))
        );
    }

    #[test]
    fn conform_names_what_does_not_fit() {
        let missing = json!({"counts": []});
        assert_eq!(
            conform(&RECORD, missing, ""),
            Err("missing field `request_id`".into())
        );
        let negative = json!({"request_id": "r", "counts": [-1]});
        let error = conform(&RECORD, negative, "").unwrap_err();
        assert!(
            error.contains("`counts[0]`") && error.contains("from 0 to 4294967295"),
            "{error}"
        );
        let not_a_string = json!({"request_id": "r", "quote_token": 5, "counts": []});
        let error = conform(&RECORD, not_a_string, "").unwrap_err();
        assert!(
            error.contains("`quote_token`") && error.contains("a string"),
            "{error}"
        );
    }

    #[test]
    fn conform_takes_an_enum_by_its_case_names() {
        static KIND: Ty = Ty::Enum(&["Connect", "Timeout"]);
        assert_eq!(conform(&KIND, json!("Timeout"), ""), Ok(json!("Timeout")));
        assert!(conform(&KIND, json!("Later"), "").is_err());
    }
}
