//! `aws-sso-rs shell-init SHELL`: code for the shell to source: `aws-sso-use`,
//! `aws-sso-clear`, the expiry warning hook and the opt-in prompt segment. The scripts call
//! this binary by its absolute path, as it was when the code was made.

use std::path::Path;

use crate::cli::InitShell;

const POSIX: &str = include_str!("../shell/posix.sh");
const BASH_HOOK: &str = include_str!("../shell/bash-hook.sh");
const BASH_PROMPT: &str = include_str!("../shell/bash-prompt.sh");
const ZSH_HOOK: &str = include_str!("../shell/zsh-hook.sh");
const ZSH_PROMPT: &str = include_str!("../shell/zsh-prompt.sh");
const FISH: &str = include_str!("../shell/fish.fish");
const FISH_PROMPT: &str = include_str!("../shell/fish-prompt.fish");
const POWERSHELL: &str = include_str!("../shell/powershell.ps1");

/// `s` in single quotes for POSIX shells.
fn posix_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `s` in single quotes for fish.
fn fish_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', r"\\").replace('\'', r"\'"))
}

/// `s` in single quotes for PowerShell.
fn powershell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The code for `shell`, calling `binary`; with `prompt`, the segment is put in the prompt.
pub fn script(shell: InitShell, binary: &Path, prompt: bool) -> String {
    let bin = binary.to_string_lossy();
    match shell {
        InitShell::Bash | InitShell::Zsh => {
            let (name, hook, segment) = if shell == InitShell::Bash {
                ("bash", BASH_HOOK, BASH_PROMPT)
            } else {
                ("zsh", ZSH_HOOK, ZSH_PROMPT)
            };
            let mut out = POSIX
                .replace("@SHELL@", name)
                .replace("@BIN@", &posix_quote(&bin));
            out.push_str(&hook.replace("@BIN@", &posix_quote(&bin)));
            if prompt {
                out.push_str(segment);
            }
            out
        }
        InitShell::Fish => {
            let mut out = FISH.replace("@BIN@", &fish_quote(&bin));
            if prompt {
                out.push_str(FISH_PROMPT);
            }
            out
        }
        InitShell::Powershell => POWERSHELL
            .replace("@BIN@", &powershell_quote(&bin))
            .replace(
                "@SEGMENT@",
                if prompt { "$(aws_sso_rs_prompt)" } else { "" },
            ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_is_quoted_for_each_shell() {
        let odd = Path::new("/opt/it's here/aws-sso-rs");
        assert!(
            script(InitShell::Bash, odd, false).contains(r"'/opt/it'\''s here/aws-sso-rs' pick")
        );
        assert!(script(InitShell::Fish, odd, false).contains(r"'/opt/it\'s here/aws-sso-rs' pick"));
        assert!(
            script(InitShell::Powershell, odd, false)
                .contains("& '/opt/it''s here/aws-sso-rs' pick")
        );
        for shell in [
            InitShell::Bash,
            InitShell::Zsh,
            InitShell::Fish,
            InitShell::Powershell,
        ] {
            let s = script(shell, odd, true);
            // A placeholder is `@NAME@` (a shell's own `"$@"` is not one).
            let between: Vec<&str> = s.split('@').collect();
            let inner = between.len().saturating_sub(2);
            let placeholder = between.iter().skip(1).take(inner).any(|name| {
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
            });
            assert!(!placeholder, "every placeholder filled for {shell:?}");
            assert!(s.contains("aws_sso_rs_prompt"));
        }
        assert!(!script(InitShell::Bash, odd, false).contains("PS1="));
        assert!(script(InitShell::Bash, odd, true).contains("PS1="));
    }
}
