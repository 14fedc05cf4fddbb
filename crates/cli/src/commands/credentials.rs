//! The one way the credential commands get role credentials. The cached path reads the
//! config and one small file and builds nothing else (no runtime, no SDK client, no TLS);
//! only a miss starts the slow path, which is one library call.

use anyhow::Result;
use aws_sso_device_auth::LoginOptions;
use aws_sso_role_credentials::{cached, fetch_credentials};
use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials};

use crate::exit::Interrupted;
use crate::presenter::CliPresenter;
use crate::settings::CredentialSettings;
use crate::world::World;

/// Role credentials for the profile of `settings`; with `--login`, signing in first when
/// needed (the cooldown and the one-browser rule are the library's).
pub fn role_credentials(settings: &CredentialSettings, world: &World) -> Result<RoleCredentials> {
    let cache = settings.files.cache();
    let policy = ExpiryPolicy::default();
    let target = &settings.target;
    if let Some(c) = cached(&cache, target, &policy, world.clock.now()) {
        tracing::debug!(
            "role credentials from the cache ({}), valid until {}",
            cache.role_credentials_path(&target.key()).display(),
            c.expiration
        );
        return Ok(c);
    }
    tracing::debug!(
        "no fresh role credentials cached for profile '{}'; fetching",
        settings.profile
    );
    crate::presenter::tighten_cache_folders(&cache);
    let runtime = world.runtime()?;
    runtime.block_on(async {
        let presenter = settings
            .login
            .then(|| CliPresenter::new(world, &target.sign_in, true, false, false));
        let sign_in = presenter.as_ref().map(|p| (p, LoginOptions::default()));
        // The presenter's spinner stops when it is dropped, Ctrl-C or not.
        tokio::select! {
            r = fetch_credentials(target, &cache, &world.clock, policy, sign_in) => Ok(r?),
            _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
        }
    })
}
