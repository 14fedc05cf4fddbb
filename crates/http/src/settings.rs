//! How aws-sso-rs reaches AWS: the certificate bundle to trust and the proxies to go through,
//! read from the same settings as the AWS CLI.
//!
//! - `AWS_CA_BUNDLE`, else the profile's `ca_bundle`: a PEM file whose certificates replace the
//!   system's trust store (as botocore's `verify=<path>` does).
//! - `HTTPS_PROXY` / `https_proxy` for `https://` endpoints, `HTTP_PROXY` / `http_proxy` for
//!   `http://` ones, and `NO_PROXY` / `no_proxy` for the hosts that bypass them. Where both
//!   spellings are set, the lower-case one wins, as in Python's `urllib` (which the AWS CLI
//!   uses).

use std::path::PathBuf;

use aws_sso_profile_config::env::{Env, vars};
use aws_sso_profile_config::{Platform, ProfileSet, expand_tilde};

/// Where a certificate bundle was configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaBundleSource {
    /// The `AWS_CA_BUNDLE` environment variable.
    Env,
    /// The `ca_bundle` setting of this profile.
    Profile(String),
}

impl std::fmt::Display for CaBundleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Env => f.write_str(vars::AWS_CA_BUNDLE),
            Self::Profile(p) => write!(f, "ca_bundle of profile '{p}'"),
        }
    }
}

/// A PEM file of certificates to trust instead of the system's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaBundle {
    /// The file (`~` expanded).
    pub path: PathBuf,
    /// Which setting named it.
    pub source: CaBundleSource,
}

/// A proxy for one kind of endpoint.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy's URL as configured (it may hold a user name and password).
    pub url: String,
    /// The variable it came from (`HTTPS_PROXY`, `https_proxy`, ...).
    pub variable: &'static str,
}

impl Proxy {
    /// The URL without any user name or password, for messages and logs.
    pub fn display_url(&self) -> String {
        redact_userinfo(&self.url)
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &self.display_url())
            .field("variable", &self.variable)
            .finish()
    }
}

/// `http://user:secret@proxy:3128` → `http://proxy:3128`. Everything up to the last `@` is
/// dropped, so that a password holding `/` or `@` never shows either.
fn redact_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    if scheme.is_empty() {
        rest.to_owned()
    } else {
        format!("{scheme}://{rest}")
    }
}

/// A proxy given without a scheme (`proxy.corp:3128`) is an `http://` proxy, as Python's
/// `urllib` (and so the AWS CLI) reads it.
fn with_scheme(url: String) -> String {
    if url.contains("://") {
        url
    } else {
        format!("http://{url}")
    }
}

/// The network settings of a profile (or of the environment alone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transport {
    /// Certificates to trust instead of the system's.
    pub ca_bundle: Option<CaBundle>,
    /// The proxy for `https://` endpoints.
    pub https_proxy: Option<Proxy>,
    /// The proxy for `http://` endpoints.
    pub http_proxy: Option<Proxy>,
    /// Hosts that bypass the proxies (`NO_PROXY`), comma-separated as configured.
    pub no_proxy: Option<String>,
    /// The profile's `ca_bundle` when `AWS_CA_BUNDLE` wins over it, to say so in messages.
    pub shadowed_ca_bundle: Option<CaBundle>,
}

/// The first set, non-empty variable of `names`.
fn first(env: &dyn Env, names: &[&'static str]) -> Option<(&'static str, String)> {
    names
        .iter()
        .find_map(|n| env.non_empty(n).map(|v| (*n, v.trim().to_owned())))
}

impl Transport {
    /// The settings of the environment alone (no profile): `AWS_CA_BUNDLE` and the proxy
    /// variables.
    pub fn from_env(env: &dyn Env) -> Self {
        let proxy = |names| {
            first(env, names).map(|(variable, url)| Proxy {
                url: with_scheme(url),
                variable,
            })
        };
        Self {
            ca_bundle: env.non_empty(vars::AWS_CA_BUNDLE).map(|p| CaBundle {
                path: expand_tilde(&p, env, Platform::current()).unwrap_or_else(|_| p.into()),
                source: CaBundleSource::Env,
            }),
            https_proxy: proxy(&[vars::HTTPS_PROXY_LOWER, vars::HTTPS_PROXY]),
            http_proxy: proxy(&[vars::HTTP_PROXY_LOWER, vars::HTTP_PROXY]),
            no_proxy: first(env, &[vars::NO_PROXY_LOWER, vars::NO_PROXY]).map(|(_, v)| v),
            shadowed_ca_bundle: None,
        }
    }

    /// The proxy for `url`, unless `NO_PROXY` exempts its host. `NO_PROXY` entries are host
    /// names (`example.com` also matches `sub.example.com`, a leading `.` or `*.` likewise),
    /// IP addresses, CIDR blocks (`10.0.0.0/8`), optionally with `:port`; `*` exempts
    /// everything.
    pub fn proxy_for(&self, url: &str) -> Option<&Proxy> {
        let (scheme, rest) = url.split_once("://")?;
        let proxy = match scheme.to_ascii_lowercase().as_str() {
            "https" => self.https_proxy.as_ref()?,
            "http" => self.http_proxy.as_ref()?,
            _ => return None,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = split_host_port(authority);
        let exempt = self.no_proxy.as_deref().is_some_and(|rules| {
            rules
                .split(',')
                .any(|r| no_proxy_matches(r.trim(), host, port))
        });
        (!exempt).then_some(proxy)
    }
}

fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if let Some(rest) = authority.strip_prefix('[') {
        // [::1]:8080
        let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
        return (host, after.strip_prefix(':'));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (authority, None),
    }
}

fn no_proxy_matches(rule: &str, host: &str, port: Option<&str>) -> bool {
    if rule.is_empty() {
        return false;
    }
    if rule == "*" {
        return true;
    }
    let (rule_host, rule_port) = split_host_port(rule);
    if let Some(rp) = rule_port
        && Some(rp) != port
    {
        return false;
    }
    let host = host.to_ascii_lowercase();
    if let Some((net, bits)) = rule_host.split_once('/') {
        return cidr_contains(net, bits, &host);
    }
    let rule_host = rule_host
        .trim_start_matches("*.")
        .trim_start_matches('.')
        .to_ascii_lowercase();
    host == rule_host || host.ends_with(&format!(".{rule_host}"))
}

fn cidr_contains(net: &str, bits: &str, host: &str) -> bool {
    use std::net::IpAddr;
    let (Ok(net), Ok(bits), Ok(ip)) = (
        net.parse::<IpAddr>(),
        bits.parse::<u32>(),
        host.parse::<IpAddr>(),
    ) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

impl Transport {
    /// The network settings for `profile` of `set`: the environment's, with the profile's
    /// `ca_bundle` when `AWS_CA_BUNDLE` is not set (the environment wins, as in the AWS CLI).
    /// Without a profile (a session named directly), the active profile's
    /// (`AWS_SSO_RS_PROFILE` inside `aws-sso-rs exec`, else `AWS_PROFILE`, else
    /// `AWS_DEFAULT_PROFILE`, else `default`), as the AWS CLI reads `ca_bundle` for
    /// `aws sso login --sso-session`. The `AWS_SSO_*` variables' profile, which holds no
    /// `ca_bundle`, reads `default`'s.
    pub fn for_profile(set: &ProfileSet, profile: Option<&str>, env: &dyn Env) -> Self {
        let mut transport = Self::from_env(env);
        let active = aws_sso_profile_config::select_profile(None, env).name;
        let profile = match profile.unwrap_or(&active) {
            p if p == aws_sso_profile_config::SSO_VARIABLES_PROFILE => "default",
            p => p,
        };
        if let Some(path) = set
            .profile(profile)
            .and_then(|s| s.get("ca_bundle"))
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let bundle = CaBundle {
                path: expand_tilde(path, env, Platform::current()).unwrap_or_else(|_| path.into()),
                source: CaBundleSource::Profile(profile.to_owned()),
            };
            match &transport.ca_bundle {
                None => transport.ca_bundle = Some(bundle),
                Some(env_bundle) if env_bundle.path != bundle.path => {
                    transport.shadowed_ca_bundle = Some(bundle);
                }
                Some(_) => {}
            }
        }
        transport
    }
}

#[cfg(test)]
impl Transport {
    /// Settings with only a CA bundle at `path`, as `AWS_CA_BUNDLE` names one.
    pub(crate) fn bundle_for_tests(path: &std::path::Path) -> Self {
        Self {
            ca_bundle: Some(CaBundle {
                path: path.to_owned(),
                source: CaBundleSource::Env,
            }),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sso_profile_config::{MapEnv, Source};

    fn with_proxy(no_proxy: &str) -> Transport {
        Transport::from_env(
            &MapEnv::new()
                .with("HTTPS_PROXY", "http://user:pw@proxy.corp:3128")
                .with("NO_PROXY", no_proxy),
        )
    }

    #[test]
    fn the_proxy_follows_the_scheme_and_lower_case_wins() {
        let env = MapEnv::new()
            .with("HTTPS_PROXY", "http://upper:1")
            .with("https_proxy", "http://lower:2")
            .with("HTTP_PROXY", "http://plain:3");
        let t = Transport::from_env(&env);
        let https = t
            .proxy_for("https://oidc.eu-west-1.amazonaws.com")
            .expect("proxied");
        assert_eq!(
            (https.url.as_str(), https.variable),
            ("http://lower:2", "https_proxy")
        );
        let http = t.proxy_for("http://127.0.0.1:8080/x").expect("proxied");
        assert_eq!(http.url, "http://plain:3");
        assert!(Transport::default().proxy_for("https://a.b").is_none());
    }

    #[test]
    fn no_proxy_exempts_hosts_suffixes_addresses_and_blocks() {
        let t = with_proxy("localhost, .internal.corp,*.example.org,10.0.0.0/8,127.0.0.1:9000");
        for url in [
            "https://localhost:443/",
            "https://a.internal.corp",
            "https://internal.corp",
            "https://deep.sub.example.org/x",
            "https://10.1.2.3:8443",
            "https://127.0.0.1:9000/path",
        ] {
            assert!(t.proxy_for(url).is_none(), "{url} bypasses");
        }
        for url in [
            "https://oidc.us-east-1.amazonaws.com",
            "https://notinternal.corp",
            "https://127.0.0.1:9001",
            "https://11.0.0.1",
        ] {
            assert!(t.proxy_for(url).is_some(), "{url} goes through the proxy");
        }
        assert!(with_proxy("*").proxy_for("https://anything").is_none());
    }

    #[test]
    fn a_proxy_password_never_shows() {
        let t = with_proxy("");
        let p = t.https_proxy.as_ref().expect("set");
        assert_eq!(p.display_url(), "http://proxy.corp:3128");
        assert!(!format!("{t:?}").contains("pw"));
        let odd = Transport::from_env(
            &MapEnv::new().with("HTTPS_PROXY", "http://me:pa/ss@w0rd@proxy:3128"),
        );
        let shown = format!("{odd:?}");
        assert!(
            !shown.contains("pa/ss") && !shown.contains("w0rd"),
            "{shown}"
        );
    }

    #[test]
    fn a_proxy_without_a_scheme_is_http() {
        let t = Transport::from_env(&MapEnv::new().with("https_proxy", "proxy.corp:3128"));
        assert_eq!(
            t.proxy_for("https://x.example").map(|p| p.url.as_str()),
            Some("http://proxy.corp:3128")
        );
    }

    #[test]
    fn a_session_named_directly_uses_the_active_profiles_bundle() {
        let set = ProfileSet::parse(
            Some(Source {
                path: std::path::Path::new("config"),
                text: "[default]\nca_bundle = /etc/default.pem\n[profile work]\nca_bundle = /etc/work.pem\n",
            }),
            None,
        )
        .expect("parses");
        let bundle = |env: &MapEnv| {
            Transport::for_profile(&set, None, env)
                .ca_bundle
                .map(|b| b.path)
        };
        assert_eq!(
            bundle(&MapEnv::new()),
            Some(PathBuf::from("/etc/default.pem"))
        );
        assert_eq!(
            bundle(&MapEnv::new().with("AWS_PROFILE", "work")),
            Some(PathBuf::from("/etc/work.pem"))
        );
        // The AWS_SSO_* variables' profile holds none: `default`'s.
        let variables = MapEnv::new().with("AWS_SSO_START_URL", "https://d-1.awsapps.com/start");
        assert_eq!(bundle(&variables), Some(PathBuf::from("/etc/default.pem")));
        assert_eq!(
            Transport::for_profile(&set, Some("AWS_SSO_*"), &MapEnv::new())
                .ca_bundle
                .map(|b| b.path),
            Some(PathBuf::from("/etc/default.pem"))
        );
    }

    #[test]
    fn the_environment_bundle_wins_over_the_profile() {
        let set = ProfileSet::parse(
            Some(Source {
                path: std::path::Path::new("config"),
                text: "[profile dev]\nca_bundle = ~/corp.pem\n",
            }),
            None,
        )
        .expect("parses");
        let home = MapEnv::new().with("HOME", "/home/u");
        let t = Transport::for_profile(&set, Some("dev"), &home);
        let bundle = t.ca_bundle.expect("from the profile");
        assert_eq!(bundle.path, PathBuf::from("/home/u/corp.pem"));
        assert_eq!(bundle.source.to_string(), "ca_bundle of profile 'dev'");
        let env = home.with("AWS_CA_BUNDLE", "/etc/env.pem");
        let bundle = Transport::for_profile(&set, Some("dev"), &env)
            .ca_bundle
            .expect("from env");
        assert_eq!(
            (bundle.path, bundle.source),
            (PathBuf::from("/etc/env.pem"), CaBundleSource::Env)
        );
    }
}
