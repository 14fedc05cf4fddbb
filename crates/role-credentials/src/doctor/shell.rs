//! The shell integration (`shell-init`: `aws-sso-use`, the prompt, the expiry warning) and the
//! completions, for the user's shell (`SHELL`): loaded from its startup files, or (for
//! completions) installed where the shell finds them; and the program those lines run still
//! there.

use std::path::{Path, PathBuf};

use aws_sso_profile_config::env::vars;

use super::{Area, Check, Examination};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shell {
    Bash,
    Zsh,
    Fish,
    Pwsh,
}

impl Shell {
    fn name(self) -> &'static str {
        match self {
            Self::Bash => "bash",
            Self::Zsh => "zsh",
            Self::Fish => "fish",
            Self::Pwsh => "powershell",
        }
    }

    /// The line that loads `what` (`shell-init` or `completions`) of `binary`.
    fn line(self, binary: &str, what: &str) -> String {
        let shell = self.name();
        match self {
            Self::Bash => format!("eval \"$({binary} {what} {shell})\""),
            Self::Zsh if what == "completions" => format!("source <({binary} {what} {shell})"),
            Self::Zsh => format!("eval \"$({binary} {what} {shell})\""),
            Self::Fish => format!("{binary} {what} {shell} | source"),
            Self::Pwsh => {
                format!("Invoke-Expression (& {binary} {what} {shell} | Out-String)")
            }
        }
    }
}

pub(super) fn checks(exam: &Examination<'_>) -> Vec<Check> {
    let Some(login_shell) = exam.env.non_empty(vars::SHELL) else {
        return Vec::new();
    };
    let shell = match Path::new(&login_shell)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
    {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "pwsh" | "powershell" => Shell::Pwsh,
        _ => return Vec::new(),
    };
    let home = &exam.home;
    let config = exam
        .env
        .non_empty(vars::XDG_CONFIG_HOME)
        .map_or_else(|| home.join(".config"), PathBuf::from);
    let data = exam
        .env
        .non_empty(vars::XDG_DATA_HOME)
        .map_or_else(|| home.join(".local/share"), PathBuf::from);
    let (startup, completion_files): (Vec<PathBuf>, Vec<PathBuf>) = match shell {
        Shell::Bash => (
            [".bashrc", ".bash_profile", ".bash_login", ".profile"]
                .iter()
                .map(|f| home.join(f))
                .collect(),
            vec![
                data.join("bash-completion/completions/aws-sso-rs"),
                "/usr/share/bash-completion/completions/aws-sso-rs".into(),
                "/usr/local/share/bash-completion/completions/aws-sso-rs".into(),
                "/etc/bash_completion.d/aws-sso-rs".into(),
            ],
        ),
        Shell::Zsh => {
            let dot = exam
                .env
                .non_empty(vars::ZDOTDIR)
                .map_or_else(|| home.clone(), PathBuf::from);
            (
                [".zshrc", ".zprofile", ".zshenv", ".zlogin"]
                    .iter()
                    .map(|f| dot.join(f))
                    .collect(),
                vec![
                    home.join(".zfunc/_aws-sso-rs"),
                    data.join("zsh/site-functions/_aws-sso-rs"),
                    "/usr/share/zsh/site-functions/_aws-sso-rs".into(),
                    "/usr/local/share/zsh/site-functions/_aws-sso-rs".into(),
                    "/usr/share/zsh/vendor-completions/_aws-sso-rs".into(),
                ],
            )
        }
        Shell::Fish => {
            let fish = config.join("fish");
            let mut startup = vec![fish.join("config.fish")];
            let mut confd: Vec<PathBuf> = std::fs::read_dir(fish.join("conf.d"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "fish"))
                .collect();
            confd.sort();
            startup.extend(confd);
            (
                startup,
                vec![
                    fish.join("completions/aws-sso-rs.fish"),
                    data.join("fish/vendor_completions.d/aws-sso-rs.fish"),
                    "/usr/share/fish/vendor_completions.d/aws-sso-rs.fish".into(),
                    "/usr/local/share/fish/vendor_completions.d/aws-sso-rs.fish".into(),
                ],
            )
        }
        Shell::Pwsh => (
            vec![
                config.join("powershell/Microsoft.PowerShell_profile.ps1"),
                config.join("powershell/profile.ps1"),
            ],
            Vec::new(),
        ),
    };
    // Every line of the startup files that runs this tool, outside comments.
    let mut lines = Vec::new();
    for file in &startup {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let code = line.trim();
            if !code.starts_with('#') && code.contains(&exam.binary) {
                lines.push((file.clone(), n + 1, code.to_owned()));
            }
        }
    }
    let first_file = startup.first().cloned().unwrap_or_default();
    let mut checks = Vec::new();
    for (what, words, purpose) in [
        (
            "shell-init",
            &["shell-init"][..],
            "aws-sso-use, aws-sso-clear, the prompt segment and the expiry warning",
        ),
        (
            "completions",
            &["completions", "COMPLETE="][..],
            "Tab completion of commands, flags, profiles and sessions",
        ),
    ] {
        let subject = format!("{} {what}", shell.name());
        let found = lines
            .iter()
            .find(|(_, _, l)| words.iter().any(|w| l.contains(w)));
        let check = match found {
            Some((file, n, line)) => match missing_program(line, &exam.binary) {
                Some(program) => Check::fail(
                    Area::Shell,
                    subject,
                    format!(
                        "{} line {n} runs {program}, which is no longer there",
                        file.display()
                    ),
                    format!("replace that line with: {}", shell.line(&exam.binary, what)),
                ),
                None => Check::pass(
                    Area::Shell,
                    subject,
                    format!("loaded by {} line {n} ({purpose})", file.display()),
                ),
            },
            None => match completion_files
                .iter()
                .find(|f| what == "completions" && f.is_file())
            {
                Some(file) => Check::pass(
                    Area::Shell,
                    subject,
                    format!("installed at {}", file.display()),
                ),
                None => Check::warn(
                    Area::Shell,
                    subject,
                    format!(
                        "not loaded by {}'s startup files: no {purpose}",
                        shell.name()
                    ),
                    format!(
                        "add to {}: {}",
                        first_file.display(),
                        shell.line(&exam.binary, what)
                    ),
                ),
            },
        };
        checks.push(check);
    }
    checks
}

/// The path of this tool that `line` runs, when it names one by path and it is gone.
fn missing_program(line: &str, binary: &str) -> Option<String> {
    line.split(|c: char| c.is_whitespace() || "\"'()$&|;<`".contains(c))
        .filter(|w| w.contains('/') && Path::new(w).file_name().is_some_and(|n| n == binary))
        .find(|w| !Path::new(w).exists())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_naming_a_binary_that_is_gone_is_found() {
        assert_eq!(
            missing_program(
                "eval \"$(/nowhere/bin/aws-sso-rs shell-init bash)\"",
                "aws-sso-rs"
            ),
            Some("/nowhere/bin/aws-sso-rs".to_owned())
        );
        assert_eq!(
            missing_program("eval \"$(aws-sso-rs shell-init bash)\"", "aws-sso-rs"),
            None,
            "found on PATH when it runs"
        );
    }
}
