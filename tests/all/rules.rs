//! Every rule of the catalogue (and every operation's own rule in the
//! table) tried at its boundaries, the last value taken and the first
//! refused, through both what a platform sees (the manifest's input schema,
//! with a JSON Schema validator nobody here wrote) and what runs (the real
//! component, by its typed functions and by `invoke`), in both directions:
//! neither may take what the rule refuses, nor refuse what it takes, except
//! where the rule says the schema is stricter (a count JSON Schema cannot
//! make).

use crate::support::*;
use line_connector_host::Outcome;
use line_rules::probe::{Probe, probes};
use line_rules::{Json, Rule};
use line_simulator::Simulator;
use serde_json::{Value, json};

/// The table of operations, read as data (as the build script reads it).
#[allow(dead_code)]
#[path = "../../src/table.rs"]
mod table;

/// A field to try: an action whose input has it, and its rule.
struct Target {
    action: String,
    /// Where the field is: its name, after the records holding it.
    path: Vec<String>,
    json: Json,
    rule: Rule,
    /// The action's example input, into which each value is put.
    example: Value,
    /// The field's schema in the manifest.
    schema: Value,
}

impl Target {
    /// The field's path as errors give it (`reward.priceInfo.percentage`).
    fn field(&self) -> String {
        self.path.join(".")
    }
}

/// Where `field` (of type `json`) is in the record schema `schema`: at its
/// top or in a record inside (not in lists), nearest first.
fn find(schema: &Value, field: &str, json: Json) -> Option<Vec<String>> {
    let properties = schema["properties"].as_object()?;
    if properties
        .get(field)
        .is_some_and(|p| Json::of_schema(p) == Some(json))
    {
        return Some(vec![field.to_owned()]);
    }
    properties.iter().find_map(|(key, property)| {
        let mut path = vec![key.clone()];
        path.extend(find(property, field, json)?);
        Some(path)
    })
}

/// The schema at `path` in the record schema `schema`.
fn at<'s>(schema: &'s Value, path: &[String]) -> &'s Value {
    path.iter().fold(schema, |s, key| &s["properties"][key])
}

/// For each catalogue entry, the first action with the field (of that
/// type) in its input and no rule of its own for it; then each operation's
/// own rules.
fn targets(manifest: &Value) -> (Vec<Target>, Vec<String>) {
    let actions = manifest["actions"].as_array().unwrap();
    let target = |action: &Value, path: Vec<String>, json: Json, rule: Rule| Target {
        action: action["name"].as_str().unwrap().to_owned(),
        schema: at(&action["inputSchema"], &path).clone(),
        path,
        json,
        rule,
        example: action["examples"][0].clone(),
    };
    let own_rule = |name: &str, field: &str| {
        table::ALL
            .iter()
            .any(|e| e.action == name && e.rules.iter().any(|(f, _)| *f == field))
    };
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for entry in line_rules::CATALOGUE {
        let first = actions.iter().find_map(|a| {
            let path = find(&a["inputSchema"], entry.field, entry.json)?;
            let own = path.len() == 1 && own_rule(a["name"].as_str().unwrap(), entry.field);
            (!own).then_some((a, path))
        });
        match first {
            Some((action, path)) => found.push(target(action, path, entry.json, entry.rule)),
            None => missing.push(format!("{} ({:?})", entry.field, entry.json)),
        }
    }
    for endpoint in table::ALL {
        let action = actions
            .iter()
            .find(|a| a["name"] == endpoint.action)
            .unwrap();
        for (field, rule) in endpoint.rules {
            let property = &action["inputSchema"]["properties"][*field];
            let json = Json::of_schema(property).expect("a rule's field has a JSON type");
            found.push(target(action, vec![field.to_string()], json, *rule));
        }
    }
    (found, missing)
}

/// Whether the manifest's schema of the field takes `value` (JSON text of
/// LINE objects is tried as the objects, as a form would hold them).
fn schema_takes(target: &Target, value: &Value) -> bool {
    let objects = target.schema.get("anyOf").is_some();
    let value = match (objects, value.as_str()) {
        (true, Some(text)) => serde_json::from_str(text).expect("a probe's JSON text parses"),
        _ => value.clone(),
    };
    let validator = jsonschema::validator_for(&target.schema).expect("the field's schema compiles");
    validator.is_valid(&value)
}

/// Whether an outcome is a refusal of the field (at it or inside it).
fn refused(outcome: &Outcome, field: &str) -> bool {
    let Err(error) = outcome else {
        return false;
    };
    let at = error["field"].as_str().unwrap_or_default();
    error["type"] == "invalid-input"
        && (at == field
            || at.starts_with(&format!("{field}["))
            || at.starts_with(&format!("{field}.")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rule_holds_at_its_boundaries_in_the_schema_and_the_component() {
    let manifest =
        line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT).unwrap();
    let (targets, missing) = targets(&manifest);
    assert!(
        missing.is_empty(),
        "catalogue rules no action takes at the top of its input: {missing:?}"
    );
    let sim = Simulator::start().await.unwrap();
    let mut wrong = Vec::new();
    let mut tried = 0;
    for target in &targets {
        let mut config = with_credentials(&target.action, token_config(&sim), &sim.url());
        // A value taken may start a wait (waitSeconds): bounded here.
        config["totalTimeoutMs"] = json!(1500);
        for Probe {
            what,
            value,
            component,
            schema,
        } in probes(&target.rule, target.json)
        {
            tried += 1;
            let field = target.field();
            let name = format!("{} {field} ({what})", target.action);
            if schema_takes(target, &value) != schema {
                wrong.push(format!(
                    "{name}: the schema should {}take it",
                    if schema { "" } else { "not " }
                ));
            }
            let mut input = target.example.clone();
            *target
                .path
                .iter()
                .fold(&mut input, |v, key| &mut v[key.as_str()]) = value.clone();
            if target.path == ["text"] {
                // The text shortcut stands for the messages.
                input.as_object_mut().unwrap().remove("messages");
            }
            let typed = run(&target.action, &config, input.clone()).await;
            if refused(&typed, &field) == component {
                wrong.push(format!(
                    "{name}: the component should {}take it: {typed:?}",
                    if component { "" } else { "not " }
                ));
            }
            let mut session = session(&config).await;
            let invoked = session
                .invoke(&target.action, &config, &input)
                .await
                .unwrap();
            if refused(&invoked, &field) == component {
                wrong.push(format!(
                    "{name}: invoke should {}take it: {invoked:?}",
                    if component { "" } else { "not " }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried} probes went wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(tried > 300, "only {tried} probes");
}

/// Every field that takes LINE objects as JSON text, at any depth of
/// records: its path in the action's input.
fn json_text_fields(schema: &Value, path: &[String], found: &mut Vec<Vec<String>>) {
    for (key, property) in schema["properties"].as_object().into_iter().flatten() {
        let mut at = path.to_vec();
        at.push(key.clone());
        if property.get("anyOf").is_some() {
            found.push(at);
        } else {
            json_text_fields(property, &at, found);
        }
    }
}

/// Values of the wrong JSON shape for a JSON-text field whose objects are
/// an array (`messages`) or an object (`recipient`, `filter`, `limit`).
fn malformed(array: bool) -> Vec<(&'static str, Value)> {
    let (other_text, other) = match array {
        true => (
            r#"{"type": "text", "text": "hi"}"#,
            json!({"type": "text", "text": "hi"}),
        ),
        false => ("[1]", json!([1])),
    };
    vec![
        ("text that is not JSON", json!("not a list")),
        ("empty text", json!("")),
        ("blank text", json!("  ")),
        ("the other shape as text", json!(other_text)),
        ("a number as text", json!("5")),
        ("null as text", json!("null")),
        ("a string as text", json!("\"x\"")),
        (
            "an opening bracket alone",
            json!(if array { "[" } else { "{" }),
        ),
        (
            "a closing bracket alone",
            json!(if array { "]" } else { "}" }),
        ),
        ("the other shape", other),
        ("a number", json!(5)),
        ("true", json!(true)),
    ]
}

/// Generated for every action: each field that takes LINE objects as JSON
/// text is refused, in a malformed shape, by the manifest's input schema
/// (a validator nobody here wrote: `contentSchema` is only an annotation,
/// so the shape must be a `pattern` it applies) and by the component
/// (typed and `invoke`) alike, naming the field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_json_text_field_is_refused_by_the_schema_and_the_component() {
    let manifest =
        line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT).unwrap();
    let sim = Simulator::start().await.unwrap();
    let (mut wrong, mut tried, mut fields) = (Vec::new(), 0, 0);
    for action in manifest["actions"].as_array().unwrap() {
        let name = action["name"].as_str().unwrap();
        let schema = &action["inputSchema"];
        let validator = jsonschema::validator_for(schema).expect("the input schema compiles");
        let example = &action["examples"][0];
        assert!(validator.is_valid(example), "{name}: its example is valid");
        let mut paths = Vec::new();
        json_text_fields(schema, &[], &mut paths);
        let config = with_credentials(name, token_config(&sim), &sim.url());
        for path in paths {
            fields += 1;
            let field = path.join(".");
            let property = at(schema, &path);
            let array = property["anyOf"][0]["type"] == "array";
            for (what, value) in malformed(array) {
                tried += 1;
                let mut input = example.clone();
                *path.iter().fold(&mut input, |v, key| &mut v[key.as_str()]) = value.clone();
                let about = format!("{name} {field} ({what})");
                if validator.is_valid(&input) {
                    wrong.push(format!("{about}: the schema takes it"));
                }
                if value.is_string() {
                    let typed = run(name, &config, input.clone()).await;
                    if !refused(&typed, &field) {
                        wrong.push(format!("{about}: the component takes it: {typed:?}"));
                    }
                }
                let mut session = session(&config).await;
                let invoked = session.invoke(name, &config, &input).await.unwrap();
                if !refused(&invoked, &field) {
                    wrong.push(format!("{about}: invoke takes it: {invoked:?}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried} went wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(sim.requests().len(), 0, "nothing was sent");
    assert!(fields >= 10, "only {fields} JSON-text fields");
}
