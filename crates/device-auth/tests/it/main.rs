//! Integration tests of aws-sso-device-auth: the flows with a fake clock, and the whole
//! sign-in against the mock endpoint through the real SDK.

mod examples;
mod fake;
mod flows;
mod with_mock;
