//! Time, injected: flows ask a [`Clock`] for `now` (the one clock trait of aws-sso-rs, from
//! `aws-sso-token-cache`) and a [`Sleeper`] to wait, so tests step through intervals and
//! deadlines without sleeping.

use std::future::Future;
use std::time::Duration;

pub use aws_sso_token_cache::{Clock, ManualClock, SystemClock};

/// Waiting.
pub trait Sleeper: Send + Sync {
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;
}

/// Tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }
}

impl<T: Sleeper> Sleeper for &T {
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        (**self).sleep(duration)
    }
}
