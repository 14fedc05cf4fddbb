//! The record that the service refused a cached token (one that had not expired: revoked on
//! the server, or issued by a service that was reset) and its refresh, or refused the
//! refresh of an expired one (the session ended), so that every command agrees it cannot be
//! used: `status` and the prompt say so, `login` replaces it without `--force`, a credential
//! request asks for a sign-in without calling the service again.
//!
//! The record lives in this crate's lock folder (`refused-<key hash>`), never among the AWS
//! CLI's files, and names the refused token by a SHA-256 fingerprint of its access token
//! (never the token itself). It applies only while the cached token is that same token: the
//! next good token, written by aws-sso-rs, the AWS CLI or an SDK, clears it.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::io;
use crate::{Error, SsoToken, TokenCache, TokenKey, timestamp};

impl TokenCache {
    /// Records that the service refused `token`, the cached token of `key`, at `now`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Io`].
    pub fn record_refusal(
        &self,
        key: &TokenKey,
        token: &SsoToken,
        now: OffsetDateTime,
    ) -> Result<(), Error> {
        let path = self.refusal_path(key);
        let text = format!("{} {}\n", fingerprint(token), timestamp::format(now));
        aws_sso_profile_config::atomic::write_atomic(&path, text.as_bytes(), 0o600)
            .map_err(|e| io("write", &path, e))
    }

    /// When the service refused `token` (the cached token of `key`), if it did: `None` when
    /// nothing is recorded, or the record is of another token (the cache holds a newer one).
    pub fn refused_at(&self, key: &TokenKey, token: &SsoToken) -> Option<OffsetDateTime> {
        let text = std::fs::read_to_string(self.refusal_path(key)).ok()?;
        let (print, at) = text.trim().split_once(' ')?;
        (print == fingerprint(token))
            .then(|| timestamp::parse(at))
            .flatten()
    }

    /// Forgets a recorded refusal for `key` (a new token was stored, or it was deleted).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Io`].
    pub fn clear_refusal(&self, key: &TokenKey) -> Result<(), Error> {
        self.clear_refusal_of(key.hash())
    }

    /// [`TokenCache::clear_refusal`] by the key's hash (a token file's name).
    pub(crate) fn clear_refusal_of(&self, hash: &str) -> Result<(), Error> {
        let path = self.lock_dir().join(format!("refused-{hash}"));
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io("delete", &path, e)),
        }
    }

    fn refusal_path(&self, key: &TokenKey) -> PathBuf {
        self.lock_dir().join(format!("refused-{}", key.hash()))
    }
}

/// The SHA-256 of the access token, in hex: tells tokens apart without keeping one.
fn fingerprint(token: &SsoToken) -> String {
    Sha256::digest(token.access_token.expose().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ExpiryPolicy, Secret};
    use time::Duration;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-05 12:00 UTC);

    fn token(access: &str) -> SsoToken {
        SsoToken::new(Secret::new(access), NOW + Duration::hours(8))
    }

    #[test]
    fn a_refused_token_is_reported_refused_until_a_new_token_is_stored() {
        let home = tempfile::tempdir().expect("home");
        let cache = TokenCache::new(home.path());
        let key = TokenKey::new("dev");
        let old = token("aoa-old");
        cache.store_token(&key, &old).expect("store");
        let policy = ExpiryPolicy::default();
        assert_eq!(
            cache
                .token_status(&key, &policy, NOW)
                .expect("status")
                .name(),
            "valid"
        );

        cache.record_refusal(&key, &old, NOW).expect("record");
        assert_eq!(cache.refused_at(&key, &old), Some(NOW));
        let status = cache.token_status(&key, &policy, NOW).expect("status");
        assert_eq!(status.name(), "refused");
        assert!(status.token().is_some(), "the refused token is still shown");
        let text = std::fs::read_to_string(cache.refusal_path(&key)).expect("record");
        assert!(!text.contains("aoa-old"), "no token in the record: {text}");

        // Another tool (or a new sign-in) writes a new token: the record no longer applies.
        let new = token("aoa-new");
        std::fs::write(cache.token_path(&key), new.to_json()).expect("write");
        assert_eq!(cache.refused_at(&key, &new), None);
        assert_eq!(
            cache
                .token_status(&key, &policy, NOW)
                .expect("status")
                .name(),
            "valid"
        );

        // aws-sso-rs storing a token clears the record.
        cache.record_refusal(&key, &new, NOW).expect("record");
        cache.store_token(&key, &token("aoa-newer")).expect("store");
        assert!(!cache.refusal_path(&key).exists());

        // A logout deletes the token file it listed, and the record with it.
        cache.record_refusal(&key, &new, NOW).expect("record");
        cache
            .remove_listed_token(&cache.token_path(&key))
            .expect("remove");
        assert!(!cache.refusal_path(&key).exists());
    }

    #[test]
    fn an_unreadable_record_is_no_refusal() {
        let home = tempfile::tempdir().expect("home");
        let cache = TokenCache::new(home.path());
        let key = TokenKey::new("dev");
        std::fs::create_dir_all(cache.lock_dir()).expect("mkdir");
        std::fs::write(cache.refusal_path(&key), "garbage").expect("write");
        assert_eq!(cache.refused_at(&key, &token("aoa")), None);
        cache.clear_refusal(&key).expect("clear");
        cache.clear_refusal(&key).expect("clearing twice is fine");
    }
}
