//! `aws-sso-rs completions SHELL`: the shell's registration of clap's completer. The shell
//! then asks this binary (`COMPLETE=SHELL aws-sso-rs -- WORDS`) at each Tab, so profile and
//! session names come from the config as it is at that moment.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::CompletionShell;

pub fn write(shell: CompletionShell, binary: &Path, out: &mut dyn Write) -> Result<()> {
    let name = match shell {
        CompletionShell::Bash => "bash",
        CompletionShell::Zsh => "zsh",
        CompletionShell::Fish => "fish",
        CompletionShell::Powershell => "powershell",
        CompletionShell::Elvish => "elvish",
    };
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(name)
        .with_context(|| format!("no completer for {name}"))?;
    completer.write_registration(
        aws_sso_profile_config::env::vars::COMPLETE,
        "aws-sso-rs",
        "aws-sso-rs",
        &binary.to_string_lossy(),
        out,
    )?;
    Ok(())
}
