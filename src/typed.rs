//! The actions' typed exports: each lifts its config and input from the
//! parameters the host passed ([`abi::lift`]), runs its table row
//! ([`call::run`]) and lowers the result into the return area
//! ([`abi::lower`]); the host then calls its `cabi_post_` export, which
//! frees what the result holds ([`abi::post`]).

// Natively (the unit tests) there is no host to call the exports.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use crate::abi::{self, ACTIONS, CONFIG, Output};
use crate::call;
use crate::types::ErrorCode;
use serde_json::{Map, Value};

// Each action's export and `cabi_post_` function (build/exports.rs).
include!(concat!(env!("OUT_DIR"), "/exports.rs"));

/// Runs the action of table row `row` with the input record and config
/// lifted from `params`, and lowers its result into `ret`.
///
/// # Safety
/// `params` is what the host passed to the row's export: its parameters
/// in memory it allocated, now ours to free; `ret` has room for the
/// result.
unsafe fn export(row: usize, params: *mut u8, ret: *mut u8) {
    let action = &ACTIONS[row];
    let mut bytes = Vec::new();
    // SAFETY: the parameters are the config, then the input at `input_at`.
    let (config, input) = unsafe {
        let config = abi::lift(CONFIG, params, &mut bytes);
        let input = action
            .input
            .map(|ty| abi::lift(ty, params.add(action.input_at as usize), &mut bytes));
        abi::free(params, action.params.0 as usize, action.params.1 as usize);
        (config, input)
    };
    let fields = match input {
        Some(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    let result = serde_json::from_value(config)
        // Lifted from a `config` record, it always reads; the message names
        // no value (serde would quote one, and a config holds secrets).
        .map_err(|_| crate::error::invalid("config", "does not read as the config record"))
        .and_then(|config| call::run(row, &config, fields, bytes));
    let (value, mut bytes) = match result {
        Ok(Output { fields, bytes }) => (case("Ok", fields), bytes),
        Err(error) => (case("Err", error_value(&error)), None),
    };
    abi::post();
    // SAFETY: `ret` has room for the result, which is the row's.
    unsafe { abi::lower(action.result, &value, ret, &mut bytes) };
}

/// A case of a variant (here the result) as serde writes it: `{"Ok": …}`.
fn case(name: &str, value: Value) -> Value {
    Value::Object(Map::from_iter([(name.to_owned(), value)]))
}

/// An `error-code` as JSON (serde's: `{"InvalidInput": {"field": …}}`).
fn error_value(error: &ErrorCode) -> Value {
    serde_json::to_value(error).unwrap_or_default()
}

/// The return area: where each export writes its result for the host to
/// read (the largest result of any action).
#[cfg(target_arch = "wasm32")]
#[repr(C, align(8))]
struct ReturnArea([u8; abi::RESULT_SIZE]);

#[cfg(target_arch = "wasm32")]
static mut RETURN_AREA: ReturnArea = ReturnArea([0; abi::RESULT_SIZE]);

/// An action's export: runs table row `row` with the parameters at
/// `params` and returns where its result is.
///
/// # Safety
/// Called by the host only, through the row's export.
#[cfg(target_arch = "wasm32")]
unsafe fn enter(row: usize, params: *mut u8) -> *mut u8 {
    wit_bindgen::rt::run_ctors_once();
    let ret = (&raw mut RETURN_AREA).cast::<u8>();
    // SAFETY: the host passes the row's parameters; the area fits any result.
    unsafe { export(row, params, ret) };
    ret
}
