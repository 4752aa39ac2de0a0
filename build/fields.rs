//! The build refuses a table row or a rule that names a field the WIT
//! records lack: a misspelt name would otherwise be silently ignored.

use super::table;
use serde_json::Value;

/// Every field name a row of `src/table.rs` uses exists in its action's
/// input (or, for what it reads of the answer, output) record, and every
/// field the rule catalogue names exists in some action's input.
pub fn check(manifest: &Value) {
    let actions = manifest["actions"].as_array().unwrap();
    let mut problems = Vec::new();
    for (action, endpoint) in actions.iter().zip(table::ALL) {
        let input = &action["inputSchema"];
        let output = &action["outputSchema"];
        let mut named: Vec<(&str, &str)> = Vec::new();
        named.extend(endpoint.query.iter().map(|f| ("query", *f)));
        named.extend(endpoint.rules.iter().map(|(f, _)| ("rules", *f)));
        named.extend(endpoint.header.iter().map(|(f, _)| ("header", *f)));
        named.extend(endpoint.batch.iter().map(|(f, _)| ("batches", *f)));
        named.extend(path_fields(endpoint.path).map(|f| ("path", f)));
        for (what, field) in named {
            if input["properties"].get(field).is_none() {
                problems.push(format!(
                    "{}: `{what}` names {field}, which its input record lacks",
                    endpoint.action
                ));
            }
        }
        if let Some(pages) = endpoint.pages
            && output["properties"].get(pages.list).is_none()
        {
            problems.push(format!(
                "{}: `paged` names {}, which its output record lacks",
                endpoint.action, pages.list
            ));
        }
        if let Some(poll) = endpoint.poll {
            let found = poll
                .field
                .split('.')
                .try_fold(output, |schema, key| schema["properties"].get(key));
            if found.is_none() {
                problems.push(format!(
                    "{}: `polls` names {}, which its output record lacks",
                    endpoint.action, poll.field
                ));
            }
        }
    }
    for entry in line_rules::CATALOGUE {
        if !actions
            .iter()
            .any(|a| has_field(&a["inputSchema"], entry.field))
        {
            problems.push(format!(
                "the rule catalogue names {}, which no action's input has",
                entry.field
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "fields the WIT records lack:\n{}",
        problems.join("\n")
    );
}

/// The `{name}`s of a path template.
fn path_fields(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// Whether `schema` (a record) has the property `field`, at any level of
/// records or of lists' items.
fn has_field(schema: &Value, field: &str) -> bool {
    let properties = schema["properties"].as_object();
    properties.is_some_and(|p| p.contains_key(field) || p.values().any(|v| has_field(v, field)))
        || schema
            .get("items")
            .is_some_and(|items| has_field(items, field))
}
