//! A real Secret Service for the keyring tests: a D-Bus session bus of its own and
//! `gnome-keyring-daemon`, headless, its login keyring made and unlocked with a password
//! given on stdin (an empty one would make it ask through a prompt window).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A session bus with a Secret Service on it; both stop when dropped. One runs at a time in
/// a test process (several daemons starting at once on 2 cores may miss their deadline).
pub struct SecretService {
    bus: Child,
    keyring: Child,
    address: String,
    _data: tempfile::TempDir,
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Whether this machine has what [`SecretService::start`] runs.
pub fn available() -> bool {
    [
        "dbus-daemon",
        "gnome-keyring-daemon",
        "secret-tool",
        "dbus-send",
    ]
    .iter()
    .all(|p| {
        Command::new("sh")
            .args(["-c", &format!("command -v {p}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

impl SecretService {
    /// Starts a bus and a Secret Service on it, its keyrings outside any test home.
    pub fn start() -> Self {
        Self::start_with(true)
    }

    /// A Secret Service whose login keyring was never made nor unlocked (no password given,
    /// and no window to ask for one): as on a machine where nobody unlocked it.
    pub fn start_locked() -> Self {
        Self::start_with(false)
    }

    fn start_with(unlocked: bool) -> Self {
        let one_at_a_time = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let data = tempfile::tempdir().expect("keyring folder");
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!(
                "--address=unix:path={}",
                data.path().join("bus").display()
            ))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("the bus address");
        let address = address.trim().to_owned();
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(if unlocked {
                &["--unlock", "--components=secrets", "--foreground"][..]
            } else {
                &["--components=secrets", "--foreground"][..]
            })
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", data.path())
            .env("XDG_DATA_HOME", data.path().join("data"))
            .env("XDG_RUNTIME_DIR", data.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(data.path().join("daemon.log")).expect("log"))
            .spawn()
            .expect("gnome-keyring-daemon starts");
        {
            let mut stdin = keyring.stdin.take().expect("stdin");
            if unlocked {
                stdin.write_all(b"test-keyring-password").expect("password");
            }
        }
        let service = Self {
            bus,
            keyring,
            address,
            _data: data,
            _one_at_a_time: one_at_a_time,
        };
        service.wait_until_ready(unlocked);
        service
    }

    fn wait_until_ready(&self, unlocked: bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        // First the bus names our daemon (asking it does not start one: a `secret-tool` call
        // before that would make the bus start another daemon, which ours then defers to);
        // then, unlocked, an item can be stored.
        let mut named = false;
        while Instant::now() < deadline {
            let ready = if named && unlocked {
                self.secret_tool(&["store", "--label=probe", "probe", "ready"], Some("x"))
                    .status
                    .success()
            } else {
                let owned = Command::new("dbus-send")
                    .args([
                        "--session",
                        "--print-reply",
                        "--dest=org.freedesktop.DBus",
                        "/org/freedesktop/DBus",
                        "org.freedesktop.DBus.NameHasOwner",
                        "string:org.freedesktop.secrets",
                    ])
                    .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                    .output()
                    .expect("dbus-send runs");
                named = String::from_utf8_lossy(&owned.stdout).contains("boolean true");
                named && !unlocked
            };
            if ready {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(self._data.path().join("daemon.log")).unwrap_or_default();
        panic!("the Secret Service did not start within 60 s; gnome-keyring-daemon said: {log}");
    }

    /// The variable that points a program at this bus.
    pub fn env(&self) -> [(&'static str, &str); 1] {
        [("DBUS_SESSION_BUS_ADDRESS", self.address.as_str())]
    }

    /// `secret-tool ARGS` on this bus, `input` on its stdin.
    pub fn secret_tool(&self, args: &[&str], input: Option<&str>) -> std::process::Output {
        let mut child = Command::new("secret-tool")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("secret-tool runs");
        {
            let mut stdin = child.stdin.take().expect("stdin");
            if let Some(input) = input {
                stdin.write_all(input.as_bytes()).expect("input");
            }
        }
        child.wait_with_output().expect("secret-tool ends")
    }

    /// The secret of the item `aws-sso-rs`/`name`, if there is one.
    pub fn item(&self, name: &str) -> Option<String> {
        let out = self.secret_tool(&["lookup", "service", "aws-sso-rs", "username", name], None);
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
            .filter(|s| !s.is_empty())
    }

    /// The content of cache entry `name` as the keyring holds it: item `name`, or, for an
    /// entry kept in parts (item `name` is then
    /// `{"awsSsoRsParts":N,"slot":"a","sha1":"..."}`), its items `name.part-a-1` to `-N`
    /// joined.
    pub fn entry(&self, name: &str) -> Option<String> {
        let head = self.item(name)?;
        let Some((count, slot)) = Self::parts(&head) else {
            return Some(head);
        };
        (1..=count)
            .map(|i| self.item(&format!("{name}.part-{slot}-{i}")))
            .collect()
    }

    /// The count and slot of an item that stands for parts.
    pub fn parts(head: &str) -> Option<(u64, String)> {
        if !head.starts_with("{\"awsSsoRsParts\":") {
            return None;
        }
        let value: serde_json::Value = serde_json::from_str(head).ok()?;
        Some((
            value["awsSsoRsParts"].as_u64()?,
            value["slot"].as_str()?.to_owned(),
        ))
    }

    /// Locks the login keyring, as a screen lock or `secret-tool lock` does: its items stay,
    /// and only its password (asked through a prompt window, which no one can see here)
    /// opens it again.
    pub fn lock(&self) {
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("dbus-send runs");
        assert!(
            out.status.success(),
            "the keyring locks: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The names of every item of service `aws-sso-rs`, parts included.
    pub fn all_items(&self) -> Vec<String> {
        let out = self.secret_tool(&["search", "--all", "service", "aws-sso-rs"], None);
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let mut names: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("attribute.username = "))
            .map(str::to_owned)
            .collect();
        names.sort();
        names
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

/// Every file under `root` whose bytes hold `secret`.
pub fn files_holding(root: &Path, secret: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|b| String::from_utf8_lossy(&b).contains(secret))
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}
