//! The OS keyring as the store of the caches' secrets (`storage = "keyring"` in aws-sso-rs's
//! settings): the Secret Service over D-Bus on Linux and the BSDs, the Keychain on macOS,
//! the Credential Manager on Windows, through the `keyring` crate. One item per cache file,
//! under service `aws-sso-rs`, named by the file's folder and name (`sso-cache/<hash>.json`,
//! `cli-cache/<hash>.json`), holding the file's JSON as it would be written. The names of the
//! items (hashes, no secret) are listed in an index file in the lock folder, since a keyring
//! cannot be listed the same way everywhere; the locks stay files.
//!
//! An item holds at most [`MAX_ITEM_BYTES`], the Windows Credential Manager's limit, on every
//! platform alike: a longer entry (a token with its refresh token and client secret) is kept
//! in parts (items `NAME.part-a-1`, `NAME.part-a-2`, ..., or `NAME.part-b-…`: two slots, a
//! write filling the one not in use), and item `NAME` says how many, in which slot, and the
//! SHA-1 of the whole, written after the parts, so that a reader sees the old entry or the
//! new one, never a mix (a reader whose parts do not match the digest reads the entry anew),
//! and a write cut short leaves parts only in the slots the next write or delete empties.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind};

/// The keyring service every item is under.
pub const KEYRING_SERVICE: &str = "aws-sso-rs";

/// The most bytes one item holds: the Windows Credential Manager keeps at most 2,560 a
/// credential, the least of the three keyrings; a longer entry is split into parts.
pub const MAX_ITEM_BYTES: usize = 2_560;

/// The name of the keyring this platform has, for messages.
pub const KEYRING_BACKEND: &str = if cfg!(target_os = "macos") {
    "the macOS Keychain"
} else if cfg!(windows) {
    "the Windows Credential Manager"
} else {
    "the Secret Service (D-Bus)"
};

/// The OS keyring, under one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new(KEYRING_SERVICE)
    }
}

impl KeyringStore {
    /// The keyring, items under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// The keyring service of the items.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, name: &str, action: &'static str) -> Result<keyring::Entry, Error> {
        keyring::Entry::new(&self.service, name).map_err(|e| self.failure(action, name, &e))
    }

    fn failure(&self, action: &'static str, name: &str, error: &keyring::Error) -> Error {
        ErrorKind::Keyring {
            action,
            item: format!("{}/{name}", self.service),
            reason: describe(error),
        }
        .into()
    }

    /// The content of entry `name` (joined from its parts when it has them); `None` when
    /// there is none.
    pub(crate) fn read(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        read_entry(self, name)
    }

    /// Writes entry `name` (made or replaced; in parts when longer than [`MAX_ITEM_BYTES`]).
    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        write_entry(self, name, bytes)
    }

    /// Deletes entry `name` and its parts; whether it was there.
    pub(crate) fn delete(&self, name: &str) -> Result<bool, Error> {
        delete_entry(self, name)
    }
}

/// Single items of a keyring: what entries are made of.
trait Items {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, Error>;
    fn set(&self, name: &str, bytes: &[u8]) -> Result<(), Error>;
    fn remove(&self, name: &str) -> Result<bool, Error>;
    /// The error of entry `name` whose part is missing for good: damaged, as a cache file
    /// that is not whole (a token is then replaced by a sign-in, role credentials fetched
    /// anew).
    fn broken(&self, name: &str) -> Error;
}

impl Items for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        match self.entry(name, "read")?.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.failure("read", name, &e)),
        }
    }

    fn set(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        self.entry(name, "write")?
            .set_secret(bytes)
            .map_err(|e| self.failure("write", name, &e))
    }

    fn remove(&self, name: &str) -> Result<bool, Error> {
        match self.entry(name, "delete")?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.failure("delete", name, &e)),
        }
    }

    fn broken(&self, name: &str) -> Error {
        ErrorKind::Corrupt {
            path: PathBuf::from(format!("{}/{name} in {KEYRING_BACKEND}", self.service)),
            reason: "one of the keyring items it is kept in is missing, or from another write"
                .to_owned(),
        }
        .into()
    }
}

/// What item `NAME` of an entry kept in parts holds: how many parts, in which of the entry's
/// two slots (`a`, `b`), and the SHA-1 of the whole.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parts {
    count: usize,
    slot: char,
    sha1: String,
}

impl Parts {
    fn to_json(&self) -> String {
        // The tag first, as `parts_of` looks for it (slot and digest need no escaping).
        format!(
            "{{\"awsSsoRsParts\":{},\"slot\":\"{}\",\"sha1\":\"{}\"}}",
            self.count, self.slot, self.sha1
        )
    }
}

/// How an item of parts begins (no cache file begins so).
const PARTS_TAG: &[u8] = b"{\"awsSsoRsParts\":";

/// The two slots of an entry's parts: a write fills the one the entry does not use, then
/// points the entry at it, then empties the other, so that a reader of the old entry finds
/// its parts, and a write cut short leaves parts only where the next write or delete looks.
const SLOTS: [char; 2] = ['a', 'b'];

/// The most parts an entry is read in (160 KiB).
const MAX_PARTS: usize = 64;

fn parts_of(head: &[u8]) -> Option<Parts> {
    if !head.starts_with(PARTS_TAG) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(head).ok()?;
    let slot = value["slot"].as_str()?.chars().next()?;
    // No cache entry comes near this (a token is a few kilobytes): a head asking for more is
    // not one aws-sso-rs wrote, and is read as it is (then found damaged), never allocated.
    let count = usize::try_from(value["awsSsoRsParts"].as_u64()?).ok()?;
    Some(Parts {
        count: (count <= MAX_PARTS).then_some(count)?,
        slot: SLOTS.contains(&slot).then_some(slot)?,
        sha1: value["sha1"].as_str()?.to_owned(),
    })
}

fn part_name(name: &str, slot: char, index: usize) -> String {
    format!("{name}.part-{slot}-{index}")
}

fn digest(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

fn read_entry(items: &impl Items, name: &str) -> Result<Option<Vec<u8>>, Error> {
    // A writer that replaces the entry meanwhile may remove or rewrite the parts being read:
    // the digest tells, and the entry is read anew.
    for _ in 0..3 {
        let Some(head) = items.get(name)? else {
            return Ok(None);
        };
        let Some(parts) = parts_of(&head) else {
            return Ok(Some(head));
        };
        let mut whole = Vec::with_capacity(parts.count * MAX_ITEM_BYTES);
        for index in 1..=parts.count {
            match items.get(&part_name(name, parts.slot, index))? {
                Some(bytes) => whole.extend_from_slice(&bytes),
                None => break,
            }
        }
        if digest(&whole) == parts.sha1 {
            return Ok(Some(whole));
        }
    }
    Err(items.broken(name))
}

/// Removes the parts of `slot` from `from` on: every one up to `known` (the count a head gave
/// the slot, so that a part lost in the middle does not hide those after it), then on up to
/// the first that is not there (what a write cut short left).
fn clear_slot(
    items: &impl Items,
    name: &str,
    slot: char,
    from: usize,
    known: usize,
) -> Result<(), Error> {
    let mut index = from;
    while items.remove(&part_name(name, slot, index))? || index < known {
        index += 1;
    }
    Ok(())
}

/// The count of parts `old` (the head as it was) gave `slot`.
fn known(old: Option<&Parts>, slot: char) -> usize {
    old.filter(|p| p.slot == slot).map_or(0, |p| p.count)
}

fn write_entry(items: &impl Items, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let old = items.get(name)?.and_then(|head| parts_of(&head));
    if bytes.len() <= MAX_ITEM_BYTES {
        items.set(name, bytes)?;
        for slot in SLOTS {
            clear_slot(items, name, slot, 1, known(old.as_ref(), slot))?;
        }
        return Ok(());
    }
    let slot = match &old {
        Some(old) if old.slot == 'a' => 'b',
        _ => 'a',
    };
    let parts = Parts {
        count: bytes.len().div_ceil(MAX_ITEM_BYTES),
        slot,
        sha1: digest(bytes),
    };
    for (index, chunk) in bytes.chunks(MAX_ITEM_BYTES).enumerate() {
        items.set(&part_name(name, slot, index + 1), chunk)?;
    }
    // What a write cut short left past the new parts in this slot.
    clear_slot(items, name, slot, parts.count + 1, 0)?;
    items.set(name, parts.to_json().as_bytes())?;
    let other = if slot == 'a' { 'b' } else { 'a' };
    clear_slot(items, name, other, 1, known(old.as_ref(), other))
}

fn delete_entry(items: &impl Items, name: &str) -> Result<bool, Error> {
    let old = items.get(name)?.and_then(|head| parts_of(&head));
    let removed = items.remove(name)?;
    for slot in SLOTS {
        clear_slot(items, name, slot, 1, known(old.as_ref(), slot))?;
    }
    Ok(removed)
}

/// What failed, in a person's words (never the secret: the crate's errors carry none).
fn describe(error: &keyring::Error) -> String {
    let reason = reason(error);
    // The Secret Service is reached through the session bus this variable names; without it
    // the client tries a default address, and its error says only that it failed there.
    let no_bus = cfg!(all(unix, not(target_os = "macos")))
        && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty());
    match error {
        keyring::Error::NoDefaultStore | keyring::Error::PlatformFailure(_) if no_bus => format!(
            "{reason}; DBUS_SESSION_BUS_ADDRESS is not set: this shell has no D-Bus session (as over SSH, in a container, or under sudo)"
        ),
        _ => reason,
    }
}

fn reason(error: &keyring::Error) -> String {
    match error {
        // The store could not be set up: say why it could not (no D-Bus session...).
        keyring::Error::NoDefaultStore => match keyring::Entry::store_status() {
            Err(cause) => format!("the keyring could not be reached ({cause})"),
            Ok(()) => "the keyring could not be reached".to_owned(),
        },
        keyring::Error::NoStorageAccess(e) => {
            // The Secret Service asks for the password through a prompt window; with none to
            // show (headless, SSH) the prompt is dismissed at once: say that, not the code.
            let why = e.to_string();
            if why.contains("prompt dismissed") {
                "no access to the keyring: it is locked and nobody unlocked it (its prompt for the password was dismissed, or there was no screen to show it on)".to_owned()
            } else {
                format!("no access to the keyring: it is locked and nobody unlocked it ({why})")
            }
        }
        keyring::Error::PlatformFailure(e) => format!("the keyring failed ({e})"),
        other => other.to_string(),
    }
}

/// The item name of a cache file: its folder's role and its name.
pub(crate) fn item_name(sso_dir: &Path, path: &Path) -> String {
    let folder = if path.parent() == Some(sso_dir) {
        "sso-cache"
    } else {
        "cli-cache"
    };
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{folder}/{file}")
}

/// The index of item names, in the lock folder.
pub(crate) fn index_path(lock_dir: &Path) -> PathBuf {
    lock_dir.join("keyring-index.json")
}

/// The item names the index lists (none when there is no index yet).
///
/// # Errors
/// [`ErrorKind::Io`]: it cannot be read; [`ErrorKind::KeyringIndex`]: it is not a list of
/// names (damaged: said, never taken for empty, which would leave items no one removes).
pub(crate) fn read_index(lock_dir: &Path) -> Result<Vec<String>, Error> {
    let path = index_path(lock_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ErrorKind::Io {
                action: "read",
                path,
                source,
            }
            .into());
        }
    };
    serde_json::from_str::<Vec<String>>(&text).map_err(|e| {
        ErrorKind::KeyringIndex {
            path,
            reason: e.to_string(),
        }
        .into()
    })
}

/// Writes the index (names sorted, each once).
pub(crate) fn write_index(lock_dir: &Path, mut names: Vec<String>) -> std::io::Result<()> {
    names.sort();
    names.dedup();
    let text = serde_json::to_string(&names).map_err(std::io::Error::other)?;
    aws_sso_profile_config::atomic::create_private_dir_all(lock_dir)?;
    aws_sso_profile_config::atomic::write_atomic(&index_path(lock_dir), text.as_bytes(), 0o600)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    use super::*;

    /// A keyring in memory that refuses an item longer than the Credential Manager takes.
    #[derive(Default)]
    struct Memory {
        items: RefCell<BTreeMap<String, Vec<u8>>>,
        /// Removed the first time it is asked for: another writer's replacement.
        vanishing: RefCell<Option<String>>,
        /// When this item is first asked for, another writer writes (entry, content) first:
        /// a write between a reader's reads.
        writer: RefCell<Option<(String, String, Vec<u8>)>>,
    }

    impl Items for Memory {
        fn get(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
            if self.vanishing.borrow().as_deref() == Some(name) {
                self.vanishing.borrow_mut().take();
                return Ok(None);
            }
            let meanwhile = self
                .writer
                .borrow()
                .as_ref()
                .is_some_and(|(at, _, _)| at == name);
            if meanwhile {
                let (_, entry, bytes) = self.writer.borrow_mut().take().expect("a writer");
                write_entry(self, &entry, &bytes)?;
            }
            Ok(self.items.borrow().get(name).cloned())
        }
        fn set(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
            assert!(
                bytes.len() <= MAX_ITEM_BYTES,
                "{name}: {} bytes",
                bytes.len()
            );
            self.items
                .borrow_mut()
                .insert(name.to_owned(), bytes.to_vec());
            Ok(())
        }
        fn remove(&self, name: &str) -> Result<bool, Error> {
            Ok(self.items.borrow_mut().remove(name).is_some())
        }
        fn broken(&self, name: &str) -> Error {
            KeyringStore::default().broken(name)
        }
    }

    fn token_json(len: usize) -> Vec<u8> {
        let secret: String = (0..len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        format!("{{\"accessToken\":\"{secret}\",\"region\":\"eu-west-1\"}}").into_bytes()
    }

    #[test]
    fn an_entry_longer_than_an_item_takes_is_kept_in_parts_and_read_back_whole() {
        let keyring = Memory::default();
        let long = token_json(6_000);
        write_entry(&keyring, "sso-cache/a.json", &long).expect("written");
        assert_eq!(keyring.items.borrow().len(), 4, "a head and three parts");
        assert_eq!(
            read_entry(&keyring, "sso-cache/a.json").expect("read"),
            Some(long)
        );
        let short = token_json(100);
        write_entry(&keyring, "sso-cache/a.json", &short).expect("replaced");
        assert_eq!(
            keyring.items.borrow().keys().collect::<Vec<_>>(),
            ["sso-cache/a.json"],
            "the old parts went with the old entry"
        );
        assert_eq!(
            read_entry(&keyring, "sso-cache/a.json").expect("read"),
            Some(short)
        );
    }

    #[test]
    fn an_entry_of_exactly_one_item_is_one_item_and_one_byte_more_is_two_parts() {
        let keyring = Memory::default();
        let fits = vec![b'x'; MAX_ITEM_BYTES];
        write_entry(&keyring, "cli-cache/b.json", &fits).expect("written");
        assert_eq!(keyring.items.borrow().len(), 1);
        let over = vec![b'y'; MAX_ITEM_BYTES + 1];
        write_entry(&keyring, "cli-cache/b.json", &over).expect("written");
        assert_eq!(keyring.items.borrow().len(), 3, "a head and two parts");
        assert_eq!(
            read_entry(&keyring, "cli-cache/b.json").expect("read"),
            Some(over)
        );
    }

    #[test]
    fn a_new_long_entry_replaces_the_parts_of_the_old_one_and_deleting_removes_every_part() {
        let keyring = Memory::default();
        write_entry(&keyring, "sso-cache/c.json", &token_json(5_000)).expect("first");
        let second = token_json(9_000);
        write_entry(&keyring, "sso-cache/c.json", &second).expect("second");
        assert_eq!(
            keyring.items.borrow().len(),
            1 + 4,
            "only the new parts are left"
        );
        assert_eq!(
            read_entry(&keyring, "sso-cache/c.json").expect("read"),
            Some(second)
        );
        assert!(delete_entry(&keyring, "sso-cache/c.json").expect("deleted"));
        assert!(
            keyring.items.borrow().is_empty(),
            "no part outlives the entry"
        );
        assert!(!delete_entry(&keyring, "sso-cache/c.json").expect("again"));
        assert_eq!(
            read_entry(&keyring, "sso-cache/c.json").expect("read"),
            None
        );
    }

    #[test]
    fn a_part_gone_once_is_read_anew_and_a_part_gone_for_good_is_a_damaged_entry() {
        let keyring = Memory::default();
        let long = token_json(4_000);
        write_entry(&keyring, "sso-cache/d.json", &long).expect("written");
        let part = keyring
            .items
            .borrow()
            .keys()
            .find(|k| k.ends_with("-2"))
            .cloned()
            .expect("a second part");
        *keyring.vanishing.borrow_mut() = Some(part.clone());
        assert_eq!(
            read_entry(&keyring, "sso-cache/d.json").expect("read anew"),
            Some(long)
        );
        keyring.items.borrow_mut().remove(&part);
        let error = read_entry(&keyring, "sso-cache/d.json").expect_err("a part is missing");
        assert!(
            matches!(error.kind(), ErrorKind::Corrupt { .. })
                && error.to_string().contains("aws-sso-rs/sso-cache/d.json")
                && error.to_string().contains(
                    "one of the keyring items it is kept in is missing, or from another write"
                ),
            "{error}"
        );
    }

    #[test]
    fn parts_left_by_a_write_cut_short_go_with_the_next_write_or_delete() {
        let keyring = Memory::default();
        let name = "sso-cache/e.json";
        write_entry(&keyring, name, &token_json(3_000)).expect("written");
        // A write killed after its parts, before it pointed the entry at them.
        for index in 1..=4 {
            keyring
                .set(&part_name(name, 'b', index), b"half of a token")
                .expect("a leftover part");
        }
        let next = token_json(4_000);
        write_entry(&keyring, name, &next).expect("written again");
        assert_eq!(read_entry(&keyring, name).expect("read"), Some(next));
        assert_eq!(
            keyring.items.borrow().len(),
            1 + 2,
            "{:?}",
            keyring.items.borrow().keys()
        );
        for index in 1..=3 {
            keyring
                .set(&part_name(name, 'a', index), b"half of a token")
                .expect("a leftover part");
        }
        assert!(delete_entry(&keyring, name).expect("deleted"));
        assert!(
            keyring.items.borrow().is_empty(),
            "nothing of the entry is left: {:?}",
            keyring.items.borrow().keys()
        );
    }

    #[test]
    fn parts_of_two_writes_are_never_joined() {
        let keyring = Memory::default();
        let name = "cli-cache/f.json";
        write_entry(&keyring, name, &token_json(4_000)).expect("written");
        // Another write's part where this entry's second part was.
        keyring
            .set(&part_name(name, 'a', 2), &token_json(1_000))
            .expect("a part of another write");
        let error = read_entry(&keyring, name).expect_err("the digest does not match");
        assert!(matches!(error.kind(), ErrorKind::Corrupt { .. }), "{error}");
    }

    #[test]
    fn a_reader_holding_the_old_head_while_a_writer_switches_slots_gets_one_whole_entry() {
        let name = "sso-cache/g.json";
        for (at, old_len, new_len) in [
            // The write lands between the head and the first part, between two parts, and
            // with a new entry longer or shorter than the old one.
            (part_name(name, 'a', 1), 6_000, 4_000),
            (part_name(name, 'a', 2), 4_000, 9_000),
            (part_name(name, 'a', 2), 4_000, 1_000),
        ] {
            let keyring = Memory::default();
            let old = token_json(old_len);
            let new = token_json(new_len);
            write_entry(&keyring, name, &old).expect("written");
            *keyring.writer.borrow_mut() = Some((at.clone(), name.to_owned(), new.clone()));
            let read = read_entry(&keyring, name).expect("read").expect("an entry");
            assert!(
                read == old || read == new,
                "{at}: a whole entry, never a mix ({} bytes)",
                read.len()
            );
            assert_eq!(read_entry(&keyring, name).expect("again"), Some(new));
        }
    }

    #[test]
    fn a_part_lost_in_the_middle_hides_none_of_the_others_from_a_delete_or_a_new_write() {
        for replace in [false, true] {
            let keyring = Memory::default();
            let name = "sso-cache/h.json";
            write_entry(&keyring, name, &token_json(7_000)).expect("written");
            keyring
                .items
                .borrow_mut()
                .remove(&part_name(name, 'a', 2))
                .expect("a second part");
            if replace {
                write_entry(&keyring, name, &token_json(100)).expect("a short entry");
                assert_eq!(keyring.items.borrow().len(), 1, "only the new entry");
            } else {
                assert!(delete_entry(&keyring, name).expect("deleted"));
                assert!(
                    keyring.items.borrow().is_empty(),
                    "the third part goes too: {:?}",
                    keyring.items.borrow().keys()
                );
            }
        }
    }

    #[test]
    fn a_head_asking_for_more_parts_than_any_entry_has_is_not_taken_for_one() {
        let head = format!(
            "{{\"awsSsoRsParts\":{},\"slot\":\"a\",\"sha1\":\"0\"}}",
            usize::MAX
        );
        assert_eq!(parts_of(head.as_bytes()), None);
        let keyring = Memory::default();
        keyring
            .set("sso-cache/i.json", head.as_bytes())
            .expect("set");
        assert_eq!(
            read_entry(&keyring, "sso-cache/i.json").expect("read"),
            Some(head.into_bytes()),
            "read as it is: the cache then finds it damaged"
        );
    }
}
