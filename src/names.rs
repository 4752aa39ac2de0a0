//! The same field under its three names: LINE's camelCase (JSON), WIT's
//! kebab-case and Rust's snake_case. Plain functions, so the build script
//! uses them too.

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
