//! `configure populate` as one call: [`Resolver::populate`].

use std::path::Path;

use aws_sso_device_auth::{Clock, OidcApi, Sleeper};
use aws_sso_profile_config::{
    Assignment, ConfigDocument, FileKind, PopulateOptions, PopulatePlan, populate,
};

use crate::Error;
use crate::directory::{DirectoryCache, DirectoryProgress, Freshness};
use crate::portal::PortalApi;
use crate::resolver::Resolver;
use crate::target::SessionTarget;

/// What [`Resolver::populate`] did, or would do on a dry run.
#[derive(Debug, Clone)]
pub struct PopulateOutcome {
    /// The profiles added, updated, removed, left alone, covered by the user's own.
    pub plan: PopulatePlan,
    /// The config file's text before.
    pub before: String,
    /// Its text after (what a dry run would have written).
    pub after: String,
    /// The roles the sign-in has.
    pub roles: usize,
    /// The accounts it has.
    pub accounts: usize,
}

impl<O: OidcApi, P: PortalApi, C: Clock, S: Sleeper> Resolver<'_, O, P, C, S> {
    /// A generated profile for every account and role of `target`, in the config at
    /// `config`: the file read (keeping every comment and line of the user's), the current
    /// accounts and roles fetched (never an hour-old list: pruning on it could remove a new
    /// role's neighbour or keep a removed one), the plan made with `options`, and, unless
    /// `dry_run` or nothing changes, the file saved atomically (not over a change made on
    /// disk meanwhile).
    ///
    /// # Errors
    /// The config cannot be read, parsed or written, or changed on disk meanwhile; the
    /// template is invalid; the accounts and roles cannot be listed.
    pub async fn populate(
        &self,
        target: &SessionTarget,
        store: &DirectoryCache,
        progress: &dyn DirectoryProgress,
        config: &Path,
        options: &PopulateOptions,
        dry_run: bool,
    ) -> Result<PopulateOutcome, Error> {
        let original = ConfigDocument::load(config, FileKind::Config)?;
        let dir = self
            .directory(target, store, Freshness::Refetch, progress)
            .await?;
        let assignments: Vec<Assignment> = dir
            .roles()
            .map(|(account, role)| Assignment {
                account_id: account.account_id.clone(),
                account_name: account.account_name.clone(),
                role_name: role.to_owned(),
            })
            .collect();
        let mut doc = original.clone();
        let plan = populate(&mut doc, &assignments, options)?;
        if !dry_run && plan.changes() {
            doc.save()?;
        }
        Ok(PopulateOutcome {
            plan,
            before: original.as_str().to_owned(),
            after: doc.as_str().to_owned(),
            roles: assignments.len(),
            accounts: dir.accounts.len(),
        })
    }
}
