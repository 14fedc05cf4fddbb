//! `aws-sso-rs manpage [COMMAND...] [--list]` (hidden): the man pages, generated from the
//! same clap definitions as `--help` (clap_mangen), one for the tool and one per command, as
//! `cargo xtask dist` packages them.

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, ManpageArgs};

/// Every visible command, as its words (`["configure", "sso"]`), the tool itself first.
fn pages(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        path.push(sub.get_name().to_owned());
        pages(sub, path, out);
        path.pop();
    }
}

/// `aws-sso-rs-configure-sso` for `["configure", "sso"]`.
fn page_name(words: &[String]) -> String {
    std::iter::once("aws-sso-rs")
        .chain(words.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("-")
}

pub fn run(args: &ManpageArgs, out: &mut dyn Write) -> Result<()> {
    let mut root = Cli::command();
    root.build();
    if args.list {
        let mut all = Vec::new();
        pages(&root, &mut Vec::new(), &mut all);
        for words in all {
            writeln!(out, "{}\t{}", page_name(&words), words.join(" "))?;
        }
        return Ok(());
    }
    let mut cmd = root;
    for word in &args.command {
        cmd = cmd
            .find_subcommand(word)
            .cloned()
            .with_context(|| format!("no command '{}'", args.command.join(" ")))?;
    }
    // The page is named after the whole command line, as man pages of subcommands are.
    let name = page_name(&args.command);
    let command_line = std::iter::once("aws-sso-rs")
        .chain(args.command.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let cmd = cmd.name(name).bin_name(command_line);
    clap_mangen::Man::new(cmd)
        .manual("aws-sso-rs manual")
        .source(concat!("aws-sso-rs ", env!("CARGO_PKG_VERSION")))
        .render(out)
        .context("cannot write the man page")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_page_and_each_renders() {
        let mut list = Vec::new();
        run(
            &ManpageArgs {
                command: Vec::new(),
                list: true,
            },
            &mut list,
        )
        .expect("list");
        let list = String::from_utf8(list).expect("utf-8");
        let names: Vec<&str> = list.lines().filter_map(|l| l.split('\t').next()).collect();
        for wanted in ["aws-sso-rs", "aws-sso-rs-login", "aws-sso-rs-configure-sso"] {
            assert!(names.contains(&wanted), "{wanted} in {names:?}");
        }
        assert!(
            !names.iter().any(|n| n.contains("manpage")),
            "hidden stays hidden"
        );
        for line in list.lines() {
            let words: Vec<String> = line
                .split('\t')
                .nth(1)
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            let mut page = Vec::new();
            run(
                &ManpageArgs {
                    command: words,
                    list: false,
                },
                &mut page,
            )
            .expect("renders");
            let page = String::from_utf8(page).expect("utf-8");
            assert!(page.contains(".TH"), "{line}: a man page");
        }
    }
}
