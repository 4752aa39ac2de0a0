//! The same field under its three names: LINE's camelCase (JSON), WIT's
//! kebab-case and Rust's snake_case, and which fields carry JSON text. Plain
//! code, so the build script and the host use it too.

/// The string fields that carry LINE objects as JSON text in WIT
/// (`messages`, `recipient`, `filter`, `limit`): in JSON they take the
/// objects themselves too. No other string field takes anything but a string.
#[allow(dead_code)] // read by build.rs and the host; the guest reads the schemas
pub const JSON_TEXT_FIELDS: [&str; 4] = ["messages", "recipient", "filter", "limit"];

/// The interfaces whose records keep LINE's own snake_case names in JSON
/// (`access_token`, `client_id`): LINE's OAuth-style endpoints name their
/// fields so, and its reference with them. Everywhere else JSON is camelCase.
#[allow(dead_code)] // read by build.rs and the host
pub const SNAKE_CASE_INTERFACES: [&str; 2] = ["channel-access-token", "module-attach"];

/// A WIT field's JSON name in a record of `interface`: camelCase, or LINE's
/// snake_case in [`SNAKE_CASE_INTERFACES`].
#[allow(dead_code)] // read by build.rs and the host
pub fn json_name(interface: &str, field: &str) -> String {
    match SNAKE_CASE_INTERFACES.contains(&interface) {
        true => field.replace('-', "_"),
        false => camel_case(field),
    }
}

/// `notification-disabled` or `notification_disabled` → `notificationDisabled`;
/// Rust's `type_` → `type`.
pub fn camel_case(name: &str) -> String {
    let mut parts = name.trim_end_matches('_').split(['-', '_']);
    let first = parts.next().unwrap_or_default().to_owned();
    parts.fold(first, |mut out, part| {
        let mut chars = part.chars();
        out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        out.push_str(chars.as_str());
        out
    })
}

/// `notificationDisabled` → `notification_disabled`, Rust's field name
/// (`type` → `type_`, as wit-bindgen spells it).
pub fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    if out == "type" {
        "type_".to_owned()
    } else {
        out
    }
}
