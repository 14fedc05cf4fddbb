//! Runs the public AWS conformance suites against `aws-sso-profile-config`.
//!
//! The suites live outside this repository (`../shared/vectors`, see its NOTICE.md); this
//! runner reads them, prints `suite: passed/total passed` per suite and the name of every
//! failing case, and fails if any case fails.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use aws_sso_profile_config::{
    ClientEndpointConfig, FileLocations, MapEnv, Platform, ProfileSet, Service, Source,
    select_profile,
};
use serde_json::Value;

pub fn run(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        bail!(
            "no conformance vectors at {} (set AWS_SSO_RS_VECTORS or pass --vectors DIR)",
            dir.display()
        );
    }
    let suites: [(&str, &str, Suite); 3] = [
        (
            "profile-parser",
            "smithy-rs/profile-parser-tests.json",
            profile_parser,
        ),
        (
            "file-location",
            "smithy-rs/file-location-tests.json",
            file_location,
        ),
        (
            "endpoint-url",
            "botocore/configured-endpoint-url-profile-tests.json",
            endpoint_url,
        ),
    ];
    let mut failed = 0;
    for (name, file, suite) in suites {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let json: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let outcomes = suite(&json);
        let passed = outcomes.iter().filter(|o| o.error.is_none()).count();
        println!("{name}: {passed}/{} passed", outcomes.len());
        for o in outcomes.iter().filter(|o| o.error.is_some()) {
            println!(
                "  FAILED {}: {}",
                o.name,
                o.error.as_deref().unwrap_or_default()
            );
        }
        if outcomes.is_empty() {
            bail!(
                "{name}: the suite has no cases; is {} the right file?",
                path.display()
            );
        }
        failed += outcomes.len() - passed;
    }
    if failed > 0 {
        bail!("{failed} conformance case(s) failed");
    }
    Ok(())
}

/// Runs one suite's cases.
type Suite = fn(&Value) -> Vec<Outcome>;

struct Outcome {
    name: String,
    error: Option<String>,
}

fn cases(json: &Value, key: &str) -> Vec<Value> {
    json[key].as_array().cloned().unwrap_or_default()
}

fn outcome(case: &Value, error: Option<String>) -> Outcome {
    Outcome {
        name: case["name"].as_str().unwrap_or("<unnamed>").to_owned(),
        error,
    }
}

type Sections = BTreeMap<String, BTreeMap<String, String>>;

fn sections<'a>(it: impl Iterator<Item = &'a aws_sso_profile_config::Section>) -> Sections {
    it.map(|s| {
        (
            s.name().to_owned(),
            s.properties()
                .map(|(k, p)| (k.to_owned(), p.value().to_owned()))
                .collect(),
        )
    })
    .collect()
}

fn json_sections(v: &Value) -> Sections {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(name, props)| {
                    let props = props
                        .as_object()
                        .map(|p| {
                            p.iter()
                                .map(|(k, v)| {
                                    (k.clone(), v.as_str().unwrap_or_default().to_owned())
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    (name.clone(), props)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn profile_parser(json: &Value) -> Vec<Outcome> {
    cases(json, "tests")
        .iter()
        .map(|case| {
            let input = &case["input"];
            let config = input["configFile"].as_str().map(|text| Source {
                path: Path::new("config"),
                text,
            });
            let credentials = input["credentialsFile"].as_str().map(|text| Source {
                path: Path::new("credentials"),
                text,
            });
            let parsed = ProfileSet::parse(config, credentials);
            let output = &case["output"];
            let error = match (
                parsed,
                output.get("errorContaining").and_then(Value::as_str),
            ) {
                (Err(e), Some(expected)) => (!e.to_string().contains(expected))
                    .then(|| format!("error {e:?} lacks {expected:?}")),
                (Ok(_), Some(expected)) => Some(format!(
                    "parsed, but expected an error containing {expected:?}"
                )),
                (Err(e), None) => Some(format!("unexpected error: {e}")),
                (Ok(set), None) => {
                    let want_profiles = json_sections(&output["config"]["profiles"]);
                    let want_sessions = json_sections(&output["config"]["sso_sessions"]);
                    let got_profiles = sections(set.profiles());
                    let got_sessions = sections(set.sso_sessions());
                    if got_profiles != want_profiles {
                        Some(format!("profiles {got_profiles:?} != {want_profiles:?}"))
                    } else if got_sessions != want_sessions {
                        Some(format!(
                            "sso_sessions {got_sessions:?} != {want_sessions:?}"
                        ))
                    } else {
                        None
                    }
                }
            };
            outcome(case, error)
        })
        .collect()
}

fn env_of(v: &Value) -> MapEnv {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn file_location(json: &Value) -> Vec<Outcome> {
    cases(json, "tests")
        .iter()
        .map(|case| {
            let env = env_of(&case["environment"]);
            let platform = if case["platform"] == "windows" {
                Platform::Windows
            } else {
                Platform::Unix
            };
            let error = match FileLocations::resolve(&env, platform) {
                Err(e) => Some(format!("unexpected error: {e}")),
                Ok(loc) => {
                    let mut problems = Vec::new();
                    let config = loc.config.to_string_lossy();
                    let credentials = loc.credentials.to_string_lossy();
                    if config != case["configLocation"].as_str().unwrap_or_default() {
                        problems.push(format!("config {config}"));
                    }
                    if credentials != case["credentialsLocation"].as_str().unwrap_or_default() {
                        problems.push(format!("credentials {credentials}"));
                    }
                    if let Some(profile) = case["profile"].as_str() {
                        let selected = select_profile(None, &env);
                        if selected.name != profile {
                            problems.push(format!("profile {}", selected.name));
                        }
                    }
                    (!problems.is_empty()).then(|| problems.join(", "))
                }
            };
            outcome(case, error)
        })
        .collect()
}

/// Writes a suite's `profiles` and `services` as a config file.
fn config_text(suite: &Value) -> String {
    let mut text = String::new();
    for (name, props) in suite["profiles"].as_object().into_iter().flatten() {
        text.push_str(&format!("[profile {name}]\n"));
        for (k, v) in props.as_object().into_iter().flatten() {
            text.push_str(&format!("{k} = {}\n", v.as_str().unwrap_or_default()));
        }
    }
    for (name, services) in suite["services"].as_object().into_iter().flatten() {
        text.push_str(&format!("[services {name}]\n"));
        for (service, props) in services.as_object().into_iter().flatten() {
            text.push_str(&format!("{service} =\n"));
            for (k, v) in props.as_object().into_iter().flatten() {
                text.push_str(&format!("  {k} = {}\n", v.as_str().unwrap_or_default()));
            }
        }
    }
    text
}

fn endpoint_url(json: &Value) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for suite in cases(json, "testSuites") {
        let text = config_text(&suite);
        let set = match ProfileSet::parse(
            Some(Source {
                path: Path::new("config"),
                text: &text,
            }),
            None,
        ) {
            Ok(set) => set,
            Err(e) => {
                outcomes.push(Outcome {
                    name: "suite config".into(),
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        for case in cases(&suite, "endpointUrlTests") {
            let profile = case["profile"].as_str().unwrap_or("default");
            let env =
                env_of(&suite["environments"][case["environment"].as_str().unwrap_or("default")]);
            let client =
                &suite["client_configs"][case["client_config"].as_str().unwrap_or("default")];
            let region = set
                .profile(profile)
                .and_then(|p| p.get("region"))
                .unwrap_or("us-east-1");
            let service = Service::Other(case["service"].as_str().unwrap_or_default().to_owned());
            let resolved = set.endpoint(
                Some(profile),
                &service,
                region,
                &env,
                ClientEndpointConfig {
                    endpoint_url: client["endpoint_url"].as_str(),
                    ignore_configured_endpoint_urls: client["ignore_configured_endpoint_urls"]
                        == true,
                },
            );
            let want = case["output"]["endpointUrl"].as_str().unwrap_or_default();
            outcomes.push(outcome(
                &case,
                (resolved.url != want).then(|| format!("got {} want {want}", resolved.url)),
            ));
        }
    }
    outcomes
}
