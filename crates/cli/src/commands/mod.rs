//! One module per command, each with a `run` function.

pub mod login;
pub mod logout;
pub mod profiles;
pub mod status;
