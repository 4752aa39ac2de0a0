//! Tests that load the real connector component through the wasmtime host
//! and drive it against the LINE simulator on loopback.

mod actions;
mod audience;
mod auth;
mod chats;
mod cli;
mod conformance;
mod errors;
mod fuzz;
mod host;
mod hostile;
mod input;
mod intake;
mod layout;
mod liff;
mod manifest;
mod mcp;
mod node;
mod openapi;
mod packages;
mod playbook;
mod prism;
mod proxy;
mod python;
mod resources;
mod retries;
mod rich_menu;
mod rules;
mod sandbox;
mod secrets;
mod soak;
mod stubs;
mod support;
mod tokens;
mod webhook;
mod world;
