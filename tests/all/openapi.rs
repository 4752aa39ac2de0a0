//! LINE's official OpenAPI files (`../shared/line-openapi`, or the folder
//! named by `LINE_OPENAPI_DIR`) as JSON Schema validators, for checking what
//! the connector sends and what the simulator answers.
//!
//! The validator is the `jsonschema` crate. OpenAPI 3.0 adds two things
//! JSON Schema lacks, and both are translated before validating:
//! - `nullable: true` becomes a `null` in the type list;
//! - a `discriminator` mapping (how LINE types messages, templates, actions,
//!   flex components, recipients and filters) becomes a conditional: when
//!   `type` is `text`, the object must be a `TextMessage`, and `type` must be
//!   one of the mapped values. The mapped schemas extend their base through
//!   `allOf`; that reference is pointed at a copy of the base without the
//!   mapping, so the check does not loop.
//!
//! Named object schemas are also closed (`unevaluatedProperties: false`), so
//! a field LINE does not define is a violation, not silently passed: LINE's
//! files leave `additionalProperties` unset everywhere.

use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::path::PathBuf;

/// Where LINE's OpenAPI files are looked for: `LINE_OPENAPI_DIR`, or
/// `../shared/line-openapi` beside the project.
fn place() -> PathBuf {
    match std::env::var_os("LINE_OPENAPI_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/line-openapi"),
    }
}

/// The folder of LINE's OpenAPI files. A conformance test cannot pass
/// without them: when they are missing this panics, saying where it looked.
pub fn dir() -> PathBuf {
    let dir = place();
    assert!(
        dir.join("messaging-api.yml").is_file(),
        "LINE's OpenAPI files are missing: no messaging-api.yml in {} \
         (put them at ../shared/line-openapi beside the project, or set LINE_OPENAPI_DIR \
         to the folder holding them); the conformance tests need them and do not skip",
        dir.display()
    );
    dir
}

/// One OpenAPI file, translated for JSON Schema validation.
pub struct Spec {
    /// The file name, for messages.
    pub file: String,
    /// The translated document.
    pub doc: Value,
}

impl Spec {
    /// Reads and translates `file` from the spec folder.
    pub fn load(dir: &std::path::Path, file: &str) -> Spec {
        let text = std::fs::read_to_string(dir.join(file)).expect("the spec file reads");
        let mut doc: Value = serde_yaml_ng::from_str(&text).expect("the spec file is YAML");
        nullable_to_type(&mut doc);
        translate_discriminators(&mut doc);
        Spec {
            file: file.to_owned(),
            doc,
        }
    }

    /// The operation for `method` and `path` (path templates like
    /// `/v2/bot/message/{messageId}/content` match any segment), as the JSON
    /// pointer to it.
    pub fn operation(&self, method: &str, path: &str) -> Option<String> {
        let paths = self.doc["paths"].as_object()?;
        let method = method.to_ascii_lowercase();
        paths
            .iter()
            .filter(|(template, item)| {
                matches_template(template, path) && item.get(&method).is_some()
            })
            // A literal path beats a template.
            .min_by_key(|(template, _)| template.contains('{'))
            .map(|(template, _)| format!("/paths/{}/{method}", escape(template)))
    }

    /// Checks a request body (as JSON; a form as an object of strings)
    /// against the operation's request schema for `content_type`; bytes of
    /// any media type fit an operation that takes binary `*/*`.
    pub fn check_request(&self, operation: &str, content_type: &str, body: &Value) -> Vec<String> {
        let pointer = format!(
            "{operation}/requestBody/content/{}/schema",
            escape(content_type)
        );
        // Bytes of any media type (an image): LINE's schema says only that.
        let any = format!("{operation}/requestBody/content/*~1*/schema/format");
        match self.doc.pointer(&pointer) {
            Some(_) => self.check(&pointer, body),
            None if self.doc.pointer(&any) == Some(&json!("binary")) => Vec::new(),
            None => vec![format!(
                "{operation} takes no {content_type} body in {}",
                self.file
            )],
        }
    }

    /// Checks an answer's status and body against the operation's responses.
    pub fn check_response(&self, operation: &str, status: u16, body: &Value) -> Vec<String> {
        let response = format!("{operation}/responses/{status}");
        if self.doc.pointer(&response).is_none() {
            return vec![format!(
                "{} has no {status} answer for {operation}",
                self.file
            )];
        }
        let schema = format!("{response}/content/application~1json/schema");
        match self.doc.pointer(&schema) {
            Some(_) => self.check(&schema, body),
            None if body.is_null() => Vec::new(),
            None => vec![format!(
                "{} gives {operation} {status} no body, got {body}",
                self.file
            )],
        }
    }

    /// Validates `instance` against the schema at `pointer`; the problems
    /// found, each with its place in the instance.
    /// Validates `instance` against the schema at `pointer` (a JSON
    /// pointer into the file, such as `/components/schemas/CallbackRequest`).
    pub fn check_schema(&self, pointer: &str, instance: &Value) -> Vec<String> {
        self.check(pointer, instance)
    }

    fn check(&self, pointer: &str, instance: &Value) -> Vec<String> {
        let mut root = self.doc.clone();
        // A JSON pointer in a URI fragment: path templates' braces escaped.
        let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
        root["$ref"] = Value::String(format!("#{fragment}"));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("{} at {pointer} is not a valid schema: {e}", self.file));
        validator
            .iter_errors(instance)
            .map(|e| format!("{} {}: {e}", self.file, e.instance_path()))
            .collect()
    }
}

fn matches_template(template: &str, path: &str) -> bool {
    let (t, p): (Vec<_>, Vec<_>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

/// JSON Pointer escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema: `null` joins the types.
fn nullable_to_type(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.get("nullable") == Some(&Value::Bool(true))
                && let Some(Value::String(ty)) = object.get("type").cloned()
            {
                object.insert("type".into(), json!([ty, "null"]));
            }
            object.values_mut().for_each(nullable_to_type);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_to_type),
        _ => {}
    }
}

const SCHEMAS: &str = "#/components/schemas/";

/// Discriminator mappings as conditionals, and named object schemas closed
/// (see the module doc).
fn translate_discriminators(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let bases: Vec<(String, String, Map<String, Value>)> = schemas
        .iter()
        .filter_map(|(name, schema)| {
            let discriminator = schema.get("discriminator")?;
            let property = discriminator.get("propertyName")?.as_str()?.to_owned();
            let mapping = discriminator.get("mapping")?.as_object()?.clone();
            Some((name.clone(), property, mapping))
        })
        .collect();
    let mut open: HashSet<String> = HashSet::new();
    for (name, property, mapping) in &bases {
        let base_name = format!("{name}__base");
        let mut base = schemas[name].clone();
        base.as_object_mut().unwrap().remove("discriminator");
        schemas.insert(base_name.clone(), base);
        let mut all_of = vec![
            json!({"$ref": format!("{SCHEMAS}{base_name}")}),
            json!({"properties": {property: {"enum": mapping.keys().collect::<Vec<_>>()}}}),
        ];
        for (value, target) in mapping {
            all_of.push(json!({
                "if": {"properties": {property: {"const": value}}, "required": [property]},
                "then": {"$ref": target},
            }));
            let target_name = target
                .as_str()
                .unwrap_or_default()
                .trim_start_matches(SCHEMAS);
            if let Some(parts) = schemas
                .get_mut(target_name)
                .and_then(|t| t.get_mut("allOf"))
                .and_then(Value::as_array_mut)
            {
                for part in parts {
                    if part.get("$ref").and_then(Value::as_str) == Some(&format!("{SCHEMAS}{name}"))
                    {
                        part["$ref"] = json!(format!("{SCHEMAS}{base_name}"));
                    }
                }
            }
        }
        schemas.insert(name.clone(), json!({"allOf": all_of}));
        open.insert(name.clone());
    }
    // Schemas other schemas extend through allOf stay open: their
    // extensions add the fields.
    for schema in schemas.values() {
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(r) = part.get("$ref").and_then(Value::as_str) {
                open.insert(r.trim_start_matches(SCHEMAS).to_owned());
            }
        }
    }
    for (name, schema) in schemas.iter_mut() {
        let object = schema.as_object_mut().unwrap();
        let shaped = object.contains_key("properties") || object.contains_key("allOf");
        if shaped && !open.contains(name) && !object.contains_key("additionalProperties") {
            object.insert("unevaluatedProperties".into(), Value::Bool(false));
        }
    }
}
