//! One module per command, each with a `run` function.

pub mod credential_process;
pub mod credentials;
pub mod exec;
pub mod export;
pub mod login;
pub mod logout;
pub mod profiles;
pub mod status;
pub mod whoami;
