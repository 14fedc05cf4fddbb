//! What a login shows the person: the [`Presenter`] trait, and [`PrintPresenter`], which
//! prints.

use time::OffsetDateTime;

use crate::api::DeviceAuthorization;
use crate::error::Error;

/// How a login shows the person what to do and what is happening. The CLI prints (and opens
/// a browser); tests and library users bring their own, or record the calls.
pub trait Presenter: Send + Sync {
    /// The device flow is waiting: show `authorization.user_code` and the verification URL.
    fn device_code(&self, authorization: &DeviceAuthorization, deadline: OffsetDateTime);
    /// The PKCE flow is waiting: open or show `url`.
    fn authorize_url(&self, url: &str, deadline: OffsetDateTime);
    /// Another process is signing in to the same session; this one waits for it.
    fn waiting_for_other_login(&self) {}
    /// A pasted line was not this login's callback address; the login keeps waiting.
    fn bad_paste(&self, _error: &Error) {}
    /// The cached token file is damaged; the login replaces it.
    fn replacing_damaged(&self, _error: &aws_sso_token_cache::Error) {}
    /// [`login_each`](crate::login_each) finished this target's sign-in (the next one has not
    /// started).
    fn finished(&self, _outcome: Result<&crate::LoginOutcome, &Error>) {}
}

/// A [`Presenter`] that prints to stderr.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintPresenter;

impl Presenter for PrintPresenter {
    fn device_code(&self, a: &DeviceAuthorization, _deadline: OffsetDateTime) {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "Open {} and check that it shows the code {}",
            a.verification_uri_complete,
            a.user_code
        );
    }
    fn authorize_url(&self, url: &str, _deadline: OffsetDateTime) {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "Open this address in a browser: {url}");
    }
}
