//! STS `GetCallerIdentity`, `AssumeRole` and `GetFederationToken` (awsQuery, XML), accepting
//! only requests whose SigV4 signature verifies against the secret of credentials the mock
//! issued (role credentials, assumed roles) or of an IAM user of the scenario (static keys);
//! and the unsigned `AssumeRoleWithWebIdentity`.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use time::format_description::well_known::Iso8601;

use crate::error::{ApiError, xml_escape};
use crate::scenario::IamUser;
use crate::state::{IssuedCredentials, Millis, State};

/// Who signed a request.
enum Caller {
    /// Credentials the mock issued (`GetRoleCredentials`, `AssumeRole`).
    Issued(IssuedCredentials),
    /// An IAM user's long-term key.
    User(IamUser),
}

impl Caller {
    fn keys(&self) -> (&str, &str, Option<&str>) {
        match self {
            Self::Issued(c) => (
                &c.access_key_id,
                &c.secret_access_key,
                Some(&c.session_token),
            ),
            Self::User(u) => (&u.access_key_id, &u.secret_access_key, None),
        }
    }
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
#[derive(Debug, PartialEq, Eq)]
struct Authorization<'a> {
    access_key_id: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256")?.trim_start();
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let mut scope = credential?.split('/');
    let access_key_id = scope.next()?;
    let _date = scope.next()?;
    let region = scope.next()?;
    let service = scope.next()?;
    (scope.next()? == "aws4_request").then_some(())?;
    Some(Authorization {
        access_key_id,
        region,
        service,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

fn parse_amz_date(value: &str) -> Option<SystemTime> {
    // 20260101T000000Z
    let t = time::PrimitiveDateTime::parse(value, &Iso8601::DEFAULT)
        .ok()?
        .assume_utc();
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(t.unix_timestamp()).ok()?))
}

fn denied(code: &'static str, message: &str) -> ApiError {
    let status = if code == "ExpiredToken" {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::FORBIDDEN
    };
    ApiError::sts(status, code, message)
}

/// Recomputes the signature of the request with `creds` and compares it.
fn verify(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    auth: &Authorization<'_>,
    caller: &Caller,
    time: SystemTime,
) -> bool {
    let (access_key_id, secret, token) = caller.keys();
    let identity: Identity = Credentials::new(
        access_key_id,
        secret,
        token.map(str::to_owned),
        None,
        "mock",
    )
    .into();
    let mut settings = SigningSettings::default();
    if auth.signed_headers.contains(&"x-amz-content-sha256") {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    if !auth.signed_headers.contains(&"x-amz-security-token") {
        settings.session_token_mode = aws_sigv4::http_request::SessionTokenMode::Exclude;
    }
    let Ok(params) = v4::SigningParams::builder()
        .identity(&identity)
        .region(auth.region)
        .name(auth.service)
        .time(time)
        .settings(settings)
        .build()
    else {
        return false;
    };
    let signed: Vec<(&str, &str)> = auth
        .signed_headers
        .iter()
        .filter(|h| {
            !matches!(
                **h,
                "x-amz-date" | "x-amz-security-token" | "x-amz-content-sha256"
            )
        })
        .filter_map(|h| Some((*h, headers.get(*h)?.to_str().ok()?)))
        .collect();
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let full_uri = format!(
        "http://{host}{}",
        uri.path_and_query().map_or("/", |pq| pq.as_str())
    );
    let Ok(request) = SignableRequest::new(
        method.as_str(),
        full_uri,
        signed.into_iter(),
        SignableBody::Bytes(body),
    ) else {
        return false;
    };
    match sign(request, &params.into()) {
        Ok(output) => {
            let expected = output.signature();
            // Constant-time comparison is not needed in a mock, but costs nothing.
            expected.len() == auth.signature.len()
                && expected
                    .bytes()
                    .zip(auth.signature.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        }
        Err(_) => false,
    }
}

/// The API a POST to `/` calls (its `Action`), as the mock counts it.
pub fn api_of_body(body: &[u8]) -> &'static str {
    match form_urlencoded::parse(body)
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v)
        .as_deref()
    {
        Some("GetCallerIdentity") => "GetCallerIdentity",
        Some("AssumeRole") => "AssumeRole",
        Some("AssumeRoleWithWebIdentity") => "AssumeRoleWithWebIdentity",
        Some("GetFederationToken") => "GetFederationToken",
        _ => "UnknownStsAction",
    }
}

/// Handles a POST to `/`.
pub fn handle(
    state: &mut State,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    now: Millis,
) -> Result<String, ApiError> {
    let form: std::collections::HashMap<String, String> =
        form_urlencoded::parse(body).into_owned().collect();
    let action = form.get("Action").map(String::as_str);
    if action == Some("AssumeRoleWithWebIdentity") {
        // Unsigned: the web identity token is the credential.
        return match form.get("WebIdentityToken").map(String::as_str) {
            Some(token) if !token.trim().is_empty() && token.trim() != "invalid" => {
                state.assume_role("", false, &form, now)
            }
            _ => Err(ApiError::sts(
                StatusCode::BAD_REQUEST,
                "InvalidIdentityToken",
                "The web identity token that was passed could not be validated by AWS",
            )),
        };
    }
    match action {
        Some("GetCallerIdentity" | "AssumeRole" | "GetFederationToken") => {}
        Some(other) => {
            return Err(ApiError::sts(
                StatusCode::BAD_REQUEST,
                "InvalidAction",
                format!("Could not find operation {other}"),
            ));
        }
        None => {
            return Err(ApiError::sts(
                StatusCode::BAD_REQUEST,
                "MissingAction",
                "Missing Action",
            ));
        }
    }
    let Some(auth_header) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(denied(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        ));
    };
    let Some(auth) = parse_authorization(auth_header) else {
        return Err(denied(
            "IncompleteSignature",
            "The request signature does not conform to AWS standards",
        ));
    };
    let caller = match state.issued(auth.access_key_id) {
        Some(creds) => Caller::Issued(creds.clone()),
        None => match state
            .scenario
            .sts
            .users
            .iter()
            .find(|u| u.access_key_id == auth.access_key_id)
        {
            Some(user) => Caller::User(user.clone()),
            None => {
                return Err(denied(
                    "InvalidClientTokenId",
                    "The security token included in the request is invalid.",
                ));
            }
        },
    };
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok());
    if token != caller.keys().2 {
        return Err(denied(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ));
    }
    let Some(time) = headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_amz_date)
    else {
        return Err(denied(
            "IncompleteSignature",
            "Missing or malformed X-Amz-Date",
        ));
    };
    let now_time = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(now).unwrap_or(0));
    let skew = now_time
        .duration_since(time)
        .or_else(|e| Ok::<_, ()>(e.duration()))
        .unwrap_or_default();
    if skew > Duration::from_secs(15 * 60) {
        return Err(denied(
            "SignatureDoesNotMatch",
            "Signature expired: the request time is more than 15 minutes from the server time",
        ));
    }
    if auth.service != "sts" || !verify(method, uri, headers, body, &auth, &caller, time) {
        return Err(denied(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
        ));
    }
    if let Caller::Issued(creds) = &caller
        && creds.expires_at <= now
    {
        return Err(denied(
            "ExpiredToken",
            "The security token included in the request is expired",
        ));
    }
    let (arn, user_id, account) = match &caller {
        Caller::User(user) => (
            format!("arn:aws:iam::{}:user/{}", user.account, user.name),
            format!(
                "AIDA{}",
                State::role_suffix(&user.account, &user.name).to_ascii_uppercase()
            ),
            user.account.clone(),
        ),
        Caller::Issued(creds) => {
            let suffix = State::role_suffix(&creds.account_id, &creds.role_name);
            let role_id = format!("AROA{}", suffix.to_ascii_uppercase());
            match &creds.assumed_arn {
                Some(arn) => {
                    let session = arn.rsplit('/').next().unwrap_or_default();
                    (
                        arn.clone(),
                        format!("{role_id}:{session}"),
                        creds.account_id.clone(),
                    )
                }
                None => {
                    let user = &state.scenario.user;
                    (
                        format!(
                            "arn:aws:sts::{}:assumed-role/AWSReservedSSO_{}_{suffix}/{user}",
                            creds.account_id, creds.role_name
                        ),
                        format!("{role_id}:{user}"),
                        creds.account_id.clone(),
                    )
                }
            }
        }
    };
    if action == Some("GetFederationToken") {
        let Caller::User(user) = &caller else {
            return Err(denied(
                "AccessDenied",
                "Cannot call GetFederationToken with session credentials",
            ));
        };
        return state.federation_token(&user.account, &form, now);
    }
    if action == Some("AssumeRole") {
        let chained = matches!(&caller, Caller::Issued(c) if c.assumed_arn.is_some());
        return state.assume_role(&arn, chained, &form, now);
    }
    Ok(format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
        xml_escape(&arn),
        xml_escape(&user_id),
        account,
        fastrand::u64(..),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_header_parts() {
        let h = "AWS4-HMAC-SHA256 Credential=ASIAX/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc";
        let a = parse_authorization(h).expect("parses");
        assert_eq!(a.access_key_id, "ASIAX");
        assert_eq!(a.region, "us-east-1");
        assert_eq!(a.signed_headers, vec!["content-type", "host", "x-amz-date"]);
        assert_eq!(a.signature, "abc");
        assert!(parse_authorization("Bearer x").is_none());
    }

    #[test]
    fn amz_dates() {
        let t = parse_amz_date("20260101T000102Z").expect("parses");
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH)
                .expect("after epoch")
                .as_secs(),
            1_767_225_662
        );
    }
}
