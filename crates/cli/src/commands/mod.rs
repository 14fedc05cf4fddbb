//! One module per command, each with a `run` function.

pub mod profiles;
