//! `line-connector mcp`: the connector as a Model Context Protocol server
//! for AI agents, over stdio or Streamable HTTP, on rmcp (the official Rust
//! SDK). The tools come from the component's manifest ([`catalogue`]); the
//! operator decides which an agent may use ([`exposure`]); each call runs
//! through the same host as the command and the Python and Node packages
//! ([`server`]); HTTP needs a bearer token off loopback ([`http`]).

pub mod catalogue;
pub mod exposure;
pub mod http;
pub mod server;

pub use exposure::Exposure;
pub use server::{LineServer, Listing, Settings};

/// Serves `server` on this process's stdin and stdout until the client
/// closes them.
pub async fn serve_stdio(server: LineServer) -> anyhow::Result<()> {
    use rmcp::ServiceExt as _;
    let running = server.serve(rmcp::transport::stdio()).await?;
    running.waiting().await?;
    Ok(())
}
