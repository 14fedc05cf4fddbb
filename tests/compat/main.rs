//! aws-sso-rs and the real botocore (pinned in `requirements.txt`) read each other's files.

mod cache_keys;
mod mock_fidelity;
mod role_credentials;
mod token_files;

/// An sso-session profile and a legacy profile on the same start URL.
pub const CONFIG: &str = "\
[profile dev-account-ro]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = ReadOnly
region = ap-northeast-1

[profile legacy-ro]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_account_id = 123456789011
sso_role_name = ReadOnly

[sso-session my-sso]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_registration_scopes = sso:account:access
";

pub const START_URL: &str = "https://d-XXXXXXXXX.awsapps.com/start";
