//! A scripted OIDC service and a clock that only moves when the code sleeps.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use aws_sso_device_auth::{
    ApiError, Clock, DeviceAuthorization, Grant, OidcApi, RegisterRequest, Registered, Sleeper,
    Tokens,
};
use aws_sso_token_cache::Secret;
use time::OffsetDateTime;

/// A clock at a fixed start that [`FakeClock::sleep`] moves forward.
pub struct FakeClock {
    now: Mutex<OffsetDateTime>,
    pub sleeps: Mutex<Vec<Duration>>,
}

impl FakeClock {
    pub fn new() -> Self {
        Self {
            now: Mutex::new(time::macros::datetime!(2030-01-01 0:00 UTC)),
            sleeps: Mutex::new(Vec::new()),
        }
    }
    pub fn elapsed(&self) -> Duration {
        self.sleeps.lock().expect("lock").iter().sum()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().expect("lock")
    }
}

impl Sleeper for FakeClock {
    async fn sleep(&self, duration: Duration) {
        self.sleeps.lock().expect("lock").push(duration);
        *self.now.lock().expect("lock") += duration;
    }
}

/// Answers `CreateToken` from a script and records when it was called.
pub struct ScriptedApi<'a> {
    pub clock: &'a FakeClock,
    pub answers: Mutex<VecDeque<Result<Tokens, ApiError>>>,
    pub calls: Mutex<Vec<OffsetDateTime>>,
    pub verification_uri: String,
    pub expires_in: i64,
    pub interval: i64,
}

impl<'a> ScriptedApi<'a> {
    pub fn new(clock: &'a FakeClock, answers: Vec<Result<Tokens, ApiError>>) -> Self {
        Self {
            clock,
            answers: Mutex::new(answers.into()),
            calls: Mutex::new(Vec::new()),
            verification_uri: "https://device.sso.eu-west-1.amazonaws.com/".into(),
            expires_in: 600,
            interval: 1,
        }
    }
}

pub fn tokens(access: &str) -> Tokens {
    Tokens {
        access_token: Secret::new(access),
        expires_in: 3600,
        refresh_token: None,
    }
}

impl OidcApi for ScriptedApi<'_> {
    async fn register_client(&self, _request: RegisterRequest) -> Result<Registered, ApiError> {
        Ok(Registered {
            client_id: "cid".into(),
            client_secret: Secret::new("cs"),
            expires_at: self.clock.now().unix_timestamp() + 86_400,
        })
    }

    async fn start_device_authorization(
        &self,
        _id: &str,
        _secret: &Secret,
        _url: &str,
    ) -> Result<DeviceAuthorization, ApiError> {
        Ok(DeviceAuthorization {
            device_code: Secret::new("dc"),
            user_code: "ABCD-EFGH".into(),
            verification_uri: self.verification_uri.clone(),
            verification_uri_complete: format!("{}?user_code=ABCD-EFGH", self.verification_uri),
            expires_in: self.expires_in,
            interval: self.interval,
        })
    }

    async fn create_token(
        &self,
        _id: &str,
        _secret: &Secret,
        _grant: Grant,
    ) -> Result<Tokens, ApiError> {
        self.calls.lock().expect("lock").push(self.clock.now());
        self.answers
            .lock()
            .expect("lock")
            .pop_front()
            .unwrap_or(Err(ApiError::AuthorizationPending))
    }

    fn endpoint(&self) -> &str {
        "https://oidc.eu-west-1.amazonaws.com"
    }
}
