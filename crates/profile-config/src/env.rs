//! The process environment, injected.
//!
//! Every environment variable aws-sso-rs reads is named by a constant in [`vars`], so there is
//! one place to look for them. Library code never calls [`std::env::var`] directly: it takes an
//! [`Env`], which is [`ProcessEnv`] in the binary and a [`MapEnv`] in tests.

use std::collections::BTreeMap;

/// Read access to environment variables.
pub trait Env {
    /// The value of `name`, or `None` when it is unset or not valid Unicode.
    fn var(&self, name: &str) -> Option<String>;

    /// Like [`Env::var`], but an empty value counts as unset (as the AWS CLI treats
    /// `AWS_PROFILE=`).
    fn non_empty(&self, name: &str) -> Option<String> {
        self.var(name).filter(|v| !v.is_empty())
    }
}

/// The environment of the running process.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// The process environment read once: every variable as it was when
/// [`EnvSnapshot::of_process`] ran (those that are valid Unicode). A program reads its
/// environment once into one of these, so that every setting it resolves sees the same
/// values however long it runs. Names are case-insensitive on Windows, as there.
// A sorted map, not a hash map: a few dozen names, read a few times, in a process that may
// live a millisecond (the cached `credential-process`), where seeding and running SipHash
// over every variable cost more than the look-ups it would speed up.
#[derive(Debug, Clone, Default)]
pub struct EnvSnapshot(BTreeMap<String, String>);

/// The name as looked up: upper case on Windows, whose environment ignores case.
fn lookup_name(name: &str) -> std::borrow::Cow<'_, str> {
    if cfg!(windows) {
        std::borrow::Cow::Owned(name.to_ascii_uppercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

impl EnvSnapshot {
    /// The process's environment, now.
    pub fn of_process() -> Self {
        Self(
            std::env::vars_os()
                .filter_map(|(name, value)| {
                    let name = name.into_string().ok()?;
                    Some((lookup_name(&name).into_owned(), value.into_string().ok()?))
                })
                .collect(),
        )
    }
}

impl Env for EnvSnapshot {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(lookup_name(name).as_ref()).cloned()
    }
}

/// A fixed environment, for tests and for callers that build one by hand.
#[derive(Debug, Clone, Default)]
pub struct MapEnv(BTreeMap<String, String>);

impl MapEnv {
    /// An empty environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`, returning `self` for chaining.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.insert(name.into(), value.into());
        self
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for MapEnv {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

impl<E: Env + ?Sized> Env for &E {
    fn var(&self, name: &str) -> Option<String> {
        (**self).var(name)
    }
}

/// Names of the environment variables aws-sso-rs reads or sets.
pub mod vars {
    /// Path of the shared config file (default `~/.aws/config`).
    pub const AWS_CONFIG_FILE: &str = "AWS_CONFIG_FILE";
    /// Path of the shared credentials file (default `~/.aws/credentials`).
    pub const AWS_SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
    /// The selected profile.
    pub const AWS_PROFILE: &str = "AWS_PROFILE";
    /// The selected profile, older name, used when `AWS_PROFILE` is unset.
    pub const AWS_DEFAULT_PROFILE: &str = "AWS_DEFAULT_PROFILE";
    /// The region for service calls.
    pub const AWS_REGION: &str = "AWS_REGION";
    /// The region for service calls, older name.
    pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
    /// `regional` (the default) or `legacy`: whether STS calls in the older regions go to the
    /// global endpoint `sts.amazonaws.com` (the profile's `sts_regional_endpoints` else).
    pub const AWS_STS_REGIONAL_ENDPOINTS: &str = "AWS_STS_REGIONAL_ENDPOINTS";
    /// aws-sso-rs's own: the profiles whose `credential_process` is running above this
    /// process, `,`-separated, so a process that leads back to one of them is refused.
    pub const AWS_SSO_RS_RESOLVING: &str = "AWS_SSO_RS_RESOLVING";
    /// aws-sso-rs's own: the AWS access portal URL of the profile the `AWS_SSO_*` variables
    /// make when no profile is named (see `SsoVariables`).
    pub const AWS_SSO_START_URL: &str = "AWS_SSO_START_URL";
    /// aws-sso-rs's own: that profile's IAM Identity Center region.
    pub const AWS_SSO_REGION: &str = "AWS_SSO_REGION";
    /// aws-sso-rs's own: that profile's account id.
    pub const AWS_SSO_ACCOUNT_ID: &str = "AWS_SSO_ACCOUNT_ID";
    /// aws-sso-rs's own: that profile's role name.
    pub const AWS_SSO_ROLE_NAME: &str = "AWS_SSO_ROLE_NAME";
    /// The endpoint URL for every service.
    pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
    /// Prefix of the per-service endpoint URL variables (`AWS_ENDPOINT_URL_SSO_OIDC`, ...).
    pub const AWS_ENDPOINT_URL_PREFIX: &str = "AWS_ENDPOINT_URL_";
    /// When `true`, configured endpoint URLs (environment and config file) are ignored.
    pub const AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    /// Browsers to open, `:`-separated commands (`%s` stands for the URL), as Python's
    /// `webbrowser` reads it.
    pub const BROWSER: &str = "BROWSER";
    /// The X11 display a graphical browser would open on (Linux and the BSDs).
    pub const DISPLAY: &str = "DISPLAY";
    /// The Wayland display a graphical browser would open on.
    pub const WAYLAND_DISPLAY: &str = "WAYLAND_DISPLAY";
    /// Set by sshd in the sessions it starts.
    pub const SSH_CONNECTION: &str = "SSH_CONNECTION";
    /// Set by sshd in the sessions it starts with a terminal.
    pub const SSH_TTY: &str = "SSH_TTY";
    /// Where programs are looked up (a program's presence: browser openers, a profile's
    /// `credential_process`).
    pub const PATH: &str = "PATH";
    /// Set inside the Windows Subsystem for Linux, whose opener starts the Windows browser
    /// with no display of Linux's.
    pub const WSL_DISTRO_NAME: &str = "WSL_DISTRO_NAME";
    /// Set inside the Windows Subsystem for Linux (the interop socket).
    pub const WSL_INTEROP: &str = "WSL_INTEROP";
    /// Access key id of static or temporary credentials.
    pub const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
    /// Secret key of static or temporary credentials.
    pub const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
    /// Session token of temporary credentials.
    pub const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
    /// When temporary credentials expire (RFC 3339).
    pub const AWS_CREDENTIAL_EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";
    /// Container credentials: a full URL to fetch credentials from.
    pub const AWS_CONTAINER_CREDENTIALS_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    /// Container credentials: a path on the ECS agent.
    pub const AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: &str =
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    /// Container credentials: the `Authorization` header value.
    pub const AWS_CONTAINER_AUTHORIZATION_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    /// Container credentials: a file holding the `Authorization` header value.
    pub const AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: &str =
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    /// Set by `aws-sso-rs exec` to the profile whose credentials the program runs with.
    pub const AWS_SSO_RS_PROFILE: &str = "AWS_SSO_RS_PROFILE";
    /// Set by the shell's completion code: the command line is a completion request, which
    /// clap_complete answers whatever the arguments are.
    pub const COMPLETE: &str = "COMPLETE";
    /// A PEM file of certificates to trust instead of the system's (above the profile's
    /// `ca_bundle`).
    pub const AWS_CA_BUNDLE: &str = "AWS_CA_BUNDLE";
    /// The proxy for `https://` endpoints.
    pub const HTTPS_PROXY: &str = "HTTPS_PROXY";
    /// The proxy for `https://` endpoints, lower-case spelling (wins over `HTTPS_PROXY`).
    pub const HTTPS_PROXY_LOWER: &str = "https_proxy";
    /// The proxy for `http://` endpoints.
    pub const HTTP_PROXY: &str = "HTTP_PROXY";
    /// The proxy for `http://` endpoints, lower-case spelling (wins over `HTTP_PROXY`).
    pub const HTTP_PROXY_LOWER: &str = "http_proxy";
    /// Hosts that bypass the proxies, comma-separated.
    pub const NO_PROXY: &str = "NO_PROXY";
    /// Hosts that bypass the proxies, lower-case spelling (wins over `NO_PROXY`).
    pub const NO_PROXY_LOWER: &str = "no_proxy";
    /// The home folder on every platform.
    pub const HOME: &str = "HOME";
    /// The home folder on Windows when `HOME` is unset.
    pub const USERPROFILE: &str = "USERPROFILE";
    /// Drive of the home folder on Windows when `HOME` and `USERPROFILE` are unset.
    pub const HOMEDRIVE: &str = "HOMEDRIVE";
    /// Path of the home folder on its drive, with `HOMEDRIVE`.
    pub const HOMEPATH: &str = "HOMEPATH";
    /// The folder for caches (XDG base directories); aws-sso-rs keeps its own (the account
    /// directory) under `$XDG_CACHE_HOME/aws-sso-rs`, else `~/.cache/aws-sso-rs`.
    pub const XDG_CACHE_HOME: &str = "XDG_CACHE_HOME";
    /// The user's runtime folder (XDG base directories: only the user can read it, emptied
    /// when the user's last session ends); `aws-sso-rs serve` writes its token there.
    pub const XDG_RUNTIME_DIR: &str = "XDG_RUNTIME_DIR";
    /// The base of per-user configuration (fish's startup file, `doctor`): else `~/.config`.
    pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
    /// The base of per-user data (installed completion files, `doctor`): else
    /// `~/.local/share`.
    pub const XDG_DATA_HOME: &str = "XDG_DATA_HOME";
    /// The folder of programs' roaming settings on Windows (aws-sso-rs's own settings file).
    pub const APPDATA: &str = "APPDATA";
    /// The user's login shell (which startup file `doctor` reads).
    pub const SHELL: &str = "SHELL";
    /// zsh's folder of startup files, else the home folder.
    pub const ZDOTDIR: &str = "ZDOTDIR";
    /// Set (to anything) to turn colour off (no-color.org).
    pub const NO_COLOR: &str = "NO_COLOR";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_keeps_the_environment_it_was_taken_from() {
        let snapshot = EnvSnapshot::of_process();
        let path = std::env::var("PATH").ok();
        assert_eq!(snapshot.var("PATH"), path);
        assert_eq!(snapshot.var("AWS_SSO_RS_TEST_NEVER_SET_ANYWHERE"), None);
    }
}
