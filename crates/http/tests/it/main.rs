//! Integration tests of aws-sso-http: its example program against the mock.

mod examples;
