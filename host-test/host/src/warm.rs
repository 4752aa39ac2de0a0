//! Instances kept warm between [`Connector::run`](crate::Connector::run)s
//! of the same config: the next run of that config takes one instead of
//! instantiating, so a token the component fetched (it keeps it in its
//! instance) is reused until shortly before it expires, and instantiation
//! is paid once. Bounded: at most [`MOST`] kept, each for at most [`IDLE`]
//! unused, the oldest dropped first; an instance that trapped or grew
//! large is never kept (the caller decides). Keyed by the config's whole
//! text, compared exactly, so an instance only ever serves the config (and
//! so the sandbox and credentials) it was made for.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most instances kept.
pub const MOST: usize = 16;

/// How long an unused instance is kept.
pub const IDLE: Duration = Duration::from_secs(600);

/// Kept instances of type `T`, by config text.
pub struct Warm<T> {
    kept: Mutex<Vec<(String, Instant, T)>>,
    most: usize,
}

impl<T> Warm<T> {
    /// Keeps at most `most` (and never more than [`MOST`]).
    pub fn new(most: usize) -> Self {
        Warm {
            kept: Mutex::new(Vec::new()),
            most: most.min(MOST),
        }
    }

    /// A kept instance for `config`, the most recently kept first; those
    /// idle too long are dropped on the way.
    pub fn take(&self, config: &str) -> Option<T> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|(_, since, _)| since.elapsed() < IDLE);
        let at = kept.iter().rposition(|(key, _, _)| key == config)?;
        Some(kept.remove(at).2)
    }

    /// Keeps `instance` for `config`; the oldest goes when there are too many.
    pub fn give(&self, config: String, instance: T) {
        if self.most == 0 {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= self.most {
            kept.remove(0);
        }
        kept.push((config, Instant::now(), instance));
    }

    /// Drops every kept instance (their slots are needed); whether there were any.
    pub fn clear(&self) -> bool {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let had = !kept.is_empty();
        kept.clear();
        had
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_serves_only_its_config_and_the_oldest_goes_first() {
        let warm = Warm::new(2);
        warm.give("a".into(), 1);
        warm.give("b".into(), 2);
        assert_eq!(warm.take("c"), None);
        assert_eq!(warm.take("a"), Some(1));
        assert_eq!(warm.take("a"), None, "taken once");
        warm.give("a".into(), 3);
        warm.give("c".into(), 4);
        assert_eq!(warm.take("b"), None, "the oldest was dropped");
        assert!(warm.clear());
        assert_eq!(warm.take("c"), None);
        let none: Warm<u8> = Warm::new(0);
        none.give("a".into(), 1);
        assert_eq!(none.take("a"), None, "keeping nothing");
    }
}
