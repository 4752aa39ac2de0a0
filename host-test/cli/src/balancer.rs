//! A small loopback TCP load balancer, as platforms put in front of the
//! intakes' replicas (for the benchmark and the replica tests): each
//! connection goes to the next backend in turn, or to the one after when
//! that one refuses (it is down); nothing sticky.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// A running balancer; stops when dropped.
pub struct Balancer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Balancer {
    /// Balances over `backends` (`http://HOST:PORT` each).
    pub async fn start(backends: &[&str]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let backends: Arc<Vec<String>> = Arc::new(
            backends
                .iter()
                .map(|b| b.trim_start_matches("http://").to_owned())
                .collect(),
        );
        let next = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let first = next.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(relay(client, backends.clone(), first));
            }
        });
        Balancer { url, task }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Carries `client` to the first backend from `first` on that accepts;
/// with none up the client's connection is closed unanswered.
async fn relay(mut client: TcpStream, backends: Arc<Vec<String>>, first: usize) {
    for i in 0..backends.len() {
        let backend = &backends[(first + i) % backends.len()];
        let connected = tokio::time::timeout(Duration::from_secs(1), TcpStream::connect(backend));
        if let Ok(Ok(mut server)) = connected.await {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            return;
        }
    }
}
