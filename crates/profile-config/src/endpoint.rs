//! Which URL to call for a service, with the precedence of the AWS SDKs' configured endpoints.
//!
//! From highest to lowest: an explicit client setting (`--endpoint-url`); the service's
//! `AWS_ENDPOINT_URL_<SERVICE>`; `AWS_ENDPOINT_URL`; the service's `endpoint_url` in the
//! profile's `[services]` section; the profile's `endpoint_url`; the service's public
//! endpoint for the region. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` or the profile's
//! `ignore_configured_endpoint_urls = true` turns off everything but the explicit setting.

use crate::env::{Env, vars};
use crate::profile::{ProfileSet, Section};

/// A service aws-sso-rs calls, named by its SDK service id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Service {
    /// The AWS access portal API (`GetRoleCredentials`, `ListAccounts`, `Logout`).
    Sso,
    /// The OIDC service (`RegisterClient`, `StartDeviceAuthorization`, `CreateToken`).
    SsoOidc,
    /// STS (`GetCallerIdentity`).
    Sts,
    /// The console sign-in federation endpoint.
    Signin,
    /// Any other service, by its service id (`s3`, `dynamodb`, ...).
    Other(String),
}

impl Service {
    /// The service id as the SDKs spell it, lower-case with `_` for spaces and dashes: the
    /// key in a `[services]` section (`sso_oidc`).
    pub fn config_key(&self) -> String {
        match self {
            Self::Sso => "sso".into(),
            Self::SsoOidc => "sso_oidc".into(),
            Self::Sts => "sts".into(),
            Self::Signin => "signin".into(),
            Self::Other(id) => id.to_ascii_lowercase().replace([' ', '-'], "_"),
        }
    }

    /// The environment variable that overrides this service's endpoint
    /// (`AWS_ENDPOINT_URL_SSO_OIDC`).
    pub fn env_var(&self) -> String {
        format!(
            "{}{}",
            vars::AWS_ENDPOINT_URL_PREFIX,
            self.config_key().to_ascii_uppercase()
        )
    }

    /// The public endpoint in `region` (read in lower case: `US-EAST-1` is us-east-1).
    pub fn default_url(&self, region: &str) -> String {
        let region = &region.to_ascii_lowercase();
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        match self {
            Self::Sso => format!("https://portal.sso.{region}.{suffix}"),
            Self::SsoOidc => format!("https://oidc.{region}.{suffix}"),
            Self::Sts => format!("https://sts.{region}.{suffix}"),
            Self::Signin if region.starts_with("us-gov-") => {
                "https://signin.amazonaws-us-gov.com".into()
            }
            Self::Signin if region.starts_with("cn-") => "https://signin.amazonaws.cn".into(),
            Self::Signin => "https://signin.aws.amazon.com".into(),
            Self::Other(_) => format!("https://{}.{region}.{suffix}", self.config_key()),
        }
    }
}

/// Where a resolved endpoint came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointSource {
    /// The explicit client setting.
    Client,
    /// `AWS_ENDPOINT_URL_<SERVICE>`.
    ServiceEnv,
    /// `AWS_ENDPOINT_URL`.
    GlobalEnv,
    /// The service's entry in the profile's `[services]` section.
    ServiceConfig,
    /// The profile's `endpoint_url`.
    GlobalConfig,
    /// The service's public endpoint.
    Default,
}

impl EndpointSource {
    /// Where an endpoint of `service` set so comes from, in a person's words
    /// (`AWS_ENDPOINT_URL_SSO_OIDC`, `the profile's endpoint_url`, `the public endpoint`).
    pub fn describe(&self, service: &Service) -> String {
        match self {
            Self::Client => "the program's own setting".to_owned(),
            Self::ServiceEnv => service.env_var(),
            Self::GlobalEnv => vars::AWS_ENDPOINT_URL.to_owned(),
            Self::ServiceConfig => format!(
                "the {} entry of the profile's [services] section",
                service.config_key()
            ),
            Self::GlobalConfig => "the profile's endpoint_url".to_owned(),
            Self::Default => "the public endpoint".to_owned(),
        }
    }
}

/// A resolved endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Endpoint {
    /// The URL.
    pub url: String,
    /// Where it came from.
    pub source: EndpointSource,
}

impl Endpoint {
    /// An endpoint set by the program itself (a test, a library user): [`EndpointSource::Client`].
    pub fn explicit(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            source: EndpointSource::Client,
        }
    }

    /// Whether this is the service's public endpoint, which an SDK client resolves itself
    /// (so it need not be set on the client).
    pub fn is_default(&self) -> bool {
        self.source == EndpointSource::Default
    }
}

/// Settings from the program itself, above the environment and the files.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientEndpointConfig<'a> {
    /// An explicit endpoint URL (`--endpoint-url`).
    pub endpoint_url: Option<&'a str>,
    /// Ignore configured endpoints even if neither the environment nor the profile says so.
    pub ignore_configured_endpoint_urls: bool,
}

fn is_true(value: Option<impl AsRef<str>>) -> bool {
    value.is_some_and(|v| v.as_ref().trim().eq_ignore_ascii_case("true"))
}

impl ProfileSet {
    /// Resolves the endpoint of `service` for `profile` (which may be absent from the files).
    pub fn endpoint(
        &self,
        profile: Option<&str>,
        service: &Service,
        region: &str,
        env: &dyn Env,
        client: ClientEndpointConfig<'_>,
    ) -> Endpoint {
        let found = |url: String, source| Endpoint { url, source };
        if let Some(url) = client.endpoint_url {
            return found(url.to_owned(), EndpointSource::Client);
        }
        let section: Option<&Section> = profile.and_then(|p| self.profile(p));
        let ignore = client.ignore_configured_endpoint_urls
            || is_true(env.var(vars::AWS_IGNORE_CONFIGURED_ENDPOINT_URLS))
            || is_true(section.and_then(|s| s.get("ignore_configured_endpoint_urls")));
        if !ignore {
            if let Some(url) = env.non_empty(&service.env_var()) {
                return found(url, EndpointSource::ServiceEnv);
            }
            if let Some(url) = env.non_empty(vars::AWS_ENDPOINT_URL) {
                return found(url, EndpointSource::GlobalEnv);
            }
            if let Some(url) = section.and_then(|s| self.services_endpoint(s, service)) {
                return found(url, EndpointSource::ServiceConfig);
            }
            if let Some(url) = section
                .and_then(|s| s.get("endpoint_url"))
                .filter(|u| !u.is_empty())
            {
                return found(url.to_owned(), EndpointSource::GlobalConfig);
            }
        }
        found(service.default_url(region), EndpointSource::Default)
    }

    fn services_endpoint(&self, profile: &Section, service: &Service) -> Option<String> {
        // A [services] section holding a line nobody can read is not trusted (the warning
        // names the line).
        let services = self
            .services(profile.get("services")?)
            .filter(|s| s.problem().is_none())?;
        let entry = services.property(&service.config_key())?;
        entry
            .sub_properties()
            .into_iter()
            .find(|(name, value)| name == "endpoint_url" && !value.is_empty())
            .map(|(_, value)| value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_names_follow_the_service_id() {
        assert_eq!(Service::SsoOidc.env_var(), "AWS_ENDPOINT_URL_SSO_OIDC");
        assert_eq!(Service::Sso.env_var(), "AWS_ENDPOINT_URL_SSO");
        assert_eq!(
            Service::Other("Elastic Beanstalk".into()).env_var(),
            "AWS_ENDPOINT_URL_ELASTIC_BEANSTALK"
        );
    }

    #[test]
    fn public_endpoints() {
        assert_eq!(
            Service::Sso.default_url("eu-west-1"),
            "https://portal.sso.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            Service::SsoOidc.default_url("cn-north-1"),
            "https://oidc.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            Service::Signin.default_url("us-east-1"),
            "https://signin.aws.amazon.com"
        );
    }
}
