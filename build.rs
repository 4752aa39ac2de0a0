//! Writes the connector's manifest (`OUT_DIR/manifest.json`) from what it
//! describes: the WIT contract (functions, records, their doc comments), the
//! endpoint table (`src/table.rs`) and the example inputs (`examples/`). The
//! component returns it from `describe` and carries it as a custom section,
//! so it cannot drift from the code. It also writes the actions' exports
//! (`OUT_DIR/bindings.rs`, `abi.rs` and `exports.rs`, see `build/exports.rs`),
//! one per table row.
//!
//! JSON shapes follow the host's and `invoke`'s rules: a record is an object
//! whose keys are the field names in camelCase (LINE's snake_case in the
//! interfaces `names::SNAKE_CASE_INTERFACES` names), an `option` field may be left
//! out, and a `string` field that carries LINE objects as JSON text
//! (`messages`, `recipient`, `filter`, `limit`) takes the objects themselves.

#[allow(dead_code)]
#[path = "src/table.rs"]
mod table;

#[allow(dead_code)]
#[path = "src/names.rs"]
mod names;

#[path = "build/exports.rs"]
mod exports;

#[path = "build/fields.rs"]
mod fields;

use names::camel_case;
use serde_json::{Map, Value, json};
use std::path::Path;
use wit_parser::{Docs, Resolve, Type, TypeDefKind, TypeId};

/// The JSON Schema dialect of every schema in the manifest.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The config fields that hold secrets.
const SECRET_FIELDS: [&str; 4] = [
    "channel-access-token",
    "client-secret",
    "assertion-private-key",
    "channel-secret",
];

/// The fields of LINE's token endpoints that hold secrets, in inputs and
/// results alike (LINE's names): an issued token, a secret, a signed JWT.
const SECRET_OUTPUTS: [&str; 3] = ["access_token", "client_secret", "client_assertion"];

/// LINE's message types (the `type` of a message object).
const MESSAGE_TYPES: [&str; 11] = [
    "text", "textV2", "sticker", "image", "video", "audio", "location", "imagemap", "template",
    "flex", "coupon",
];

/// The guest's stack, in bytes.
const STACK_SIZE: usize = 64 * 1024;

fn main() {
    for watched in [
        "wit",
        "rules/src",
        "src/table.rs",
        "src/names.rs",
        "examples",
        "build.rs",
        "build",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    // A 64 KiB stack instead of Rust's 1 MiB for wasm32: it is part of
    // every instance's linear memory (64 KiB + 148 KB of data leave a push
    // its heap within 256 KiB). The deepest the component goes is the
    // deepest JSON it accepts (127 levels) walked by parse, checks,
    // redaction and serialisation: the test
    // the_deepest_accepted_input_runs_within_the_guest_stack passes with
    // 40 KiB since the typed exports became one interpreter (it trapped at
    // 40 KiB before), so 64 KiB leaves over a third to spare.
    println!("cargo:rustc-link-arg=-zstack-size={STACK_SIZE}");
    let mut resolve = Resolve::default();
    let (package, _) = resolve.push_dir("wit").expect("wit/ parses");
    let areas = areas(&resolve, package);
    let manifest = Manifest { resolve: &resolve }.build(package, &areas);
    fields::check(&manifest);
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).to_owned();
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_string(&manifest).unwrap(),
    )
    .unwrap();
    let sources = exports::sources(&resolve, &areas);
    std::fs::write(out.join("bindings.rs"), sources.bindings).unwrap();
    std::fs::write(out.join("abi.rs"), sources.abi).unwrap();
    std::fs::write(out.join("exports.rs"), sources.exports).unwrap();
    write_deflated(&out, &manifest);
    // A copy beside the component (OUT_DIR is `<profile dir>/build/<crate>/out`),
    // which the host's build script puts at the component's top level.
    let beside = out.ancestors().nth(3).unwrap();
    std::fs::write(
        beside.join("line_connector.manifest.json"),
        serde_json::to_string(&manifest).unwrap(),
    )
    .unwrap();
}

/// The manifest deflated (`manifest.deflate`, for `describe`).
fn write_deflated(out: &Path, manifest: &Value) {
    let text = serde_json::to_string(manifest).unwrap();
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 10);
    std::fs::write(out.join("manifest.deflate"), deflated).unwrap();
}

/// An interface of actions (one area of LINE's API) and its functions.
struct Area<'a> {
    /// The interface's name, e.g. `messaging`.
    name: &'a str,
    /// Its documentation.
    docs: &'a Docs,
    /// Its functions, in order.
    functions: Vec<&'a wit_parser::Function>,
}

/// The world's exported interfaces of actions, in order: those whose
/// functions take the config (not `types`, `webhook` or `manifest`).
fn areas(resolve: &Resolve, package: wit_parser::PackageId) -> Vec<Area<'_>> {
    let world = resolve
        .select_world(&[package], Some("connector"))
        .expect("the world `connector`");
    let exports = resolve.worlds[world].exports.values();
    let interfaces = exports.filter_map(|item| match item {
        wit_parser::WorldItem::Interface { id, .. } => Some(&resolve.interfaces[*id]),
        _ => None,
    });
    interfaces
        // Actions take the config first (webhook's functions take none).
        .filter(|i| {
            let takes_config =
                |f: &&wit_parser::Function| f.params.first().is_some_and(|p| p.name == "config");
            i.name.as_deref() != Some("manifest") && i.functions.values().any(|f| takes_config(&f))
        })
        .map(|i| Area {
            name: i.name.as_deref().expect("a named interface"),
            docs: &i.docs,
            functions: i.functions.values().collect(),
        })
        .collect()
}

struct Manifest<'a> {
    resolve: &'a Resolve,
}

impl Manifest<'_> {
    fn build(&self, package: wit_parser::PackageId, areas: &[Area]) -> Value {
        let package = &self.resolve.packages[package];
        let types = &self.resolve.interfaces[package.interfaces["types"]];
        let functions: Vec<_> = areas
            .iter()
            .flat_map(|a| a.functions.iter().copied())
            .collect();
        let names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
        let table: Vec<&str> = table::ALL.iter().map(|e| e.action).collect();
        assert_eq!(
            names, table,
            "the WIT functions and src/table.rs must list the same actions in the same order"
        );
        let config = functions[0].params[0].ty;
        let (_, error_code) = result_types(self.resolve, functions[0].result.unwrap());
        let name = &package.name;
        let version = name.version.as_ref().expect("the package has a version");
        json!({
            "name": "line-connector",
            "title": "LINE Messaging API",
            "version": env!("CARGO_PKG_VERSION"),
            "interfaces": areas.iter().map(|a| json!({
                "name": format!("{}:{}/{}@{version}", name.namespace, name.name, a.name),
                "description": text(a.docs),
                "actions": a.functions.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "description": text(&types.docs),
            "webhook": self.webhook(package, &format!("{}:{}/webhook@{version}", name.namespace, name.name)),
            "docsUrl": table::REFERENCE,
            "configSchema": self.config_schema(config),
            "actions": functions.iter().zip(table::ALL).map(|(f, endpoint)| {
                let (ok, _) = result_types(self.resolve, f.result.unwrap());
                let input = f.params.get(1).map(|p| p.ty);
                json!({
                    "name": f.name,
                    "title": endpoint.title,
                    "description": text(&f.docs),
                    "docsUrl": match endpoint.docs.starts_with("https://") {
                        true => endpoint.docs.to_owned(),
                        false => format!("{}#{}", table::REFERENCE, endpoint.docs),
                    },
                    "endpoint": format!("{} {}", endpoint.method.name(), endpoint.path),
                    "inputSchema": self.root(input.map_or_else(|| empty_object("This action takes no input."), |t| {
                        let mut schema = self.schema(t);
                        line_rules::schema::add_catalogue(&mut schema);
                        line_rules::schema::add_own(&mut schema, endpoint.rules);
                        schema
                    })),
                    "outputSchema": self.root(self.schema(ok)),
                    "errors": self.errors(error_code, endpoint, input.is_some_and(|t| self.has_field(t, "require-friend"))),
                    "examples": [example(&f.name)],
                    "hints": hints(endpoint),
                })
            }).collect::<Vec<_>>(),
        })
    }

    /// One case of a variant, as the host's JSON gives it: `{"type": case}`
    /// with the payload record's fields beside it, or under `value` (a
    /// payload that is no record, or has a `type` of its own).
    fn case(&self, case: &wit_parser::Case) -> Value {
        let mut schema = json!({"type": "object", "properties": {"type": {"const": case.name}}, "required": ["type"]});
        if let Some(ty) = case.ty {
            let payload = self.schema(ty);
            let fields = payload["properties"]
                .as_object()
                .filter(|p| !p.contains_key("type"));
            match fields {
                Some(fields) => {
                    schema["properties"]
                        .as_object_mut()
                        .unwrap()
                        .extend(fields.clone());
                    let required = payload["required"].as_array().cloned().unwrap_or_default();
                    schema["required"].as_array_mut().unwrap().extend(required);
                }
                None => {
                    schema["properties"]["value"] = payload;
                    schema["required"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!("value"));
                }
            }
        }
        if let Some(docs) = text(&case.docs) {
            schema["description"] = json!(docs);
        }
        schema
    }

    /// The webhook interface: its functions, each with its description, the
    /// schema of what it returns and of its error.
    fn webhook(&self, package: &wit_parser::Package, interface_name: &str) -> Value {
        let Some(id) = package.interfaces.get("webhook") else {
            return Value::Null;
        };
        let interface = &self.resolve.interfaces[*id];
        let functions: Vec<Value> = interface
            .functions
            .values()
            .map(|f| {
                let (ok, error) = match &self.resolve.types[id_of(f.result.unwrap())].kind {
                    TypeDefKind::Result(r) => (r.ok, r.err.unwrap()),
                    _ => panic!("webhook functions return a result"),
                };
                json!({
                    "name": f.name,
                    "description": text(&f.docs),
                    "params": f.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
                    "outputSchema": ok.map(|t| self.root(self.schema(t))),
                    "errorSchema": self.root(self.schema(error)),
                })
            })
            .collect();
        json!({"name": interface_name, "description": text(&interface.docs), "functions": functions})
    }

    /// The config record, with its two auth modes and its secrets marked.
    fn config_schema(&self, config: Type) -> Value {
        let mut schema = self.root(self.schema(config));
        for field in SECRET_FIELDS {
            mark_secret(&mut schema["properties"][camel_case(field)]);
        }
        schema["oneOf"] = json!([
            {"title": "Channel access token", "required": ["channelAccessToken"],
             "not": {"anyOf": [{"required": ["clientId"]}, {"required": ["clientSecret"]}, {"required": ["assertionPrivateKey"]}]}},
            {"title": "Client credentials (channel id and secret)", "required": ["clientId", "clientSecret"],
             "not": {"anyOf": [{"required": ["channelAccessToken"]}, {"required": ["assertionPrivateKey"]}]}},
            {"title": "JWT assertion (channel id and assertion signing key)", "required": ["clientId", "assertionPrivateKey", "assertionKeyId"],
             "not": {"anyOf": [{"required": ["channelAccessToken"]}, {"required": ["clientSecret"]}]}},
        ]);
        schema
    }

    fn root(&self, mut schema: Value) -> Value {
        schema["$schema"] = json!(DIALECT);
        schema
    }

    /// The JSON Schema of a WIT type.
    fn schema(&self, ty: Type) -> Value {
        match ty {
            Type::Bool => json!({"type": "boolean"}),
            Type::U8 => integer(0, u8::MAX.into()),
            Type::U16 => integer(0, u16::MAX.into()),
            Type::U32 => integer(0, u32::MAX.into()),
            Type::S64 | Type::S32 | Type::U64 => json!({"type": "integer"}),
            Type::String => json!({"type": "string"}),
            Type::F32 | Type::F64 => json!({"type": "number"}),
            Type::Id(id) => self.defined(id),
            other => panic!("no JSON Schema for the WIT type {other:?}"),
        }
    }

    fn defined(&self, id: TypeId) -> Value {
        let def = &self.resolve.types[id];
        let mut schema = match &def.kind {
            TypeDefKind::Record(record) => {
                let mut properties = Map::new();
                let mut required = Vec::new();
                let interface = interface_of(self.resolve, id);
                for field in &record.fields {
                    let key = names::json_name(interface, &field.name);
                    let (ty, optional) = match field.ty {
                        Type::Id(id) => match &self.resolve.types[id].kind {
                            TypeDefKind::Option(inner) => (*inner, true),
                            _ => (field.ty, false),
                        },
                        _ => (field.ty, false),
                    };
                    let as_text = (ty == Type::String).then(|| json_text_field(&key));
                    let mut property = as_text.flatten().unwrap_or_else(|| self.schema(ty));
                    if SECRET_OUTPUTS.contains(&key.as_str()) {
                        mark_secret(&mut property);
                    }
                    if let Some(docs) = text(&field.docs) {
                        property["description"] = json!(docs);
                    }
                    if !optional {
                        required.push(key.clone());
                    }
                    properties.insert(key, property);
                }
                json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
            }
            TypeDefKind::Option(inner) => self.schema(*inner),
            // Content's bytes travel as base64 in JSON.
            TypeDefKind::List(Type::U8) => json!({"type": "string", "contentEncoding": "base64"}),
            TypeDefKind::List(inner) => json!({"type": "array", "items": self.schema(*inner)}),
            TypeDefKind::Enum(e) => {
                json!({"type": "string", "enum": e.cases.iter().map(|c| &c.name).collect::<Vec<_>>()})
            }
            TypeDefKind::Type(inner) => self.schema(*inner),
            TypeDefKind::Variant(variant) => {
                json!({"oneOf": variant.cases.iter().map(|c| self.case(c)).collect::<Vec<_>>()})
            }
            other => panic!("no JSON Schema for {other:?}"),
        };
        if let (Some(name), Some(object)) = (&def.name, schema.as_object_mut()) {
            object.insert("title".into(), json!(name));
            if let Some(docs) = text(&def.docs) {
                object.entry("description").or_insert(json!(docs));
            }
        }
        schema
    }

    /// The `error-code` cases an action can fail with, each with its doc.
    /// Whether the record `ty` has the field `name`.
    fn has_field(&self, ty: Type, name: &str) -> bool {
        let record = underlying(self.resolve, id(ty));
        matches!(&self.resolve.types[record].kind, TypeDefKind::Record(r) if r.fields.iter().any(|f| f.name == name))
    }

    /// The `error-code` cases `endpoint` can fail with (`not-a-friend` only
    /// where the input can ask for a friend check).
    fn errors(
        &self,
        error_code: Type,
        endpoint: &table::Endpoint,
        friend_check: bool,
    ) -> Vec<Value> {
        let error_code = underlying(self.resolve, id(error_code));
        let TypeDefKind::Variant(variant) = &self.resolve.types[error_code].kind else {
            panic!("error-code is a variant");
        };
        let sends = endpoint.dry_run.is_some();
        variant
            .cases
            .iter()
            .filter(|case| match case.name.as_str() {
                "batches-failed" => endpoint.batch.is_some(),
                "not-a-friend" => friend_check,
                "quota-exceeded" => sends,
                _ => true,
            })
            .map(|case| json!({"type": case.name, "description": text(&case.docs)}))
            .collect()
    }
}

/// What a platform needs to know to schedule and retry the action.
fn hints(endpoint: &table::Endpoint) -> Value {
    use table::{Method, Resend};
    let validates = table::ALL
        .iter()
        .any(|e| e.dry_run.is_some_and(|d| d.action == endpoint.action));
    json!({
        "readOnly": endpoint.method == Method::Get || validates,
        "sendsMessage": endpoint.dry_run.is_some(),
        "idempotent": endpoint.resend != Resend::Once,
        "retryKey": endpoint.resend == Resend::RetryKey,
        "dryRun": endpoint.dry_run.is_some(),
        "batchSize": endpoint.batch.map(|(_, size)| size),
        "rateLimit": rate_limit_text(endpoint.rate_limit),
        "rateLimitRequests": endpoint.rate_limit.requests,
        "rateLimitSeconds": endpoint.rate_limit.per.seconds(),
        "credentials": credentials(endpoint),
        "connectionTest": endpoint.connection_test,
    })
}

/// A rate limit as LINE's table writes it: `2,000 requests per second`.
fn rate_limit_text(limit: table::RateLimit) -> String {
    let digits = limit.requests.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{grouped} requests per {}", limit.per.name())
}

/// Which auth modes of the config an action works with (unless its input
/// gives the credentials itself): `any`, `clientSecret` (the channel id and
/// secret), `assertionPrivateKey` (the JWT-assertion mode), or
/// `clientSecretOrAssertionPrivateKey`.
fn credentials(endpoint: &table::Endpoint) -> &'static str {
    use table::{Auth, Fill};
    match endpoint.auth {
        Auth::Basic => "clientSecret",
        Auth::Fields(fills) if fills.contains(&Fill::Secret) => "clientSecret",
        Auth::Fields(fills) if fills.contains(&Fill::Assertion) => "assertionPrivateKey",
        Auth::Fields(fills) if fills.contains(&Fill::SecretOrAssertion) => {
            "clientSecretOrAssertionPrivateKey"
        }
        _ => "any",
    }
}

/// The schema of a field that carries LINE objects as JSON text in WIT: the
/// objects themselves, or their JSON text.
fn json_text_field(key: &str) -> Option<Value> {
    if !names::JSON_TEXT_FIELDS.contains(&key) {
        return None;
    }
    let as_text = json!({"type": "string", "description": "the same, as JSON text"});
    let objects = match key {
        "messages" => json!({
            "type": "array",
            "items": {"type": "object", "required": ["type"], "properties": {"type": {"enum": MESSAGE_TYPES}}},
        }),
        _ => json!({"type": "object"}),
    };
    Some(json!({"anyOf": [objects, as_text]}))
}

fn integer(minimum: u64, maximum: u64) -> Value {
    json!({"type": "integer", "minimum": minimum, "maximum": maximum})
}

fn empty_object(description: &str) -> Value {
    json!({"type": "object", "description": description, "properties": {}, "additionalProperties": false})
}

/// The example input of `action`, from `examples/ACTION.json`.
fn example(action: &str) -> Value {
    let path = format!("examples/{action}.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (every action needs an example)"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn result_types(resolve: &Resolve, result: Type) -> (Type, Type) {
    match &resolve.types[id(result)].kind {
        TypeDefKind::Result(r) => (r.ok.unwrap(), r.err.unwrap()),
        _ => panic!("actions return result<_, error-code>"),
    }
}

/// Marks a property as a secret, for a platform's vault and forms.
fn mark_secret(property: &mut Value) {
    property["writeOnly"] = json!(true);
    property["format"] = json!("password");
    property["x-secret"] = json!(true);
}

/// The name of the interface that defines type `id` (empty for none).
pub fn interface_of(resolve: &Resolve, id: TypeId) -> &str {
    match resolve.types[id].owner {
        wit_parser::TypeOwner::Interface(owner) => resolve.interfaces[owner]
            .name
            .as_deref()
            .unwrap_or_default(),
        _ => "",
    }
}

/// The type `id` names, through any `use` of it in another interface.
pub fn underlying(resolve: &Resolve, id: TypeId) -> TypeId {
    match resolve.types[id].kind {
        TypeDefKind::Type(Type::Id(inner)) => underlying(resolve, inner),
        _ => id,
    }
}

fn id_of(ty: Type) -> TypeId {
    id(ty)
}

fn id(ty: Type) -> TypeId {
    match ty {
        Type::Id(id) => id,
        other => panic!("{other:?} is not a defined type"),
    }
}

fn text(docs: &Docs) -> Option<String> {
    let text = docs.contents.as_deref()?.trim();
    (!text.is_empty()).then(|| {
        text.split("\n\n")
            .map(|p| p.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n\n")
    })
}
