//! Writes the `actions` exports (`OUT_DIR/exports.rs`) from the WIT
//! functions and the endpoint table: each function runs its row of the
//! table through `call::run`, and `dispatch` runs them by name for
//! `invoke`. Nothing per operation is written by hand.

use super::Area;
use wit_parser::{Resolve, Type, TypeDefKind, TypeId};

/// The exports' Rust source, for the areas' functions in the table's order.
pub fn source(resolve: &Resolve, areas: &[Area]) -> String {
    let mut impls = String::new();
    let mut dispatch = String::new();
    // Every input and output record's impls, once each.
    let mut records: Vec<(TypeId, String)> = Vec::new();
    let mut row = 0;
    for area in areas {
        let module = format!(
            "crate::bindings::exports::line::messaging::{}",
            area.name.replace('-', "_")
        );
        let mut guest = String::new();
        for function in &area.functions {
            let (name, ok_type) = (
                function.name.replace('-', "_"),
                super::result_types(resolve, function.result.unwrap()).0,
            );
            let ok = format!("{module}::{}", rust_type(resolve, ok_type));
            let record = super::underlying(resolve, super::id(ok_type));
            if !records.iter().any(|(id, _)| *id == record) {
                let source = record_impl(resolve, record, &ok) + &output_impl(resolve, record, &ok);
                records.push((record, source));
            }
            let input = function.params.get(1).map(|p| {
                let rust = format!("{module}::{}", rust_type(resolve, p.ty));
                let record = super::underlying(resolve, super::id(p.ty));
                if !records.iter().any(|(id, _)| *id == record) {
                    records.push((record, record_impl(resolve, record, &rust)));
                }
                rust
            });
            let (param, arg, from_json) = match &input {
                Some(ty) => (
                    format!(", input: {ty}"),
                    "input",
                    ", crate::json::input(input)?",
                ),
                None => (String::new(), "()", ""),
            };
            guest.push_str(&format!(
                "    fn {name}(config: Config{param}) -> Result<{ok}, ErrorCode> {{\n        \
                 crate::call::run(crate::table::ALL[{row}], &config, {arg})\n    }}\n"
            ));
            dispatch.push_str(&format!(
                "        {:?} => crate::json::output(<crate::Connector as {module}::Guest>::{name}(config{from_json})?),\n",
                function.name
            ));
            row += 1;
        }
        impls.push_str(&format!(
            "impl {module}::Guest for crate::Connector {{\n{guest}}}\n\n"
        ));
    }
    let records: String = records.into_iter().map(|(_, source)| source).collect();
    format!(
        "{records}\n\
         {impls}\
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

/// The fields of a record type.
fn fields(resolve: &Resolve, record: TypeId) -> &[wit_parser::Field] {
    match &resolve.types[record].kind {
        TypeDefKind::Record(record) => &record.fields,
        other => panic!("an action's input and output are records, not {other:?}"),
    }
}

/// The item type of a list type.
fn list_of(resolve: &Resolve, ty: &Type) -> Option<Type> {
    match ty {
        Type::Id(id) => match resolve.types[*id].kind {
            TypeDefKind::List(item) => Some(item),
            _ => None,
        },
        _ => None,
    }
}

/// The record's `Record` impl: its byte list (an image to upload, content
/// downloaded), which travels beside the JSON.
fn record_impl(resolve: &Resolve, record: TypeId, name: &str) -> String {
    let bytes = fields(resolve, record)
        .iter()
        .find(|f| list_of(resolve, &f.ty) == Some(Type::U8));
    let bytes = bytes.map_or(String::new(), |f| {
        let rust = f.name.replace('-', "_");
        format!(
            "    const BYTES: Option<&'static str> = Some({:?});\n    \
             fn set_bytes(&mut self, bytes: Vec<u8>) {{ self.{rust} = bytes; }}\n    \
             fn take_bytes(&mut self) -> Vec<u8> {{ std::mem::take(&mut self.{rust}) }}\n",
            crate::names::camel_case(&f.name)
        )
    });
    let snake = crate::names::SNAKE_CASE_INTERFACES.contains(&super::interface_of(resolve, record));
    let snake = match snake {
        true => "    const SNAKE_CASE: bool = true;\n",
        false => "",
    };
    format!("impl crate::record::Record for {name} {{\n{bytes}{snake}}}\n")
}

/// The output record's `Output` impl: its list fields, which LINE may leave
/// out of an answer when they are empty (and the byte list, which is set
/// after the rest is read).
fn output_impl(resolve: &Resolve, record: TypeId, name: &str) -> String {
    let lists: Vec<String> = fields(resolve, record)
        .iter()
        .filter(|f| list_of(resolve, &f.ty).is_some())
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
