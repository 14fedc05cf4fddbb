//! Integration tests of aws-sso-profile-config: a module per topic.

mod editor;
mod examples;
mod parser;
mod sessions;
