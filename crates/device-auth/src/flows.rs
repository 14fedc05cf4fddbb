//! The interactive sign-ins, device code and PKCE, run for a [`SignIn`] and their token
//! cached.

use aws_sso_profile_config::DEFAULT_SCOPE;
use aws_sso_token_cache::{ClientRegistration, SsoToken};

use crate::api::{OidcApi, Tokens};
use crate::clock::{Clock, Sleeper};
use crate::device::DeviceFlow;
use crate::error::{Error, ErrorKind};
use crate::pkce::{DEFAULT_WAIT, PkceFlow};
use crate::presenter::Presenter;
use crate::sign_in::{PkceOptions, SignIn};
use crate::target::Flow;

impl<'a, A: OidcApi, C: Clock, S: Sleeper> SignIn<'a, A, C, S> {
    /// Runs the device-code flow and caches the token.
    ///
    /// # Errors
    /// The user denies, the code expires, the service refuses or cannot be reached.
    pub async fn device_login(&self, presenter: &impl Presenter) -> Result<SsoToken, Error> {
        let (tokens, registration) = self
            .registered_or_retry(Flow::DeviceCode, |r| async move {
                let mut flow = DeviceFlow::start(
                    self.api,
                    &r.client_id,
                    &r.client_secret,
                    self.portal_url(),
                    self.clock,
                )
                .await?;
                presenter.device_code(flow.authorization(), flow.deadline());
                flow.wait(self.api, self.clock, self.sleeper).await
            })
            .await?;
        self.store(tokens, &registration)
    }

    /// Runs the PKCE flow (listener on 127.0.0.1, or a pasted address) and caches the token.
    ///
    /// # Errors
    /// The user denies, the state does not match, nobody completes the browser step in time,
    /// the service refuses or cannot be reached.
    pub async fn pkce_login(
        &self,
        presenter: &impl Presenter,
        mut options: PkceOptions,
    ) -> Result<SsoToken, Error> {
        let registration = self.registration(Flow::AuthorizationCode).await?;
        let result = self.pkce_with(&registration, presenter, &mut options).await;
        if let Err(e) = &result
            && matches!(e.kind(), ErrorKind::InvalidClient(_))
        {
            // The service no longer knows this registration: forget it, so that the next
            // login registers anew (the browser step cannot be redone here).
            self.forget_registration(registration)?;
        }
        result
    }

    async fn pkce_with(
        &self,
        registration: &ClientRegistration,
        presenter: &impl Presenter,
        options: &mut PkceOptions,
    ) -> Result<SsoToken, Error> {
        let scopes = self
            .scopes()
            .unwrap_or_else(|| vec![DEFAULT_SCOPE.to_owned()]);
        let flow = PkceFlow::start(
            self.api.endpoint(),
            &registration.client_id,
            &registration.client_secret,
            &scopes,
            options.redirect_port,
        )
        .await?;
        let wait = options.wait.unwrap_or(DEFAULT_WAIT);
        presenter.authorize_url(flow.authorize_url(), self.clock.now() + wait);
        let pasted = async {
            let Some(rx) = options.pasted.as_mut() else {
                return std::future::pending().await;
            };
            while let Some(line) = rx.recv().await {
                match flow.code_from_pasted(&line) {
                    Ok(code) => return Ok(code),
                    Err(e) if matches!(e.kind(), ErrorKind::BadCallback(_)) => {
                        presenter.bad_paste(&e);
                    }
                    Err(e) => return Err(e),
                }
            }
            std::future::pending().await
        };
        let code = tokio::select! {
            code = flow.wait_for_redirect(wait, self.sleeper) => code?,
            code = pasted => code?,
        };
        let tokens = flow.complete(self.api, code).await?;
        self.store(tokens, registration)
    }

    fn store(&self, tokens: Tokens, registration: &ClientRegistration) -> Result<SsoToken, Error> {
        let token = self.token_from(
            tokens,
            &registration.client_id,
            &registration.client_secret,
            Some(registration.expires_at),
        );
        self.cache.store_token(&self.token_key(), &token)?;
        Ok(token)
    }
}
