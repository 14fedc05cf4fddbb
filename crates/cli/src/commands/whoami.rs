//! `aws-sso-rs whoami`: STS `GetCallerIdentity` with the profile's role credentials.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::WhoamiOutput;
use crate::commands::credentials::role_credentials;
use crate::settings::CredentialSettings;
use crate::world::World;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Identity {
    user_id: String,
    account: String,
    arn: String,
}

pub fn run(settings: &CredentialSettings, output: WhoamiOutput, world: &World) -> Result<()> {
    let creds = role_credentials(settings, world)?;
    let runtime = world.runtime()?;
    let me = runtime.block_on(aws_sso_role_credentials::caller_identity(
        &settings.profile,
        &creds,
        &settings.sts_region,
        &settings.sts_endpoint,
        settings.target.transport(),
    ))?;
    crate::picker::used(world, &settings.files, &settings.profile);
    let mut out = std::io::stdout().lock();
    match output {
        WhoamiOutput::Json => {
            // As the AWS CLI prints JSON: four-space indent.
            let mut buf = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(
                &mut buf,
                serde_json::ser::PrettyFormatter::with_indent(b"    "),
            );
            Identity {
                user_id: me.user_id,
                account: me.account,
                arn: me.arn,
            }
            .serialize(&mut ser)?;
            out.write_all(&buf)?;
            writeln!(out)?;
        }
        WhoamiOutput::Text => writeln!(out, "{}\t{}\t{}", me.account, me.arn, me.user_id)?,
    }
    Ok(())
}
