//! `line_connector._native`: the Rust host library ([`Foreign`]) as a
//! Python extension module. The Python package (`python/line_connector`)
//! wraps it: JSON text crosses here, dicts and exceptions are made there.
//! Every call releases the GIL while the action runs, so other Python
//! threads go on.

use line_connector_host::foreign::{Foreign, Options, Reply};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;
use std::sync::OnceLock;
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
    foreign: Foreign,
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
        .map(|foreign| Native { foreign })
        .map_err(|error| PyValueError::new_err(format!("{error:#}")))
    }

    /// Runs `action` with the config and input JSON text: `(ok, json_text)`.
    fn run(&self, py: Python<'_>, action: &str, config: &str, input: &str) -> (bool, String) {
        split(py.detach(|| runtime().block_on(self.foreign.run(action, config, input))))
    }

    /// The manifest: `(ok, json_text)`.
    fn describe(&self, py: Python<'_>) -> (bool, String) {
        split(py.detach(|| runtime().block_on(self.foreign.describe())))
    }

    /// Verifies and reads a webhook batch: `(ok, json_text)`.
    fn parse(&self, py: Python<'_>, secret: &str, body: &[u8], signature: &str) -> (bool, String) {
        split(py.detach(|| runtime().block_on(self.foreign.parse(secret, body, signature))))
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
    module.add_function(wrap_pyfunction!(component, module)?)?;
    Ok(())
}
