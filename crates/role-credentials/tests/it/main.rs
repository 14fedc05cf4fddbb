//! Integration tests of aws-sso-role-credentials against the mock, through the real SDK.

use std::path::Path;

use aws_sso_device_auth::{SdkOidc, SystemClock, TokioSleeper};
use aws_sso_mock::{Approval, MockServer, Scenario};
use aws_sso_profile_config::{MapEnv, ProfileSet, Source};
use aws_sso_role_credentials::{
    DirectoryCache, ErrorKind, Freshness, RoleTarget, SdkClients, SessionTarget,
    SsoRoleCredentials, cached,
};
use aws_sso_token_cache::{ExpiryPolicy, TokenCache};

/// The example config, and a profile for a role the mock's user does not have.
fn config() -> String {
    format!(
        "{}\n[profile admin-prod]\nsso_session = my-sso\nsso_account_id = 210987654321\nsso_role_name = Administrator\n",
        aws_sso_e2e::EXAMPLE_CONFIG
    )
}

fn target(server: &MockServer, profile: &str) -> RoleTarget {
    let set = ProfileSet::parse(
        Some(Source {
            path: Path::new("config"),
            text: &config(),
        }),
        None,
    )
    .expect("config");
    let env: MapEnv = server.env().into_iter().collect();
    RoleTarget::resolve(&set, profile, &env).expect("target")
}

/// A mock that approves device codes at once, an empty home, its cache, and profile `ro`.
struct Fixture {
    server: MockServer,
    home: tempfile::TempDir,
    cache: TokenCache,
    target: RoleTarget,
}

impl Fixture {
    fn new() -> Self {
        let mut scenario = Scenario::default();
        scenario.device.approval = Approval::Immediate;
        let server = MockServer::start(scenario).expect("mock");
        let home = tempfile::tempdir().expect("home");
        let cache = TokenCache::new(home.path());
        let target = target(&server, "dev-account-ro");
        Self {
            server,
            home,
            cache,
            target,
        }
    }
}

async fn sign_in(server: &MockServer, cache: &TokenCache, t: &RoleTarget) {
    let api = SdkOidc::new(
        &t.sign_in.session.region,
        &aws_sso_profile_config::Endpoint::explicit(server.url()),
        &Default::default(),
    );
    aws_sso_device_auth::SignIn::new(&api, &SystemClock, &TokioSleeper, cache, &t.sign_in.session)
        .device_login(&aws_sso_device_auth::PrintPresenter)
        .await
        .expect("device login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_cache_reuse_and_errors() {
    let Fixture {
        server,
        home: _home,
        cache,
        target: t,
    } = Fixture::new();
    let clients = SdkClients::for_target(&t);
    let resolver = clients.resolver(&SystemClock, &cache);

    let err = resolver.credentials(&t).await.expect_err("not signed in");
    assert!(matches!(err.kind(), ErrorKind::NeedsLogin { .. }));
    assert!(
        err.to_string()
            .ends_with("run: aws-sso-rs login --profile dev-account-ro"),
        "{err}"
    );

    sign_in(&server, &cache, &t).await;
    let creds = resolver.credentials(&t).await.expect("credentials");
    assert!(creds.access_key_id.starts_with("ASIA"));
    assert_eq!(server.count("GetRoleCredentials"), 1);
    let again = resolver.credentials(&t).await.expect("cached");
    assert_eq!(again.access_key_id, creds.access_key_id);
    assert_eq!(
        server.count("GetRoleCredentials"),
        1,
        "served from the cache"
    );
    let now = time::OffsetDateTime::now_utc();
    assert!(cached(&cache, &t, &ExpiryPolicy::default(), now).is_some());
    let strict = ExpiryPolicy {
        role_credentials_window: time::Duration::minutes(61),
        ..ExpiryPolicy::default()
    };
    assert!(
        cached(&cache, &t, &strict, now).is_none(),
        "inside the window they are fetched again"
    );

    let admin = target(&server, "admin-prod");
    let err = resolver
        .credentials(&admin)
        .await
        .expect_err("not assigned");
    assert!(
        matches!(err.kind(), ErrorKind::RoleNotAssigned { .. }),
        "{err}"
    );

    server.revoke_all();
    std::fs::remove_file(cache.role_credentials_path(&t.key()))
        .expect("drop the cached credentials");
    let err = resolver.credentials(&t).await.expect_err("revoked");
    assert!(
        matches!(err.kind(), ErrorKind::NeedsLogin { .. }),
        "a revoked token means signing in again: {err}"
    );

    let listed = {
        let Fixture {
            server: server2,
            home: home2,
            cache: cache2,
            target: t2,
        } = Fixture::new();
        sign_in(&server2, &cache2, &t2).await;
        let session = SessionTarget {
            sign_in: t2.sign_in.clone(),
            portal: t2.portal.clone(),
        };
        let store = DirectoryCache::new(home2.path().join("directory"));
        let clients = SdkClients::for_listing(&session);
        let resolver = clients.resolver(&SystemClock, &cache2);
        let fetched = resolver
            .directory(&session, &store, Freshness::default(), &())
            .await
            .expect("list");
        assert_eq!(
            store.load(&t2.token_key()).as_ref(),
            Some(&fetched),
            "the directory is cached"
        );
        server2.revoke_all();
        let again = resolver
            .directory(&session, &store, Freshness::default(), &())
            .await
            .expect("a fresh cached directory needs no call");
        assert_eq!(again, fetched);
        let err = resolver
            .directory(&session, &store, Freshness::Refetch, &())
            .await
            .expect_err("refetching needs a valid sign-in");
        assert!(matches!(err.kind(), ErrorKind::NeedsLogin { .. }), "{err}");
        fetched.accounts
    };
    let names: Vec<_> = listed
        .iter()
        .map(|a| (a.account.account_id.as_str(), a.roles.len()))
        .collect();
    assert_eq!(names, [("123456789011", 2), ("210987654321", 1)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_serves_an_sts_client() {
    let Fixture {
        server,
        home: _home,
        cache,
        target: t,
    } = Fixture::new();
    sign_in(&server, &cache, &t).await;
    let provider = SsoRoleCredentials::new(t, cache);
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("ap-northeast-1"))
        .endpoint_url(server.url())
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build();
    let me = aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .expect("signed with the role credentials");
    assert_eq!(me.account(), Some("123456789011"));
    assert!(
        me.arn()
            .is_some_and(|a| a.contains("AWSReservedSSO_ReadOnly_"))
    );
    assert_eq!(server.count("GetRoleCredentials"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_token_provider_serves_the_signed_in_token() {
    use aws_credential_types::provider::token::ProvideToken;
    let Fixture {
        server,
        home: _home,
        cache,
        target: t,
    } = Fixture::new();
    let provider = aws_sso_role_credentials::SsoBearerToken::new(
        "dev-account-ro",
        t.sign_in.session.clone(),
        t.sign_in.oidc.clone(),
        cache.clone(),
    );
    let err = provider.provide_token().await.expect_err("not signed in");
    assert!(
        format!("{err:?}").contains("aws-sso-rs login --profile dev-account-ro"),
        "{err:?}"
    );
    sign_in(&server, &cache, &t).await;
    let token = provider.provide_token().await.expect("a token");
    let cached = cache
        .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
        .expect("read")
        .expect("cached");
    assert_eq!(token.token(), cached.access_token.expose());
    assert!(server.token_is_valid(token.token()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_take_the_environment_and_clock_they_are_given() {
    use aws_credential_types::provider::ProvideCredentials;
    let Fixture {
        server,
        home,
        cache,
        target: t,
    } = Fixture::new();
    // The config and home come from the given environment only: the process's has neither.
    std::fs::create_dir_all(home.path().join(".aws")).expect("mkdir");
    std::fs::write(home.path().join(".aws/config"), config()).expect("config");
    let env: MapEnv = server
        .env()
        .into_iter()
        .chain([("HOME".to_owned(), home.path().display().to_string())])
        .collect();
    let clock = std::sync::Arc::new(aws_sso_token_cache::ManualClock::new(
        time::OffsetDateTime::now_utc(),
    ));
    let provider = aws_sso_role_credentials::Providers::new()
        .env(env)
        .clock(clock.clone())
        .role_credentials("dev-account-ro")
        .expect("the profile of the given config");
    let err = provider
        .provide_credentials()
        .await
        .expect_err("not signed in");
    assert!(
        format!("{err:?}").contains("aws-sso-rs login --profile dev-account-ro"),
        "{err:?}"
    );
    sign_in(&server, &cache, &t).await;
    provider.provide_credentials().await.expect("fetched");
    provider.provide_credentials().await.expect("cached");
    assert_eq!(server.count("GetRoleCredentials"), 1);
    // By the given clock, the hour-long role credentials are nearly spent: fetched again.
    clock.advance(time::Duration::minutes(56));
    provider.provide_credentials().await.expect("fetched again");
    assert_eq!(server.count("GetRoleCredentials"), 2);
}

/// The built `examples/NAME` program of this package (`cargo test` builds examples).
fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    dir.join("examples").join(name)
}

/// The crate's example: a profile's role credentials as the credentials provider of an STS
/// client, against the mock.
#[tokio::test]
async fn the_sts_example_calls_sts_with_the_profiles_role_credentials() {
    let f = Fixture::new();
    sign_in(&f.server, &f.cache, &f.target).await;
    std::fs::create_dir_all(f.home.path().join(".aws")).expect("mkdir");
    std::fs::write(f.home.path().join(".aws/config"), config()).expect("config");
    let program = example("sts_with_provider");
    let out = std::process::Command::new(&program)
        .arg("dev-account-ro")
        .env_clear()
        .env("HOME", f.home.path())
        .envs(f.server.env())
        .output()
        .unwrap_or_else(|e| panic!(
            "cannot run {}: {e}; `cargo test` builds the examples (a single `--test` target does not: build them with `cargo build --examples`)",
            program.display()
        ));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("account: 123456789011"), "{stdout}");
    assert!(
        stdout.contains("assumed-role/AWSReservedSSO_ReadOnly"),
        "{stdout}"
    );
    assert_eq!(f.server.count("GetCallerIdentity"), 1);
}
