//! How long reading a large config and resolving one profile takes.
//!
//! Run with `cargo xtask bench` (or `cargo bench -p aws-sso-profile-config`). Target: a
//! 10,000-profile config parsed and one profile resolved in under 10 ms.

use std::path::Path;

use aws_sso_profile_config::{FileLocations, ProfileSet, Source};

fn main() {
    divan::main();
}

/// A config with `n` profiles in the shape people generate for every account and role: half
/// on sso-sessions, a quarter legacy, a quarter with other settings, with comments.
fn config(n: usize) -> String {
    let mut text = String::from("# generated for the benchmark\n[default]\nregion = us-east-1\n\n");
    for s in 0..10 {
        text.push_str(&format!(
            "[sso-session corp-{s}]\nsso_start_url = https://d-{s:010}.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n"
        ));
    }
    for i in 0..n {
        let account = 100_000_000_000u64 + i as u64;
        match i % 4 {
            0 | 1 => text.push_str(&format!(
                "# account {i}\n[profile p-{i}]\nsso_session = corp-{}\nsso_account_id = {account}\nsso_role_name = ReadOnly\nregion = eu-west-1\noutput = json\n\n",
                i % 10
            )),
            2 => text.push_str(&format!(
                "[profile p-{i}]\nsso_start_url = https://d-0000000001.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = {account}\nsso_role_name = Administrator\n\n"
            )),
            _ => text.push_str(&format!("[profile p-{i}]\nrole_arn = arn:aws:iam::{account}:role/x\nsource_profile = p-0\ns3 =\n  max_concurrent_requests = 20\n\n")),
        }
    }
    text
}

#[divan::bench(args = [1_000, 10_000])]
fn parse_and_resolve_one(bencher: divan::Bencher<'_, '_>, profiles: usize) {
    let text = config(profiles);
    let wanted = format!("p-{}", profiles - 3);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| {
            let set = ProfileSet::parse(
                Some(Source {
                    path: Path::new("config"),
                    text: &text,
                }),
                None,
            )
            .expect("valid");
            set.sso_profile(&wanted)
                .expect("valid")
                .expect("an SSO profile")
        });
}

#[divan::bench(args = [1_000, 10_000])]
fn parse_only_the_wanted_profile(bencher: divan::Bencher<'_, '_>, profiles: usize) {
    let text = config(profiles);
    let wanted = format!("p-{}", profiles - 3);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| {
            let source = Source {
                path: Path::new("config"),
                text: &text,
            };
            let set = ProfileSet::parse_profile(Some(source), None, &wanted).expect("valid");
            set.sso_profile(&wanted)
                .expect("valid")
                .expect("an SSO profile")
        });
}

#[divan::bench]
fn load_from_disk_and_resolve_one_of_10_000(bencher: divan::Bencher<'_, '_>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let locations = FileLocations {
        config: dir.path().join("config"),
        credentials: dir.path().join("credentials"),
    };
    std::fs::write(&locations.config, config(10_000)).expect("write");
    bencher.bench(|| {
        let set = ProfileSet::load(&locations).expect("valid");
        set.sso_profile("p-9997")
            .expect("valid")
            .expect("an SSO profile")
    });
}

#[divan::bench]
fn load_one_profile_from_disk_of_10_000(bencher: divan::Bencher<'_, '_>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let locations = FileLocations {
        config: dir.path().join("config"),
        credentials: dir.path().join("credentials"),
    };
    std::fs::write(&locations.config, config(10_000)).expect("write");
    bencher.bench(|| {
        let set = ProfileSet::load_profile(&locations, "p-9997").expect("valid");
        set.sso_profile("p-9997")
            .expect("valid")
            .expect("an SSO profile")
    });
}
