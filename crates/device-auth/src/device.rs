//! The device-code flow: `StartDeviceAuthorization`, then `CreateToken` every `interval`
//! seconds until the user allows or denies, the code expires, or the service says stop.

use std::time::Duration;

use aws_sso_token_cache::Secret;
use time::OffsetDateTime;

use crate::api::{ApiError, DeviceAuthorization, Grant, OidcApi, Tokens};
use crate::browser_url::check_url;
use crate::clock::{Clock, Sleeper};
use crate::error::{Error, ErrorKind, service_error};

/// The interval when the service sends none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// What `SlowDownException` adds to the interval.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// A device authorization waiting for the user.
#[derive(Debug)]
pub struct DeviceFlow {
    authorization: DeviceAuthorization,
    interval: Duration,
    deadline: OffsetDateTime,
    client_id: String,
    client_secret: Secret,
}

impl DeviceFlow {
    /// Asks for a device code. The verification URLs must be `https://` (or loopback).
    ///
    /// # Errors
    /// The service cannot be reached or refuses; a verification URL is not `https://`.
    pub async fn start<A: OidcApi>(
        api: &A,
        client_id: &str,
        client_secret: &Secret,
        start_url: &str,
        clock: &impl Clock,
    ) -> Result<Self, Error> {
        let authorization = api
            .start_device_authorization(client_id, client_secret, start_url)
            .await
            .map_err(|e| service_error(e, api.endpoint()))?;
        check_url(&authorization.verification_uri)?;
        check_url(&authorization.verification_uri_complete)?;
        let interval = u64::try_from(authorization.interval)
            .ok()
            .filter(|&s| s > 0)
            .map_or(DEFAULT_INTERVAL, Duration::from_secs);
        let deadline = clock.now() + time::Duration::seconds(authorization.expires_in.max(1));
        Ok(Self {
            authorization,
            interval,
            deadline,
            client_id: client_id.to_owned(),
            client_secret: client_secret.clone(),
        })
    }

    /// What to show the user.
    pub fn authorization(&self) -> &DeviceAuthorization {
        &self.authorization
    }

    /// When the code expires.
    pub fn deadline(&self) -> OffsetDateTime {
        self.deadline
    }

    /// The current polling interval.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Polls until the user decides or the code expires.
    ///
    /// # Errors
    /// [`ErrorKind::Denied`], [`ErrorKind::Expired`], [`ErrorKind::InvalidGrant`], or the
    /// service cannot be reached.
    pub async fn wait<A: OidcApi>(
        &mut self,
        api: &A,
        clock: &impl Clock,
        sleeper: &impl Sleeper,
    ) -> Result<Tokens, Error> {
        let minutes = self.authorization.expires_in / 60;
        loop {
            let left = self.deadline - clock.now();
            if left <= time::Duration::ZERO {
                return Err(ErrorKind::Expired { minutes }.into());
            }
            let pause = self
                .interval
                .min(Duration::try_from(left).unwrap_or(self.interval));
            sleeper.sleep(pause).await;
            let grant = Grant::DeviceCode(self.authorization.device_code.clone());
            match api
                .create_token(&self.client_id, &self.client_secret, grant)
                .await
            {
                Ok(tokens) => return Ok(tokens),
                Err(ApiError::AuthorizationPending) => tracing::debug!(
                    "not approved yet (authorization_pending); asking again in {} s",
                    self.interval.as_secs()
                ),
                Err(ApiError::SlowDown) => {
                    self.interval += SLOW_DOWN_STEP;
                    tracing::debug!(
                        "asked to slow down; asking every {} s from now on",
                        self.interval.as_secs()
                    );
                }
                Err(ApiError::ExpiredToken) => return Err(ErrorKind::Expired { minutes }.into()),
                Err(ApiError::AccessDenied) => return Err(ErrorKind::Denied.into()),
                Err(e) => return Err(service_error(e, api.endpoint())),
            }
        }
    }
}
