//! `shell-init` and `completions` in real shells: the code parses in bash, zsh and fish, and
//! in interactive bash and zsh under tmux, `aws-sso-use` (by name and with the picker),
//! `aws-sso-clear`, the prompt segment, the one-time expiry warning and Tab completion of
//! profile names work. The interactive tests are ignored by a plain `cargo test`;
//! `cargo xtask ci` installs tmux, zsh and fish and runs them.

use std::process::Command;

use aws_sso_mock::Scenario;

use crate::terminal::{Session, world_env};
use crate::{World, stderr, stdout, world};

const BIN: &str = env!("CARGO_BIN_EXE_aws-sso-rs");

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

#[test]
fn shell_init_and_completions_parse_in_each_shell() {
    let w = world(Scenario::default());
    let checks: [(&str, &[&str]); 3] = [
        ("bash", &["bash", "-n"]),
        ("zsh", &["zsh", "-n"]),
        ("fish", &["fish", "--no-execute"]),
    ];
    for (shell, check) in checks {
        if !on_path(check[0]) {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped checking the {shell} code: {shell} is not installed (cargo xtask ci installs it)"
            );
            continue;
        }
        for args in [
            vec!["shell-init", shell],
            vec!["shell-init", shell, "--prompt"],
            vec!["completions", shell],
        ] {
            let out = w.run(&args);
            assert!(out.status.success(), "{}", stderr(&out));
            let code = stdout(&out);
            assert!(code.contains(BIN), "{args:?} calls this binary by its path");
            let file = w.path().join(format!("init.{shell}"));
            std::fs::write(&file, &code).expect("write");
            let checked = Command::new(check[0])
                .args(&check[1..])
                .arg(&file)
                .output()
                .expect("the shell runs");
            assert!(
                checked.status.success(),
                "{args:?} is not valid {shell}: {}\n{code}",
                stderr(&checked)
            );
        }
    }
    for shell in ["powershell", "elvish"] {
        let out = w.run(&["completions", shell]);
        assert!(out.status.success() && !stdout(&out).is_empty(), "{shell}");
    }
    let out = w.run(&["shell-init", "powershell", "--prompt"]);
    assert!(
        stdout(&out).contains("function global:aws-sso-use"),
        "{}",
        stdout(&out)
    );
}

/// A signed-in world and an interactive `shell` in it under tmux, the integration loaded.
fn interactive(name: &str, shell: &str) -> (World, Session) {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let command = match shell {
        "bash" => "bash --norc --noprofile -i",
        _ => "zsh -f -i",
    };
    let session = Session::spawn(name, 160, &format!("{} {command}", world_env(&w, "")));
    session.type_line(&format!(
        "eval \"$('{BIN}' shell-init {shell} --prompt)\"; echo LOA\"\"DED"
    ));
    assert!(session.screen("LOADED").contains("LOADED"));
    (w, session)
}

fn switch_clear_and_warn(shell: &str) {
    let (w, session) = interactive(&format!("use-{shell}"), shell);
    session.type_line("aws-sso-use dev-account-ro; echo \"P=[$AWS_PROFILE]\"");
    let screen = session.screen("P=[dev-account-ro]");
    assert!(screen.contains("P=[dev-account-ro]"), "{screen}");
    session.type_line("echo SEG\"\"MENT");
    let screen = session.screen("SEGMENT");
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("(dev-account-ro 7h5") && l.contains("echo SEG")),
        "the prompt shows the profile and its time:\n{screen}"
    );

    // An unknown profile is refused, and AWS_PROFILE stays.
    session.type_line("aws-sso-use nope; echo \"R=$? P=[$AWS_PROFILE]\"");
    let screen = session.screen("R=3 P=[dev-account-ro]");
    assert!(
        screen.contains("no profile 'nope'") && screen.contains("R=3 P=[dev-account-ro]"),
        "{screen}"
    );

    // Under 15 minutes left and no refresh token: one warning, naming the command.
    w.edit_token("my-sso", |t| {
        t.expires_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
        t.refresh_token = None;
    });
    session.type_line("echo ONE");
    session.type_line("echo T\"\"WO");
    let screen = session.screen("TWO");
    let warning = "the sign-in of profile 'dev-account-ro' has 9m left and cannot be renewed without a browser; run: aws-sso-rs login --sso-session my-sso";
    assert_eq!(screen.matches(warning).count(), 1, "warned once:\n{screen}");

    session.type_line("aws-sso-clear; echo \"C=[$AWS_PROFILE]\"");
    let screen = session.screen("C=[]");
    assert!(screen.contains("C=[]"), "{screen}");
    session.type_line("echo CLEA\"\"RED");
    let screen = session.screen("CLEARED");
    let last_prompt = screen
        .lines()
        .rev()
        .find(|l| l.contains("echo CLEA"))
        .unwrap_or_default();
    assert!(
        !last_prompt.contains("(dev-account-ro"),
        "no segment once cleared:\n{screen}"
    );

    // No name: the picker; typing filters, Enter chooses.
    session.type_line("aws-sso-use; echo \"Q=[$AWS_PROFILE]\"");
    let screen = session.screen("Profile");
    assert!(
        screen.contains("dev-account-admin"),
        "the picker lists the profiles:\n{screen}"
    );
    session.press(&["-l", "admin"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    session.press(&["Enter"]);
    let screen = session.screen("Q=[dev-account-admin]");
    assert!(screen.contains("Q=[dev-account-admin]"), "{screen}");
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn bash_switches_clears_warns_once_and_shows_the_segment() {
    switch_clear_and_warn("bash");
}

/// `aws-sso-use` helps as the CLI does: a typo gets the profile probably meant, a name set by
/// hand that no config defines is marked in the prompt, a sign-in the service refused is
/// signed in again, and Tab completes profile names.
fn helps_as_the_cli_does(shell: &str) {
    let (w, session) = interactive(&format!("help-{shell}"), shell);
    session.type_line("aws-sso-use dev-acount-ro; echo \"R=$? P=[$AWS_PROFILE]\"");
    let screen = session.screen("R=3");
    assert!(
        screen.contains("no profile 'dev-acount-ro' in the config; did you mean 'dev-account-ro'?")
            && screen.contains("R=3 P=[]"),
        "{screen}"
    );
    // A profile written wrong is refused with where to look, not switched to.
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str("\n[profile broken]\nrole_arn = Deployer\nsource_profile = dev-account-ro\n");
    std::fs::write(&config, text).expect("config");
    session.type_line("aws-sso-use broken; echo \"B=$? P=[$AWS_PROFILE]\"");
    let screen = session.screen("B=3");
    assert!(
        screen.contains("profile 'broken' cannot be used as it is written")
            && screen.contains("B=3 P=[]"),
        "{screen}"
    );

    session.type_line("export AWS_PROFILE=nope");
    session.type_line("echo NO\"\"PE");
    let screen = session.screen("NOPE");
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("(nope no-such-profile) ") && l.contains("echo NO")),
        "the prompt marks a profile no config defines:\n{screen}"
    );

    // The service refused the cached sign-in (a command found out): aws-sso-use signs in
    // again rather than switching to a sign-in that cannot be used.
    w.mock.revoke_all();
    let out = w.run(&["whoami", "--profile", "dev-account-ro"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let before = w.opened(0).len();
    session.type_line("aws-sso-use dev-account-ro; echo \"U=$? P=[$AWS_PROFILE]\"");
    let opened = w.opened(before + 1);
    assert_eq!(
        opened.len(),
        before + 1,
        "the sign-in opened the browser: {opened:?}"
    );
    crate::follow(&crate::allow_in_browser(&opened[before]));
    let screen = session.screen("U=0 P=[dev-account-ro]");
    assert!(screen.contains("U=0 P=[dev-account-ro]"), "{screen}");
    let out = w.run(&["whoami", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));

    if shell == "zsh" {
        // Completion in zsh needs its completion system, loaded before the integration.
        session.type_line(&format!(
            "autoload -Uz compinit && compinit -u; eval \"$('{BIN}' shell-init zsh)\"; echo COMP\"\"INIT"
        ));
        session.screen("COMPINIT");
    }
    session.press(&["-l", "aws-sso-use dev-account-a"]);
    session.press(&["Tab"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    session.press(&["-l", " # DONE"]);
    let screen = session.screen("DONE");
    // The name and a space (zsh takes its own space back when a space is typed after it).
    assert!(
        screen
            .lines()
            .any(|l| l.contains("aws-sso-use dev-account-admin ") && l.ends_with(" # DONE")),
        "Tab completed the profile name:\n{screen}"
    );
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn bash_aws_sso_use_suggests_marks_signs_in_again_and_completes() {
    helps_as_the_cli_does("bash");
}

#[test]
#[ignore = "needs tmux and zsh: cargo xtask ci installs them and runs this"]
fn zsh_aws_sso_use_suggests_marks_signs_in_again_and_completes() {
    helps_as_the_cli_does("zsh");
}

#[test]
#[ignore = "needs fish: cargo xtask ci installs it and runs this"]
fn fish_aws_sso_use_suggests_and_completes_profile_names() {
    let w = world(Scenario::default());
    let init = w.path().join("init.fish");
    std::fs::write(&init, stdout(&w.run(&["shell-init", "fish"]))).expect("write");
    let fish = |script: &str| {
        let mut cmd = Command::new("fish");
        cmd.arg("--no-config")
            .arg("-c")
            .arg(format!("source '{}'; {script}", init.display()))
            .env_clear()
            .env("HOME", w.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.output().expect("fish runs")
    };
    let out = fish("aws-sso-use dev-acount-ro; echo \"R=$status\"");
    assert!(
        stderr(&out).contains("did you mean 'dev-account-ro'?") && stdout(&out).contains("R=3"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // A profile written wrong is refused with where to look, not switched to.
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str("\n[profile broken]\nrole_arn = Deployer\nsource_profile = dev-account-ro\n");
    std::fs::write(&config, text).expect("config");
    let out = fish("aws-sso-use broken; echo \"R=$status P=[$AWS_PROFILE]\"");
    assert!(
        stderr(&out).contains("profile 'broken' cannot be used as it is written")
            && stdout(&out).contains("R=3 P=[]"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // A switch that worked says so in its status (`and` runs what follows).
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = fish("aws-sso-use dev-account-ro; and echo USED; aws-sso-clear; and echo CLEARED");
    assert!(
        stdout(&out).contains("USED") && stdout(&out).contains("CLEARED"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // The prompt segment keeps the last status for the prompt it wraps.
    std::fs::write(&init, stdout(&w.run(&["shell-init", "fish", "--prompt"]))).expect("write");
    let out = Command::new("fish")
        .arg("--no-config")
        .arg("-c")
        .arg(format!(
            "function fish_prompt; echo \"[$status]\"; end; source '{}'; false; fish_prompt",
            init.display()
        ))
        .env_clear()
        .env("HOME", w.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("fish runs");
    assert!(
        stdout(&out).contains("[1]"),
        "the wrapped prompt saw the last status: {}{}",
        stdout(&out),
        stderr(&out)
    );

    let text = stdout(&fish("complete -C 'aws-sso-use dev-account-a'"));
    let offered: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default())
        .collect();
    assert_eq!(offered, ["dev-account-admin"], "{text}");
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn bash_hook_keeps_the_last_status_for_prompt_commands_after_it() {
    let (_w, session) = interactive("status-bash", "bash");
    session.type_line("aws-sso-use dev-account-ro; PROMPT_COMMAND=\"$PROMPT_COMMAND;_seen=\\$?\"");
    session.type_line("false");
    session.type_line("echo \"SEEN=$_seen\"");
    let screen = session.screen("SEEN=1");
    assert!(screen.contains("SEEN=1"), "{screen}");
}

#[test]
#[ignore = "needs tmux and zsh: cargo xtask ci installs them and runs this"]
fn zsh_switches_clears_warns_once_and_shows_the_segment() {
    switch_clear_and_warn("zsh");
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn bash_completes_profile_names_from_the_config() {
    let (_w, session) = interactive("complete-bash", "bash");
    session.type_line(&format!(
        "eval \"$('{BIN}' completions bash)\"; echo COMPLE\"\"TIONS"
    ));
    session.screen("COMPLETIONS");
    session.press(&["-l", &format!("{BIN} whoami --profile dev-account-a")]);
    session.press(&["Tab"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    session.press(&["-l", " # DONE"]);
    let screen = session.screen("DONE");
    assert!(
        screen.contains("--profile dev-account-admin  # DONE"),
        "Tab completed the profile name (and a space):\n{screen}"
    );
}
