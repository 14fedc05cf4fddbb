//! The account and role directory of a sign-in, with a progress bar on a terminal: shared by
//! `list`, `configure populate` and `configure sso`.

use std::io::IsTerminal;

use anyhow::Result;
use aws_sso_role_credentials::{
    Directory, DirectoryProgress, Freshness, SdkClients, SessionTarget,
};

use crate::world::{Files, World};

/// An indicatif bar on stderr, drawn only when stderr is a terminal.
pub struct Bar(indicatif::ProgressBar);

impl Bar {
    pub fn new(what: &str) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            indicatif::ProgressBar::new(0)
        } else {
            indicatif::ProgressBar::hidden()
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} accounts ({elapsed})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_owned());
        Self(bar)
    }
}

impl DirectoryProgress for Bar {
    fn accounts_listed(&self, accounts: usize) {
        self.0.set_length(accounts as u64);
    }

    fn account_done(&self) {
        self.0.inc(1);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// The directory of `target`, cached or fetched as `freshness` says.
pub fn directory(
    target: &SessionTarget,
    files: &Files,
    world: &World,
    freshness: Freshness,
) -> Result<Directory> {
    let runtime = world.runtime()?;
    let clients = SdkClients::for_listing(target);
    let cache = files.cache();
    let store = files.directory_cache();
    let bar = Bar::new(&format!(
        "Listing the accounts and roles of {}",
        target.sign_in.label()
    ));
    let directory = runtime.block_on(
        clients
            .resolver(&world.clock, &cache)
            .directory(target, &store, freshness, &bar),
    )?;
    Ok(directory)
}
