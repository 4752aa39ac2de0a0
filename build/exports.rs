//! Writes the `actions` exports (`OUT_DIR/exports.rs`) from the WIT
//! functions and the endpoint table: each function runs its row of the
//! table through `call::run`, and `dispatch` runs them by name for
//! `invoke`. Nothing per operation is written by hand.

use wit_parser::{Function, Resolve, Type, TypeDefKind};

/// The exports' Rust source, for `functions` in the table's order.
pub fn source(resolve: &Resolve, functions: &[&Function]) -> String {
    let mut guest = String::new();
    let mut dispatch = String::new();
    let mut outputs = Vec::new();
    for (row, function) in functions.iter().enumerate() {
        let name = function.name.replace('-', "_");
        let ok_type = super::result_types(resolve, function.result.unwrap()).0;
        let ok = rust_type(resolve, ok_type);
        if !outputs.iter().any(|(o, _)| *o == ok) {
            outputs.push((ok.clone(), output_impl(resolve, ok_type, &ok)));
        }
        let input = function.params.get(1).map(|p| rust_type(resolve, p.ty));
        let (param, arg, from_json) = match &input {
            Some(ty) => (
                format!(", input: {ty}"),
                "&input",
                ", crate::json::into(input, \"\")?",
            ),
            None => (String::new(), "&()", ""),
        };
        guest.push_str(&format!(
            "    fn {name}(config: Config{param}) -> Result<{ok}, ErrorCode> {{\n        \
             crate::call::run(crate::table::ALL[{row}], &config, {arg})\n    }}\n"
        ));
        dispatch.push_str(&format!(
            "        {:?} => crate::json::output(&<crate::Connector as Guest>::{name}(config{from_json})?),\n",
            function.name
        ));
    }
    let outputs: String = outputs.into_iter().map(|(_, source)| source).collect();
    format!(
        "{outputs}\n\
         impl Guest for crate::Connector {{\n{guest}}}\n\n\
         /// Runs the action named `action` through its typed function, with\n\
         /// input fields checked by [`crate::json::fields`]; returns the output\n\
         /// as JSON text.\n\
         #[allow(unused_variables)]\n\
         pub fn dispatch(action: &str, config: Config, input: Map<String, Value>) -> Result<String, ErrorCode> {{\n    \
         match action {{\n{dispatch}        \
         other => Err(crate::error::invalid(\"action\", format!(\"there is no action {{}}\", crate::redact::quote(other)))),\n    \
         }}\n}}\n"
    )
}

/// The output record's `Output` impl: its list fields, which LINE may leave
/// out of an answer when they are empty.
fn output_impl(resolve: &Resolve, ty: Type, name: &str) -> String {
    let TypeDefKind::Record(record) = &resolve.types[super::id(ty)].kind else {
        panic!("{name} is not a record");
    };
    let lists: Vec<String> = record
        .fields
        .iter()
        .filter(|f| matches!(f.ty, Type::Id(id) if matches!(resolve.types[id].kind, TypeDefKind::List(_))))
        .map(|f| format!("{:?}", f.name.replace('-', "_")))
        .collect();
    format!(
        "impl crate::response::Output for {name} {{\n    const LISTS: &'static [&'static str] = &[{}];\n}}\n",
        lists.join(", ")
    )
}

/// The Rust name wit-bindgen gives a named WIT type (`send-response` →
/// `SendResponse`).
fn rust_type(resolve: &Resolve, ty: Type) -> String {
    let name = resolve.types[super::id(ty)]
        .name
        .as_deref()
        .expect("a named type");
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect()
}
