//! One redirect followed, as the AWS CLI follows a company's own start URL to the AWS access
//! portal it stands for: a `HEAD` (a `GET` when `HEAD` is not allowed), the `Location` of a
//! redirect taken, nothing else followed.

use std::time::Duration;

use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;

use crate::Transport;

/// Why a start URL could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowError {
    /// No answer (the network, the proxy, TLS, or no answer within 10 seconds).
    NoAnswer(String),
    /// It answered, but not with a redirect or a page (another status, no `Location`).
    Answer(String),
}

impl std::fmt::Display for FollowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoAnswer(why) | Self::Answer(why) => f.write_str(why),
        }
    }
}

/// Where `url` leads: the `Location` of a redirect (`301`, `302`, `303`, `307`, `308`) it
/// answers, resolved against it, or `url` itself when it answers `2xx`. One request (two when
/// `HEAD` gets `405`), through `transport`'s CA bundle and proxy, within 10 seconds.
///
/// # Errors
/// No answer ([`FollowError::NoAnswer`]), another status, or a redirect without `Location`
/// ([`FollowError::Answer`]): a sentence saying which.
pub async fn follow_one_redirect(transport: &Transport, url: &str) -> Result<String, FollowError> {
    let connector = crate::connector(transport, url).map_err(FollowError::NoAnswer)?;
    let connector = &connector;
    let ask = |method: &'static str| async move {
        let mut request = HttpRequest::new(SdkBody::empty());
        request
            .set_method(method)
            .map_err(|e| FollowError::Answer(format!("cannot make the request ({e})")))?;
        request
            .set_uri(url)
            .map_err(|e| FollowError::Answer(format!("not a valid URL ({e})")))?;
        request.headers_mut().insert(
            "user-agent",
            concat!("aws-sso-rs/", env!("CARGO_PKG_VERSION")),
        );
        let answer = connector.call(request).await.map_err(|e| {
            FollowError::NoAnswer(format!(
                "no answer ({})",
                crate::describe_failure(transport, url, &e)
            ))
        })?;
        let location: Option<String> = answer.headers().get("location").map(|v| v.to_string());
        Ok::<_, FollowError>((answer.status().as_u16(), location))
    };
    let exchange = async {
        let (status, location) = match ask("HEAD").await? {
            (405, _) => ask("GET").await?,
            answer => answer,
        };
        tracing::debug!("request: HEAD {url} (start URL) -> {status}");
        match (status, location) {
            (200..=299, _) => Ok(url.to_owned()),
            (301 | 302 | 303 | 307 | 308, Some(location)) => Ok(join(url, location.as_str())),
            (301 | 302 | 303 | 307 | 308, None) => Err(FollowError::Answer(format!(
                "it answered HTTP {status} without a Location"
            ))),
            (status, _) => Err(FollowError::Answer(format!("it answered HTTP {status}"))),
        }
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .map_err(|_| FollowError::NoAnswer("no answer within 10 s".to_owned()))?
}

/// `location` resolved against `base`: as it is when absolute, else on `base`'s scheme and
/// host (a path) or scheme (`//host/...`).
fn join(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(authority_and_path) = location.strip_prefix("//") {
        return format!("{scheme}://{authority_and_path}");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    // Relative to the base's folder.
    let path = &rest[authority.len()..];
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
    format!("{scheme}://{authority}{folder}/{location}")
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn a_location_is_resolved_against_the_url_it_came_from() {
        let base = "https://sso.example.com/start?x=1";
        assert_eq!(
            join(base, "https://d-1.awsapps.com/start"),
            "https://d-1.awsapps.com/start"
        );
        assert_eq!(
            join(base, "//d-1.awsapps.com/start"),
            "https://d-1.awsapps.com/start"
        );
        assert_eq!(join(base, "/portal"), "https://sso.example.com/portal");
        assert_eq!(
            join("https://sso.example.com/a/b", "c"),
            "https://sso.example.com/a/c"
        );
    }
}
