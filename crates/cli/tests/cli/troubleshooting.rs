//! docs/troubleshooting.md quotes every user-facing error message in the code: the message
//! literals of the libraries' error types (`#[error("...")]`, and messages built whole for an
//! error variant: `SetupError::NoAccess(format!("..."))`) and the command line's own
//! errors (`bail!`, `anyhow!`, `exit::usage/config/access/failure/needs_login`). For each, the longest run of fixed
//! text (between `{...}` placeholders) must appear on the page, so a message cannot change or
//! appear without the page following.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literal that starts at the first `"` at or after `from`, unescaped, with
/// `\`-newline continuations removed. `None` when the next token is not a string.
fn literal_at(text: &str, from: usize) -> Option<String> {
    let rest = text[from..].trim_start();
    let mut chars = rest.strip_prefix('"')?.chars().peekable();
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                '\n' => {
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The longest fixed part of a format string, trimmed; `None` when under 12 characters.
fn fixed_part(message: &str) -> Option<String> {
    let message = message.replace("{{", "(").replace("}}", ")");
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0;
    for c in message.chars() {
        match c {
            '{' => {
                depth += 1;
                parts.push(std::mem::take(&mut current));
            }
            '}' if depth > 0 => depth -= 1,
            c if depth == 0 => current.push(c),
            _ => {}
        }
    }
    parts.push(current);
    let best = parts.into_iter().max_by_key(String::len)?;
    let best = best
        .trim_matches(|c: char| " ;:,.()'".contains(c))
        .to_owned();
    (best.chars().count() >= 12).then_some(best)
}

fn messages() -> Vec<(PathBuf, String)> {
    let root = workspace();
    let mut found = Vec::new();
    let mut files = Vec::new();
    for lib in [
        "profile-config",
        "token-cache",
        "http",
        "device-auth",
        "role-credentials",
    ] {
        rust_files(&root.join("crates").join(lib).join("src"), &mut files);
    }
    let mut cli = Vec::new();
    rust_files(&root.join("crates/cli/src"), &mut cli);
    for file in files.iter().chain(&cli) {
        let text = std::fs::read_to_string(file).expect("source");
        for (at, _) in text.match_indices("#[error(") {
            let after = at + "#[error(".len();
            if let Some(m) = literal_at(&text, after).as_deref().and_then(fixed_part) {
                found.push((file.clone(), m));
            }
        }
        // Messages built for an error variant that holds them whole:
        // `SomeError::Variant(format!("..."))`.
        for (at, _) in text.match_indices("(format!(") {
            let before = &text[..at];
            let token = &before[before
                .rfind(|c: char| c.is_whitespace() || c == '(')
                .map_or(0, |i| i + 1)..];
            if token.contains("Error::")
                && let Some(m) = literal_at(&text, at + "(format!(".len())
                    .as_deref()
                    .and_then(fixed_part)
            {
                found.push((file.clone(), m));
            }
        }
        // Hand-written `Display` texts: `write!(f, "...")` and `format!("...")` inside an
        // error type's module (error.rs) or a `Display` impl.
        if file.ends_with("error.rs") || text.contains("impl std::fmt::Display for") {
            for (at, _) in text.match_indices("write!(") {
                let rest = &text[at + "write!(".len()..];
                let Some(comma) = rest.find(',') else {
                    continue;
                };
                let after = text.len() - rest.len() + comma + 1;
                if let Some(m) = literal_at(&text, after).as_deref().and_then(fixed_part) {
                    found.push((file.clone(), m));
                }
            }
        }
    }
    for file in &cli {
        let text = std::fs::read_to_string(file).expect("source");
        for call in [
            "bail!(",
            "anyhow!(",
            "exit::usage(",
            "exit::config(",
            "exit::access(",
            "exit::failure(",
            "exit::needs_login(",
            ".context(",
            "with_context(|| ",
        ] {
            for (at, _) in text.match_indices(call) {
                let mut after = at + call.len();
                let rest = text[after..].trim_start();
                if let Some(inner) = rest.strip_prefix("format!(") {
                    after = text.len() - inner.len();
                }
                if let Some(m) = literal_at(&text, after).as_deref().and_then(fixed_part) {
                    found.push((file.clone(), m));
                }
            }
        }
    }
    found
}

#[test]
fn every_error_message_in_the_code_is_on_the_troubleshooting_page() {
    // A `|` of a message is written `\|` inside the page's tables.
    let page = std::fs::read_to_string(workspace().join("docs/troubleshooting.md"))
        .expect("docs/troubleshooting.md")
        .replace("\\|", "|");
    let found = messages();
    assert!(
        found.len() >= 50,
        "the scan found only {} messages; is it still reading the sources?",
        found.len()
    );
    let missing: Vec<String> = found
        .iter()
        .filter(|(_, m)| !page.contains(m.as_str()))
        .map(|(file, m)| format!("{}: {m:?}", file.display()))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/troubleshooting.md lacks {} message(s):\n{}",
        missing.len(),
        missing.join("\n")
    );
}
