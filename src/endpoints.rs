//! The `actions` exports: one function per row of the [`table`](crate::table),
//! each running its operation through [`call::run`](crate::call::run), and
//! `dispatch`, which runs them by name for `invoke`. Written by the build
//! script from the WIT functions and the table (`build/exports.rs`), so an
//! operation needs no Rust here.

use crate::types::*;
use serde_json::{Map, Value};

include!(concat!(env!("OUT_DIR"), "/exports.rs"));
