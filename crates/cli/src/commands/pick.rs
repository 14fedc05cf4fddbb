//! `aws-sso-rs pick`: choose a profile with the fuzzy picker; its name on stdout.

use anyhow::{Result, bail};
use aws_sso_profile_config::ProfileSet;

use crate::world::{Files, World};

pub fn run(query: Option<&str>, world: &World) -> Result<()> {
    if !world.interactive {
        bail!(
            "pick asks on the terminal, and stdin is not one; name the profile instead (`aws-sso-rs profiles` lists them)"
        );
    }
    let files = Files::resolve(world)?;
    let set = ProfileSet::load(&files.locations())?;
    println!(
        "{}",
        crate::picker::choose_profile(&set, world, &files, query.unwrap_or_default())?
    );
    Ok(())
}
