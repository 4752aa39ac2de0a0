//! The deliverer: claims stored events and hands them to the platform, at
//! least once and in order per chat (on stdout, in the order stored).
//! Replicas sharing a store each claim what they deliver (see
//! [`Store::claim`]); a replica that dies leaves its claims to lapse after
//! the attempt timeout and [`LEASE_MARGIN`], and one that stops gives
//! them up. An event is marked delivered only
//! when the platform took it (a 2xx answer, or a line written and flushed
//! on stdout); a failed attempt is tried again after a growing pause, and
//! after the last one the event is parked as a dead letter (`webhook
//! dead-letters` lists them, `webhook replay` puts them back). The backlog
//! lives in the store, so memory does not grow with it.

use crate::store::{Outcome, Store, Stored, now_ms};
use crate::target::Target;
use line_connector_host::pool::Pool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Chats delivered to at once (one event per chat in delivery at a time).
pub const CHATS_AT_ONCE: u32 = 16;

/// What a claim's lease adds to the attempt timeout: the time to record
/// the outcome.
pub const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// How long an outcome is tried to be recorded while the store is away
/// (within the lease's margin, so the claim still holds).
const RECORD_FOR: Duration = Duration::from_secs(4);

/// Where events go.
#[derive(Clone, Debug)]
pub enum Sink {
    /// One JSON line each on stdout.
    Stdout,
    /// One POST each to the target.
    Forward(Box<Target>),
}

/// How failed deliveries are tried again.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    /// Attempts in all before an event is parked as a dead letter.
    pub attempts: u32,
    /// The pause after the first failure; it doubles after each one…
    pub first_pause: Duration,
    /// …up to this.
    pub longest_pause: Duration,
    /// Each attempt's bound (connecting, sending, the answer).
    pub attempt_timeout: Duration,
}

impl Default for Retry {
    /// 20 attempts, 1 s doubling up to 5 min (about an hour and a quarter
    /// before parking), 10 s each.
    fn default() -> Self {
        Retry {
            attempts: 20,
            first_pause: Duration::from_secs(1),
            longest_pause: Duration::from_secs(300),
            attempt_timeout: Duration::from_secs(10),
        }
    }
}

impl Retry {
    /// The pause after the `failures`-th failure.
    pub fn pause(&self, failures: u32) -> Duration {
        let doubled = self
            .first_pause
            .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
        doubled.min(self.longest_pause)
    }
}

/// The deliverer's state.
pub struct Deliverer {
    store: Store,
    sink: Sink,
    retry: Retry,
    pool: Arc<Pool>,
}

impl Deliverer {
    /// A deliverer from `store` to `sink`, sending through `pool`.
    pub fn new(store: Store, sink: Sink, retry: Retry, pool: Arc<Pool>) -> Self {
        Deliverer {
            store,
            sink,
            retry,
            pool,
        }
    }

    /// Delivers until `stop` turns true; woken by `wake` when events were
    /// stored. A round in flight when told to stop is finished first.
    pub async fn run(self, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        let me = Arc::new(self);
        while !*stop.borrow() {
            let lease = me.lease();
            let due = match &me.sink {
                Sink::Stdout => me.store.claim_in_order(CHATS_AT_ONCE, lease).await,
                Sink::Forward(_) => me.store.claim(CHATS_AT_ONCE, lease).await,
            };
            let due = match due {
                Ok(due) => due,
                Err(error) => {
                    eprintln!("the store: {error:#}");
                    Vec::new()
                }
            };
            if due.is_empty() {
                let wait = me.idle_wait().await;
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            me.round(due).await;
        }
        // What it claimed and did not record is the other replicas' now.
        if let Err(error) = me.store.release().await {
            eprintln!("the store: {error:#}");
        }
    }

    /// How long a claim holds: a round's attempts are bounded by the
    /// attempt timeout, so a claim lapses only when its replica died or
    /// lost the store (then another replica takes it over).
    fn lease(&self) -> Duration {
        self.retry.attempt_timeout + LEASE_MARGIN
    }

    /// How long to sleep with nothing due: until the next retry, at most 1 s.
    async fn idle_wait(&self) -> Duration {
        let next = self.store.next_due().await.ok().flatten();
        let ms = next.map_or(1000, |at| (at - now_ms()).clamp(5, 1000));
        Duration::from_millis(ms as u64)
    }

    /// One round: the due events (one per chat), delivered at once and
    /// their outcomes recorded together (one commit, one sync, for the
    /// round); on stdout one after the other, each recorded once written.
    async fn round(self: &Arc<Self>, due: Vec<Stored>) {
        if let Sink::Stdout = &self.sink {
            for event in due {
                let outcome = write_line(&event.json);
                self.record(vec![(event, outcome)]).await;
            }
            return;
        }
        let mut tasks = tokio::task::JoinSet::new();
        for event in due {
            let me = self.clone();
            tasks.spawn(async move {
                let outcome = me.post(&event).await;
                (event, outcome)
            });
        }
        let mut outcomes = Vec::new();
        while let Some(done) = tasks.join_next().await {
            outcomes.extend(done.ok());
        }
        self.record(outcomes).await;
    }

    /// One POST of `event` to the target: `Ok` on a 2xx answer.
    async fn post(&self, event: &Stored) -> Result<(), String> {
        let Sink::Forward(target) = &self.sink else {
            return Err("no target".into());
        };
        let request = target.request(&event.id, bytes::Bytes::from(event.json.clone()));
        let timeout = self.retry.attempt_timeout;
        let sent = tokio::time::timeout(timeout, self.pool.clone().send_bytes(request, timeout));
        match sent.await {
            Ok(Ok(status)) if (200..300).contains(&status) => Ok(()),
            Ok(Ok(status)) => Err(format!("{} answered {status}", target.shown())),
            Ok(Err(error)) => Err(format!("{}: {error}", target.shown())),
            Err(_) => Err(format!("{}: no answer in {timeout:?}", target.shown())),
        }
    }

    /// Records attempts' outcomes: delivered, retried later, or parked.
    async fn record(&self, attempts: Vec<(Stored, Result<(), String>)>) {
        let outcomes: Vec<(i64, Outcome)> = attempts
            .into_iter()
            .map(|(event, outcome)| (event.seq, self.outcome(&event, outcome)))
            .collect();
        // A store briefly away (a database failing over) is waited for
        // while the claims hold: a delivery recorded is not made again.
        let give_up = std::time::Instant::now() + RECORD_FOR;
        loop {
            let Err(error) = self.store.record(&outcomes).await else {
                return;
            };
            if std::time::Instant::now() >= give_up {
                // Not marked: they stay pending and are delivered again (at least once).
                eprintln!("the store: {error:#}");
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// What an attempt came to (a failure said on stderr).
    fn outcome(&self, event: &Stored, outcome: Result<(), String>) -> Outcome {
        let Err(error) = outcome else {
            return Outcome::Delivered;
        };
        let failures = event.attempts + 1;
        let park = failures >= self.retry.attempts;
        let next_at = now_ms() + self.retry.pause(failures).as_millis() as i64;
        let what = if park {
            "parked as a dead letter"
        } else {
            "to be tried again"
        };
        eprintln!("delivering {}: {error} ({what})", shown_id(event));
        Outcome::Failed {
            error,
            next_at,
            park,
        }
    }
}

/// An event's id for messages.
fn shown_id(event: &Stored) -> String {
    match event.id.is_empty() {
        true => format!("event #{}", event.seq),
        false => format!("event {}", event.id),
    }
}

/// One line on stdout, flushed: `Err` when the reader is gone.
fn write_line(json: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{json}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("stdout: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_longest() {
        let retry = Retry {
            attempts: 10,
            first_pause: Duration::from_millis(100),
            longest_pause: Duration::from_millis(500),
            attempt_timeout: Duration::from_secs(1),
        };
        let pauses: Vec<u128> = (1..=5).map(|n| retry.pause(n).as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 500, 500]);
        assert_eq!(retry.pause(1000).as_millis(), 500);
    }
}
