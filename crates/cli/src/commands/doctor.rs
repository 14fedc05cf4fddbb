//! `aws-sso-rs doctor`: every check of `aws_sso_role_credentials::doctor`, rendered as a
//! table (or JSON); exit 1 when one fails.

use std::io::Write;

use anyhow::Result;
use aws_sso_role_credentials::doctor::{Diagnosis, Examination, Status, diagnose, examine};

use crate::cli::Output;
use crate::exit;
use crate::settings::DoctorSettings;
use crate::world::World;

pub fn run(settings: &DoctorSettings, world: &World, out: &mut dyn Write) -> Result<()> {
    let exam = Examination {
        env: world.env.as_ref(),
        platform: world.platform,
        locations: settings.files.locations(),
        cache: settings.files.cache(),
        tool_cache_dir: settings.files.tool_cache_dir.clone(),
        runtime_dir: settings.runtime_dir.clone(),
        home: settings.home.clone(),
        settings_file: settings.files.settings_file.clone(),
        clock: world.clock.clone(),
        binary: "aws-sso-rs".to_owned(),
    };
    let diagnosis = if settings.offline {
        examine(&exam)
    } else {
        world.runtime()?.block_on(diagnose(&exam, false))
    };
    match settings.output {
        Output::Json => writeln!(out, "{}", serde_json::to_string_pretty(&diagnosis)?)?,
        Output::Table => table(&diagnosis, out)?,
    }
    if diagnosis.failed() {
        return Err(exit::failure(format!(
            "{} of {} checks failed; the FIX column says what to do",
            diagnosis.count(Status::Fail),
            diagnosis.checks.len()
        )));
    }
    Ok(())
}

/// Each check as a block: the verdict, area and subject, then what was found and the fix,
/// each on a line of its own (the terminal wraps them; a copy keeps a command whole).
fn blocks(diagnosis: &Diagnosis, out: &mut dyn Write) -> Result<()> {
    for check in &diagnosis.checks {
        writeln!(
            out,
            "{:<5} {:<12} {}",
            check.status.name(),
            check.area.name(),
            check.subject
        )?;
        writeln!(out, "      {}", check.detail)?;
        if let Some(fix) = &check.fix {
            writeln!(out, "      fix: {fix}")?;
        }
    }
    Ok(())
}

fn table(diagnosis: &Diagnosis, out: &mut dyn Write) -> Result<()> {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_header(["STATUS", "AREA", "CHECK", "DETAIL", "FIX"]);
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    for check in &diagnosis.checks {
        table.add_row([
            check.status.name().to_owned(),
            check.area.name().to_owned(),
            check.subject.clone(),
            check.detail.clone(),
            check.fix.clone().unwrap_or_else(|| "-".to_owned()),
        ]);
    }
    let lines: Vec<String> = table.lines().map(|l| l.trim_end().to_owned()).collect();
    // A terminal narrower than the table gets each check as a short block instead: cells
    // wrapped to a narrow column would break paths and commands mid-word. Piped, each check
    // is one line of the table.
    let wide = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    match console::Term::stdout().size_checked() {
        Some((_, columns)) if wide > usize::from(columns) => blocks(diagnosis, out)?,
        _ => {
            for line in &lines {
                writeln!(out, "{line}")?;
            }
        }
    }
    writeln!(
        out,
        "\n{} passed, {} warnings, {} failed",
        diagnosis.count(Status::Pass),
        diagnosis.count(Status::Warn),
        diagnosis.count(Status::Fail)
    )?;
    Ok(())
}
