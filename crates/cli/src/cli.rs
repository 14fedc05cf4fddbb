//! The command line: clap types live here and nowhere else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

/// An AWS account id: 12 digits.
fn account_id(v: &str) -> Result<String, String> {
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.to_owned())
    } else {
        Err("an AWS account id is 12 digits".to_owned())
    }
}

/// Profile names from the config, for shell completion.
fn profile_candidates() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::world::config_names()
            .0
            .into_iter()
            .map(CompletionCandidate::new)
            .collect::<Vec<_>>()
    })
}

/// `[sso-session]` names from the config, for shell completion.
fn session_candidates() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::world::config_names()
            .1
            .into_iter()
            .map(CompletionCandidate::new)
            .collect::<Vec<_>>()
    })
}

/// Sign in to AWS through IAM Identity Center (AWS SSO), compatible with the AWS CLI v2.
///
/// aws-sso-rs reads ~/.aws/config and shares ~/.aws/sso/cache and ~/.aws/cli/cache with the
/// AWS CLI and every AWS SDK, so you can mix it freely with `aws` and boto3.
#[derive(Debug, Parser)]
#[command(
    name = "aws-sso-rs",
    version,
    about,
    long_about,
    max_term_width = 100,
    after_long_help = "Environment: AWS_PROFILE (AWS_SSO_RS_PROFILE inside `aws-sso-rs exec`), AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, \
AWS_SSO_START_URL, AWS_SSO_REGION, AWS_SSO_ACCOUNT_ID and AWS_SSO_ROLE_NAME (a profile with no \
config, when none is named), \
AWS_ENDPOINT_URL_<SERVICE>; AWS_CA_BUNDLE (else the profile's ca_bundle) for a TLS-inspecting \
proxy's certificates; HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case). Exit codes: 0 ok, 1 \
other, 2 usage, 3 config, 4 cache, 5 sign-in, 6 network or service, 7 sign in again, 8 no \
access, 130 interrupted. Every command and exit code: docs/cli.md in the aws-sso-rs \
repository."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print requests and decisions on stderr (tokens, secrets and codes are never printed).
    #[arg(long, global = true)]
    pub debug: bool,
    /// Print the resolved settings of the command as JSON and exit, without doing anything.
    #[arg(long, global = true, hide = true)]
    pub show_settings: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the profiles in the AWS config files, their sign-in and token state.
    Profiles(ProfilesArgs),
    /// Sign in to IAM Identity Center and cache the token where the AWS CLI and SDKs find it
    /// (with storage = "keyring": in the OS keyring).
    Login(LoginArgs),
    /// Sign out: end the server-side sessions and delete cached tokens and role credentials
    /// (and what aws-sso-rs left: the cached account list, keys exported to the credentials
    /// file).
    Logout(LogoutArgs),
    /// Show each IAM Identity Center session and its cached token.
    Status(StatusArgs),
    /// Find out why something does not work: the config (problems with file and line,
    /// misspelt keys), the environment, each sign-in and what renews it, the cache folders,
    /// the programs of credential_process, the shell integration, and (unless --offline)
    /// each endpoint through the proxy and CA bundle in use, and the clock.
    ///
    /// A table of pass, warn and fail, with the fix for each; exit 1 when something fails.
    /// It changes nothing (with the keyring: a probe item holding no secret, written and
    /// deleted) and prints no secret.
    Doctor(DoctorArgs),
    /// Print a profile's role credentials as a credential_process JSON document.
    ///
    /// Use it in ~/.aws/config: `credential_process = aws-sso-rs credential-process --profile P`.
    /// Without --login it never opens a browser: with no valid sign-in it fails at once.
    CredentialProcess(CredentialProcessArgs),
    /// Print a profile's role credentials for a shell or a program, as
    /// `aws configure export-credentials` does (the variable formats also carry the profile's
    /// region, as `exec` sets it).
    Export(ExportArgs),
    /// Run a program with a profile's role credentials in its environment.
    Exec(ExecArgs),
    /// Serve credentials to IDEs, containers and long jobs: the container-credentials protocol
    /// of the AWS SDKs, each profile at /profile/NAME, until stopped.
    ///
    /// It prints the AWS_CONTAINER_CREDENTIALS_FULL_URI and
    /// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE lines to give a program. Credentials are
    /// renewed before they expire and the sign-in from its refresh token; a browser never
    /// opens: when a sign-in is needed, each request gets the `aws-sso-rs login` command to
    /// run, and serving resumes once you have.
    Serve(ServeArgs),
    /// Show who the profile's credentials belong to (as `aws sts get-caller-identity`).
    Whoami(WhoamiArgs),
    /// List the accounts a sign-in reaches and the roles in each.
    ///
    /// The list is cached for an hour (in aws-sso-rs's own cache folder, never among the AWS
    /// CLI's files), so it and `configure sso`'s pickers answer at once; --refresh fetches it
    /// anew.
    List(ListArgs),
    /// Open the AWS Management Console as the profile's role, as the portal's
    /// "Management console" link does.
    ///
    /// By default it signs in by federation with the role credentials; --via-portal opens the
    /// portal's own console link instead, which sends no credential anywhere and works with
    /// the console's multi-session sign-in.
    Console(ConsoleArgs),
    /// Print the active profile and how long its sign-in lasts, for a shell prompt.
    ///
    /// The profile is AWS_SSO_RS_PROFILE (inside `aws-sso-rs exec`), else AWS_PROFILE; with
    /// neither, it prints nothing. It reads the config and the sign-in's cache file, never the
    /// network, and never prints an error.
    Prompt(PromptArgs),
    /// Print code for your shell's startup file: `aws-sso-use` (switch profile, signing in if
    /// needed), `aws-sso-clear`, a warning when the sign-in runs out or was refused, and an
    /// opt-in prompt segment.
    ///
    /// bash/zsh: eval "$(aws-sso-rs shell-init bash)"; fish: aws-sso-rs shell-init fish | source;
    /// PowerShell: Invoke-Expression (& aws-sso-rs shell-init powershell | Out-String).
    ShellInit(ShellInitArgs),
    /// Choose a profile with a fuzzy finder and print its name (stdin must be a terminal):
    /// export AWS_PROFILE="$(aws-sso-rs pick)". The profiles you use most and last come first.
    Pick(PickArgs),
    /// Print the shell completion script (profile and session names are completed from the
    /// config).
    ///
    /// bash: eval "$(aws-sso-rs completions bash)"; zsh: source <(aws-sso-rs completions zsh);
    /// fish: aws-sso-rs completions fish | source; PowerShell:
    /// aws-sso-rs completions powershell | Out-String | Invoke-Expression; elvish: eval
    /// (aws-sso-rs completions elvish | slurp).
    Completions(CompletionsArgs),
    /// Write profiles into ~/.aws/config: a guided set-up, or one per account and role.
    #[command(subcommand)]
    Configure(ConfigureCommand),
    /// Where secrets are kept (storage = "file" or "keyring" in aws-sso-rs's config.toml).
    #[command(subcommand)]
    Storage(StorageCommand),
    /// A sign-in's token, for tools that read its file themselves.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print the man page of the tool or of one command, from these definitions (for
    /// packaging: `cargo xtask dist`).
    #[command(hide = true)]
    Manpage(ManpageArgs),
}

#[derive(Debug, Args)]
pub struct ManpageArgs {
    /// The command (`login`, `configure sso`); none: the tool's own page.
    pub command: Vec<String>,
    /// Print the names of every page instead (`aws-sso-rs`, `aws-sso-rs-login`, ...), with
    /// the command of each.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("page").args(["service", "destination"]))]
pub struct ConsoleArgs {
    /// The profile (default: AWS_SSO_RS_PROFILE inside `aws-sso-rs exec`, AWS_PROFILE,
    /// AWS_DEFAULT_PROFILE, the AWS_SSO_* variables, `default`; when none is set and `default` is not an IAM Identity
    /// Center profile, the picker on a terminal).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// Land on this service's console (`s3`, `ec2`, `cloudwatch`...).
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// Land on this console URL.
    #[arg(long, value_name = "URL")]
    pub destination: Option<String>,
    /// The console's region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
    /// its sso_region).
    #[arg(long)]
    pub region: Option<String>,
    /// Print the URL instead of opening a browser.
    #[arg(long)]
    pub print: bool,
    /// Open the portal's console link (no credential leaves this machine).
    #[arg(long)]
    pub via_portal: bool,
    /// The console session's length in seconds (900 to 43200; federation only).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(900..=43_200), conflicts_with = "via_portal")]
    pub duration: Option<u64>,
    /// Open it in this browser profile, so consoles of several accounts stay side by side:
    /// Chromium-family browsers get --profile-directory=NAME, Firefox the Multi-Account
    /// Containers extension's container NAME.
    #[arg(long, value_name = "NAME", conflicts_with = "print")]
    pub browser_profile: Option<String>,
    /// The browser for --browser-profile (default: the one $BROWSER names).
    #[arg(long, value_enum, requires = "browser_profile")]
    pub browser: Option<BrowserKind>,
}

#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// Move every cached token, client registration, role credential and assumed role into
    /// the storage named, remove them from the other, and set storage in aws-sso-rs's
    /// config.toml.
    ///
    /// An entry both storages hold is taken from the one in use. Run it when no other
    /// aws-sso-rs command is running. Run again after a failure, it goes on where it stopped.
    Migrate(StorageMigrateArgs),
}

#[derive(Debug, Args)]
pub struct StorageMigrateArgs {
    /// Where secrets go: the OS keyring, or the files where the AWS CLI keeps them.
    #[arg(long, value_enum)]
    pub to: StorageKind,
}

/// The storages of `storage migrate --to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StorageKind {
    /// Files in ~/.aws/sso/cache and ~/.aws/cli/cache (the AWS CLI's).
    File,
    /// The OS keyring.
    Keyring,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Write a sign-in's access token (refreshed first if due; never the refresh token) from
    /// the keyring to its file in ~/.aws/sso/cache, for a tool that reads the file itself (the
    /// Session Manager plugin, Terraform's own SSO): it is then in plaintext there until it
    /// expires or `aws-sso-rs logout`; run it again after a refresh or a new sign-in.
    Export(TokenExportArgs),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").args(["profile", "sso_session"]))]
pub struct TokenExportArgs {
    /// The profile whose sign-in's token to write (default: as for `login`).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// The [sso-session] whose token to write.
    #[arg(long, add = session_candidates())]
    pub sso_session: Option<String>,
}

/// The browsers `console --browser-profile` knows how to open a profile of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BrowserKind {
    /// Google Chrome (`google-chrome`).
    Chrome,
    /// Chromium (`chromium`).
    Chromium,
    /// Brave (`brave-browser`).
    Brave,
    /// Microsoft Edge (`microsoft-edge`).
    Edge,
    /// Firefox (`firefox`), with the Multi-Account Containers extension.
    Firefox,
}

/// Shells `completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: CompletionShell,
    /// The aws-sso-rs the shell calls at each Tab (default: this executable's absolute path;
    /// `aws-sso-rs` to find it on PATH, as packaged completion files do).
    #[arg(long, value_name = "PATH")]
    pub binary: Option<std::path::PathBuf>,
}

/// Shells `shell-init` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct ShellInitArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: InitShell,
    /// Also put the segment in the prompt: "(dev-account-ro 7h12m) " before it.
    #[arg(long)]
    pub prompt: bool,
}

/// The default `prompt --format`.
pub const DEFAULT_PROMPT_FORMAT: &str = "{profile} {remaining}";

#[derive(Debug, Args)]
pub struct PromptArgs {
    /// What to print: {profile}, {remaining} (`7h12m`, `expired`, `renewable`, `signed-out`,
    /// `refused`, `invalid`, `no-such-profile`), {state} (`valid`, `renewable`, `expired`,
    /// `signed-out`, `refused`, `not-sso`, `invalid`, `no-such-profile`, `unknown`), {closest} (for `no-such-profile`,
    /// the profile probably meant), {seconds}, {refreshable} (`yes`/`no`), {account}, {role},
    /// {session}, {region}, {login} (the command that signs in), {warning} (a sentence when
    /// under 15 minutes are left and a browser is needed to renew them, when the sign-in has
    /// expired, or when it was refused).
    #[arg(long, default_value = DEFAULT_PROMPT_FORMAT)]
    pub format: String,
}

#[derive(Debug, Subcommand)]
pub enum ConfigureCommand {
    /// Set up a profile, as `aws configure sso` does: the session (name, start URL, region,
    /// scopes), a sign-in, the account and role (a fuzzy picker), the profile's name, region
    /// and output; then the [sso-session] and [profile] are written, keeping the rest of the
    /// file as it is.
    ///
    /// Every answer is also a flag; with --yes, nothing is asked and defaults fill the rest.
    Sso(ConfigureSsoArgs),
    /// Write a native `sso_session` profile for every account and role a sign-in reaches.
    ///
    /// The AWS CLI, every AWS SDK and Terraform read them with no helper. Generated sections
    /// are marked with a comment; everything else in the file stays byte for byte. A second
    /// run with nothing changed writes nothing.
    Populate(PopulateArgs),
    /// Write, for each profile, a profile NAME-process whose credentials come from
    /// `aws-sso-rs credential-process --profile NAME`: how the AWS CLI and the SDKs get
    /// credentials when aws-sso-rs keeps its secrets in the OS keyring.
    ///
    /// Each is marked with a comment, so a second run updates only those; the rest of the
    /// file stays as it is. aws-sso-rs must be on the PATH of the tools that read them.
    CredentialProcess(ConfigureProcessArgs),
}

#[derive(Debug, Args)]
pub struct ConfigureSsoArgs {
    /// The [sso-session] name (an existing one supplies its start URL, region and scopes).
    #[arg(long, add = session_candidates())]
    pub session_name: Option<String>,
    /// The AWS access portal URL (https://d-XXXXXXXXXX.awsapps.com/start).
    #[arg(long, value_name = "URL")]
    pub start_url: Option<String>,
    /// The IAM Identity Center region.
    #[arg(long)]
    pub region: Option<String>,
    /// Registration scopes, comma-separated (default: sso:account:access).
    #[arg(long)]
    pub scopes: Option<String>,
    /// The account (12 digits).
    #[arg(long, value_name = "ID", value_parser = account_id)]
    pub account_id: Option<String>,
    /// The role (permission set) name.
    #[arg(long)]
    pub role_name: Option<String>,
    /// The profile's name (default: ROLE-ACCOUNT, as the AWS CLI suggests).
    #[arg(long)]
    pub profile_name: Option<String>,
    /// The profile's `region` (default: the IAM Identity Center region).
    #[arg(long, value_name = "REGION")]
    pub default_region: Option<String>,
    /// The profile's `output` (json, text, table, yaml...; default: none).
    #[arg(long, value_name = "FORMAT")]
    pub output_format: Option<String>,
    /// Ask nothing: take the defaults, and overwrite an existing profile of that name.
    #[arg(long, short)]
    pub yes: bool,
    /// Sign in with the device-code flow instead of PKCE.
    #[arg(long)]
    pub use_device_code: bool,
    /// Do not open a browser to sign in: print the address and a device code.
    #[arg(long)]
    pub no_browser: bool,
    /// Sign in again even if a valid token is cached.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ConfigureProcessArgs {
    /// The profiles to write one for (default: every profile that signs in with IAM Identity
    /// Center, or assumes a role on such a sign-in).
    #[arg(long, add = profile_candidates())]
    pub profile: Vec<String>,
    /// What the new profiles' names add to the profile's name (it may start with a dash:
    /// --suffix -ro).
    #[arg(long, default_value = "-process", allow_hyphen_values = true)]
    pub suffix: String,
}

/// The default `configure populate --template`.
pub const DEFAULT_POPULATE_TEMPLATE: &str = "{account_name}.{role_name}";

#[derive(Debug, Args)]
pub struct PopulateArgs {
    /// The [sso-session] the profiles sign in through (default: the config's only one).
    #[arg(long, add = session_candidates())]
    pub sso_session: Option<String>,
    /// The profile name: {account_name}, {account_id}, {role_name}, {session}; characters a
    /// profile name cannot hold become `-`, and a taken name gets `-ACCOUNT_ID`.
    #[arg(long, default_value = DEFAULT_POPULATE_TEMPLATE)]
    pub template: String,
    /// The profiles' `region` (default: the session's sso_region).
    #[arg(long)]
    pub region: Option<String>,
    /// Remove generated profiles of this session whose account or role is gone (profiles you
    /// wrote are never touched).
    #[arg(long)]
    pub prune: bool,
    /// Also generate a profile for a role that a profile you wrote already signs in to
    /// through the same session (by default that role is reported as covered by it).
    #[arg(long)]
    pub include_covered: bool,
    /// Print what would change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Which sign-in a listing or generating command uses.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("sign_in").args(["profile", "sso_session"]))]
pub struct SignInArgs {
    /// Use this profile's sign-in (default: AWS_SSO_RS_PROFILE inside `aws-sso-rs exec`, AWS_PROFILE,
    /// AWS_DEFAULT_PROFILE, the AWS_SSO_* variables, `default`, or
    /// the config's only [sso-session], else its only IAM Identity Center sign-in).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// Use this [sso-session]'s sign-in.
    #[arg(long, add = session_candidates())]
    pub sso_session: Option<String>,
}

/// What `list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ListWhat {
    /// Each account: id, name, e-mail.
    Accounts,
    /// One row per account and role, with the profiles of the config that use it.
    Roles,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// `accounts` or `roles` (default: each account with its roles).
    #[arg(value_enum)]
    pub what: Option<ListWhat>,
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// Only this account (12 digits).
    #[arg(long, value_name = "ID", value_parser = account_id)]
    pub account: Option<String>,
    /// How to print the list.
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Fetch the list anew instead of using the cached one.
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, Args)]
pub struct CredentialProcessArgs {
    /// The profile (required unless the AWS_SSO_* variables are set; AWS_PROFILE is not read
    /// here, as an SDK sets it to the profile whose credential_process runs this).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// If no valid sign-in is cached, sign in interactively (one browser at a time across
    /// processes, and none for 5 minutes after a failed or abandoned sign-in).
    #[arg(long)]
    pub login: bool,
}

/// Formats of `export`, as `aws configure export-credentials` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// `export AWS_ACCESS_KEY_ID=...` lines for POSIX shells.
    Env,
    /// `AWS_ACCESS_KEY_ID=...` lines.
    EnvNoExport,
    /// `$Env:AWS_ACCESS_KEY_ID="..."` lines.
    Powershell,
    /// `set AWS_ACCESS_KEY_ID=...` lines.
    WindowsCmd,
    /// `set -gx AWS_ACCESS_KEY_ID "..."` lines (fish; not an AWS CLI format).
    Fish,
    /// A JSON object of the variables.
    Json,
    /// The credential_process JSON document.
    Process,
    /// A section of the shared credentials file (`[NAME]` with `aws_access_key_id`, ...).
    Ini,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The profile (default: AWS_SSO_RS_PROFILE inside `aws-sso-rs exec`, AWS_PROFILE,
    /// AWS_DEFAULT_PROFILE, the AWS_SSO_* variables, `default`).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// The output format (the variable formats also set AWS_REGION and AWS_DEFAULT_REGION to
    /// the profile's region, when it has one).
    #[arg(long, value_enum, default_value_t = ExportFormat::Process)]
    pub format: ExportFormat,
    /// With `--format ini`: write the keys into the shared credentials file
    /// (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) instead of printing them, as a
    /// section marked as generated with its expiry; every other line of the file is kept.
    /// `aws-sso-rs logout` removes it.
    #[arg(long)]
    pub to_credentials_file: bool,
    /// With `--format ini`: the section's name (default: the profile's).
    #[arg(long = "as", value_name = "NAME")]
    pub section: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The profile (default: AWS_SSO_RS_PROFILE inside `aws-sso-rs exec`, AWS_PROFILE,
    /// AWS_DEFAULT_PROFILE, the AWS_SSO_* variables, `default`; when none is set and `default` is not an IAM Identity
    /// Center profile, the picker on a terminal).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// Sign in interactively if no valid sign-in is cached.
    #[arg(long)]
    pub login: bool,
    /// Run even inside another `aws-sso-rs exec`.
    #[arg(long)]
    pub force: bool,
    /// Serve the credentials on 127.0.0.1 (the container-credentials protocol) instead of
    /// setting static keys, always fresh, so a long-running program outlives them.
    #[arg(long)]
    pub server: bool,

    /// The program and its arguments (after `--`).
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<String>,
}

/// `--listen`: an IP address and a port, said so when it is not.
fn listen_address(text: &str) -> Result<std::net::SocketAddr, String> {
    text.parse().map_err(|_| {
        format!(
            "expected an IP address and a port, as {DEFAULT_SERVE_ADDRESS}, 0.0.0.0:9911 or [::1]:9911 (no host names; a port from 0 to 65535)"
        )
    })
}

#[derive(Debug, Args)]
pub struct PickArgs {
    /// Start with this typed, to narrow the list at once.
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,
}

/// Where `aws-sso-rs serve` listens unless told otherwise.
pub const DEFAULT_SERVE_ADDRESS: &str = "127.0.0.1:9911";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on. Another address than 127.0.0.1 lets whoever can
    /// reach it ask (the token still decides who gets credentials): see `docs/security.md`.
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_SERVE_ADDRESS, value_parser = listen_address)]
    pub listen: std::net::SocketAddr,
    /// Serve only this profile (repeat for more); default: every profile of the config.
    #[arg(long = "profile", value_name = "PROFILE", add = profile_candidates())]
    pub profiles: Vec<String>,
    /// Where to write the authorization token (mode 0600), for
    /// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE; default: serve-PORT.token in
    /// $XDG_RUNTIME_DIR/aws-sso-rs, else in aws-sso-rs's cache folder (serve/).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// The profile (default: AWS_SSO_RS_PROFILE inside `aws-sso-rs exec`, AWS_PROFILE,
    /// AWS_DEFAULT_PROFILE, the AWS_SSO_* variables, `default`; when none is set and `default` is not an IAM Identity
    /// Center profile, the picker on a terminal).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// `json` (as the AWS CLI prints it) or `text`.
    #[arg(long, short, value_enum, default_value_t = WhoamiOutput::Json)]
    pub output: WhoamiOutput,
}

/// Output of `whoami`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WhoamiOutput {
    /// The JSON of `aws sts get-caller-identity`.
    Json,
    /// Tab-separated account, ARN, user id.
    Text,
}

/// Output formats of listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// Aligned columns for people.
    Table,
    /// JSON for programs.
    Json,
}

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// How to print the list.
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Print only the profile names, one a line, and no warnings (for scripts and the Tab
    /// completion of `aws-sso-use`).
    #[arg(long, conflicts_with = "output")]
    pub names: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").args(["profile", "sso_session", "all"]))]
pub struct LoginArgs {
    /// The profile whose sign-in to use (default: AWS_SSO_RS_PROFILE inside `aws-sso-rs exec`, AWS_PROFILE,
    /// AWS_DEFAULT_PROFILE, the AWS_SSO_* variables, `default`,
    /// or the config's only [sso-session], else its only IAM Identity Center sign-in; with
    /// several, the picker on a terminal).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// Sign in to this [sso-session] directly.
    #[arg(long, add = session_candidates())]
    pub sso_session: Option<String>,
    /// Sign in once to every distinct session in the config file.
    #[arg(long)]
    pub all: bool,
    /// Use the device-code flow (a code to confirm in the browser) instead of PKCE.
    #[arg(long)]
    pub use_device_code: bool,
    /// Use PKCE even where no browser can be opened (over SSH, in a container): open the
    /// address printed elsewhere and paste back where the browser ended, or forward
    /// --redirect-port. Without it, such a machine signs in with the device code.
    #[arg(long, conflicts_with = "use_device_code")]
    pub use_pkce: bool,
    /// Do not open a browser: print the address (and for the device flow, a QR code).
    #[arg(long)]
    pub no_browser: bool,
    /// The local port for the browser's redirect in the PKCE flow (default: any free port;
    /// asks for PKCE, as --use-pkce does).
    #[arg(long, value_name = "PORT", conflicts_with = "use_device_code")]
    pub redirect_port: Option<u16>,
    /// Sign in again even if a valid token is cached.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").args(["profile", "sso_session"]))]
pub struct LogoutArgs {
    /// Sign out only of this profile's session (default: every cached session).
    #[arg(long, add = profile_candidates())]
    pub profile: Option<String>,
    /// Sign out only of this [sso-session].
    #[arg(long, add = session_candidates())]
    pub sso_session: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// How to print the checks.
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Do not reach the endpoints (nor check the clock against the portal's).
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// How to print the list.
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}
