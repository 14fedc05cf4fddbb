//! Each endpoint the config's sign-ins use (the OIDC service, the portal, STS, the console's
//! sign-in), reached once through the CA bundle and proxy in use, with its time; and this
//! machine's clock against the portal's `Date`.

use std::time::Duration;

use aws_sso_http::Transport;
use aws_sso_profile_config::{ClientEndpointConfig, ProfileSet, Service, SsoVariables};
use time::OffsetDateTime;

use super::{Area, Check, Examination};
use crate::target::SessionTarget;

/// How long one endpoint may take to answer.
const LIMIT: Duration = Duration::from_secs(10);

/// A clock this far (seconds) from the portal's is worth a warning.
const SKEW_WARN: i64 = 60;
/// SigV4 refuses requests signed more than 5 minutes off; token expiries read wrong too.
const SKEW_FAIL: i64 = 300;

struct Target {
    /// What it serves (one endpoint may serve several: a proxy or a mock in front of all),
    /// each with where its address came from.
    what: Vec<(&'static str, String)>,
    url: String,
    transport: Transport,
    /// Whose clock to compare with (the portal's).
    clock: bool,
}

pub(super) async fn checks(exam: &Examination<'_>) -> Vec<Check> {
    let Ok(set) = ProfileSet::load(&exam.locations) else {
        return Vec::new();
    };
    // Each sign-in with the profile its endpoints are read for: the config's, then the
    // AWS_SSO_* variables'.
    let mut sign_ins: Vec<(Option<String>, SessionTarget)> = Vec::new();
    for configured in set.sessions().sessions {
        let profile = configured.profiles.first().map(|p| p.profile.clone());
        let session = match (&configured.session.name, &profile) {
            (Some(name), _) => SessionTarget::for_session(&set, name, exam.env),
            (None, Some(p)) => SessionTarget::for_profile(&set, p, exam.env),
            (None, None) => continue,
        };
        if let Ok(session) = session {
            sign_ins.push((profile, session));
        }
    }
    if let Ok(Some(variables)) = SsoVariables::from_env(exam.env) {
        let name = aws_sso_profile_config::SSO_VARIABLES_PROFILE;
        sign_ins.push((
            None,
            SessionTarget::of(&set, name, variables.session, exam.env),
        ));
    }
    let mut targets: Vec<Target> = Vec::new();
    let mut add = |target: Target| match targets.iter_mut().find(|t| t.url == target.url) {
        Some(known) => {
            for what in target.what {
                if !known.what.iter().any(|(w, _)| *w == what.0) {
                    known.what.push(what);
                }
            }
            known.clock |= target.clock;
        }
        None => targets.push(target),
    };
    for (profile, session) in sign_ins {
        let transport = session.sign_in.transport.clone();
        let region = session.sign_in.session.region.clone();
        add(Target {
            what: vec![(
                "IAM Identity Center portal",
                session.portal.source.describe(&Service::Sso),
            )],
            url: session.portal.url.clone(),
            transport: transport.clone(),
            clock: true,
        });
        add(Target {
            what: vec![(
                "IAM Identity Center OIDC",
                session.sign_in.oidc.source.describe(&Service::SsoOidc),
            )],
            url: session.sign_in.oidc.url.clone(),
            transport: transport.clone(),
            clock: false,
        });
        if let Ok((_, sts)) =
            crate::selection::sts_endpoint(&set, profile.as_deref(), &region, exam.env)
        {
            add(Target {
                what: vec![("STS", sts.source.describe(&Service::Sts))],
                url: sts.url,
                transport: transport.clone(),
                clock: false,
            });
        }
        let signin = set.endpoint(
            profile.as_deref(),
            &Service::Signin,
            &region,
            exam.env,
            ClientEndpointConfig::default(),
        );
        add(Target {
            what: vec![("console sign-in", signin.source.describe(&Service::Signin))],
            url: signin.url,
            transport,
            clock: false,
        });
    }
    let probes = targets.iter().map(|t| async move {
        let answer = aws_sso_http::probe(&t.transport, &t.url, LIMIT).await;
        let at = exam.clock.now();
        (answer, at)
    });
    let answers = futures_util::future::join_all(probes).await;
    let mut checks = Vec::new();
    let mut clock = None;
    for (target, (answer, at)) in targets.iter().zip(answers) {
        let route = route(&target.transport, &target.url);
        let serves = target
            .what
            .iter()
            .map(|(what, from)| format!("{what} (from {from})"))
            .collect::<Vec<_>>()
            .join(", ");
        match answer {
            Ok(probe) => {
                let ms = u64::try_from(probe.elapsed.as_millis()).unwrap_or(u64::MAX);
                let mut check = Check::pass(
                    Area::Network,
                    &target.url,
                    format!(
                        "{serves}: answered (HTTP {}) in {ms} ms{route}",
                        probe.status
                    ),
                );
                check.elapsed_ms = Some(ms);
                checks.push(check);
                if target.clock
                    && clock.is_none()
                    && let Some(date) = probe.date
                {
                    clock = Some(skew(&target.url, OffsetDateTime::from(date), at));
                }
            }
            Err(why) => checks.push(Check::fail(
                Area::Network,
                &target.url,
                format!("{serves}: {why}{route}"),
                "check the address and where it comes from (an AWS_ENDPOINT_URL_* variable or the profile's endpoint settings, if the detail names one), the network, the proxy (HTTPS_PROXY, NO_PROXY) and the CA bundle (AWS_CA_BUNDLE, ca_bundle); `--debug` shows each request",
            )),
        }
    }
    // The clock after every endpoint, as the areas go.
    checks.extend(clock);
    checks
}

/// How the request went: through which proxy, trusting which CA bundle.
fn route(transport: &Transport, url: &str) -> String {
    let mut parts = Vec::new();
    if let Some(proxy) = transport.proxy_for(url) {
        parts.push(format!(
            "through the proxy {} ({})",
            proxy.display_url(),
            proxy.variable
        ));
    }
    if let Some(bundle) = &transport.ca_bundle {
        parts.push(format!("trusting {}", bundle.path.display()));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(", {}", parts.join(", "))
    }
}

/// This machine's clock (`local`, when the answer came) against the portal's (`theirs`, its
/// `Date`, to the second).
fn skew(url: &str, theirs: OffsetDateTime, local: OffsetDateTime) -> Check {
    let seconds = (local - theirs).whole_seconds();
    let off = seconds.abs();
    let direction = if seconds > 0 { "ahead of" } else { "behind" };
    let detail = format!("this machine's clock is {off} s {direction} the portal's ({url})");
    let fix = "set the clock right (e.g. `timedatectl set-ntp true`): a clock that is off makes tokens look valid or expired when they are not, and AWS refuses requests signed more than 5 minutes off";
    if off <= SKEW_WARN {
        Check::pass(
            Area::Clock,
            "clock",
            format!("within {off} s of the portal's ({url})"),
        )
    } else if off <= SKEW_FAIL {
        Check::warn(Area::Clock, "clock", detail, fix)
    } else {
        Check::fail(Area::Clock, "clock", detail, fix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_off_by_minutes_warns_then_fails() {
        let theirs = time::macros::datetime!(2026-12-06 10:00:00 UTC);
        let at = |s: i64| theirs + time::Duration::seconds(s);
        assert_eq!(skew("u", theirs, at(2)).status, super::super::Status::Pass);
        assert_eq!(
            skew("u", theirs, at(-120)).status,
            super::super::Status::Warn
        );
        let far = skew("u", theirs, at(600));
        assert_eq!(far.status, super::super::Status::Fail);
        assert!(far.detail.contains("600 s ahead of"), "{}", far.detail);
    }
}
