//! What a start URL's host says, read as the AWS CLI reads it (AWS CLI 2.35): whether it is an
//! AWS-owned access-portal host (`*.awsapps.com`, `*.portal.<region>.app.aws`,
//! `*.<region>.portal.amazonaws.com`, `identitycenter.amazonaws.com`) or a company's own host
//! that redirects to one, and the region a portal host names.

/// The AWS-owned suffixes of access-portal hosts, matched on a label boundary.
const AWS_OWNED_SUFFIXES: [&str; 3] = [".app.aws", ".portal.amazonaws.com", ".awsapps.com"];

/// The one AWS-owned portal host that is not under those suffixes.
const AWS_OWNED_EXACT: &str = "identitycenter.amazonaws.com";

/// The host of an `https://` start URL, lower-cased and without a trailing dot; `None` for
/// another scheme or no host.
pub fn start_url_host(url: &str) -> Option<String> {
    let rest = url
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = host_port.split(':').next().unwrap_or_default();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Whether `host` is an AWS-owned access-portal host: a start URL there is used as it is; any
/// other is a company's own, which the AWS CLI follows one redirect from.
pub fn is_aws_portal_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == AWS_OWNED_EXACT
        || AWS_OWNED_SUFFIXES
            .iter()
            .any(|suffix| host == suffix[1..] || host.ends_with(suffix))
}

/// The region a portal host names: `ID.portal.REGION.app.aws` or
/// `ID.REGION.portal.amazonaws.com` (a `*.awsapps.com` host names none).
pub fn region_of_portal_host(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let region = match labels.as_slice() {
        [id, "portal", region, "app", "aws"] if !id.is_empty() => *region,
        [id, region, "portal", "amazonaws", "com"] if !id.is_empty() => *region,
        _ => return None,
    };
    (!region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    .then(|| region.to_owned())
}

/// The region `url`'s host names, if it is a portal host that names one.
pub fn region_of_start_url(url: &str) -> Option<String> {
    region_of_portal_host(&start_url_host(url)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_hosts_aws_owns_are_known_on_a_label_boundary() {
        for host in [
            "d-1234567890.awsapps.com",
            "ssoins-72238f444baccc75.portal.us-west-2.app.aws",
            "ssoins-72238f444baccc75.us-west-2.portal.amazonaws.com",
            "identitycenter.amazonaws.com",
            "D-1234567890.AWSAPPS.COM.",
            "awsapps.com",
        ] {
            assert!(is_aws_portal_host(host), "{host}");
        }
        for host in [
            "sso.example.com",
            "notawsapps.com",
            "awsapps.com.evil.example",
            "portal.amazonaws.com.example",
        ] {
            assert!(!is_aws_portal_host(host), "{host}");
        }
    }

    #[test]
    fn a_portal_host_names_its_region_an_awsapps_one_does_not() {
        assert_eq!(
            region_of_start_url("https://ssoins-1.portal.eu-central-1.app.aws/start"),
            Some("eu-central-1".into())
        );
        assert_eq!(
            region_of_start_url("https://ssoins-1.ap-southeast-2.portal.amazonaws.com/"),
            Some("ap-southeast-2".into())
        );
        assert_eq!(
            region_of_start_url("https://SSOINS-1.Portal.US-EAST-1.App.Aws"),
            Some("us-east-1".into())
        );
        assert_eq!(region_of_start_url("https://d-1.awsapps.com/start"), None);
        assert_eq!(region_of_start_url("https://sso.example.com/start"), None);
        assert_eq!(
            region_of_start_url("http://ssoins-1.portal.eu-west-1.app.aws"),
            None
        );
        assert_eq!(
            start_url_host("https://user@Sso.Example.com:8443/start#/"),
            Some("sso.example.com".into())
        );
    }
}
