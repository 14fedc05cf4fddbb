//! The OIDC client registration of a sign-in: the cached one while it fits the flow, else a
//! new one; one the service no longer knows is forgotten and replaced once.

use aws_sso_profile_config::DEFAULT_SCOPE;
use aws_sso_token_cache::{ClientRegistration, RegistrationKey};
use time::OffsetDateTime;

use crate::api::{OidcApi, RegisterRequest};
use crate::clock::{Clock, Sleeper};
use crate::error::{Error, ErrorKind, service_error};
use crate::pkce::REGISTERED_REDIRECT;
use crate::sign_in::SignIn;
use crate::target::Flow;

/// The device-code grant type.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const PKCE_GRANTS: [&str; 2] = ["authorization_code", "refresh_token"];

impl<'a, A: OidcApi, C: Clock, S: Sleeper> SignIn<'a, A, C, S> {
    fn registration_key(&self) -> RegistrationKey {
        let configured = (!self.session.registration_scopes.is_empty())
            .then_some(&self.session.registration_scopes[..]);
        RegistrationKey::new(
            &self.session.start_url,
            &self.session.region,
            self.session.name.as_deref(),
            configured,
        )
    }

    /// The client registration for `flow`: the cached one if it is usable, else a new one
    /// (which is cached).
    ///
    /// # Errors
    /// The service refuses or cannot be reached; the cache cannot be written.
    pub async fn registration(&self, flow: Flow) -> Result<ClientRegistration, Error> {
        let key = self.registration_key();
        let now = self.clock.now();
        let fits = |r: &ClientRegistration| match flow {
            Flow::DeviceCode => {
                self.policy.registration_usable(r, now, &[])
                    && r.grant_types
                        .as_ref()
                        .is_none_or(|g| g.iter().any(|x| x == DEVICE_GRANT))
            }
            Flow::AuthorizationCode => self.policy.registration_usable(r, now, &PKCE_GRANTS),
        };
        if let Some(r) = self
            .cache
            .load_registration(&key)
            .ok()
            .flatten()
            .filter(fits)
        {
            return Ok(r);
        }
        let scopes = self.scopes();
        let name = format!(
            "aws-sso-rs-{}",
            self.session.name.as_deref().unwrap_or("legacy")
        );
        let request = match flow {
            Flow::DeviceCode => RegisterRequest {
                client_name: name,
                scopes: scopes.clone(),
                ..RegisterRequest::default()
            },
            Flow::AuthorizationCode => RegisterRequest {
                client_name: name,
                scopes: Some(
                    scopes
                        .clone()
                        .unwrap_or_else(|| vec![DEFAULT_SCOPE.to_owned()]),
                ),
                grant_types: Some(PKCE_GRANTS.iter().map(|g| (*g).to_owned()).collect()),
                redirect_uris: Some(vec![REGISTERED_REDIRECT.to_owned()]),
                issuer_url: Some(self.portal_url().to_owned()),
            },
        };
        let grant_types = request.grant_types.clone();
        let registered = self
            .api
            .register_client(request)
            .await
            .map_err(|e| service_error(e, self.api.endpoint()))?;
        let registration = ClientRegistration {
            client_id: registered.client_id,
            client_secret: registered.client_secret,
            expires_at: OffsetDateTime::from_unix_timestamp(registered.expires_at).unwrap_or(now),
            scopes,
            grant_types,
            extra: Default::default(),
        };
        self.cache.store_registration(&key, &registration)?;
        Ok(registration)
    }

    pub(crate) async fn registered_or_retry<T, F, Fut>(
        &self,
        flow: Flow,
        mut run: F,
    ) -> Result<(T, ClientRegistration), Error>
    where
        F: FnMut(ClientRegistration) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let registration = self.registration(flow).await?;
        match run(registration.clone()).await {
            // A registration the service no longer knows: forget it and register again, once.
            Err(e) if matches!(e.kind(), ErrorKind::InvalidClient(_)) => {
                self.forget_registration(registration)?;
                let fresh = self.registration(flow).await?;
                Ok((run(fresh.clone()).await?, fresh))
            }
            other => other.map(|t| (t, registration)),
        }
    }

    /// Marks `registration` as expired in the cache, so that the next login registers anew.
    pub(crate) fn forget_registration(
        &self,
        registration: ClientRegistration,
    ) -> Result<(), Error> {
        self.cache.store_registration(
            &self.registration_key(),
            &ClientRegistration {
                expires_at: self.clock.now(),
                ..registration
            },
        )?;
        Ok(())
    }
}
