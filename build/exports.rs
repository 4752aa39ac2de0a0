//! Writes the actions' exports from the WIT functions and the endpoint
//! table, so an operation needs no Rust of its own:
//!
//! - `bindings.rs`: wit-bindgen's `generate!` for the world, told to skip
//!   the actions' functions (it still embeds the whole world's types, and
//!   writes no `Guest` trait for an interface left without functions);
//! - `abi.rs`: each record an action takes or returns described once as
//!   data for `src/abi.rs` (its fields, their offsets and types, as
//!   wit-parser lays them out for wasm32), and `ACTIONS` by table row;
//! - `exports.rs`: on wasm32, each action's export and `cabi_post_`
//!   function for `src/typed.rs`, two lines each.

use super::Area;
use std::collections::HashMap;
use std::fmt::Write as _;
use wit_parser::abi::{AbiVariant, WasmType};
use wit_parser::{Function, Resolve, SizeAlign, Type, TypeDefKind, TypeId};

/// The generated sources: `bindings.rs`, `abi.rs` and `exports.rs`.
pub struct Sources {
    pub bindings: String,
    pub abi: String,
    pub exports: String,
}

/// The sources for the areas' functions, in the table's order.
pub fn sources(resolve: &Resolve, areas: &[Area]) -> Sources {
    let mut layout = Layout::new(resolve);
    let mut actions = String::new();
    let mut exported = String::new();
    let mut result_size = 0;
    let functions = areas
        .iter()
        .flat_map(|area| area.functions.iter().map(move |f| (area, f)));
    for (row, (area, function)) in functions.enumerate() {
        let interface = format!("line:messaging/{}@0.2.0", area.name);
        check_signature(resolve, function);
        let (ok, _) = super::result_types(resolve, function.result.unwrap());
        let result = function.result.unwrap();
        result_size = result_size.max(layout.sizes.size(&result).size_wasm32());
        let params: Vec<Type> = function.params.iter().map(|p| p.ty).collect();
        let offsets = layout.sizes.field_offsets(params.iter());
        let whole = layout.sizes.params(params.iter());
        let input = params.get(1).map(|ty| layout.ty(ty));
        let input_at = offsets.get(1).map_or(0, |(at, _)| at.size_wasm32());
        let output = record_of(resolve, ok);
        let input_record = params.get(1).map(|ty| record_of(resolve, *ty));
        let snake = |record: TypeId| {
            crate::names::SNAKE_CASE_INTERFACES.contains(&super::interface_of(resolve, record))
        };
        let input_bytes = input_record
            .and_then(|r| byte_field(resolve, r))
            .map(|f| crate::names::camel_case(&f));
        let output_bytes = byte_field(resolve, output).map(|f| rust_key(&f));
        let lists: Vec<String> = fields(resolve, output)
            .iter()
            .filter(|f| is_list(resolve, &f.ty))
            .map(|f| format!("{:?}", rust_key(&f.name)))
            .collect();
        let _ = writeln!(
            actions,
            "    Action {{ input: {}, input_at: {input_at}, params: ({}, {}), result: {}, output: {}, \
             input_bytes: {input_bytes:?}, output_bytes: {output_bytes:?}, \
             input_snake_case: {}, output_snake_case: {}, lists: &[{}] }},",
            input
                .as_deref()
                .map_or("None".to_owned(), |t| format!("Some({t})")),
            whole.size.size_wasm32(),
            whole.align.align_wasm32(),
            layout.ty(&result),
            layout.ty(&ok),
            input_record.is_some_and(snake),
            snake(output),
            lists.join(", "),
        );
        let name = function.legacy_core_export_name(Some(&interface));
        let _ = write!(
            exported,
            "    #[unsafe(export_name = {name:?})]\n    \
             unsafe extern \"C\" fn e{row}(params: *mut u8) -> *mut u8 {{ unsafe {{ super::enter({row}, params) }} }}\n    \
             #[unsafe(export_name = \"cabi_post_{name}\")]\n    \
             unsafe extern \"C\" fn p{row}(_: *mut u8) {{ crate::abi::post() }}\n"
        );
    }
    let config = areas[0].functions[0].params[0].ty;
    let config = layout.ty(&config);
    let count = areas.iter().map(|a| a.functions.len()).sum::<usize>();
    let abi = format!(
        "{statics}\n\
         /// The config record.\n\
         pub static CONFIG: &Ty = {config};\n\
         /// The config's secret fields (JSON names).\n\
         pub const CONFIG_SECRETS: [&str; {secret_count}] = {secrets:?};\n\
         /// Each action's records, by table row.\n\
         pub static ACTIONS: [Action; {count}] = [\n{actions}];\n\
         /// The largest result of any action, in bytes.\n\
         pub const RESULT_SIZE: usize = {result_size};\n",
        statics = layout.statics,
        secret_count = super::SECRET_FIELDS.len(),
        secrets = super::SECRET_FIELDS.map(crate::names::camel_case),
    );
    let exports = format!(
        "/// The actions' exports (wasm32 only: natively there is no host).\n\
         #[cfg(target_arch = \"wasm32\")]\n\
         mod exported {{\n{exported}}}\n"
    );
    Sources {
        bindings: bindings(resolve, areas),
        abi,
        exports,
    }
}

/// wit-bindgen's `generate!`, skipping the actions' functions.
fn bindings(resolve: &Resolve, areas: &[Area]) -> String {
    let skipped: Vec<&str> = areas
        .iter()
        .flat_map(|a| a.functions.iter().map(|f| f.name.as_str()))
        .collect();
    // `skip` goes by a function's name alone: no other function (WASI's,
    // the webhook's) may share one.
    for (_, interface) in resolve.interfaces.iter() {
        let is_area = areas
            .iter()
            .any(|a| Some(a.name) == interface.name.as_deref())
            && resolve.packages[interface.package.unwrap()].name.namespace == "line";
        if !is_area {
            for name in interface.functions.keys() {
                assert!(
                    !skipped.contains(&name.as_str()),
                    "{name} is also a function elsewhere"
                );
            }
        }
    }
    let quoted: Vec<String> = skipped.iter().map(|s| format!("{s:?}")).collect();
    format!(
        "wit_bindgen::generate!({{\n    \
         path: \"wit\",\n    \
         world: \"connector\",\n    \
         generate_all,\n    \
         // The webhook's payloads are read and written with serde.\n    \
         additional_derives: [serde::Serialize, serde::Deserialize],\n    \
         additional_derives_ignore: [\"stream-error\"],\n    \
         // The actions are exported by src/abi.rs.\n    \
         skip: [{}],\n\
         }});\n",
        quoted.join(", ")
    )
}

/// Every action is exported with its parameters in memory and its result
/// through a return pointer, as `src/abi.rs` reads and writes them.
fn check_signature(resolve: &Resolve, function: &Function) {
    let signature = resolve.wasm_signature(AbiVariant::GuestExport, function);
    assert!(
        signature.indirect_params
            && signature.retptr
            && signature.params == [WasmType::Pointer]
            && signature.results == [WasmType::Pointer],
        "{}: an action takes the config (passed in memory) and returns a result (through a pointer)",
        function.name
    );
}

/// The record a type names (through `use`s).
fn record_of(resolve: &Resolve, ty: Type) -> TypeId {
    super::underlying(resolve, super::id_of(ty))
}

/// The fields of a record type.
fn fields(resolve: &Resolve, record: TypeId) -> &[wit_parser::Field] {
    match &resolve.types[record].kind {
        TypeDefKind::Record(record) => &record.fields,
        other => panic!("an action's input and output are records, not {other:?}"),
    }
}

/// Whether `ty` is a list (an option of one too is not).
fn is_list(resolve: &Resolve, ty: &Type) -> bool {
    matches!(ty, Type::Id(id) if matches!(resolve.types[*id].kind, TypeDefKind::List(_)))
}

/// The record's byte list field (`list<u8>`), if it has one.
fn byte_field(resolve: &Resolve, record: TypeId) -> Option<String> {
    fields(resolve, record)
        .iter()
        .find(|f| matches!(f.ty, Type::Id(id) if matches!(resolve.types[id].kind, TypeDefKind::List(Type::U8))))
        .map(|f| f.name.clone())
}

/// A WIT field's name as wit-bindgen spells it in Rust (and serde in JSON):
/// `request-id` → `request_id`, `type` → `type_`.
fn rust_key(name: &str) -> String {
    let key = name.replace('-', "_");
    match key.as_str() {
        "type" => "type_".to_owned(),
        "as" | "break" | "const" | "continue" | "crate" | "else" | "enum" | "extern" | "false"
        | "fn" | "for" | "if" | "impl" | "in" | "let" | "loop" | "match" | "mod" | "move"
        | "mut" | "pub" | "ref" | "return" | "self" | "static" | "struct" | "super" | "trait"
        | "true" | "unsafe" | "use" | "where" | "while" | "async" | "await" | "dyn"
        | "abstract" | "become" | "box" | "do" | "final" | "macro" | "override" | "priv"
        | "typeof" | "unsized" | "virtual" | "yield" | "try" | "gen" => {
            panic!("the field {name} is a Rust keyword; add how wit-bindgen spells it here")
        }
        _ => key,
    }
}

/// A WIT case's name as wit-bindgen spells it in Rust (and serde in JSON):
/// `invalid-input` → `InvalidInput`.
fn rust_case(name: &str) -> String {
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

/// The types' descriptions, each written once as a static.
struct Layout<'a> {
    resolve: &'a Resolve,
    sizes: SizeAlign,
    /// Each defined type's static, by its id.
    named: HashMap<TypeId, String>,
    /// The statics' source.
    statics: String,
}

impl<'a> Layout<'a> {
    fn new(resolve: &'a Resolve) -> Self {
        let mut sizes = SizeAlign::default();
        sizes.fill(resolve);
        Layout {
            resolve,
            sizes,
            named: HashMap::new(),
            statics: String::new(),
        }
    }

    /// A `&'static Ty` expression for `ty`.
    fn ty(&mut self, ty: &Type) -> String {
        match ty {
            Type::Bool => "&Ty::Bool".into(),
            Type::U8 => "&Ty::U8".into(),
            Type::U16 => "&Ty::U16".into(),
            Type::U32 => "&Ty::U32".into(),
            Type::U64 => "&Ty::U64".into(),
            Type::S64 => "&Ty::S64".into(),
            Type::F64 => "&Ty::F64".into(),
            Type::String => "&Ty::String".into(),
            Type::Id(id) => self.defined(*id),
            other => panic!("src/abi.rs has no {other:?}; add it there and here"),
        }
    }

    /// The static describing the defined type `id` (written the first time).
    fn defined(&mut self, id: TypeId) -> String {
        if let Some(name) = self.named.get(&id) {
            return format!("&{name}");
        }
        let kind = &self.resolve.types[id].kind;
        if let TypeDefKind::Type(inner) = kind {
            return self.ty(inner);
        }
        let name = format!("T{}", self.named.len());
        self.named.insert(id, name.clone());
        let body = match kind {
            TypeDefKind::Record(record) => {
                let types: Vec<Type> = record.fields.iter().map(|f| f.ty).collect();
                let offsets = self.sizes.field_offsets(types.iter());
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .zip(offsets)
                    .map(|(field, (offset, ty))| {
                        format!(
                            "Field {{ key: {:?}, offset: {}, ty: {} }}",
                            rust_key(&field.name),
                            offset.size_wasm32(),
                            self.ty(ty)
                        )
                    })
                    .collect();
                format!("Ty::Record(&[{}])", fields.join(", "))
            }
            TypeDefKind::Option(some) => {
                let at = self.sizes.payload_offset(wit_parser::Int::U8, [Some(some)]);
                format!(
                    "Ty::Option {{ some: {}, at: {} }}",
                    self.ty(some),
                    at.size_wasm32()
                )
            }
            TypeDefKind::List(Type::U8) => "Ty::Bytes".into(),
            TypeDefKind::List(item) => format!(
                "Ty::List {{ item: {}, size: {}, align: {} }}",
                self.ty(item),
                self.sizes.size(item).size_wasm32(),
                self.sizes.align(item).align_wasm32()
            ),
            TypeDefKind::Enum(e) => {
                assert!(e.cases.len() <= 256, "an enum of one byte");
                let cases: Vec<String> = e
                    .cases
                    .iter()
                    .map(|c| format!("{:?}", rust_case(&c.name)))
                    .collect();
                format!("Ty::Enum(&[{}])", cases.join(", "))
            }
            TypeDefKind::Variant(v) => {
                assert!(v.cases.len() <= 256, "a variant of one byte");
                let cases: Vec<(String, Option<Type>)> =
                    v.cases.iter().map(|c| (rust_case(&c.name), c.ty)).collect();
                self.variant(&cases)
            }
            TypeDefKind::Result(r) => self.variant(&[("Ok".into(), r.ok), ("Err".into(), r.err)]),
            other => panic!("src/abi.rs has no {other:?}; add it there and here"),
        };
        let _ = writeln!(self.statics, "static {name}: Ty = {body};");
        format!("&{name}")
    }

    /// A variant's (or result's) description.
    fn variant(&mut self, cases: &[(String, Option<Type>)]) -> String {
        let at = self
            .sizes
            .payload_offset(wit_parser::Int::U8, cases.iter().map(|(_, ty)| ty.as_ref()));
        let cases: Vec<String> = cases
            .iter()
            .map(|(name, ty)| {
                let ty = ty.map_or("None".to_owned(), |ty| format!("Some({})", self.ty(&ty)));
                format!("({name:?}, {ty})")
            })
            .collect();
        format!(
            "Ty::Variant {{ cases: &[{}], at: {} }}",
            cases.join(", "),
            at.size_wasm32()
        )
    }
}
