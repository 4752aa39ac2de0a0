//! Loading the connector component and running its actions: one `Engine`,
//! one `InstancePre`, and an instance per config kept warm between actions
//! ([`crate::warm`]), or one per [`Session`].

use crate::json::{self, InputError};
use crate::network::Network;
use crate::pool::Pool;
use crate::sandbox::Sandbox;
use crate::warm::Warm;
use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;
use std::sync::Arc;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{
    Component, ComponentExportIndex, Instance, InstancePre, Linker, ResourceTable, Val,
};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// The exported interface with `describe` and `invoke`; every other
/// exported interface with functions holds actions (one per area of LINE's
/// API), and `types` holds what they share.
pub const MANIFEST_INTERFACE: &str = "line:messaging/manifest@0.2.0";

/// The exported interface that verifies and reads webhook batches.
pub const WEBHOOK_INTERFACE: &str = "line:messaging/webhook@0.2.0";

/// The custom section that carries the connector's manifest (JSON,
/// zlib-compressed: `zlib.decompress` in Python, `zlib.inflateSync` in Node).
pub const MANIFEST_SECTION: &str = "line-connector-manifest.zlib";

/// The most a manifest may inflate to (it is about 350 KB).
const MAX_MANIFEST_BYTES: usize = 16 << 20;

/// The manifest a component carries in its custom section, read without
/// compiling or running anything.
pub fn manifest_of(wasm: &[u8]) -> Result<Value> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CustomSection(section) = payload?
            && section.name() == MANIFEST_SECTION
        {
            let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(
                section.data(),
                MAX_MANIFEST_BYTES,
            )
            .map_err(|e| anyhow!("the manifest section does not inflate: {e:?}"))?;
            return serde_json::from_slice(&json).context("the manifest section is not JSON");
        }
    }
    bail!("the component carries no {MANIFEST_SECTION} section")
}

pub use crate::embedded::EMBEDDED_COMPONENT;

/// Why the component did not accept a webhook batch (the WIT's
/// `webhook-error`), lifted from a typed call.
#[derive(wasmtime::component::ComponentType, wasmtime::component::Lift, Debug)]
#[component(variant)]
enum WebhookError {
    #[component(name = "missing-secret")]
    MissingSecret,
    #[component(name = "missing-signature")]
    MissingSignature,
    #[component(name = "malformed-signature")]
    MalformedSignature,
    #[component(name = "signature-mismatch")]
    SignatureMismatch,
    #[component(name = "too-large")]
    TooLarge(u32),
    #[component(name = "not-json")]
    NotJson(String),
}

impl WebhookError {
    /// The error as JSON, as every other error: `{"type": case}`, and the
    /// case's value as `value`.
    fn to_json(&self) -> Value {
        let (case, value) = match self {
            WebhookError::MissingSecret => ("missing-secret", None),
            WebhookError::MissingSignature => ("missing-signature", None),
            WebhookError::MalformedSignature => ("malformed-signature", None),
            WebhookError::SignatureMismatch => ("signature-mismatch", None),
            WebhookError::TooLarge(max) => ("too-large", Some(Value::from(*max))),
            WebhookError::NotJson(why) => ("not-json", Some(Value::from(why.as_str()))),
        };
        match value {
            Some(value) => serde_json::json!({"type": case, "value": value}),
            None => serde_json::json!({"type": case}),
        }
    }
}

/// One exported action: its WIT name, type and export index.
#[derive(Clone)]
pub struct Action {
    /// The WIT function name, e.g. `validate-push`.
    pub name: String,
    ty: ComponentFunc,
    index: ComponentExportIndex,
    /// Whether its input or result holds a byte list (an image, content).
    bytes: bool,
    /// How its input's and result's fields are named in JSON.
    names: json::Names,
}

impl Action {
    /// Whether the action takes a request record (besides the config).
    pub fn takes_input(&self) -> bool {
        self.ty.params().len() > 1
    }
}

/// The outcome of an action: `Ok` with the result JSON, or `Err` with the
/// error JSON (`{"type": "invalid-input", "field": ..., "message": ...}`).
pub type Outcome = std::result::Result<Value, Value>;

/// A loaded connector component, ready to run actions.
pub struct Connector {
    engine: Engine,
    pre: InstancePre<HostState>,
    actions: Vec<Action>,
    describe: ComponentExportIndex,
    invoke: ComponentExportIndex,
    webhook: Vec<(&'static str, ComponentExportIndex)>,
    pool: Arc<Pool>,
    limits: Limits,
    warm: Warm<(Store<HostState>, Instance)>,
}

/// An instance whose memory grew past this is not kept warm (its memory
/// would stay that large while it waits).
pub const MAX_WARM_MEMORY: usize = 32 << 20;

impl Connector {
    /// Loads the component embedded in this host.
    pub fn embedded() -> Result<Self> {
        Self::from_bytes(EMBEDDED_COMPONENT)
    }

    /// Loads a component from a `.wasm` file, with these [`Limits`]
    /// ([`Limits::for_this_process`] unless the caller knows better).
    pub fn from_file(path: &std::path::Path, limits: Limits) -> Result<Self> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Self::with_limits(&bytes, limits)
    }

    /// Loads a component given as bytes: compiled, or from the
    /// [`cache`](crate::cache) of compiled components; then linked.
    pub fn from_bytes(wasm: &[u8]) -> Result<Self> {
        Self::with_limits(wasm, Limits::for_this_process())
    }

    /// Loads a component given as bytes, with these [`Limits`]; its
    /// connections go by the environment's proxy and roots
    /// ([`Network::from_env`]) until [`Connector::with_network`] says otherwise.
    pub fn with_limits(wasm: &[u8], limits: Limits) -> Result<Self> {
        let engine = Engine::new(&engine_config(&limits))
            .map_err(anyhow::Error::from)
            .context("setting up the engine (Limits: the address space it reserves)")?;
        let component = crate::cache::load(&engine, wasm)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        let pre = linker.instantiate_pre(&component)?;
        let actions = list_actions(&engine, &component)?;
        let function = |name: &str| {
            let (_, interface) = component
                .get_export(None, MANIFEST_INTERFACE)
                .ok_or_else(|| anyhow!("the component does not export {MANIFEST_INTERFACE}"))?;
            let (_, index) = component
                .get_export(Some(&interface), name)
                .ok_or_else(|| anyhow!("{MANIFEST_INTERFACE} has no {name}"))?;
            anyhow::Ok(index)
        };
        let webhook = component
            .get_export(None, WEBHOOK_INTERFACE)
            .map(|(_, interface)| {
                ["verify", "parse", "parse-json"]
                    .into_iter()
                    .filter_map(|name| {
                        Some((name, component.get_export(Some(&interface), name)?.1))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Connector {
            webhook,
            describe: function("describe")?,
            invoke: function("invoke")?,
            engine,
            pre,
            actions,
            pool: Arc::new(Pool::new(Network::from_env()?)),
            // Keep at most a quarter of the instance slots warm.
            warm: Warm::new(limits.instances as usize / 4),
            limits,
        })
    }

    /// The same connector, its connections going by `network` (a proxy,
    /// added roots) instead; connections kept so far are dropped.
    pub fn with_network(mut self, network: Network) -> Self {
        self.pool = Arc::new(Pool::new(network));
        self
    }

    /// What this connector reserves.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The exported actions, in WIT order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The action called `name`.
    pub fn action(&self, name: &str) -> Result<&Action> {
        self.actions
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| anyhow!("no action {name:?}; `line-connector actions` lists them"))
    }

    /// Runs `action` with the config and input JSON in an instance that
    /// may reach only the config's hosts ([`Sandbox::for_config`]): one kept
    /// warm from an earlier run of the same config (its fetched token
    /// reused), or a new one, kept afterwards unless it trapped or grew past
    /// [`MAX_WARM_MEMORY`]. Input that does not fit the WIT types is an
    /// `invalid-input` outcome; a trap or a missing action is an `Err`.
    pub async fn run(&self, action: &str, config: &Value, input: &Value) -> Result<Outcome> {
        self.run_in(Sandbox::for_config(config), action, config, input)
            .await
    }

    /// [`Connector::run`] in an instance that may reach only what `sandbox`
    /// allows (an operator's allow-list): warm instances are kept per
    /// sandbox and config, so one never serves another allow-list.
    pub async fn run_in(
        &self,
        sandbox: Sandbox,
        action: &str,
        config: &Value,
        input: &Value,
    ) -> Result<Outcome> {
        let key = format!("{:?}\n{config}", sandbox.hosts());
        let mut session = match self.warm.take(&key) {
            Some((store, instance)) => Session {
                connector: self,
                store,
                instance,
            },
            None => self.session(sandbox).await?,
        };
        let outcome = session.run(action, config, input).await;
        if outcome.is_ok() && session.peak_memory() <= MAX_WARM_MEMORY {
            let Session {
                store, instance, ..
            } = session;
            self.warm.give(key, (store, instance));
        }
        outcome
    }

    /// A new instance for several actions in a row (a fetched token is
    /// reused across them), reaching only what `sandbox` allows, on this
    /// connector's kept-alive connections ([`Pool`]).
    pub async fn session(&self, sandbox: Sandbox) -> Result<Session<'_>> {
        let sandbox = sandbox.pooling(self.pool.clone());
        let mut store = Store::new(&self.engine, HostState::new(sandbox.clone()));
        store.limiter(|state| &mut state.memory);
        let instance = match self.pre.instantiate_async(&mut store).await {
            Ok(instance) => instance,
            // Every slot taken: the warm instances give theirs up.
            Err(_) if self.warm.clear() => {
                store = Store::new(&self.engine, HostState::new(sandbox));
                store.limiter(|state| &mut state.memory);
                self.pre.instantiate_async(&mut store).await?
            }
            Err(error) => return Err(error.into()),
        };
        Ok(Session {
            connector: self,
            store,
            instance,
        })
    }
}

/// One component instance, kept for several actions.
pub struct Session<'c> {
    connector: &'c Connector,
    store: Store<HostState>,
    instance: Instance,
}

impl Session<'_> {
    /// The largest the instance's linear memories have been, in bytes.
    pub fn peak_memory(&self) -> usize {
        self.store.data().memory.0
    }

    /// The manifest, as `describe` returns it.
    pub async fn describe(&mut self) -> Result<Value> {
        let results = self.call(self.connector.describe, &[]).await?;
        match &results {
            Val::String(text) => Ok(serde_json::from_str(text)?),
            other => bail!("describe returned {other:?}"),
        }
    }

    /// Runs `action` by name through `invoke`, with the config and input as
    /// JSON text: `Ok` with the output JSON, or `Err` with the error JSON.
    pub async fn invoke(&mut self, action: &str, config: &Value, input: &Value) -> Result<Outcome> {
        self.invoke_text(action, &config.to_string(), &input.to_string())
            .await
    }

    /// [`Session::invoke`] with the config and input as JSON text, passed
    /// on as they are (they need not be valid JSON).
    pub async fn invoke_text(
        &mut self,
        action: &str,
        config: &str,
        input: &str,
    ) -> Result<Outcome> {
        if let Err(error) = self.fits(config.len() + input.len()) {
            return Ok(Err(error.to_json()));
        }
        let params = [action, config, input].map(|text| Val::String(text.to_owned()));
        let outcome = match self.call(self.connector.invoke, &params).await? {
            Val::Result(Ok(Some(output))) => match *output {
                Val::String(text) => Ok(serde_json::from_str(&text)?),
                other => bail!("invoke returned {other:?}"),
            },
            Val::Result(Err(Some(error))) => Err(json::from_val(&error)),
            other => bail!("invoke returned {other:?}"),
        };
        Ok(self.cleaned(outcome))
    }

    /// Whether input of `bytes` (as JSON text) fits this instance's memory
    /// ([`Limits::max_input_bytes`]).
    fn fits(&self, bytes: usize) -> std::result::Result<(), InputError> {
        let max = self.connector.limits.max_input_bytes();
        if bytes <= max {
            return Ok(());
        }
        Err(InputError::new(
            "",
            format!(
                "is {bytes} bytes of JSON; this host takes at most {max} (Limits::memory_bytes / 8)"
            ),
        ))
    }

    /// Calls the webhook function `function` (`verify`, `parse` or
    /// `parse-json`) with the channel secret, the body as received and the
    /// `X-Line-Signature` value: `Ok` with the batch (`null` for verify, the
    /// events as JSON), or `Err` with the error (`{"type": …}`).
    ///
    /// `verify` and `parse-json` go through typed functions, so the body
    /// crosses into the component as one copy of its bytes (as values, a
    /// 1 MiB body cost tens of milliseconds before its signature was known
    /// good); `parse`'s records come back as values.
    pub async fn webhook(
        &mut self,
        function: &str,
        secret: &str,
        body: &[u8],
        signature: &str,
    ) -> Result<Outcome> {
        match function {
            "verify" => {
                let (_, func) = self.webhook_function("verify")?;
                let (outcome,) = func
                    .typed::<(&str, &[u8], &str), (std::result::Result<(), WebhookError>,)>(
                        &self.store,
                    )?
                    .call_async(&mut self.store, (secret, body, signature))
                    .await
                    .map_err(|e| anyhow::Error::from(e).context("the component trapped"))?;
                Ok(outcome
                    .map(|()| Value::Null)
                    .map_err(|error| error.to_json()))
            }
            "parse-json" => Ok(match self.parse_json(secret, body, signature).await? {
                Ok(text) => Ok(serde_json::from_str(&text)?),
                Err(error) => Err(error),
            }),
            _ => {
                let (index, _) = self.webhook_function(function)?;
                self.webhook_as_values(index, secret, body, signature).await
            }
        }
    }

    /// `parse-json`'s text as the component wrote it (the webhook intake
    /// reads it event by event, not as one JSON tree), or its error.
    pub async fn parse_json(
        &mut self,
        secret: &str,
        body: &[u8],
        signature: &str,
    ) -> Result<std::result::Result<String, Value>> {
        let (_, func) = self.webhook_function("parse-json")?;
        let (outcome,) = func
            .typed::<(&str, &[u8], &str), (std::result::Result<String, WebhookError>,)>(
                &self.store,
            )?
            .call_async(&mut self.store, (secret, body, signature))
            .await
            .map_err(|e| anyhow::Error::from(e).context("the component trapped"))?;
        Ok(outcome.map_err(|error| error.to_json()))
    }

    /// The webhook function `function` of this instance, and its export index.
    fn webhook_function(
        &mut self,
        function: &str,
    ) -> Result<(ComponentExportIndex, wasmtime::component::Func)> {
        let (_, index) = self
            .connector
            .webhook
            .iter()
            .find(|(name, _)| *name == function)
            .copied()
            .ok_or_else(|| anyhow!("the component has no webhook function {function:?}"))?;
        let func = self
            .instance
            .get_func(&mut self.store, index)
            .ok_or_else(|| anyhow!("not a function"))?;
        Ok((index, func))
    }

    /// [`Session::webhook`] for `parse`, whose records come back as values.
    async fn webhook_as_values(
        &mut self,
        index: ComponentExportIndex,
        secret: &str,
        body: &[u8],
        signature: &str,
    ) -> Result<Outcome> {
        let params = [
            Val::String(secret.to_owned()),
            Val::List(body.iter().copied().map(Val::U8).collect()),
            Val::String(signature.to_owned()),
        ];
        match self.call(index, &params).await? {
            Val::Result(Ok(value)) => Ok(Ok(value.as_deref().map_or(Value::Null, json::from_val))),
            Val::Result(Err(error)) => Ok(Err(error
                .as_deref()
                .map(json::from_val)
                .unwrap_or(Value::Null))),
            other => bail!("parse returned {other:?}"),
        }
    }

    /// Calls an exported function; its one result.
    async fn call(&mut self, index: ComponentExportIndex, params: &[Val]) -> Result<Val> {
        let func = self
            .instance
            .get_func(&mut self.store, index)
            .ok_or_else(|| anyhow!("not a function"))?;
        let mut results = [Val::Bool(false)];
        func.call_async(&mut self.store, params, &mut results)
            .await
            .map_err(anyhow::Error::from)
            .context("the component trapped")?;
        Ok(results.into_iter().next().unwrap())
    }

    /// Runs `action` in this instance (see [`Connector::run`]): through
    /// its typed function ([`Session::run_typed`]), or, for an action whose
    /// input or result holds bytes (an image, content), through `invoke`,
    /// where the bytes travel as base64 text: as values, each byte would
    /// cost the host tens of bytes (a 20 MB input took 870 MB).
    pub async fn run(&mut self, action: &str, config: &Value, input: &Value) -> Result<Outcome> {
        match self.connector.action(action)?.bytes {
            true => self.invoke(action, config, input).await,
            false => self.run_typed(action, config, input).await,
        }
    }

    /// An outcome cleaned of the secrets the host added itself (a proxy's
    /// credentials, which the component never sees to redact).
    fn cleaned(&self, mut outcome: Outcome) -> Outcome {
        let network = self.connector.pool.network();
        match &mut outcome {
            Ok(value) | Err(value) => network.clean(value),
        };
        outcome
    }

    /// Runs `action` in this instance through its typed function, the
    /// config and input converted to its WIT types.
    pub async fn run_typed(
        &mut self,
        action: &str,
        config: &Value,
        input: &Value,
    ) -> Result<Outcome> {
        let action = self.connector.action(action)?;
        let size = json::text_len(config) + json::text_len(input);
        let params = match self
            .fits(size)
            .and_then(|()| build_params(action, config, input))
        {
            Ok(params) => params,
            Err(err) => return Ok(Err(err.to_json())),
        };
        let func = self
            .instance
            .get_func(&mut self.store, action.index)
            .ok_or_else(|| anyhow!("{} is not a function", action.name))?;
        let mut results = [Val::Bool(false)];
        func.call_async(&mut self.store, &params, &mut results)
            .await
            .map_err(anyhow::Error::from)
            .with_context(|| format!("the component trapped in {}", action.name))?;
        let outcome = match &results[0] {
            Val::Result(Ok(value)) => Ok(value
                .as_deref()
                .map(|value| json::from_val_named(value, action.names))
                .unwrap_or(Value::Null)),
            Val::Result(Err(error)) => {
                Err(error.as_deref().map(json::from_val).unwrap_or(Value::Null))
            }
            other => bail!("{} returned {other:?}, not a result", action.name),
        };
        Ok(self.cleaned(outcome))
    }
}

/// Converts the config and input JSON to the action's parameters.
fn build_params(
    action: &Action,
    config: &Value,
    input: &Value,
) -> std::result::Result<Vec<Val>, InputError> {
    let mut params = Vec::new();
    for (i, (_, ty)) in action.ty.params().enumerate() {
        params.push(match i {
            0 => json::to_val(&ty, config, "config")?,
            _ => json::to_val_named(&ty, input, "", action.names)?,
        });
    }
    if !action.takes_input() {
        json::expect_empty(input)?;
    }
    Ok(params)
}

/// What a [`Connector`] reserves: how many instances may exist at once
/// (actions running at once), and how much linear memory each may use. The
/// pooling allocator reserves address space for all of them up front
/// ([`Limits::reserved_bytes`]), which must fit under the process's
/// address-space limit (`ulimit -v`); [`Limits::for_this_process`] sees to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Instances that may exist at once; instantiating one more fails.
    pub instances: u32,
    /// The most linear memory one instance may use, in bytes (a multiple of
    /// 64 KiB). Input too large for it is refused before the action runs
    /// ([`Limits::max_input_bytes`]).
    pub memory_bytes: u64,
}

impl Default for Limits {
    /// 256 instances of 256 MiB each (64 GiB of address space, of which a
    /// push touches 320 KiB).
    fn default() -> Self {
        Limits {
            instances: 256,
            memory_bytes: 256 << 20,
        }
    }
}

impl Limits {
    /// The default, with fewer instances where the process's address space
    /// is limited, so the reservation takes at most half of it (under
    /// `ulimit -v 4194304`, 4 GiB: 7 instances).
    pub fn for_this_process() -> Self {
        let limits = Limits::default();
        match address_space_limit() {
            Some(limit) => {
                let fit = limit / 2 / (limits.memory_bytes + GUARD_BYTES);
                Limits {
                    instances: u32::try_from(fit)
                        .unwrap_or(u32::MAX)
                        .clamp(1, limits.instances),
                    ..limits
                }
            }
            None => limits,
        }
    }

    /// The address space the pool reserves for linear memories.
    pub fn reserved_bytes(&self) -> u64 {
        u64::from(self.instances) * (self.memory_bytes + GUARD_BYTES)
    }

    /// The largest input (as JSON text, in bytes) an action is given: an
    /// eighth of an instance's memory, which leaves room for the component
    /// to parse, check and batch it. A larger one is an `invalid-input`
    /// error, never a trap.
    pub fn max_input_bytes(&self) -> usize {
        usize::try_from(self.memory_bytes / 8).unwrap_or(usize::MAX)
    }
}

/// The guard after each linear memory (bounds are checked in code).
const GUARD_BYTES: u64 = 64 << 10;

/// The process's address-space limit (`ulimit -v`, RLIMIT_AS), if any.
fn address_space_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct it is given.
    let read = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } == 0;
    (read && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

/// The engine's settings: the pooling allocator, which keeps instance
/// memories and fiber stacks ready for reuse instead of mapping new ones for
/// every action, sized by `limits` (the component has one linear memory);
/// each memory's reservation is its maximum size and a small guard (bounds
/// are checked in code), not wasmtime's default of 4 GiB and more.
pub fn engine_config(limits: &Limits) -> Config {
    let n = limits.instances.max(1);
    let mut pooling = wasmtime::PoolingAllocationConfig::default();
    pooling
        .total_component_instances(n)
        .total_core_instances(n * 8)
        .total_memories(n)
        .total_tables(n * 8)
        .total_stacks(n)
        .max_memory_size(usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX))
        // An action touches a few hundred KiB of linear memory: resetting it with
        // memset beats unmapping it (page faults, TLB shootdowns) each time.
        .linear_memory_keep_resident(2 << 20)
        .table_keep_resident(64 << 10)
        .async_stack_keep_resident(256 << 10);
    let mut config = Config::new();
    if std::env::var_os("LINE_CONNECTOR_PERFMAP").is_some() {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    config
        .memory_reservation(limits.memory_bytes)
        .memory_reservation_for_growth(0)
        .memory_guard_size(GUARD_BYTES)
        .guard_before_linear_memory(false)
        .allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pooling));
    config
}

/// Reads the actions from the component's exported interfaces (the
/// functions that take the config: not the manifest's or webhook's), in the
/// order the component exports them.
fn list_actions(engine: &Engine, component: &Component) -> Result<Vec<Action>> {
    let mut actions = Vec::new();
    for (interface_name, item) in component.component_type().exports(engine) {
        let ComponentItem::ComponentInstance(instance) = item.ty else {
            continue;
        };
        if interface_name == MANIFEST_INTERFACE {
            continue;
        }
        let (_, interface) = component
            .get_export(None, interface_name)
            .ok_or_else(|| anyhow!("missing export {interface_name}"))?;
        for (name, export) in instance.exports(engine) {
            // Actions take the config first (webhook's functions take none).
            let takes_config =
                |ty: &ComponentFunc| ty.params().next().is_some_and(|(p, _)| p == "config");
            if let ComponentItem::ComponentFunc(ty) = export.ty
                && takes_config(&ty)
            {
                let (_, index) = component
                    .get_export(Some(&interface), name)
                    .ok_or_else(|| anyhow!("missing export {name}"))?;
                let types = ty.params().map(|(_, t)| t).chain(ty.results());
                let bytes = types.collect::<Vec<_>>().iter().any(holds_bytes);
                let area = interface_name.split(['/', '@']).nth(1).unwrap_or_default();
                actions.push(Action {
                    name: name.to_owned(),
                    ty,
                    index,
                    bytes,
                    names: match json::snake_case_interface(area) {
                        true => json::snake_name,
                        false => json::camel_case,
                    },
                });
            }
        }
    }
    if actions.is_empty() {
        bail!("the component exports no actions");
    }
    Ok(actions)
}

/// Whether a value of type `ty` may hold a byte list (`list<u8>`).
fn holds_bytes(ty: &wasmtime::component::types::Type) -> bool {
    use wasmtime::component::types::Type;
    match ty {
        Type::List(list) => list.ty() == Type::U8 || holds_bytes(&list.ty()),
        Type::Record(record) => record.fields().any(|f| holds_bytes(&f.ty)),
        Type::Option(option) => holds_bytes(&option.ty()),
        Type::Result(result) => result
            .ok()
            .iter()
            .chain(result.err().iter())
            .any(holds_bytes),
        Type::Variant(variant) => variant
            .cases()
            .any(|c| c.ty.as_ref().is_some_and(holds_bytes)),
        _ => false,
    }
}

/// What each instance's store holds: WASI, WASI-HTTP, the sandbox that
/// decides where requests may go, and their resources.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    sandbox: Sandbox,
    table: ResourceTable,
    memory: PeakMemory,
}

/// Records the largest linear memory an instance asked for.
#[derive(Default)]
struct PeakMemory(usize);

impl wasmtime::ResourceLimiter for PeakMemory {
    fn memory_growing(
        &mut self,
        _: usize,
        desired: usize,
        _: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.0 = self.0.max(desired);
        Ok(true)
    }

    fn table_growing(&mut self, _: usize, _: usize, _: Option<usize>) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

impl HostState {
    fn new(sandbox: Sandbox) -> Self {
        HostState {
            wasi: WasiCtx::builder().inherit_stderr().build(),
            http: WasiHttpCtx::new(),
            sandbox,
            table: ResourceTable::new(),
            memory: PeakMemory::default(),
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.sandbox,
        }
    }
}
