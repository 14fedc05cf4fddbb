//! Which addresses a browser may be sent to: [`check_url`].

use crate::error::{Error, ErrorKind};

/// Refuses URLs a browser should not be sent to: anything but `https://`, except loopback
/// addresses (which the local mock uses).
///
/// # Errors
/// [`ErrorKind::InsecureUrl`].
pub fn check_url(url: &str) -> Result<(), Error> {
    let refuse = || Err(ErrorKind::InsecureUrl(url.to_owned()).into());
    let Some((scheme, rest)) = url.split_once("://") else {
        return refuse();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // `https://127.0.0.1@evil.example/` is evil.example: no user part, ever.
    if authority.is_empty() || authority.contains('@') || authority.contains('\\') {
        return refuse();
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, after)) if after.is_empty() || after.starts_with(':') => h,
            _ => return refuse(),
        },
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let loopback = matches!(
        host.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "::1"
    );
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Ok(()),
        "http" if loopback => Ok(()),
        _ => refuse(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_urls_are_opened() {
        for ok in [
            "https://device.sso.us-east-1.amazonaws.com/",
            "http://127.0.0.1:4566/device?user_code=X",
            "http://localhost:1/",
            "http://[::1]:2/x",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://device.sso.amazonaws.com/",
            "http://127.0.0.1.evil.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "http://127.0.0.1:1@evil.example/x",
            "http://localhost:@evil.example",
            "http://127.0.0.1@evil.example",
            "https://user@evil.example",
            "http://127.0.0.1\\@evil.example",
            "http://[::1]evil/",
            "HTTP://evil.example",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
