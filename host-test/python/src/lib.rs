//! `line_connector._native`: the Rust host library ([`Foreign`]) as a
//! Python extension module. The Python package (`python/line_connector`)
//! wraps it: JSON text crosses here, dicts and exceptions are made there.
//! Every call releases the GIL while the action runs, so other Python
//! threads go on.

use line_connector_host::foreign::{Foreign, Options, Reply};
use line_webhook_intake::hosted;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde_json::Value;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::runtime::Runtime;

/// The process's one runtime: kept-alive connections live on it between calls.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("line-connector")
            .enable_all()
            .build()
            .expect("starting the connector's runtime")
    })
}

/// Runs `call` on the runtime's workers, where the connections' own tasks
/// run (waiting on the calling thread instead, each answer would have to
/// wake it from another thread: 364 µs a push against 209 µs in Rust);
/// the calling thread, the GIL released, waits for its reply.
fn on_runtime<F>(py: Python<'_>, call: F) -> (bool, String)
where
    F: Future<Output = Reply> + Send + 'static,
{
    py.detach(|| {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        runtime().spawn(async move {
            let _ = tx.send(call.await);
        });
        match rx.recv() {
            Ok(reply) => split(reply),
            Err(_) => (
                false,
                r#"{"type":"trap","message":"the connector's call ended without a reply"}"#.into(),
            ),
        }
    })
}

/// Runs `call` on the runtime's workers and waits for its value, the GIL
/// released; `None` if the call ended without one (it panicked).
fn wait_on_runtime<T, F>(py: Python<'_>, call: F) -> Option<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    py.detach(|| {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        runtime().spawn(async move {
            let _ = tx.send(call.await);
        });
        rx.recv().ok()
    })
}

/// A host failure as `(false, trap_json)`.
fn trap(error: &anyhow::Error) -> (bool, String) {
    let error = serde_json::json!({"type": "trap", "message": format!("{error:#}")});
    (false, error.to_string())
}

/// An outcome as `(ok, json_text)`; `null` for `None`.
fn outcome(
    result: Option<anyhow::Result<Option<std::result::Result<Value, Value>>>>,
) -> (bool, String) {
    match result {
        Some(Ok(Some(Ok(value)))) => (true, value.to_string()),
        Some(Ok(Some(Err(error)))) => (false, error.to_string()),
        Some(Ok(None)) => (true, "null".into()),
        Some(Err(error)) => trap(&error),
        None => trap(&anyhow::anyhow!(
            "the connector's call ended without a reply"
        )),
    }
}

/// A reply as `(ok, json_text)`.
fn split(reply: Reply) -> (bool, String) {
    match reply {
        Reply::Ok(text) => (true, text),
        Reply::Err(text) => (false, text),
    }
}

/// The component, loaded once, with the options it was made with.
#[pyclass(frozen, module = "line_connector._native")]
struct Native {
    foreign: Arc<Foreign>,
}

#[pymethods]
impl Native {
    /// Loads the component (compiled-component cache first) with an
    /// allow-list, a proxy URL, a CA file and a `.wasm` to use instead of
    /// the embedded one, each optional; `ValueError` names a bad one.
    #[new]
    #[pyo3(signature = (*, allow=None, proxy=None, ca_file=None, component=None))]
    fn new(
        py: Python<'_>,
        allow: Option<Vec<String>>,
        proxy: Option<String>,
        ca_file: Option<PathBuf>,
        component: Option<PathBuf>,
    ) -> PyResult<Self> {
        let options = Options {
            allow,
            proxy,
            ca_file,
            component,
        };
        py.detach(|| {
            let _entered = runtime().enter();
            Foreign::new(options)
        })
        .map(|foreign| Native {
            foreign: Arc::new(foreign),
        })
        .map_err(|error| PyValueError::new_err(format!("{error:#}")))
    }

    /// Runs `action` with the config and input JSON text: `(ok, json_text)`.
    fn run(&self, py: Python<'_>, action: String, config: String, input: String) -> (bool, String) {
        let foreign = self.foreign.clone();
        on_runtime(
            py,
            async move { foreign.run(&action, &config, &input).await },
        )
    }

    /// The manifest: `(ok, json_text)`.
    fn describe(&self, py: Python<'_>) -> (bool, String) {
        let foreign = self.foreign.clone();
        on_runtime(py, async move { foreign.describe().await })
    }

    /// Starts a webhook intake with the settings' JSON text; `ValueError`
    /// names a setting it cannot use.
    fn start_intake(&self, py: Python<'_>, settings: String) -> PyResult<Intake> {
        let (connector, network) = (
            self.foreign.connector().clone(),
            self.foreign.network().clone(),
        );
        match wait_on_runtime(py, async move {
            hosted::start(connector, network, &settings).await
        }) {
            Some(Ok(running)) => Ok(Intake {
                address: running.address.to_string(),
                running: Mutex::new(Some(running)),
            }),
            Some(Err(error)) => Err(PyValueError::new_err(format!("{error:#}"))),
            None => Err(PyValueError::new_err("the intake did not start")),
        }
    }

    /// Puts a question (JSON) with the config (JSON), kept in `store`.
    fn ask(
        &self,
        py: Python<'_>,
        config: String,
        store: PathBuf,
        question: String,
    ) -> (bool, String) {
        let connector = self.foreign.connector().clone();
        outcome(wait_on_runtime(py, async move {
            hosted::ask(&connector, &config, &store.to_string_lossy(), &question)
                .await
                .map(Some)
        }))
    }

    /// Where an ask stands (`null` for one the store does not hold).
    fn ask_status(&self, py: Python<'_>, store: PathBuf, id: String) -> (bool, String) {
        outcome(wait_on_runtime(py, async move {
            hosted::status(&store.to_string_lossy(), &id)
                .await
                .map(|s| s.map(Ok))
        }))
    }

    /// Waits up to `timeout` seconds (for ever with `None`) for an ask's
    /// answer (`null` when the time ran out first).
    #[pyo3(signature = (store, id, timeout=None))]
    fn ask_wait(
        &self,
        py: Python<'_>,
        store: PathBuf,
        id: String,
        timeout: Option<f64>,
    ) -> (bool, String) {
        let timeout = timeout.map(|t| Duration::from_secs_f64(t.max(0.0)));
        outcome(wait_on_runtime(py, async move {
            hosted::wait(&store.to_string_lossy(), &id, timeout)
                .await
                .map(|s| s.map(Ok))
        }))
    }

    /// Verifies and reads a webhook batch: `(ok, json_text)`.
    fn parse(
        &self,
        py: Python<'_>,
        secret: String,
        body: &[u8],
        signature: String,
    ) -> (bool, String) {
        let (foreign, body) = (self.foreign.clone(), body.to_vec());
        on_runtime(py, async move {
            foreign.parse(&secret, &body, &signature).await
        })
    }
}

/// A running webhook intake.
#[pyclass(frozen, module = "line_connector._native")]
struct Intake {
    /// Where it listens (`HOST:PORT`).
    #[pyo3(get)]
    address: String,
    running: Mutex<Option<hosted::Running>>,
}

#[pymethods]
impl Intake {
    /// Stops it as SIGTERM does and waits until it has; again, nothing.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let Some(running) = running else {
            return Ok(());
        };
        match wait_on_runtime(py, running.stop()) {
            Some(Ok(())) => Ok(()),
            Some(Err(error)) => Err(PyValueError::new_err(format!("{error:#}"))),
            None => Err(PyValueError::new_err(
                "the intake's stop ended without a reply",
            )),
        }
    }
}

/// The embedded component's bytes, for hosts nobody here wrote (the
/// `wasmtime` package: `line_connector.wasmtime_host`).
#[pyfunction]
fn component(py: Python<'_>) -> Bound<'_, PyBytes> {
    PyBytes::new(py, line_connector_host::EMBEDDED_COMPONENT)
}

/// The module: `Native` and `component`.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Native>()?;
    module.add_class::<Intake>()?;
    module.add_function(wrap_pyfunction!(component, module)?)?;
    Ok(())
}
