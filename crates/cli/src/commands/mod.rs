//! One module per command, each with a `run` function.

pub mod completions;
pub mod configure_sso;
pub mod console;
pub mod credential_process;
pub mod credentials;
pub mod directory;
pub mod doctor;
pub mod exec;
pub mod export;
pub mod list;
pub mod login;
pub mod logout;
pub mod manpage;
pub mod pick;
pub mod populate;
pub mod profiles;
pub mod prompt;
pub mod serve;
pub mod shell_init;
pub mod status;
pub mod storage;
pub mod whoami;
