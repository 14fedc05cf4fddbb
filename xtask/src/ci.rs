//! `cargo xtask ci [--verbose] [--only STEP,...]`: everything CI runs, from a fresh machine,
//! with a verdict.
//!
//! Each step (a few commands) writes its whole output, stdout and stderr, to
//! `target/ci-logs/NN-STEP.log` (the folder is made anew on each run); the terminal gets one
//! line a step (name, time, `ok`, `FAILED` or `skipped` with the reason, log), the test counts
//! (`tests: N passed, M failed, K skipped`) and a closing line. The run stops at the first
//! failing step and shows the end of its log. `--verbose` also streams every step's output to
//! the terminal, as it comes; `--only fmt,doc` runs just the steps named.
//!
//! Steps that are xtask code themselves (the venv, the browsers, the demo, conformance, the
//! fuzz targets) run as a child process of this binary, so their output goes to their log
//! like any command's.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{default_vectors_dir, fuzz, target_dir, venv, workspace_root};

/// The variable the compatibility tests read to find the venv's Python
/// (`aws_sso_e2e::PYTHON_VAR`; the test crate is not a dependency of xtask, to keep
/// `cargo xtask` quick to build).
const PYTHON_VAR: &str = "AWS_SSO_RS_PYTHON";

/// How many lines of a failed step's log the terminal shows.
const TAIL_LINES: usize = 40;

/// How long each fuzz target runs in CI (the 10-minute runs: `cargo xtask fuzz`).
const FUZZ_SECONDS: u64 = 20;

const USAGE: &str = "usage: cargo xtask ci [--verbose] [--only STEP,...]";

/// `cargo ARGS` in the workspace (the cargo running xtask, when there is one).
fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args).current_dir(workspace_root());
    cmd
}

/// This xtask binary, running one of its own commands (`xtask demo`).
fn xtask(args: &[&str]) -> Result<Command> {
    let exe = std::env::current_exe().context("cannot find the xtask binary itself")?;
    let mut cmd = Command::new(exe);
    cmd.args(args).current_dir(workspace_root());
    Ok(cmd)
}

/// One step of the run: its commands, run in order into one log.
pub struct Step {
    /// Its place in the whole plan, for the log's name (`03-fmt.log`), the same with `--only`.
    number: usize,
    name: String,
    commands: Vec<Command>,
    /// Why the step does not run, if it does not.
    skip: Option<String>,
    /// Whether its log holds `cargo test` results to count.
    counts_tests: bool,
}

impl Step {
    fn new(name: impl Into<String>, commands: Vec<Command>) -> Self {
        Step {
            number: 0,
            name: name.into(),
            commands,
            skip: None,
            counts_tests: false,
        }
    }

    fn skipped(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Step {
            skip: Some(reason.into()),
            ..Step::new(name, Vec::new())
        }
    }

    fn log_name(&self) -> String {
        format!("{:02}-{}.log", self.number, self.name)
    }
}

/// Every step, in order.
fn plan() -> Result<Vec<Step>> {
    let root = workspace_root();
    let mut steps = vec![
        // venv::ensure puts the venv at a fixed place, so the tests step knows its Python.
        Step::new("venv", vec![xtask(&["venv"])?]),
        Step::new("browsers", vec![xtask(&["browsers"])?]),
        Step::new("fmt", vec![cargo(&["fmt", "--all", "--check"])]),
        Step::new(
            "clippy",
            vec![cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ])],
        ),
    ];
    // --include-ignored runs the browser tests, which a plain `cargo test` skips.
    let mut test = cargo(&["test", "--workspace", "--locked", "--", "--include-ignored"]);
    test.env(PYTHON_VAR, venv::compat_python(&root));
    steps.push(Step {
        counts_tests: true,
        ..Step::new("tests", vec![test])
    });
    // The docs build without a warning (broken links, bad code blocks).
    let mut doc = cargo(&["doc", "--no-deps", "--workspace", "--locked"]);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    steps.push(Step::new("doc", vec![doc]));
    // Supply chain: licences, banned and duplicate crates, where crates come from. The
    // advisory database cannot be fetched here (docs/security.md says how to check it).
    let mut deny = Vec::new();
    if !tool_installed("deny") {
        deny.push(cargo(&["install", "cargo-deny", "--locked"]));
    }
    deny.push(cargo(&[
        "deny", "--locked", "check", "licenses", "bans", "sources",
    ]));
    steps.push(Step::new("deny", deny));
    // Every crate packages, and builds from its package, in dependency order (a local
    // registry stands in for crates.io, where they are not published yet).
    steps.push(Step::new("package", vec![xtask(&["package"])?]));
    // The README's main command must work too.
    steps.push(Step::new("demo", vec![xtask(&["demo"])?]));
    let vectors = default_vectors_dir();
    steps.push(if vectors.is_dir() {
        let mut conformance = xtask(&["conformance", "--vectors"])?;
        conformance.arg(&vectors);
        Step::new("conformance", vec![conformance])
    } else {
        Step::skipped(
            "conformance",
            format!("no vectors at {}", vectors.display()),
        )
    });
    // Each fuzz target briefly.
    let seconds = FUZZ_SECONDS.to_string();
    for target in fuzz::TARGETS {
        steps.push(Step::new(
            format!("fuzz-{target}"),
            vec![xtask(&["fuzz", "--time", &seconds, target])?],
        ));
    }
    for (i, step) in steps.iter_mut().enumerate() {
        step.number = i + 1;
    }
    Ok(steps)
}

/// Whether `cargo SUBCOMMAND --version` works.
/// `cargo xtask package`: every crate packaged and built from its package. Cargo unpacks the
/// packages of its stand-in registry under `$CARGO_HOME/registry/src/-<hash>/` and reuses what
/// an earlier run unpacked there for the same version, and it takes a registry crate it has
/// built before for unchanged, so the packages of this run would build against the sources of
/// the last one: those unpacked sources, and the build records of this workspace's crates, are
/// removed first (the crates are small; their dependencies stay built).
pub fn package() -> Result<()> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set")?;
    let sources = cargo_home.join("registry").join("src");
    if let Ok(registries) = std::fs::read_dir(&sources) {
        for registry in registries.flatten() {
            // Only the stand-in registry's folder (its name starts with '-'), never crates.io's.
            if !registry.file_name().to_string_lossy().starts_with('-') {
                continue;
            }
            for unpacked in std::fs::read_dir(registry.path())?.flatten() {
                if unpacked
                    .file_name()
                    .to_string_lossy()
                    .starts_with("aws-sso-")
                {
                    std::fs::remove_dir_all(unpacked.path())
                        .with_context(|| format!("cannot remove {}", unpacked.path().display()))?;
                }
            }
        }
    }
    let fingerprints = target_dir().join("debug").join(".fingerprint");
    if let Ok(units) = std::fs::read_dir(&fingerprints) {
        for unit in units.flatten() {
            if unit.file_name().to_string_lossy().starts_with("aws-sso-") {
                std::fs::remove_dir_all(unit.path())
                    .with_context(|| format!("cannot remove {}", unit.path().display()))?;
            }
        }
    }
    let status = cargo(&[
        "package",
        "--workspace",
        "--exclude",
        "xtask",
        "--exclude",
        "aws-sso-e2e",
        "--locked",
    ])
    .status()
    .context("cannot run cargo package")?;
    if !status.success() {
        bail!("cargo package failed with {status}");
    }
    Ok(())
}

fn tool_installed(subcommand: &str) -> bool {
    cargo(&[subcommand, "--version"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The flags of `cargo xtask ci`.
#[derive(Debug, Default, PartialEq)]
struct Options {
    verbose: bool,
    only: Vec<String>,
}

fn parse_options(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--verbose" | "-v" => options.verbose = true,
            "--only" => {
                let list = rest
                    .next()
                    .with_context(|| format!("--only needs step names\n{USAGE}"))?;
                options.only.extend(
                    list.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
            }
            other => bail!("unknown flag '{other}'\n{USAGE}"),
        }
    }
    Ok(options)
}

/// The steps `only` names (`fuzz` names every `fuzz-TARGET`), or all when it names none.
fn select(steps: Vec<Step>, only: &[String]) -> Result<Vec<Step>> {
    if only.is_empty() {
        return Ok(steps);
    }
    let named = |step: &str, wanted: &str| {
        step == wanted
            || step
                .strip_prefix(wanted)
                .is_some_and(|rest| rest.starts_with('-'))
    };
    if let Some(unknown) = only
        .iter()
        .find(|o| !steps.iter().any(|s| named(&s.name, o)))
    {
        let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
        bail!("no step '{unknown}' (steps: {})", names.join(", "));
    }
    Ok(steps
        .into_iter()
        .filter(|s| only.iter().any(|o| named(&s.name, o)))
        .collect())
}

pub fn run(args: &[String]) -> Result<()> {
    let options = parse_options(args)?;
    let mut steps = select(plan()?, &options.only)?;
    // `--only tests` without the venv step on a clone that has no venv yet: the botocore
    // tests skip, saying so, rather than fail on a Python that is not there.
    let python = venv::compat_python(&workspace_root());
    if !steps.iter().any(|s| s.name == "venv") && !python.is_file() {
        for step in &mut steps {
            for command in &mut step.commands {
                command.env_remove(PYTHON_VAR);
            }
        }
    }
    let logs = target_dir().join("ci-logs");
    if logs.exists() {
        std::fs::remove_dir_all(&logs)
            .with_context(|| format!("cannot remove {}", logs.display()))?;
    }
    std::fs::create_dir_all(&logs).with_context(|| format!("cannot make {}", logs.display()))?;
    let started = Instant::now();
    let report = run_steps(steps, &logs, options.verbose, &mut std::io::stdout())?;
    let summary = summary(&report, started.elapsed());
    print!("{summary}");
    std::io::stdout().flush()?;
    if report.failed().is_some() {
        std::process::exit(1);
    }
    Ok(())
}

/// How a step ended.
#[derive(Debug, PartialEq)]
enum Verdict {
    Ok,
    Failed(String),
    Skipped(String),
}

/// A step that ran (or was skipped).
#[derive(Debug)]
struct Done {
    name: String,
    verdict: Verdict,
    log: Option<PathBuf>,
}

/// What a run of steps came to.
#[derive(Debug, Default)]
struct Report {
    steps: Vec<Done>,
    /// The test counts, when a step that counts tests ran.
    tests: Option<TestLine>,
}

impl Report {
    fn failed(&self) -> Option<&Done> {
        self.steps
            .iter()
            .find(|d| matches!(d.verdict, Verdict::Failed(_)))
    }
}

/// The closing line of the tests: their counts, or that none were found.
#[derive(Debug, Clone, PartialEq)]
enum TestLine {
    Counts(TestCounts),
    NoResults,
}

impl std::fmt::Display for TestLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TestLine::Counts(c) => write!(
                f,
                "tests: {} passed, {} failed, {} skipped",
                c.passed, c.failed, c.ignored
            ),
            TestLine::NoResults => write!(f, "tests: no test results in the log (none ran)"),
        }
    }
}

/// Runs `steps` in order, each into `logs/NN-NAME.log`, writing one line a step to `out`,
/// until one fails.
fn run_steps(steps: Vec<Step>, logs: &Path, verbose: bool, out: &mut dyn Write) -> Result<Report> {
    let mut report = Report::default();
    let width = steps.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for step in steps {
        if let Some(reason) = step.skip {
            writeln!(
                out,
                "ci: {:width$} {:>7}  skipped: {reason}",
                step.name, "-"
            )?;
            report.steps.push(Done {
                name: step.name,
                verdict: Verdict::Skipped(reason),
                log: None,
            });
            continue;
        }
        let log = logs.join(step.log_name());
        if verbose {
            writeln!(out, "ci: {} (log: {})", step.name, shown(&log))?;
        } else {
            write!(out, "ci: {:width$} ", step.name)?;
        }
        out.flush()?;
        let started = Instant::now();
        let verdict = run_step(step.commands, &log, verbose)?;
        let elapsed = started.elapsed();
        if verbose {
            write!(out, "ci: {:width$} ", step.name)?;
        }
        let result = match &verdict {
            Verdict::Ok => "ok".to_owned(),
            Verdict::Failed(why) => format!("FAILED ({why})"),
            Verdict::Skipped(why) => format!("skipped: {why}"),
        };
        writeln!(
            out,
            "{:>7}  {result}  {}",
            format_duration(elapsed),
            shown(&log)
        )?;
        if step.counts_tests {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let line = test_counts(&text).map_or(TestLine::NoResults, TestLine::Counts);
            writeln!(out, "{line}")?;
            report.tests = Some(line);
        }
        let failed = matches!(verdict, Verdict::Failed(_));
        report.steps.push(Done {
            name: step.name,
            verdict,
            log: Some(log),
        });
        if failed {
            break;
        }
    }
    Ok(report)
}

/// Runs `commands` in order, their output appended to `log` (and to the terminal when
/// `verbose`); stops at the first that fails.
fn run_step(commands: Vec<Command>, log: &Path, verbose: bool) -> Result<Verdict> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("cannot write {}", log.display()))?;
    for mut cmd in commands {
        let shown_cmd = format!("{cmd:?}");
        writeln!(file, "$ {shown_cmd}")?;
        if verbose {
            eprintln!("$ {shown_cmd}");
        }
        let status = if verbose {
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().and_then(|child| tee(child, &file))
        } else {
            cmd.stdout(file.try_clone()?).stderr(file.try_clone()?);
            cmd.status()
        };
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => {
                writeln!(file, "ci: {shown_cmd} failed with {status}")?;
                return Ok(Verdict::Failed(status.to_string()));
            }
            Err(e) => {
                writeln!(file, "ci: cannot run {shown_cmd}: {e}")?;
                return Ok(Verdict::Failed(format!("cannot run it: {e}")));
            }
        }
    }
    Ok(Verdict::Ok)
}

/// Copies the child's stdout and stderr both to `log` and to the terminal's, as they come
/// (chunk by chunk, so lines of the two may mix); waits for it.
fn tee(mut child: Child, log: &File) -> std::io::Result<ExitStatus> {
    fn copy(
        mut from: impl Read,
        mut log: File,
        mut to: impl Write,
    ) -> impl FnOnce() -> std::io::Result<()> {
        move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = from.read(&mut buf)?;
                if n == 0 {
                    return Ok(());
                }
                log.write_all(&buf[..n])?;
                // A terminal that went away must not stop the log (nor block the child).
                let _ = to.write_all(&buf[..n]).and_then(|()| to.flush());
            }
        }
    }
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let out = std::thread::spawn(copy(stdout, log.try_clone()?, std::io::stdout()));
    let err = std::thread::spawn(copy(stderr, log.try_clone()?, std::io::stderr()));
    let status = child.wait()?;
    for copier in [out, err] {
        copier.join().expect("the copying thread does not panic")?;
    }
    Ok(status)
}

/// The closing lines: the test counts and the verdict; for a failure, the end of its log first.
fn summary(report: &Report, elapsed: Duration) -> String {
    let mut text = String::new();
    let passed = report
        .steps
        .iter()
        .filter(|d| d.verdict == Verdict::Ok)
        .count();
    let skipped: Vec<&str> = report
        .steps
        .iter()
        .filter(|d| matches!(d.verdict, Verdict::Skipped(_)))
        .map(|d| d.name.as_str())
        .collect();
    let failed = report.failed();
    if let Some(Done { log: Some(log), .. }) = failed {
        let tail = std::fs::read_to_string(log)
            .map(|t| last_lines(&t, TAIL_LINES).to_owned())
            .unwrap_or_else(|e| format!("(cannot read it: {e})\n"));
        let _ = writeln!(text, "--- the end of {} ---", shown(log));
        text.push_str(&tail);
        if !tail.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("---\n");
    }
    if let Some(line) = &report.tests {
        let _ = writeln!(text, "{line}");
    }
    let steps = |n: usize| format!("{n} step{}", if n == 1 { "" } else { "s" });
    match failed {
        Some(done) => {
            let _ = writeln!(
                text,
                "ci: {} FAILED after {} ({} passed before it); its log: {}",
                done.name,
                format_duration(elapsed),
                steps(passed),
                done.log.as_deref().map_or_else(String::new, shown)
            );
        }
        None if skipped.is_empty() => {
            let _ = writeln!(
                text,
                "ci: {} passed in {}",
                steps(passed),
                format_duration(elapsed)
            );
        }
        None => {
            let _ = writeln!(
                text,
                "ci: {} passed, {} skipped ({}) in {}",
                steps(passed),
                skipped.len(),
                skipped.join(", "),
                format_duration(elapsed)
            );
        }
    }
    text
}

/// The last `n` lines of `text`.
fn last_lines(text: &str, n: usize) -> &str {
    let body = text.strip_suffix('\n').unwrap_or(text);
    match body.rmatch_indices('\n').nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &text[i + 1..],
        _ if n == 0 => "",
        _ => text,
    }
}

/// `path` relative to the current folder when it is under it (what a person can paste).
fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
        .display()
        .to_string()
}

/// Test counts summed over every `test result:` line of `cargo test` (unit, integration and
/// doc tests).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct TestCounts {
    passed: u64,
    failed: u64,
    /// Ignored tests: `skipped` in the closing line.
    ignored: u64,
}

/// Adds up the `test result: ok. 12 passed; 0 failed; 1 ignored; ...` lines; `None` when there
/// are none (the tests did not build, or none ran).
fn test_counts(log: &str) -> Option<TestCounts> {
    let mut total = None::<TestCounts>;
    for line in log.lines() {
        let Some(rest) = line.trim_start().strip_prefix("test result: ") else {
            continue;
        };
        // "ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"
        let Some((_, counts)) = rest.split_once(". ") else {
            continue;
        };
        let mut found = TestCounts::default();
        let mut any = false;
        for part in counts.split(';') {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => found.passed = n,
                "failed" => found.failed = n,
                "ignored" => found.ignored = n,
                _ => continue,
            }
            any = true;
        }
        if any {
            let sum = total.get_or_insert_with(TestCounts::default);
            sum.passed += found.passed;
            sum.failed += found.failed;
            sum.ignored += found.ignored;
        }
    }
    total
}

/// `0.8s`, `42s`, `11m46s`, `1h02m03s`.
fn format_duration(d: Duration) -> String {
    let tenths = (d.as_millis() + 50) / 100;
    if tenths < 100 {
        return format!("{}.{}s", tenths / 10, tenths % 10);
    }
    let secs = (d.as_millis() + 500) / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s:02}s"),
        _ => format!("{h}h{m:02}m{s:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_a_person_writes_them() {
        let ms = Duration::from_millis;
        assert_eq!(format_duration(ms(0)), "0.0s");
        assert_eq!(format_duration(ms(840)), "0.8s");
        assert_eq!(format_duration(ms(9_940)), "9.9s");
        assert_eq!(format_duration(ms(9_960)), "10s");
        assert_eq!(format_duration(ms(42_400)), "42s");
        assert_eq!(format_duration(ms(59_600)), "1m00s");
        assert_eq!(format_duration(ms(60_000)), "1m00s");
        assert_eq!(format_duration(ms(706_000)), "11m46s");
        assert_eq!(format_duration(ms(3_723_000)), "1h02m03s");
    }

    /// What `cargo test --workspace` prints: unit tests, an integration test binary, an
    /// empty binary ("0 passed"), a failure, and doc tests.
    const CARGO_TEST_LOG: &str = "\
   Compiling aws-sso-profile-config v0.1.0 (/w/crates/profile-config)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 31.02s
     Running unittests src/lib.rs (target/debug/deps/aws_sso_profile_config-1f2e)

running 3 tests
test parser::tests::comments ... ok
test parser::tests::sections ... ok
test editor::tests::keeps_layout ... ignored, needs a terminal

test result: ok. 2 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s

     Running tests/it/main.rs (target/debug/deps/it-8a7b)

running 120 tests
test result: FAILED. 118 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 4.20s

     Running unittests src/main.rs (target/debug/deps/aws_sso_mock-77aa)

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests aws_sso_profile_config

running 5 tests
test crates/profile-config/src/lib.rs - (line 7) ... ok
test result: ok. 4 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 1.31s; merged doctests compilation took 1.02s

";

    #[test]
    fn the_test_counts_add_up_every_binary_and_the_doc_tests() {
        assert_eq!(
            test_counts(CARGO_TEST_LOG),
            Some(TestCounts {
                passed: 124,
                failed: 2,
                ignored: 2,
            })
        );
        let line = TestLine::Counts(test_counts(CARGO_TEST_LOG).expect("counts"));
        assert_eq!(line.to_string(), "tests: 124 passed, 2 failed, 2 skipped");
    }

    #[test]
    fn only_empty_test_binaries_count_as_zero_not_as_none() {
        let log = "running 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; \
                   0 measured; 0 filtered out; finished in 0.00s\n";
        assert_eq!(test_counts(log), Some(TestCounts::default()));
        assert_eq!(
            TestLine::Counts(TestCounts::default()).to_string(),
            "tests: 0 passed, 0 failed, 0 skipped"
        );
    }

    #[test]
    fn a_log_without_test_results_has_no_counts() {
        let log = "   Compiling aws-sso-rs-cli v0.1.0\nerror[E0425]: cannot find value `x`\n\
                   error: could not compile `aws-sso-rs-cli` (lib test) due to 1 previous error\n";
        assert_eq!(test_counts(log), None);
        assert!(
            !TestLine::NoResults.to_string().contains(" passed, "),
            "no line that reads as counts when no test ran"
        );
    }

    #[test]
    fn the_last_lines_of_a_log() {
        assert_eq!(last_lines("a\nb\nc\n", 2), "b\nc\n");
        assert_eq!(last_lines("a\nb\nc", 2), "b\nc");
        assert_eq!(last_lines("a\nb\n", 5), "a\nb\n");
        assert_eq!(last_lines("a\nb\n", 0), "");
    }

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    fn numbered(mut steps: Vec<Step>) -> Vec<Step> {
        for (i, step) in steps.iter_mut().enumerate() {
            step.number = i + 1;
        }
        steps
    }

    #[test]
    fn each_step_gets_one_line_and_its_whole_output_goes_to_its_log() {
        let logs = tempfile::tempdir().expect("temp dir");
        let steps = numbered(vec![
            Step::new("first", vec![sh("echo to-stdout; echo to-stderr >&2")]),
            Step::skipped("second", "no vectors at /nowhere"),
            Step::new("third", vec![sh("echo one"), sh("echo two")]),
        ]);
        let mut out = Vec::new();
        let report = run_steps(steps, logs.path(), false, &mut out).expect("runs");
        let out = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "one line a step: {out}");
        assert!(lines[0].starts_with("ci: first ") && lines[0].contains("  ok  "));
        assert!(lines[0].ends_with("01-first.log"), "{}", lines[0]);
        assert!(lines[1].contains("skipped: no vectors at /nowhere"));
        assert!(lines[2].ends_with("03-third.log"), "{}", lines[2]);
        assert!(!out.contains("to-stdout") && !out.contains("to-stderr"));
        let first = std::fs::read_to_string(logs.path().join("01-first.log")).expect("log");
        assert!(first.contains("to-stdout") && first.contains("to-stderr"));
        assert!(
            first.starts_with("$ "),
            "the log names the command: {first}"
        );
        let third = std::fs::read_to_string(logs.path().join("03-third.log")).expect("log");
        assert!(third.contains("one\n") && third.contains("two\n"));
        assert!(report.failed().is_none());
        let summary = summary(&report, Duration::from_secs(706));
        assert_eq!(
            summary,
            "ci: 2 steps passed, 1 skipped (second) in 11m46s\n"
        );
    }

    #[test]
    fn the_run_stops_at_the_first_failing_step_and_shows_the_end_of_its_log() {
        let logs = tempfile::tempdir().expect("temp dir");
        let never = logs.path().join("never-made");
        let steps = numbered(vec![
            Step::new("fine", vec![Command::new("true")]),
            Step::new(
                "broken",
                vec![
                    sh("for i in $(seq 1 100); do echo line $i; done"),
                    Command::new("false"),
                    sh("echo after-false"),
                ],
            ),
            Step::new("later", vec![sh(&format!("touch '{}'", never.display()))]),
        ]);
        let mut out = Vec::new();
        let report = run_steps(steps, logs.path(), false, &mut out).expect("runs");
        let out = String::from_utf8(out).expect("utf-8");
        assert_eq!(out.lines().count(), 2, "{out}");
        assert!(out.contains("FAILED (exit status: 1)"), "{out}");
        assert!(!never.exists(), "no step runs after a failure");
        let log = std::fs::read_to_string(logs.path().join("02-broken.log")).expect("log");
        assert!(
            !log.contains("after-false"),
            "the step stops at its failing command"
        );
        let failed = report.failed().expect("a failure");
        assert_eq!(failed.name, "broken");

        let summary = summary(&report, Duration::from_secs(3));
        let last = summary.lines().last().expect("a last line");
        assert!(
            last.starts_with("ci: broken FAILED after 3.0s (1 step passed before it); its log: ")
                && last.ends_with("02-broken.log"),
            "{last}"
        );
        assert!(summary.contains("line 100\n") && summary.contains("line 63\n"));
        assert!(
            !summary.contains("line 62\n"),
            "40 lines, not the whole log"
        );
    }

    #[test]
    fn a_command_that_cannot_start_fails_its_step() {
        let logs = tempfile::tempdir().expect("temp dir");
        let steps = numbered(vec![Step::new(
            "missing",
            vec![Command::new("/nonexistent/aws-sso-rs-no-such-tool")],
        )]);
        let report = run_steps(steps, logs.path(), false, &mut Vec::new()).expect("runs");
        assert!(matches!(
            report.failed().map(|d| &d.verdict),
            Some(Verdict::Failed(why)) if why.starts_with("cannot run it")
        ));
    }

    #[test]
    fn the_tests_step_prints_its_counts_after_its_line_and_before_the_verdict() {
        let logs = tempfile::tempdir().expect("temp dir");
        let script = "printf 'running 2 tests\\ntest result: ok. 2 passed; 0 failed; \
                      1 ignored; 0 measured; 0 filtered out; finished in 0.00s\\n'";
        let steps = numbered(vec![Step {
            counts_tests: true,
            ..Step::new("tests", vec![sh(script)])
        }]);
        let mut out = Vec::new();
        let report = run_steps(steps, logs.path(), false, &mut out).expect("runs");
        let out = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "tests: 2 passed, 0 failed, 1 skipped", "{out}");
        let summary = summary(&report, Duration::from_secs(1));
        assert_eq!(
            summary,
            "tests: 2 passed, 0 failed, 1 skipped\nci: 1 step passed in 1.0s\n"
        );
    }

    #[test]
    fn verbose_streams_and_still_writes_the_log() {
        let logs = tempfile::tempdir().expect("temp dir");
        let steps = numbered(vec![Step::new(
            "loud",
            vec![sh("echo streamed-out; echo streamed-err >&2")],
        )]);
        let mut out = Vec::new();
        let report = run_steps(steps, logs.path(), true, &mut out).expect("runs");
        assert!(report.failed().is_none());
        let log = std::fs::read_to_string(logs.path().join("01-loud.log")).expect("log");
        assert!(
            log.contains("streamed-out\n") && log.contains("streamed-err\n"),
            "{log}"
        );
        let out = String::from_utf8(out).expect("utf-8");
        assert!(
            out.lines().last().is_some_and(|l| l.contains("  ok  ")),
            "{out}"
        );
    }

    #[test]
    fn every_step_has_a_name_only_can_select() {
        let steps = plan().expect("a plan");
        let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
        for wanted in [
            "venv",
            "browsers",
            "fmt",
            "clippy",
            "tests",
            "doc",
            "deny",
            "package",
            "demo",
            "conformance",
            "fuzz-config_parser",
        ] {
            assert!(names.contains(&wanted), "{wanted} in {names:?}");
        }
        assert_eq!(steps[2].log_name(), "03-fmt.log");
        let only = |list: &[&str]| {
            let only: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
            select(plan().expect("a plan"), &only)
                .map(|steps| steps.iter().map(|s| s.log_name()).collect::<Vec<String>>())
        };
        assert_eq!(
            only(&["fmt", "doc"]).expect("known"),
            ["03-fmt.log", "06-doc.log"]
        );
        assert_eq!(only(&["fuzz"]).expect("known").len(), fuzz::TARGETS.len());
        let err = only(&["lint"]).expect_err("unknown").to_string();
        assert!(
            err.contains("no step 'lint'") && err.contains("clippy"),
            "{err}"
        );
    }

    #[test]
    fn flags() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(parse_options(&[]).expect("none"), Options::default());
        assert_eq!(
            parse_options(&args(&["--only", "fmt,doc", "--verbose"])).expect("both"),
            Options {
                verbose: true,
                only: vec!["fmt".into(), "doc".into()],
            }
        );
        assert!(parse_options(&args(&["--fast"])).is_err());
        assert!(parse_options(&args(&["--only"])).is_err());
    }
}
