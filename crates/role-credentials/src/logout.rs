//! Logging out: the use case of `aws-sso-rs logout`, as one call that returns a report of
//! what was ended and removed. Everything goes through `TokenCache`.

use std::path::{Path, PathBuf};

use aws_sso_profile_config::{
    ClientEndpointConfig, ConfigDocument, ConfiguredSession, Env, FileKind, ProfileSet, Service,
    SessionList, remove_exported_credentials,
};
use aws_sso_token_cache::{RoleKey, TokenCache, TokenKey, Unreadable};

use crate::{DirectoryCache, Error, PortalApi, PortalError, SdkPortal};

/// What to log out of.
#[derive(Debug, Clone, Copy)]
pub enum LogoutScope<'a> {
    /// Every cached token, and every SSO role-credential file (as `aws sso logout` does).
    Everything,
    /// One sign-in of the config: its token, and the role credentials of its profiles.
    Session(&'a ConfiguredSession),
}

/// What happened on the server for one token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerLogout {
    /// The portal ended the session.
    Ended,
    /// The portal did not know the token: it had already expired or been revoked.
    AlreadyEnded,
    /// The token file names no region, so no portal could be asked; the session ends when
    /// the token expires.
    NoRegion,
    /// The file was damaged: there was no token to end.
    Damaged,
    /// The portal could not end it; the session ends when the token expires.
    Failed(PortalError),
}

/// One token file logout dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLogout {
    /// `sso-session 'corp'`, `start URL https://...` for a legacy profile's sign-in, or
    /// `a token not in the config (https://...)`.
    pub label: String,
    /// The token file, now removed (with the keyring: the path its item is named by).
    pub token_file: PathBuf,
    /// Whether it was a keyring item (else a file: with the keyring, a copy left in the
    /// folder whose item was gone, or another tool's sign-in).
    pub in_keyring: bool,
    /// With the keyring: a copy in the file itself (`token export`) was removed too.
    pub exported_copy: bool,
    /// The server side.
    pub server: ServerLogout,
}

/// Whether, with the keyring, the token's own file holds a copy (`token export`), which
/// [`TokenCache::remove_listed_token`] removes with the item.
fn file_copy(cache: &TokenCache, path: &std::path::Path) -> bool {
    cache.keyring().is_some() && path.is_file()
}

/// What [`logout`] did.
#[derive(Debug, Default)]
pub struct LogoutReport {
    /// Each token file, in the order they were dealt with.
    pub tokens: Vec<TokenLogout>,
    /// The role-credential files removed.
    pub role_credentials_removed: Vec<PathBuf>,
    /// Files in the token folder that could not be read and were left as they are (they are
    /// not known to be tokens).
    pub unreadable: Vec<Unreadable>,
}

/// Logs out of `scope` with the AWS SDK: ends each server session at the portal of the
/// token's region (resolved from `set` and `env`, so `AWS_ENDPOINT_URL_SSO` applies), then
/// removes the token and the role credentials. `sessions` is `set.sessions()`, which names
/// the tokens in the report.
///
/// # Errors
/// A cache file cannot be removed or the cache folder cannot be listed.
pub async fn logout(
    cache: &TokenCache,
    set: &ProfileSet,
    sessions: &SessionList,
    env: &dyn Env,
    scope: LogoutScope<'_>,
) -> Result<LogoutReport, Error> {
    let profile = match scope {
        LogoutScope::Session(s) => s.profiles.first().map(|p| p.profile.clone()),
        LogoutScope::Everything => None,
    };
    logout_with(cache, sessions, scope, |region| {
        let endpoint = set.endpoint(
            profile.as_deref(),
            &Service::Sso,
            region,
            env,
            ClientEndpointConfig::default(),
        );
        SdkPortal::new(
            region,
            &endpoint,
            &aws_sso_http::Transport::for_profile(set, profile.as_deref(), env),
        )
    })
    .await
}

/// [`logout`] over any portal: `portal_for(region)` gives the portal for a token's region.
///
/// # Errors
/// As [`logout`].
pub async fn logout_with<P: PortalApi>(
    cache: &TokenCache,
    sessions: &SessionList,
    scope: LogoutScope<'_>,
    portal_for: impl Fn(&str) -> P,
) -> Result<LogoutReport, Error> {
    let mut report = LogoutReport::default();
    let label_of = |path: &std::path::Path| {
        sessions
            .sessions
            .iter()
            .find(|s| cache.token_path(&TokenKey::for_session(&s.session)) == path)
            .map(|s| s.session.label())
    };
    let wanted = match scope {
        LogoutScope::Everything => None,
        LogoutScope::Session(s) => Some(cache.token_path(&TokenKey::for_session(&s.session))),
    };
    // With the keyring, its items first (a copy in the file of the same name goes with its
    // item), then the token files left in the folder (a copy `token export` wrote whose item
    // is gone, another tool's sign-in): nothing usable is left in either.
    let mut lost = Vec::new();
    let mut stores = vec![cache.clone()];
    if cache.keyring().is_some() {
        stores.push(
            cache
                .clone()
                .with_storage(aws_sso_profile_config::Storage::File),
        );
    }
    // A keyring that does not answer (locked) still lets the files be signed out of; its
    // error is said after them.
    let mut keyring_error = None;
    for store in &stores {
        let listing = match store.tokens() {
            Ok(listing) => listing,
            Err(e) if store.keyring().is_some() && stores.len() > 1 => {
                keyring_error = Some(e);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let in_keyring = store.keyring().is_some();
        let done: Vec<PathBuf> = report.tokens.iter().map(|t| t.token_file.clone()).collect();
        for cached in listing
            .tokens
            .iter()
            .filter(|t| wanted.as_ref().is_none_or(|w| *w == t.path) && !done.contains(&t.path))
        {
            let server = match cached.token.region.as_deref() {
                None => ServerLogout::NoRegion,
                Some(region) => match portal_for(region).logout(&cached.token.access_token).await {
                    Ok(()) => ServerLogout::Ended,
                    Err(PortalError::Unauthorized) => ServerLogout::AlreadyEnded,
                    Err(e) => ServerLogout::Failed(e),
                },
            };
            let exported_copy = file_copy(store, &cached.path);
            store.remove_listed_token(&cached.path)?;
            let label = label_of(&cached.path).unwrap_or_else(|| {
                format!(
                    "a token not in the config ({})",
                    cached.token.start_url.as_deref().unwrap_or("no start URL")
                )
            });
            report.tokens.push(TokenLogout {
                label,
                token_file: cached.path.clone(),
                in_keyring,
                exported_copy,
                server,
            });
        }
        lost.extend(
            listing
                .missing
                .iter()
                .filter(|path| wanted.as_ref().is_none_or(|w| w == *path))
                .cloned(),
        );
        for bad in listing.unreadable {
            let damaged = wanted.as_ref().is_none_or(|w| *w == bad.path);
            if damaged {
                // A damaged token is no use to anyone: remove it too, and say so.
                let exported_copy = file_copy(store, &bad.path);
                store.remove_listed_token(&bad.path)?;
                report.tokens.push(TokenLogout {
                    label: label_of(&bad.path).unwrap_or_else(|| "a damaged cache entry".into()),
                    token_file: bad.path.clone(),
                    in_keyring,
                    exported_copy,
                    server: ServerLogout::Damaged,
                });
            } else {
                report.unreadable.push(bad);
            }
        }
    }
    if let Some(e) = keyring_error {
        return Err(e.into());
    }
    // Entries the index lists that the keyring lost: their names go (nothing to end; a copy
    // in the file, once its sign-in was ended above, is gone already).
    for path in &lost {
        cache.remove_listed_token(path)?;
    }
    let in_scope: Vec<&ConfiguredSession> = match scope {
        LogoutScope::Everything => sessions.sessions.iter().collect(),
        LogoutScope::Session(s) => vec![s],
    };
    for s in in_scope {
        // A configured session's own file, damaged beyond being listed as a token (empty, not
        // JSON at all): no use to anyone, so it goes too.
        let key = TokenKey::for_session(&s.session);
        let path = cache.token_path(&key);
        let policy = aws_sso_token_cache::ExpiryPolicy::default();
        let now = time::OffsetDateTime::UNIX_EPOCH;
        if !report.tokens.iter().any(|t| t.token_file == path)
            && let Ok(aws_sso_token_cache::TokenStatus::Damaged(_)) =
                cache.token_status(&key, &policy, now)
        {
            let exported_copy = file_copy(cache, &path);
            cache.remove_listed_token(&path)?;
            report.tokens.push(TokenLogout {
                label: s.session.label(),
                token_file: path,
                in_keyring: cache.keyring().is_some(),
                exported_copy,
                server: ServerLogout::Damaged,
            });
        }
    }
    report.role_credentials_removed = match scope {
        LogoutScope::Everything => cache.remove_sso_role_credentials()?,
        LogoutScope::Session(s) => {
            let mut removed = Vec::new();
            for profile in &s.profiles {
                let Some((account, role)) = profile.role() else {
                    continue;
                };
                let key = RoleKey::new(
                    account,
                    role,
                    s.session.name.as_deref(),
                    &s.session.start_url,
                );
                if cache.remove_role_credentials(&key)? {
                    removed.push(cache.role_credentials_path(&key));
                }
            }
            removed
        }
    };
    Ok(report)
}

/// What else aws-sso-rs left behind for a sign-in, removed by [`remove_leftovers`].
#[derive(Debug, Default)]
pub struct Leftovers {
    /// The sections of short-lived keys `export --to-credentials-file` wrote, removed.
    pub exports_removed: Vec<String>,
    /// The cached roles assumed through `source_profile` on the sessions signed out of
    /// (AWS CLI format, `~/.aws/cli/cache`), removed: how many files.
    pub assumed_roles_removed: usize,
    /// What could not be removed, as sentences for the person.
    pub warnings: Vec<String>,
}

/// Everything `aws-sso-rs logout` does, as one call: [`logout`] (the server sessions ended,
/// the tokens and role credentials removed), then [`remove_leftovers`] (the cached account
/// directory, the keys `export` wrote to `credentials_file`).
///
/// # Errors
/// As [`logout`]; what is left over and cannot be removed is in [`Leftovers::warnings`].
pub async fn sign_out(
    cache: &TokenCache,
    set: &ProfileSet,
    sessions: &SessionList,
    env: &dyn Env,
    scope: LogoutScope<'_>,
    directories: &DirectoryCache,
    credentials_file: &Path,
) -> Result<(LogoutReport, Leftovers), Error> {
    let report = logout(cache, set, sessions, env, scope).await?;
    // The profiles that assume roles on the sessions signed out of: their cached roles and
    // exported keys would otherwise outlive the sign-in.
    let mut chained = Vec::new();
    for section in set.profiles() {
        if !matches!(set.role_link(section.name()), Ok(Some(_))) {
            continue;
        }
        let Ok(chain) = set.credential_chain(section.name()) else {
            continue;
        };
        let Some(sso) = chain.sso() else {
            continue;
        };
        let in_scope = match scope {
            LogoutScope::Everything => true,
            LogoutScope::Session(s) => {
                s.session.cache_key_source() == sso.session.cache_key_source()
            }
        };
        if in_scope {
            chained.push(chain);
        }
    }
    let mut leftovers = remove_leftovers(
        scope,
        directories,
        credentials_file,
        &chained_names(&chained),
    );
    for chain in &chained {
        for link in &chain.links {
            match cache.remove_assumed_role(&crate::chain::link_key(link)) {
                Ok(true) => leftovers.assumed_roles_removed += 1,
                Ok(false) => {}
                Err(e) => leftovers.warnings.push(format!(
                    "the cached role of profile '{}' may remain: {e}",
                    link.profile
                )),
            }
        }
    }
    Ok((report, leftovers))
}

fn chained_names(chains: &[aws_sso_profile_config::CredentialChain]) -> Vec<String> {
    chains.iter().map(|c| c.profile.clone()).collect()
}

/// After [`logout`]: removes what else aws-sso-rs left for `scope`: the cached account
/// directory (`directories`) and the exported keys in `credentials_file` (only the sections
/// it wrote, of the profiles in scope and of `chained`, the profiles that assume roles on
/// those sessions; the file keeps every other line). What cannot be removed is reported, not
/// an error: the sign-out itself has happened.
pub fn remove_leftovers(
    scope: LogoutScope<'_>,
    directories: &DirectoryCache,
    credentials_file: &Path,
    chained: &[String],
) -> Leftovers {
    let mut leftovers = Leftovers::default();
    let cleared = match scope {
        LogoutScope::Everything => directories.clear().map(|_| ()),
        LogoutScope::Session(s) => directories
            .remove(&TokenKey::for_session(&s.session))
            .map(|_| ()),
    };
    if let Err(e) = cleared {
        leftovers.warnings.push(format!(
            "the cached account list in {} may remain: {e}",
            directories.dir().display()
        ));
    }
    let cleaned =
        ConfigDocument::load(credentials_file, FileKind::Credentials).and_then(|mut doc| {
            let removed = remove_exported_credentials(&mut doc, |profile| match scope {
                LogoutScope::Everything => true,
                LogoutScope::Session(s) => {
                    s.profiles.iter().any(|p| p.profile == profile)
                        || chained.iter().any(|c| c == profile)
                }
            });
            if !removed.is_empty() {
                doc.save()?;
            }
            Ok(removed)
        });
    match cleaned {
        Ok(removed) => leftovers.exports_removed = removed,
        Err(e) => leftovers.warnings.push(format!(
            "exported credentials may remain in {}: {e}",
            credentials_file.display()
        )),
    }
    leftovers
}

#[cfg(test)]
mod leftover_tests {
    use super::*;
    use aws_sso_profile_config::{ExportedCredentials, put_exported_credentials};

    #[test]
    fn logout_removes_the_exported_keys_it_wrote_and_keeps_the_users_lines() {
        let home = tempfile::tempdir().expect("home");
        let file = home.path().join("credentials");
        let users = "# mine\n[build]\naws_access_key_id = AKIAUSER\n";
        std::fs::write(&file, users).expect("write");
        let mut doc = ConfigDocument::load(&file, FileKind::Credentials).expect("load");
        put_exported_credentials(
            &mut doc,
            "ro",
            &ExportedCredentials {
                profile: "dev-ro",
                access_key_id: "ASIA1",
                secret_access_key: "sk",
                session_token: "st",
                expiration: "2030-01-01T00:00:00+00:00",
            },
        )
        .expect("put");
        doc.save().expect("save");
        let directories = DirectoryCache::new(home.path());
        let leftovers = remove_leftovers(LogoutScope::Everything, &directories, &file, &[]);
        assert_eq!(leftovers.exports_removed, ["ro"]);
        assert!(leftovers.warnings.is_empty(), "{:?}", leftovers.warnings);
        assert_eq!(std::fs::read_to_string(&file).expect("read"), users);
    }
}
