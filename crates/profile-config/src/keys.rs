//! The keys the AWS CLI and the AWS SDKs read from a profile or an `[sso-session]`, and the
//! keys that look like a misspelling of one of them (`sso_regoin`, `source_profle`), which
//! every AWS tool silently ignores.

use crate::error::{Error, ErrorKind};
use crate::profile::{ProfileSet, Section};

/// Keys of a profile or `[sso-session]` that the AWS CLI v2 or the AWS SDKs read (their
/// shared settings: credentials, roles, IAM Identity Center, endpoints, retries, the CLI's
/// own output settings).
pub const KNOWN_KEYS: &[&str] = &[
    "account_id_endpoint_mode",
    "api_versions",
    "auth_scheme_preference",
    "aws_access_key_id",
    "aws_account_id",
    "aws_secret_access_key",
    "aws_session_token",
    "ca_bundle",
    "cli_auto_prompt",
    "cli_binary_format",
    "cli_follow_urlparam",
    "cli_help_output",
    "cli_history",
    "cli_pager",
    "cli_timestamp_format",
    "credential_process",
    "credential_source",
    "defaults_mode",
    "disable_request_compression",
    "duration_seconds",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "ec2_metadata_v1_disabled",
    "endpoint_discovery_enabled",
    "endpoint_url",
    "external_id",
    "ignore_configured_endpoint_urls",
    "login_session",
    "max_attempts",
    "metadata_service_num_attempts",
    "metadata_service_timeout",
    "mfa_serial",
    "output",
    "parameter_validation",
    "region",
    "request_checksum_calculation",
    "request_min_compression_size_bytes",
    "response_checksum_validation",
    "retry_mode",
    "role_arn",
    "role_session_name",
    "s3",
    "sdk_ua_app_id",
    "services",
    "sigv4a_signing_region_set",
    "source_profile",
    "sso_account_id",
    "sso_region",
    "sso_registration_scopes",
    "sso_role_name",
    "sso_session",
    "sso_start_url",
    "sts_regional_endpoints",
    "tcp_keepalive",
    "use_dualstack_endpoint",
    "use_fips_endpoint",
    "web_identity_token_file",
];

/// The known key `key` is probably a misspelling of, if any: not itself known, and at most
/// two edits from a known one (one for a key of 4 to 6 letters; none below).
pub fn misspelling_of(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if KNOWN_KEYS.contains(&lower.as_str()) {
        return None;
    }
    let allowed = match lower.len() {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    };
    KNOWN_KEYS
        .iter()
        .map(|k| (*k, strsim::damerau_levenshtein(&lower, k)))
        .filter(|(_, d)| *d <= allowed)
        .min_by_key(|(_, d)| *d)
        .map(|(k, _)| k)
}

impl ProfileSet {
    /// Every key of a profile or `[sso-session]` that looks like a misspelt known key, as a
    /// [`ErrorKind::MisspeltKey`] naming the section, the file and line and the key meant.
    /// The AWS CLI ignores such a key without a word; `aws-sso-rs doctor` lists them.
    pub fn misspelt_keys(&self) -> Vec<Error> {
        let profiles = self
            .profiles()
            .map(|s| (format!("profile '{}'", s.name()), s));
        let sessions = self
            .sso_sessions()
            .map(|s| (format!("sso-session '{}'", s.name()), s));
        profiles
            .chain(sessions)
            .flat_map(|(label, section): (String, &Section)| {
                section
                    .properties()
                    .filter_map(|(key, prop)| {
                        misspelling_of(key).map(|suggestion| {
                            ErrorKind::MisspeltKey {
                                section: label.clone(),
                                key: key.to_owned(),
                                suggestion,
                                location: prop.location().clone(),
                            }
                            .into()
                        })
                    })
                    .collect::<Vec<Error>>()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_close_to_a_known_one_is_a_misspelling() {
        assert_eq!(misspelling_of("sso_regoin"), Some("sso_region"));
        assert_eq!(misspelling_of("source_profle"), Some("source_profile"));
        assert_eq!(misspelling_of("regoin"), Some("region"), "a transposition");
        assert_eq!(misspelling_of("regn"), None, "two edits on a short key");
        assert_eq!(misspelling_of("s4"), None, "too short to tell");
        assert_eq!(misspelling_of("regin"), Some("region"));
        assert_eq!(misspelling_of("region"), None, "known");
        assert_eq!(misspelling_of("my_plugin_setting"), None, "far from any");
        assert!(
            KNOWN_KEYS.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
    }

    #[test]
    fn every_misspelt_key_is_named_with_its_section_and_line() {
        let set = ProfileSet::parse(
            Some(crate::Source {
                path: std::path::Path::new("config"),
                text: "[profile a]\nregion = eu-west-1\nsource_profle = b\n[sso-session s]\nsso_regoin = eu-west-1\n",
            }),
            None,
        )
        .expect("parses");
        let found: Vec<String> = set
            .misspelt_keys()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("profile 'a' (config line 3)")
                && found[0].contains("did you mean source_profile?"),
            "{found:?}"
        );
        assert!(
            found[1].contains("sso-session 's' (config line 5)") && found[1].contains("sso_region"),
            "{found:?}"
        );
    }
}
