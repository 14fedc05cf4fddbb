//! The three kinds of cache file and their JSON forms.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::secret::Secret;
use crate::timestamp;

/// Reads a JSON object's fields by case-insensitive name, taking each one out so that what is
/// left are the fields this crate does not know.
struct Fields(Map<String, Value>);

impl Fields {
    fn take(&mut self, name: &str) -> Option<Value> {
        let key = self
            .0
            .keys()
            .find(|k| k.eq_ignore_ascii_case(name))?
            .clone();
        self.0.shift_remove(&key)
    }

    fn string(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.take(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("{name} is not a string")),
        }
    }

    fn required_string(&mut self, name: &str) -> Result<String, String> {
        self.string(name)?
            .ok_or_else(|| format!("{name} is missing"))
    }

    fn time(&mut self, name: &str) -> Result<Option<OffsetDateTime>, String> {
        let not_a_time = || format!("{name} is not a timestamp");
        match self.take(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => timestamp::parse(&s).map(Some).ok_or_else(not_a_time),
            // Unix time, in seconds or milliseconds.
            Some(Value::Number(n)) => n
                .as_i64()
                .and_then(timestamp::from_unix)
                .map(Some)
                .ok_or_else(not_a_time),
            Some(_) => Err(not_a_time()),
        }
    }

    fn strings(&mut self, name: &str) -> Result<Option<Vec<String>>, String> {
        match self.take(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("{name} holds a non-string"))
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(_) => Err(format!("{name} is not a list")),
        }
    }
}

fn object(text: &str) -> Result<Fields, String> {
    if text.trim().is_empty() {
        return Err("the file is empty".into());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(Fields(map)),
        Ok(_) => Err("not a JSON object".into()),
        Err(e) => Err(format!("not JSON: line {} column {}", e.line(), e.column())),
    }
}

fn put(map: &mut Map<String, Value>, name: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        map.insert(name.to_owned(), v.into());
    }
}

/// An SSO access token as the AWS CLI v2 caches it in `~/.aws/sso/cache/<sha1>.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoToken {
    /// `startUrl`.
    pub start_url: Option<String>,
    /// `region`: the Identity Center region.
    pub region: Option<String>,
    /// `accessToken`.
    pub access_token: Secret,
    /// `expiresAt`.
    pub expires_at: OffsetDateTime,
    /// `clientId` of the registration that obtained the token.
    pub client_id: Option<String>,
    /// `clientSecret` of that registration.
    pub client_secret: Option<Secret>,
    /// `registrationExpiresAt`: when that registration expires.
    pub registration_expires_at: Option<OffsetDateTime>,
    /// `refreshToken`.
    pub refresh_token: Option<Secret>,
    /// Fields this crate does not know, written back unchanged.
    pub extra: Map<String, Value>,
}

impl SsoToken {
    /// A token with only the required fields.
    pub fn new(access_token: Secret, expires_at: OffsetDateTime) -> Self {
        Self {
            start_url: None,
            region: None,
            access_token,
            expires_at,
            client_id: None,
            client_secret: None,
            registration_expires_at: None,
            refresh_token: None,
            extra: Map::new(),
        }
    }

    /// Parses a cache file's text. Field names are matched case-insensitively.
    ///
    /// # Errors
    /// A reason (never containing the file's secrets) when the text is not a token.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let mut f = object(text)?;
        Ok(Self {
            start_url: f.string("startUrl")?,
            region: f.string("region")?,
            access_token: Secret::new(f.required_string("accessToken")?),
            expires_at: f.time("expiresAt")?.ok_or("expiresAt is missing")?,
            client_id: f.string("clientId")?,
            client_secret: f.string("clientSecret")?.map(Secret::new),
            registration_expires_at: f.time("registrationExpiresAt")?,
            refresh_token: f.string("refreshToken")?.map(Secret::new),
            extra: f.0,
        })
    }

    /// The JSON text the AWS CLI v2 writes for this token.
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        put(&mut m, "startUrl", self.start_url.clone());
        put(&mut m, "region", self.region.clone());
        put(&mut m, "accessToken", Some(self.access_token.expose()));
        put(
            &mut m,
            "expiresAt",
            Some(timestamp::format(self.expires_at)),
        );
        put(&mut m, "clientId", self.client_id.clone());
        put(
            &mut m,
            "clientSecret",
            self.client_secret.as_ref().map(Secret::expose),
        );
        put(
            &mut m,
            "registrationExpiresAt",
            self.registration_expires_at.map(timestamp::format),
        );
        put(
            &mut m,
            "refreshToken",
            self.refresh_token.as_ref().map(Secret::expose),
        );
        for (k, v) in &self.extra {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(m).to_string()
    }

    /// Whether the token can be refreshed at `now`: it has a refresh token and a client
    /// registration that has not expired.
    pub fn can_refresh(&self, now: OffsetDateTime) -> bool {
        self.refresh_token.is_some()
            && self.client_id.is_some()
            && self.client_secret.is_some()
            && self.registration_expires_at.is_some_and(|t| t > now)
    }
}

/// An OIDC client registration, cached in `~/.aws/sso/cache` and shared with the AWS CLI v2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: Secret,
    /// `expiresAt`.
    pub expires_at: OffsetDateTime,
    /// `scopes`, when known.
    pub scopes: Option<Vec<String>>,
    /// `grantTypes`, when known (registrations for the authorization-code flow).
    pub grant_types: Option<Vec<String>>,
    /// Fields this crate does not know, written back unchanged.
    pub extra: Map<String, Value>,
}

impl ClientRegistration {
    /// Parses a cache file's text.
    ///
    /// # Errors
    /// A reason (never containing secrets) when the text is not a registration.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let mut f = object(text)?;
        Ok(Self {
            client_id: f.required_string("clientId")?,
            client_secret: Secret::new(f.required_string("clientSecret")?),
            expires_at: f.time("expiresAt")?.ok_or("expiresAt is missing")?,
            scopes: f.strings("scopes")?,
            grant_types: f.strings("grantTypes")?,
            extra: f.0,
        })
    }

    /// The JSON text the AWS CLI v2 writes.
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        put(&mut m, "clientId", Some(self.client_id.clone()));
        put(&mut m, "clientSecret", Some(self.client_secret.expose()));
        put(
            &mut m,
            "expiresAt",
            Some(timestamp::format(self.expires_at)),
        );
        put(&mut m, "scopes", self.scopes.clone());
        put(&mut m, "grantTypes", self.grant_types.clone());
        for (k, v) in &self.extra {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(m).to_string()
    }
}

/// Credentials as every command hands them out: short-lived role credentials as botocore and
/// the AWS CLI v2 cache them in `~/.aws/cli/cache/<sha1>.json` (with `"ProviderType": "sso"`),
/// an assumed role's, or a profile's own static keys or `credential_process` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleCredentials {
    /// `AccessKeyId`.
    pub access_key_id: String,
    /// `SecretAccessKey`.
    pub secret_access_key: Secret,
    /// `SessionToken`; empty for long-term keys (an IAM user's), which have none.
    pub session_token: Secret,
    /// `Expiration`; `None` for credentials that do not expire (long-term keys, a
    /// `credential_process` that gives no expiry).
    pub expiration: Option<OffsetDateTime>,
    /// `AccountId`.
    pub account_id: Option<String>,
}

impl RoleCredentials {
    /// The `credential_process` document, as `aws configure export-credentials --format
    /// process` prints it (`Version` 1, `Expiration` in `isoformat`), pretty-printed.
    pub fn to_process_json(&self) -> String {
        let mut doc = serde_json::json!({
            "Version": 1,
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key.expose(),
        });
        if let Some(token) = self.session_token() {
            doc["SessionToken"] = token.into();
        }
        if let Some(expiration) = self.expiration {
            doc["Expiration"] = timestamp::isoformat(expiration).into();
        }
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// The session token, unless these are long-term keys.
    pub fn session_token(&self) -> Option<&str> {
        Some(self.session_token.expose()).filter(|t| !t.is_empty())
    }

    /// Whether they expire within `window` of `now` (never, for credentials that do not
    /// expire).
    pub fn expire_within(&self, window: time::Duration, now: OffsetDateTime) -> bool {
        self.expiration.is_some_and(|e| e - now <= window)
    }

    /// The answer of a container credential endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI`),
    /// as the AWS SDKs read it: `Token` for the session token.
    pub fn to_container_json(&self) -> String {
        let mut doc = serde_json::json!({
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key.expose(),
        });
        if let Some(token) = self.session_token() {
            doc["Token"] = token.into();
        }
        if let Some(expiration) = self.expiration {
            doc["Expiration"] = timestamp::format(expiration).into();
        }
        if let Some(account) = &self.account_id {
            doc["AccountId"] = account.clone().into();
        }
        doc.to_string()
    }

    /// Parses a cache file's text.
    ///
    /// # Errors
    /// A reason (never containing secrets) when the text is not an SSO role-credential entry.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let mut outer = object(text)?;
        match outer.string("ProviderType")? {
            Some(p) if p == "sso" => {}
            _ => return Err("ProviderType is not sso".into()),
        }
        Self::from_credentials(&mut outer)
    }

    /// Parses an assumed role's cache file, as botocore's `AssumeRoleCredentialFetcher` writes
    /// it (the whole `AssumeRole` answer; only `Credentials` is read).
    ///
    /// # Errors
    /// A reason (never containing secrets) when the text holds no credentials.
    pub fn from_assume_role_json(text: &str) -> Result<Self, String> {
        let mut outer = object(text)?;
        Self::from_credentials(&mut outer)
    }

    /// The `Credentials` object of both cache files.
    fn from_credentials(outer: &mut Fields) -> Result<Self, String> {
        let mut f = match outer.take("Credentials") {
            Some(Value::Object(map)) => Fields(map),
            _ => return Err("Credentials is missing".into()),
        };
        Ok(Self {
            access_key_id: f.required_string("AccessKeyId")?,
            secret_access_key: Secret::new(f.required_string("SecretAccessKey")?),
            session_token: Secret::new(f.required_string("SessionToken")?),
            expiration: Some(f.time("Expiration")?.ok_or("Expiration is missing")?),
            account_id: f.string("AccountId")?,
        })
    }

    /// The cache file botocore writes for an assumed role: its `AssumeRole` answer
    /// (`Credentials` with the account added, `AssumedRoleUser`), `Expiration` in
    /// `isoformat`.
    pub fn to_assume_role_json(&self, assumed_role_arn: Option<&str>) -> String {
        let mut m = Map::new();
        m.insert(
            "Credentials".into(),
            self.credentials_object(timestamp::isoformat),
        );
        if let Some(arn) = assumed_role_arn {
            let mut user = Map::new();
            user.insert("Arn".into(), arn.into());
            m.insert("AssumedRoleUser".into(), Value::Object(user));
        }
        Value::Object(m).to_string()
    }

    /// The JSON text botocore writes.
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        m.insert("ProviderType".into(), "sso".into());
        m.insert(
            "Credentials".into(),
            self.credentials_object(timestamp::format),
        );
        Value::Object(m).to_string()
    }

    /// The `Credentials` object of both cache files, `Expiration` written by `time`.
    fn credentials_object(&self, time: fn(OffsetDateTime) -> String) -> Value {
        let mut creds = Map::new();
        put(&mut creds, "AccessKeyId", Some(self.access_key_id.clone()));
        put(
            &mut creds,
            "SecretAccessKey",
            Some(self.secret_access_key.expose()),
        );
        put(
            &mut creds,
            "SessionToken",
            Some(self.session_token.expose()),
        );
        put(&mut creds, "Expiration", self.expiration.map(time));
        put(&mut creds, "AccountId", self.account_id.clone());
        Value::Object(creds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn role_credentials_as_credential_process_and_container_answers() {
        let c = RoleCredentials {
            access_key_id: "ASIA1".into(),
            secret_access_key: Secret::new("sk"),
            session_token: Secret::new("st"),
            expiration: Some(datetime!(2030-01-01 1:00 +02:00)),
            account_id: Some("123456789011".into()),
        };
        assert_eq!(
            c.to_process_json(),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIA1\",\n  \"SecretAccessKey\": \"sk\",\n  \"SessionToken\": \"st\",\n  \"Expiration\": \"2029-12-31T23:00:00+00:00\"\n}"
        );
        assert_eq!(
            c.to_container_json(),
            r#"{"AccessKeyId":"ASIA1","SecretAccessKey":"sk","Token":"st","Expiration":"2029-12-31T23:00:00Z","AccountId":"123456789011"}"#
        );
    }

    #[test]
    fn token_reads_any_case_and_keeps_unknown_fields() {
        let text = r#"{"StartUrl":"https://d-1.awsapps.com/start","ACCESSTOKEN":"tok","expiresAt":"2030-01-01T00:00:00UTC","futureField":{"a":1}}"#;
        let token = SsoToken::from_json(text).expect("valid token");
        assert_eq!(token.access_token.expose(), "tok");
        assert_eq!(token.expires_at, datetime!(2030-01-01 0:00 UTC));
        let written = token.to_json();
        assert_eq!(
            written,
            r#"{"startUrl":"https://d-1.awsapps.com/start","accessToken":"tok","expiresAt":"2030-01-01T00:00:00Z","futureField":{"a":1}}"#
        );
    }

    #[test]
    fn token_needs_access_token_and_expiry() {
        assert_eq!(
            SsoToken::from_json(r#"{"expiresAt":"2030-01-01T00:00:00Z"}"#)
                .err()
                .as_deref(),
            Some("accessToken is missing")
        );
        assert_eq!(
            SsoToken::from_json(r#"{"accessToken":"secret-value"}"#)
                .err()
                .as_deref(),
            Some("expiresAt is missing")
        );
        let err = SsoToken::from_json(r#"{"accessToken":"secret-value","expiresAt":"soon"}"#)
            .expect_err("bad time");
        assert!(
            !err.contains("secret-value"),
            "reasons never carry secrets: {err}"
        );
    }

    #[test]
    fn refresh_needs_everything() {
        let now = datetime!(2030-01-01 0:00 UTC);
        let mut t = SsoToken::new("a".into(), now);
        assert!(!t.can_refresh(now));
        t.refresh_token = Some("r".into());
        t.client_id = Some("c".into());
        t.client_secret = Some("s".into());
        t.registration_expires_at = Some(now + time::Duration::days(1));
        assert!(t.can_refresh(now));
        t.registration_expires_at = Some(now);
        assert!(
            !t.can_refresh(now),
            "an expired registration cannot refresh"
        );
    }

    #[test]
    fn role_credentials_round_trip_in_botocore_form() {
        let c = RoleCredentials {
            access_key_id: "ASIA1".into(),
            secret_access_key: "sk".into(),
            session_token: "st".into(),
            expiration: Some(datetime!(2030-01-01 1:00 UTC)),
            account_id: Some("123456789011".into()),
        };
        let json = c.to_json();
        assert_eq!(
            json,
            r#"{"ProviderType":"sso","Credentials":{"AccessKeyId":"ASIA1","SecretAccessKey":"sk","SessionToken":"st","Expiration":"2030-01-01T01:00:00Z","AccountId":"123456789011"}}"#
        );
        assert_eq!(RoleCredentials::from_json(&json).expect("round trip"), c);
        assert!(
            RoleCredentials::from_json(r#"{"ProviderType":"assume-role","Credentials":{}}"#)
                .is_err()
        );
    }
}
