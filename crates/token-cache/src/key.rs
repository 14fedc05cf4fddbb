//! Cache file names, computed exactly as the AWS CLI v2 and botocore compute them.

/// SHA-1 in hex. `sha1_smol` is plain portable code: no CPU feature detection at run time
/// (CPUID is slow in virtual machines, and `prompt` hashes a key at every shell prompt); the
/// inputs are a few hundred bytes.
fn sha1_hex(text: &str) -> String {
    sha1_smol::Sha1::from(text).digest().to_string()
}

/// A JSON string as Python's `json.dumps` writes it with its default `ensure_ascii=True`:
/// printable ASCII as is, `\"` `\\` `\n` `\r` `\t` `\b` `\f`, everything else `\uXXXX`
/// (UTF-16 surrogate pairs above U+FFFF).
pub(crate) fn python_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// Names the SSO token file `~/.aws/sso/cache/<sha1>.json` of one sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    source: String,
    hash: String,
}

impl TokenKey {
    /// The key for a sign-in: the sso-session's name, or for a legacy profile its start URL
    /// (what `SsoSession::cache_key_source` in `aws-sso-profile-config` returns).
    pub fn new(source: impl Into<String>) -> Self {
        let source = source.into();
        let hash = sha1_hex(&source);
        Self { source, hash }
    }

    /// The key of `session`'s token: the one way from a session to its cache file, used by
    /// every crate of aws-sso-rs.
    pub fn for_session(session: &aws_sso_profile_config::SsoSession) -> Self {
        Self::new(session.cache_key_source())
    }

    /// The session name or start URL this key was made from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The hex SHA-1 that names the file.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

/// Names a client registration file in `~/.aws/sso/cache`, shared with the AWS CLI v2.
///
/// The name is the SHA-1 of `json.dumps({"region", "scopes", "session_name", "startUrl",
/// "tool": "botocore"}, sort_keys=True)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistrationKey {
    hash: String,
}

impl RegistrationKey {
    /// The key for a registration made for `start_url` in `region`, for the sso-session
    /// `session_name` (`None` for a legacy profile) with `scopes` (`None` when none were
    /// asked for, which is what a legacy profile does).
    pub fn new(
        start_url: &str,
        region: &str,
        session_name: Option<&str>,
        scopes: Option<&[String]>,
    ) -> Self {
        let null = || "null".to_owned();
        let scopes = scopes.map_or_else(null, |s| {
            let items: Vec<String> = s.iter().map(|x| python_json_string(x)).collect();
            format!("[{}]", items.join(", "))
        });
        let session_name = session_name.map_or_else(null, python_json_string);
        let json = format!(
            "{{\"region\": {}, \"scopes\": {scopes}, \"session_name\": {session_name}, \"startUrl\": {}, \"tool\": \"botocore\"}}",
            python_json_string(region),
            python_json_string(start_url),
        );
        Self {
            hash: sha1_hex(&json),
        }
    }

    /// The hex SHA-1 that names the file.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

/// Names a role-credential file `~/.aws/cli/cache/<sha1>.json`, shared with the AWS CLI v2
/// and botocore.
///
/// The name is the SHA-1 of the compact, key-sorted JSON of `accountId`, `roleName` and
/// `sessionName` (session profiles) or `startUrl` (legacy profiles).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleKey {
    hash: String,
}

impl RoleKey {
    /// The key for `role_name` in `account_id`, reached through the sso-session
    /// `session_name`, or for a legacy profile (`session_name` = `None`) its `start_url`.
    pub fn new(
        account_id: &str,
        role_name: &str,
        session_name: Option<&str>,
        start_url: &str,
    ) -> Self {
        let last = match session_name {
            Some(name) => format!("\"sessionName\":{}", python_json_string(name)),
            None => format!("\"startUrl\":{}", python_json_string(start_url)),
        };
        let json = format!(
            "{{\"accountId\":{},\"roleName\":{},{last}}}",
            python_json_string(account_id),
            python_json_string(role_name),
        );
        Self {
            hash: sha1_hex(&json).replace(':', "_"),
        }
    }

    /// The hex SHA-1 that names the file.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

/// The arguments of one `AssumeRole` that name its cached credentials (the MFA code is not
/// one of them: it changes at every call).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssumeRoleArgs<'a> {
    /// `RoleArn`.
    pub role_arn: &'a str,
    /// `RoleSessionName`, only when the profile sets one (a made-up name is not hashed).
    pub role_session_name: Option<&'a str>,
    /// `ExternalId`.
    pub external_id: Option<&'a str>,
    /// `SerialNumber` (the profile's `mfa_serial`).
    pub serial_number: Option<&'a str>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<i64>,
}

/// Names an assumed role's credential file `~/.aws/cli/cache/<sha1>.json`, as botocore's
/// `AssumeRoleCredentialFetcher` names it when the AWS CLI gives it that folder: the SHA-1 of
/// `json.dumps(arguments, sort_keys=True)` (Python's default separators, `", "` and `": "`),
/// with `:` and `/` made `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AssumedRoleKey {
    hash: String,
}

impl AssumedRoleKey {
    /// The key of `args`.
    pub fn new(args: &AssumeRoleArgs<'_>) -> Self {
        // Sorted as Python sorts the keys.
        let mut fields: Vec<String> = Vec::new();
        if let Some(d) = args.duration_seconds {
            fields.push(format!("\"DurationSeconds\": {d}"));
        }
        if let Some(e) = args.external_id {
            fields.push(format!("\"ExternalId\": {}", python_json_string(e)));
        }
        fields.push(format!(
            "\"RoleArn\": {}",
            python_json_string(args.role_arn)
        ));
        if let Some(n) = args.role_session_name {
            fields.push(format!("\"RoleSessionName\": {}", python_json_string(n)));
        }
        if let Some(s) = args.serial_number {
            fields.push(format!("\"SerialNumber\": {}", python_json_string(s)));
        }
        let json = format!("{{{}}}", fields.join(", "));
        Self {
            hash: sha1_hex(&json).replace([':', '/'], "_"),
        }
    }

    /// The hex SHA-1 that names the file.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_role_keys_hash_the_arguments_as_botocore_dumps_them() {
        // sha1(b'{"RoleArn": "arn:aws:iam::222222222222:role/Deployer"}')
        let plain = AssumedRoleKey::new(&AssumeRoleArgs {
            role_arn: "arn:aws:iam::222222222222:role/Deployer",
            ..AssumeRoleArgs::default()
        });
        assert_eq!(
            plain.hash(),
            sha1_hex("{\"RoleArn\": \"arn:aws:iam::222222222222:role/Deployer\"}")
        );
        let all = AssumeRoleArgs {
            role_arn: "arn:aws:iam::222222222222:role/Deployer",
            role_session_name: Some("alice"),
            external_id: Some("ext-\u{e9}"),
            serial_number: Some("arn:aws:iam::111111111111:mfa/alice"),
            duration_seconds: Some(900),
        };
        assert_eq!(
            AssumedRoleKey::new(&all).hash(),
            sha1_hex(
                "{\"DurationSeconds\": 900, \"ExternalId\": \"ext-\\u00e9\", \"RoleArn\": \"arn:aws:iam::222222222222:role/Deployer\", \"RoleSessionName\": \"alice\", \"SerialNumber\": \"arn:aws:iam::111111111111:mfa/alice\"}"
            )
        );
        assert_ne!(plain, AssumedRoleKey::new(&all));
    }

    #[test]
    fn token_key_of_a_session_name() {
        assert_eq!(
            TokenKey::new("dev").hash(),
            "34c6fceca75e456f25e7e99531e2425c6c1de443"
        );
    }

    #[test]
    fn registration_key_matches_the_cli() {
        let key = RegistrationKey::new(
            "https://d-abc123.awsapps.com/start",
            "us-west-2",
            None,
            None,
        );
        assert_eq!(key.hash(), "d75f79f67bab3f92a2b1450471c0c2574de0dca4");
    }

    #[test]
    fn python_escaping() {
        assert_eq!(python_json_string("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(
            python_json_string("é😀\u{7f}"),
            r#""\u00e9\ud83d\ude00\u007f""#
        );
    }
}
