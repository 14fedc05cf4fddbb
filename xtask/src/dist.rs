//! `cargo xtask dist`: the release archive of `aws-sso-rs` for this machine's target (and the
//! static musl one when that target is installed): an optimised, stripped binary, shell
//! completions, man pages, README, licence files, CHANGELOG and every page the README links
//! (the docs/ pages and the library crates' READMEs, at their paths in the repository) in
//! `target/dist/aws-sso-rs-<version>-<target>.tar.gz`, with `target/dist/SHA256SUMS`. The
//! command checks its own result: the archive holds exactly the planned files, their list
//! matches an insta snapshot, and the archived binary runs `--version`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use sha2::{Digest, Sha256};

use crate::{run_cmd, target_dir, workspace_root};

/// The completion files: (shell, file name), where each shell looks for them.
const COMPLETIONS: [(&str, &str); 5] = [
    ("bash", "aws-sso-rs.bash"),
    ("zsh", "_aws-sso-rs"),
    ("fish", "aws-sso-rs.fish"),
    ("powershell", "_aws-sso-rs.ps1"),
    ("elvish", "aws-sso-rs.elv"),
];

/// The documents copied from the workspace root, each at the same path in the archive, so that
/// the links between them work there too: the README and every page it links (the docs/ pages,
/// and the README of each library crate, whose folder the README's table of crates links), and
/// the pages those link. A test holds this list to the links.
const DOCUMENTS: [&str; 17] = [
    "README.md",
    "CHANGELOG.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "docs/guide.md",
    "docs/cli.md",
    "docs/troubleshooting.md",
    "docs/security.md",
    "docs/architecture.md",
    "docs/compatibility.md",
    "docs/benchmarks.md",
    "crates/profile-config/README.md",
    "crates/token-cache/README.md",
    "crates/http/README.md",
    "crates/device-auth/README.md",
    "crates/role-credentials/README.md",
    "crates/mock-endpoint/README.md",
];

/// Every path in the archive (under its top folder), in archive order, for `man_pages` (the
/// page names `aws-sso-rs manpage --list` gives).
pub fn planned_files(top: &str, man_pages: &[String]) -> Vec<String> {
    let mut files = vec![format!("{top}/aws-sso-rs")];
    files.extend(DOCUMENTS.iter().map(|d| format!("{top}/{d}")));
    files.extend(
        COMPLETIONS
            .iter()
            .map(|(_, f)| format!("{top}/completions/{f}")),
    );
    files.extend(man_pages.iter().map(|p| format!("{top}/man/man1/{p}.1")));
    files
}

pub fn run(args: &[String]) -> Result<()> {
    if let Some(other) = args.first() {
        bail!("cargo xtask dist takes no arguments (got '{other}')");
    }
    let root = workspace_root();
    let out = target_dir().join("dist");
    std::fs::create_dir_all(&out)?;
    let mut sums = String::new();
    let mut targets = vec![host_target()?];
    let musl = "x86_64-unknown-linux-musl";
    if targets[0] == musl {
        // The host build is the static one already.
    } else if installed_targets()?.iter().any(|t| t == musl) {
        targets.push(musl.to_owned());
    } else {
        println!(
            "dist: the {musl} target is not installed (rustup target list --installed); no static build"
        );
    }
    for target in &targets {
        let archive = build_archive(&root, &out, target)?;
        let bytes = std::fs::read(&archive)?;
        let name = archive
            .file_name()
            .and_then(|n| n.to_str())
            .context("archive name")?;
        sums.push_str(&format!("{}  {name}\n", hex(&Sha256::digest(&bytes))));
    }
    std::fs::write(out.join("SHA256SUMS"), &sums)?;
    print!("{sums}");
    println!("dist: written to {}", out.display());
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn host_target() -> Result<String> {
    let out = Command::new("rustc").arg("-vV").output()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .context("rustc -vV names no host")
}

fn installed_targets() -> Result<Vec<String>> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(workspace_root())
        .output();
    Ok(match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
        Err(_) => Vec::new(),
    })
}

/// Builds, stages, archives and checks the release for `target`; returns the archive's path.
fn build_archive(root: &Path, out: &Path, target: &str) -> Result<PathBuf> {
    run_cmd(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args([
                "build",
                "--release",
                "--locked",
                "-p",
                "aws-sso-rs-cli",
                "--target",
                target,
            ]),
    )?;
    let binary = target_dir().join(target).join("release/aws-sso-rs");
    let version = version_of(&binary)?;
    let top = format!("aws-sso-rs-{version}-{target}");
    let stage = out.join(&top);
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    std::fs::create_dir_all(stage.join("completions"))?;
    std::fs::create_dir_all(stage.join("man/man1"))?;
    std::fs::copy(&binary, stage.join("aws-sso-rs"))?;
    for doc in DOCUMENTS {
        let dest = stage.join(doc);
        std::fs::create_dir_all(dest.parent().context("a document's folder")?)?;
        std::fs::copy(root.join(doc), dest).with_context(|| format!("copy {doc}"))?;
    }
    for (shell, file) in COMPLETIONS {
        // Packaged completions call `aws-sso-rs` from PATH, not the build machine's path.
        let text = output_of(Command::new(&binary).args([
            "completions",
            shell,
            "--binary",
            "aws-sso-rs",
        ]))?;
        std::fs::write(stage.join("completions").join(file), text)?;
    }
    let pages = man_pages(&binary)?;
    for (name, words) in &pages {
        let text = output_of(Command::new(&binary).arg("manpage").args(words))?;
        ensure!(
            String::from_utf8_lossy(&text).contains("\n.TH "),
            "{name}: not a man page"
        );
        std::fs::write(stage.join("man/man1").join(format!("{name}.1")), text)?;
    }
    let names: Vec<String> = pages.iter().map(|(n, _)| n.clone()).collect();
    let planned = planned_files(&top, &names);
    let archive = out.join(format!("{top}.tar.gz"));
    write_archive(&archive, out, &planned)?;
    check_archive(&archive, &planned, &version)?;
    let size = std::fs::metadata(&binary)?.len();
    println!(
        "dist: {} ({} files; binary {:.1} MiB, stripped)",
        archive.display(),
        planned.len(),
        size as f64 / (1024.0 * 1024.0)
    );
    Ok(archive)
}

fn output_of(cmd: &mut Command) -> Result<Vec<u8>> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {shown}"))?;
    ensure!(
        out.status.success(),
        "{shown} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(out.stdout)
}

fn version_of(binary: &Path) -> Result<String> {
    let text = String::from_utf8(output_of(Command::new(binary).arg("--version"))?)?;
    text.trim()
        .strip_prefix("aws-sso-rs ")
        .map(str::to_owned)
        .with_context(|| format!("unexpected --version output: {text}"))
}

/// (page name, command words) for every man page.
fn man_pages(binary: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let list = String::from_utf8(output_of(Command::new(binary).args(["manpage", "--list"]))?)?;
    Ok(list
        .lines()
        .filter_map(|l| {
            let (name, words) = l.split_once('\t')?;
            Some((
                name.to_owned(),
                words.split_whitespace().map(str::to_owned).collect(),
            ))
        })
        .collect())
}

/// A reproducible gzip'd tar of `files` (paths relative to `base`): fixed order, times and
/// owners; the binary executable, the rest read-only for others.
fn write_archive(archive: &Path, base: &Path, files: &[String]) -> Result<()> {
    let file = std::fs::File::create(archive)?;
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    for path in files {
        let data = std::fs::read(base.join(path)).with_context(|| format!("read {path}"))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(if path.ends_with("/aws-sso-rs") {
            0o755
        } else {
            0o644
        });
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_cksum();
        tar.append_data(&mut header, path, data.as_slice())?;
    }
    tar.into_inner()?.finish()?;
    Ok(())
}

/// The archive's top folder in the snapshot of its layout.
const LAYOUT_TOP: &str = "aws-sso-rs-VERSION-TARGET";

/// The layout is part of the interface (packagers rely on it): a change shows as a diff
/// against xtask/src/snapshots/xtask__dist__archive_files.snap (accept it with
/// `cargo insta review`, or INSTA_UPDATE=always). Both `cargo xtask dist` and a unit test
/// check against it.
fn assert_layout(layout: &[String]) {
    insta::assert_snapshot!("archive_files", layout.join("\n"));
}

/// The archive holds exactly `planned`, and its binary, extracted, runs `--version`.
fn check_archive(archive: &Path, planned: &[String], version: &str) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut found = Vec::new();
    let file = std::fs::File::open(archive)?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in tar.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.to_string_lossy().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data)?;
        let dest = dir.path().join(&path);
        std::fs::create_dir_all(dest.parent().context("a parent")?)?;
        std::fs::write(&dest, &data)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                &dest,
                std::fs::Permissions::from_mode(entry.header().mode()?),
            )?;
        }
        found.push(path);
    }
    ensure!(
        found == planned,
        "the archive holds {found:#?}\nbut the plan is {planned:#?}"
    );
    let top = planned[0].trim_end_matches("/aws-sso-rs");
    let layout: Vec<String> = found
        .iter()
        .map(|f| f.replacen(top, LAYOUT_TOP, 1))
        .collect();
    assert_layout(&layout);
    let binary = dir.path().join(&planned[0]);
    let shown = version_of(&binary)?;
    ensure!(
        shown == version,
        "the archived binary says {shown}, expected {version}"
    );
    println!(
        "dist: checked {}: {} files, `aws-sso-rs --version` = {shown}",
        archive.display(),
        found.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::{Component, Path, PathBuf};

    use super::{DOCUMENTS, LAYOUT_TOP, assert_layout, planned_files};
    use crate::workspace_root;

    /// Folders the README links (its table of crates) that hold source code only, no README of
    /// their own: the archive ships programs, not sources, so their links lead to the
    /// repository. (The CLI's README is the README itself.) Any other linked folder must have a
    /// README.md, which the archive then ships.
    const SOURCE_FOLDERS: [&str; 3] = ["crates/cli", "tests", "xtask"];

    /// The targets of the local links in `markdown`, without their `#fragment`: web and mail
    /// links and links within the page are left out, and so is text in code.
    fn local_links(markdown: &str) -> Vec<String> {
        use pulldown_cmark::{Event, Parser, Tag};
        Parser::new(markdown)
            .filter_map(|event| match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    Some(dest_url.into_string())
                }
                _ => None,
            })
            .filter(|url| {
                !(url.starts_with('#')
                    || url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with("mailto:"))
            })
            .map(|url| url.split('#').next().unwrap_or_default().to_owned())
            .collect()
    }

    /// `link`, written in the document at `doc`, as a path from the workspace root
    /// (`docs/cli.md` for `cli.md` in `docs/guide.md`); `None` when it leaves the workspace.
    fn resolve(doc: &str, link: &str) -> Option<String> {
        let base = Path::new(doc).parent().unwrap_or(Path::new(""));
        let mut path = PathBuf::new();
        for part in base.join(link).components() {
            match part {
                Component::Normal(p) => path.push(p),
                Component::CurDir => {}
                Component::ParentDir => {
                    if !path.pop() {
                        return None;
                    }
                }
                Component::RootDir | Component::Prefix(_) => return None,
            }
        }
        Some(path.to_str()?.to_owned())
    }

    #[test]
    fn links_are_read_as_markdown_reads_them() {
        let text = "\
See [the guide](docs/guide.md#first-day), [a crate](crates/token-cache), \
[the web](https://example.com/x.md), [mail](mailto:a@example.com), [below](#use) and \
[a reference][ref]; `[not a link](in-code.md)`.

```sh
echo [not a link](in-a-block.md)
```

[ref]: ../LICENSE-MIT \"the licence\"
";
        assert_eq!(
            local_links(text),
            ["docs/guide.md", "crates/token-cache", "../LICENSE-MIT"]
        );
        assert_eq!(
            resolve("docs/guide.md", "cli.md").as_deref(),
            Some("docs/cli.md")
        );
        assert_eq!(
            resolve("crates/token-cache/README.md", "../../README.md").as_deref(),
            Some("README.md")
        );
        assert_eq!(resolve("README.md", "../shared/x.md"), None);
    }

    /// What a person opening the archive's README follows must be there: every local page
    /// that a shipped document links (so, from the README, every page it leads to) is in the
    /// plan, and every planned document exists.
    #[test]
    fn the_archive_ships_every_page_its_documents_link() {
        let root = workspace_root();
        let mut problems = Vec::new();
        for doc in DOCUMENTS {
            let Ok(text) = std::fs::read_to_string(root.join(doc)) else {
                problems.push(format!("{doc} is planned but is not in the workspace"));
                continue;
            };
            if !doc.ends_with(".md") {
                continue;
            }
            let mut links = local_links(&text);
            links.sort();
            links.dedup();
            for link in links {
                let Some(path) = resolve(doc, &link) else {
                    problems.push(format!("{doc} links {link}, outside the workspace"));
                    continue;
                };
                let page = if root.join(&path).is_dir() {
                    if SOURCE_FOLDERS.contains(&path.as_str()) {
                        continue;
                    }
                    format!("{path}/README.md")
                } else {
                    path
                };
                if !root.join(&page).is_file() {
                    problems.push(format!("{doc} links {link}, but there is no {page}"));
                } else if !DOCUMENTS.contains(&page.as_str()) {
                    problems.push(format!(
                        "{doc} links {link}, but the archive does not ship {page} \
                         (add it to DOCUMENTS in xtask/src/dist.rs and to the snapshot)"
                    ));
                }
            }
        }
        for folder in SOURCE_FOLDERS {
            if root.join(folder).join("README.md").is_file() {
                problems.push(format!(
                    "{folder} has a README.md now: ship it instead of listing {folder} in SOURCE_FOLDERS"
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The plan matches the layout snapshot that `cargo xtask dist` checks the archive
    /// against, without building anything. The man pages come from the built binary
    /// (`aws-sso-rs manpage --list`), so their names are taken from the snapshot; this checks
    /// the rest: the binary, the documents, the completions and their order.
    #[test]
    fn the_plan_matches_the_archive_snapshot() {
        let snapshot = std::fs::read_to_string(
            workspace_root().join("xtask/src/snapshots/xtask__dist__archive_files.snap"),
        )
        .expect("the archive snapshot");
        let man_prefix = format!("{LAYOUT_TOP}/man/man1/");
        let pages: Vec<String> = snapshot
            .lines()
            .filter_map(|l| l.strip_prefix(&man_prefix)?.strip_suffix(".1"))
            .map(str::to_owned)
            .collect();
        assert!(
            pages.iter().any(|p| p == "aws-sso-rs"),
            "the snapshot lists man pages: {pages:?}"
        );
        assert_layout(&planned_files(LAYOUT_TOP, &pages));
    }

    /// CHANGELOG.md's newest version heading is the version being built, so that a release
    /// cannot ship without its entry.
    #[test]
    fn the_changelog_names_this_version() {
        let changelog = std::fs::read_to_string(crate::workspace_root().join("CHANGELOG.md"))
            .expect("CHANGELOG.md");
        let newest = changelog
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .find(|h| h.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .expect("a version heading");
        assert!(
            newest.starts_with(&format!("{} ", env!("CARGO_PKG_VERSION"))),
            "the newest CHANGELOG heading is {newest:?}, the workspace version {}",
            env!("CARGO_PKG_VERSION")
        );
    }
}
