//! Which profiles a person uses, for the picker to put first: each use of a profile by a
//! person (a pick, `exec`, `console`, `whoami`; never the `credential_process` of a program)
//! is recorded in aws-sso-rs's own cache folder (`recent.json`, never under `~/.aws`), and
//! profiles are ranked by frecency: recent uses weigh more than old ones, many more than
//! few, as browsers rank their history.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

/// Uses kept per profile (the most recent).
const KEPT_PER_PROFILE: usize = 10;

/// Profiles kept (those used last).
const KEPT_PROFILES: usize = 200;

/// The record of profiles used, in a folder of aws-sso-rs's own.
#[derive(Debug, Clone)]
pub struct RecentProfiles {
    path: PathBuf,
}

impl RecentProfiles {
    /// The record in `tool_cache_dir` (`$XDG_CACHE_HOME/aws-sso-rs`).
    pub fn new(tool_cache_dir: &Path) -> Self {
        Self {
            path: tool_cache_dir.join("recent.json"),
        }
    }

    fn load(&self) -> HashMap<String, Vec<i64>> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Records a use of `profile` at `now`. A record that cannot be read is started anew.
    ///
    /// # Errors
    /// The record cannot be written.
    pub fn record(&self, profile: &str, now: OffsetDateTime) -> std::io::Result<()> {
        let mut uses = self.load();
        let list = uses.entry(profile.to_owned()).or_default();
        list.push(now.unix_timestamp());
        list.sort_unstable();
        if list.len() > KEPT_PER_PROFILE {
            list.drain(..list.len() - KEPT_PER_PROFILE);
        }
        if uses.len() > KEPT_PROFILES {
            let mut last: Vec<(i64, String)> = uses
                .iter()
                .map(|(name, at)| (at.last().copied().unwrap_or_default(), name.clone()))
                .collect();
            last.sort_unstable();
            for (_, name) in last.iter().take(uses.len() - KEPT_PROFILES) {
                uses.remove(name);
            }
        }
        if let Some(dir) = self.path.parent() {
            aws_sso_profile_config::atomic::create_private_dir_all(dir)?;
        }
        let text = serde_json::to_vec(&uses).map_err(std::io::Error::other)?;
        aws_sso_profile_config::atomic::write_atomic(&self.path, &text, 0o600)
    }

    /// Each used profile's frecency at `now`: the sum of its uses, each weighing by its age
    /// (100 within 4 days, 70 within 2 weeks, 50 within a month, 30 within 3 months, 10
    /// older).
    pub fn ranks(&self, now: OffsetDateTime) -> HashMap<String, u32> {
        self.order(now)
            .into_iter()
            .map(|(name, rank)| (name, rank.score))
            .collect()
    }

    /// Each used profile's [`Rank`] at `now`: its frecency, then its last use (what sorts
    /// the picker, highest first).
    pub fn order(&self, now: OffsetDateTime) -> HashMap<String, Rank> {
        let now = now.unix_timestamp();
        self.load()
            .into_iter()
            .map(|(name, uses)| {
                let score = uses
                    .iter()
                    .map(|at| match (now - at) / 86_400 {
                        ..4 => 100,
                        4..14 => 70,
                        14..31 => 50,
                        31..90 => 30,
                        _ => 10,
                    })
                    .sum();
                let last_used = uses.iter().copied().max().unwrap_or_default();
                (name, Rank { score, last_used })
            })
            .collect()
    }
}

/// Where a profile stands in the picker: its frecency, then (between equals) its last use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank {
    /// The frecency ([`RecentProfiles::ranks`]).
    pub score: u32,
    /// The last use, in seconds since 1970.
    pub last_used: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    #[test]
    fn recent_and_frequent_uses_rank_first() {
        let dir = tempfile::tempdir().expect("dir");
        let recent = RecentProfiles::new(dir.path());
        let now = datetime!(2030-01-31 12:00 UTC);
        recent
            .record("old-favourite", now - Duration::days(60))
            .expect("record");
        recent
            .record("old-favourite", now - Duration::days(59))
            .expect("record");
        recent
            .record("old-favourite", now - Duration::days(58))
            .expect("record");
        recent.record("today", now).expect("record");
        recent
            .record("twice-this-week", now - Duration::days(1))
            .expect("record");
        recent
            .record("twice-this-week", now - Duration::days(2))
            .expect("record");
        let ranks = recent.ranks(now);
        assert_eq!(ranks["twice-this-week"], 200);
        assert_eq!(ranks["today"], 100);
        assert_eq!(ranks["old-favourite"], 90);
        assert!(!ranks.contains_key("never"));
        // Between equals, the one used last.
        recent
            .record("yesterday", now - Duration::days(1))
            .expect("record");
        let order = recent.order(now);
        assert!(order["today"] > order["yesterday"], "{order:?}");
        assert_eq!(order["today"].score, order["yesterday"].score);
    }

    #[test]
    fn a_damaged_record_is_started_anew_and_a_long_one_trimmed() {
        let dir = tempfile::tempdir().expect("dir");
        let recent = RecentProfiles::new(dir.path());
        std::fs::write(dir.path().join("recent.json"), "{not json").expect("write");
        let now = datetime!(2030-01-31 12:00 UTC);
        for i in 0..15 {
            recent
                .record("p", now + Duration::seconds(i))
                .expect("record");
        }
        assert_eq!(recent.ranks(now)["p"], 1000, "the last 10 uses kept");
    }
}
