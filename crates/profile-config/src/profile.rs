//! Profiles, sso-sessions and services sections, merged from the two shared files.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use compact_str::CompactString;
use indexmap::IndexMap;

/// Maps keyed by name, in file order. Names and short values are inline strings, so that a
/// 10,000-profile config needs few allocations.
type Map<V> = IndexMap<CompactString, V, foldhash::fast::RandomState>;

use crate::error::{Error, ErrorKind};
use crate::location::FileLocations;
use crate::parse::{self, Body, LineKind, is_valid_identifier};

/// Which of the two shared files a text comes from: they name profiles differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config`: `[profile NAME]`, `[default]`, `[sso-session NAME]`, `[services NAME]`.
    Config,
    /// `~/.aws/credentials`: `[NAME]`.
    Credentials,
}

/// A place in a file: its path and 1-based line number. A setting that comes from an
/// environment variable (the `AWS_SSO_*` variables' profile) has the variable's name for a
/// path and line 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: Arc<Path>,
    /// The 1-based line; 0 for no line.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}", self.path.display());
        }
        write!(f, "{} line {}", self.path.display(), self.line)
    }
}

/// One property's value and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    value: CompactString,
    location: Location,
}

impl Property {
    /// The value, trimmed; continuation lines joined with `\n`.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where the property was set (the line of its key).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The `name = value` pairs of a property written as sub-properties
    /// (`s3 =` followed by indented lines), names lower-cased; empty for a plain value.
    pub fn sub_properties(&self) -> Vec<(String, &str)> {
        let Some(body) = self.value.strip_prefix('\n') else {
            return Vec::new();
        };
        body.lines()
            .filter_map(parse::split_property)
            .filter(|(name, _)| is_valid_identifier(name))
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect()
    }
}

/// A profile, sso-session or services section with its merged properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    name: CompactString,
    location: Location,
    /// In file order; a section holds a handful of keys, so a list beats a hash table.
    properties: Vec<(CompactString, Property)>,
    /// The first line in it that cannot be read (a lenient load keeps the section, invalid).
    problem: Option<(Location, &'static str)>,
}

impl Section {
    /// The section's name (`dev` for `[profile dev]`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the section is first declared.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The first line in this section that cannot be read, and why, for a set loaded with
    /// [`ProfileSet::load`] or [`ProfileSet::parse_lenient`] (strict parsing fails instead).
    /// Such a section is invalid: commands refuse it with this line named.
    pub fn problem(&self) -> Option<(&Location, &'static str)> {
        self.problem.as_ref().map(|(l, m)| (l, *m))
    }

    /// [`Section::problem`] as the error commands give, naming the section as `what`
    /// (`profile 'dev'`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSection`] when the section holds a line that cannot be read.
    pub fn check(&self, what: &str) -> Result<&Self, Error> {
        match &self.problem {
            None => Ok(self),
            Some((location, message)) => Err(ErrorKind::InvalidSection {
                what: what.to_owned(),
                location: location.clone(),
                message,
            }
            .into()),
        }
    }

    /// The value of `key` (lower-case), if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.property(key).map(Property::value)
    }

    /// The property `key` (lower-case), with its location.
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, p)| p)
    }

    /// Sets `key`, keeping the position of an earlier definition (the last one wins).
    fn insert(&mut self, key: CompactString, property: Property) {
        match self.properties.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = property,
            None => self.properties.push((key, property)),
        }
    }

    /// All properties in file order; keys are lower-case.
    pub fn properties(&self) -> impl Iterator<Item = (&str, &Property)> {
        self.properties.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Something in the files that was skipped, as the AWS CLI skips it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What was skipped and why.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Everything the two shared files define, merged as the AWS CLI merges them: the
/// credentials file's properties win over the config file's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: Map<Section>,
    sso_sessions: Map<Section>,
    services: Map<Section>,
    warnings: Vec<Warning>,
    config_path: Option<PathBuf>,
    /// Built by `load_profile`/`parse_profile`: other profiles were skipped.
    partial: bool,
    /// `load` found no config file.
    config_missing: bool,
}

/// One file's text to parse, with the path used in messages.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The path (only used to name the file in locations and errors).
    pub path: &'a Path,
    /// The file's contents.
    pub text: &'a str,
}

impl ProfileSet {
    /// Reads and merges the two files as the AWS CLI reads them ([`ProfileSet::parse_lenient`]:
    /// a line that breaks the format makes only its section invalid, with
    /// [`Section::problem`]). A file that does not exist counts as empty; bytes that are not
    /// UTF-8 are read as U+FFFD with a [`Warning`].
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when a file exists but cannot be read.
    pub fn load(locations: &FileLocations) -> Result<Self, Error> {
        Self::load_filtered(locations, None)
    }

    /// Like [`ProfileSet::load`], but keeps only the profile `name` (with every sso-session
    /// and services section): the fast path of commands that act on one profile. A line that
    /// breaks the format makes only its own section invalid, so another profile's broken line
    /// does not stop this one; the other profiles' lines are passed over unread (from their
    /// header to the next line that starts with `[`), so a large config costs little more
    /// than its headers.
    ///
    /// # Errors
    /// As [`ProfileSet::load`].
    pub fn load_profile(locations: &FileLocations, name: &str) -> Result<Self, Error> {
        Self::load_filtered(locations, Some(name))
    }

    fn load_filtered(locations: &FileLocations, only: Option<&str>) -> Result<Self, Error> {
        let mut warnings = Vec::new();
        let config = read_optional(&locations.config, &mut warnings)?;
        let credentials = read_optional(&locations.credentials, &mut warnings)?;
        let mut set = Self::parse_filtered(
            config.as_deref().map(|text| Source {
                path: &locations.config,
                text,
            }),
            credentials.as_deref().map(|text| Source {
                path: &locations.credentials,
                text,
            }),
            only,
            parse::Mode::Lenient,
        )?;
        set.config_path = Some(locations.config.clone());
        set.config_missing = config.is_none();
        warnings.append(&mut set.warnings);
        set.warnings = warnings;
        Ok(set)
    }

    /// Parses and merges the two files' texts by the cross-SDK rules (the AWS profile-parser
    /// conformance suite): the first line they refuse is an error.
    ///
    /// # Errors
    /// [`ErrorKind::Parse`] when a line breaks the format.
    pub fn parse(
        config: Option<Source<'_>>,
        credentials: Option<Source<'_>>,
    ) -> Result<Self, Error> {
        Self::parse_filtered(config, credentials, None, parse::Mode::Strict)
    }

    /// Parses and merges the two files' texts as the AWS CLI reads them, never failing on
    /// content (what [`ProfileSet::load`] does):
    ///
    /// - lines the AWS CLI reads though the cross-SDK rules refuse or read otherwise
    ///   (`key: value`, an indented property right under a header, one indented like the
    ///   property above it, lines ending with a carriage return alone) are read as it reads
    ///   them, with a [`Warning`] naming the file and line, since other AWS SDKs fail there
    ///   or read them otherwise; so is a region in upper case (`sso_region = US-EAST-1`);
    /// - a line nobody can read (no `=`, an unterminated `[header`, a nameless property)
    ///   makes its section invalid ([`Section::problem`]), not the file: the other profiles
    ///   work; such a line before any section is skipped with a warning;
    /// - a byte-order mark at the start is skipped.
    pub fn parse_lenient(config: Option<Source<'_>>, credentials: Option<Source<'_>>) -> Self {
        Self::parse_filtered(config, credentials, None, parse::Mode::Lenient).unwrap_or_default()
    }

    /// Like [`ProfileSet::parse`], keeping only the profile `name` (see
    /// [`ProfileSet::load_profile`]).
    ///
    /// # Errors
    /// As [`ProfileSet::parse`].
    pub fn parse_profile(
        config: Option<Source<'_>>,
        credentials: Option<Source<'_>>,
        name: &str,
    ) -> Result<Self, Error> {
        Self::parse_filtered(config, credentials, Some(name), parse::Mode::Strict)
    }

    fn parse_filtered(
        config: Option<Source<'_>>,
        credentials: Option<Source<'_>>,
        only: Option<&str>,
        mode: parse::Mode,
    ) -> Result<Self, Error> {
        let mut set = Self {
            config_path: config.map(|c| c.path.to_path_buf()),
            partial: only.is_some(),
            ..Self::default()
        };
        if let Some(source) = config {
            set.merge(source, FileKind::Config, only, mode)?;
        }
        if let Some(source) = credentials {
            set.merge(source, FileKind::Credentials, only, mode)?;
        }
        Ok(set)
    }

    /// The profile `name`.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// All profiles, in the order they first appear.
    pub fn profiles(&self) -> impl ExactSizeIterator<Item = &Section> {
        self.profiles.values()
    }

    /// The `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// All sso-sessions, in file order.
    pub fn sso_sessions(&self) -> impl ExactSizeIterator<Item = &Section> {
        self.sso_sessions.values()
    }

    /// The `[services name]` section.
    pub fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }

    /// What was skipped or read leniently, each with its file and line: sections without a
    /// valid name, invalid property names, lines before any section, lines the AWS CLI reads
    /// but other SDKs refuse (`key: value`), invalid sections, bytes that are not UTF-8.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Whether [`ProfileSet::load`] found no config file.
    pub fn config_missing(&self) -> bool {
        self.config_missing
    }

    /// The config file this set was read from, if any (used in messages).
    pub fn config_path(&self) -> Option<&Path> {
        self.config_path.as_deref()
    }

    /// The profile `name`, or an error that names the config file and lists the profiles.
    ///
    /// # Errors
    /// [`ErrorKind::ProfileNotFound`].
    pub fn require_profile(&self, name: &str) -> Result<&Section, Error> {
        self.profile(name).map_or_else(
            || Err(self.no_such_profile(name)),
            |p| p.check(&format!("profile '{name}'")),
        )
    }

    fn no_such_profile(&self, name: &str) -> Error {
        {
            ErrorKind::ProfileNotFound {
                profile: name.to_owned(),
                path: self
                    .config_path
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("~/.aws/config")),
                available: (!self.partial)
                    .then(|| self.profiles.keys().map(ToString::to_string).collect()),
                file_missing: self.config_missing,
            }
            .into()
        }
    }

    fn merge(
        &mut self,
        source: Source<'_>,
        kind: FileKind,
        only: Option<&str>,
        mode: parse::Mode,
    ) -> Result<(), Error> {
        let path: Arc<Path> = Arc::from(source.path);
        let (sections, properties, stray) = raw_sections(source.text, &path, mode, kind, only)?;
        for (line, message) in stray {
            let at = Location {
                path: path.clone(),
                line,
            };
            self.warn(
                at,
                format!("line ignored ({message}): every setting belongs under a [section]"),
            );
        }
        if only.is_none() {
            self.profiles.reserve(sections.len());
        }
        let has_prefixed_default = kind == FileKind::Config
            && sections
                .iter()
                .any(|s| classify(s.header, kind) == Class::Profile("default"));
        for section in sections {
            let class = classify(section.header, kind);
            if let (Some(wanted), Class::Profile(name)) = (only, class)
                && wanted != name
            {
                continue;
            }
            if only.is_some_and(|wanted| wanted != "default") && class == Class::BareDefault {
                continue;
            }
            let at = Location {
                path: path.clone(),
                line: section.line,
            };
            let (map, name) = match class {
                Class::BareDefault if has_prefixed_default => {
                    self.warn(
                        at,
                        "[default] ignored: [profile default] takes precedence".into(),
                    );
                    continue;
                }
                Class::BareDefault => (&mut self.profiles, "default"),
                Class::Profile(name) => (&mut self.profiles, name),
                Class::SsoSession(name) => (&mut self.sso_sessions, name),
                Class::Services(name) => (&mut self.services, name),
                Class::Unknown => {
                    let message = format!(
                        "[{}] ignored: config file sections are [profile NAME], [default], \
                         [sso-session NAME] or [services NAME]",
                        section.header
                    );
                    self.warn(at, message);
                    continue;
                }
            };
            if !is_valid_identifier(name) {
                let message = format!(
                    "[{}] ignored: names may hold only letters, digits and - / . % @ _ : +",
                    section.header
                );
                self.warn(at, message);
                continue;
            }
            let entry = map
                .entry(CompactString::from(name))
                .or_insert_with(|| Section {
                    name: CompactString::from(name),
                    location: at,
                    properties: Vec::new(),
                    problem: None,
                });
            for (line, problem) in &section.problems {
                let location = Location {
                    path: path.clone(),
                    line: *line,
                };
                if problem.read_by_aws_cli {
                    self.warnings.push(Warning {
                        location,
                        message: format!(
                            "{}: read as the AWS CLI reads it, but {}",
                            problem.note, problem.fix
                        ),
                    });
                } else if entry.problem.is_none() {
                    if matches!(class, Class::Services(_)) {
                        // Nothing refuses a services section by name: say it is not used.
                        self.warnings.push(Warning {
                            location: location.clone(),
                            message: format!(
                                "{}: [services {name}] is not used until this line is fixed",
                                problem.message
                            ),
                        });
                    }
                    entry.problem = Some((location, problem.message));
                }
            }
            let mut skipped = Vec::new();
            for prop in &properties[section.properties] {
                if !is_valid_identifier(prop.key) {
                    skipped.push((prop.line, prop.key));
                    continue;
                }
                let mut key = CompactString::from(prop.key);
                key.make_ascii_lowercase();
                let value = CompactString::from(prop.value.as_ref());
                let location = Location {
                    path: path.clone(),
                    line: prop.line,
                };
                if matches!(key.as_str(), "region" | "sso_region")
                    && value.bytes().any(|b| b.is_ascii_uppercase())
                    && crate::sso::reads_as_region(&value)
                {
                    self.warnings.push(Warning {
                        location: location.clone(),
                        message: format!(
                            "{key} = {value} is in upper case: read as the AWS CLI reads it \
                             ({}), but other AWS SDKs may not find such a region; write it \
                             in lower case",
                            value.to_ascii_lowercase()
                        ),
                    });
                }
                entry.insert(key, Property { value, location });
            }
            for (line, key) in skipped {
                let location = Location {
                    path: path.clone(),
                    line,
                };
                self.warn(
                    location,
                    format!("property '{key}' ignored: not a valid name"),
                );
            }
        }
        Ok(())
    }

    /// Adds (or replaces) profile `name` with `settings` (lower-case keys), each at its
    /// location: a profile that comes from elsewhere than the files.
    pub(crate) fn add_profile<'a>(
        &mut self,
        name: &str,
        location: Location,
        settings: impl IntoIterator<Item = (&'a str, &'a str, Location)>,
    ) {
        let mut section = Section {
            name: CompactString::from(name),
            location,
            properties: Vec::new(),
            problem: None,
        };
        for (key, value, location) in settings {
            section.insert(
                CompactString::from(key),
                Property {
                    value: CompactString::from(value),
                    location,
                },
            );
        }
        self.profiles.insert(CompactString::from(name), section);
    }

    fn warn(&mut self, location: Location, message: String) {
        self.warnings.push(Warning { location, message });
    }
}

/// The file's text; `None` when it does not exist. Bytes that are not UTF-8 are replaced by
/// U+FFFD (the rest of the file stays usable), with a warning naming the first such line.
fn read_optional(path: &Path, warnings: &mut Vec<Warning>) -> Result<Option<String>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let bytes = e.into_bytes();
                let valid =
                    std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |_| bytes.len());
                let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
                warnings.push(Warning {
                    location: Location {
                        path: Arc::from(path),
                        line,
                    },
                    message: "not valid UTF-8: the bytes that are not were read as U+FFFD; save the file as UTF-8".into(),
                });
                String::from_utf8_lossy(&bytes).into_owned()
            }
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ErrorKind::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        }
        .into()),
    }
}

struct RawProperty<'a> {
    key: &'a str,
    value: Cow<'a, str>,
    line: usize,
}

struct RawSection<'a> {
    header: &'a str,
    line: usize,
    /// Its properties, as a range of the flat property list.
    properties: std::ops::Range<usize>,
    /// Lines in it the cross-SDK rules refuse (lenient scans only).
    problems: Vec<(usize, parse::Problem)>,
}

/// The sections, the flat property list, and lines refused before any section.
type RawFile<'a> = (
    Vec<RawSection<'a>>,
    Vec<RawProperty<'a>>,
    Vec<(usize, &'static str)>,
);

/// Whether a reader that keeps only the profile `only` passes over the section `class`
/// unread: another profile (the `[default]` section too, unless `default` is wanted).
fn unwanted(class: Class<'_>, only: Option<&str>) -> bool {
    match (only, class) {
        (Some(wanted), Class::Profile(name)) => wanted != name,
        (Some(wanted), Class::BareDefault) => wanted != "default",
        _ => false,
    }
}

/// The sections of `text`. A lenient scan that keeps only the profile `only` passes over the
/// bodies of the other profiles (the caller drops those sections anyway, and in a lenient
/// scan their lines cannot fail): a 10,000-profile config is then read header to header.
fn raw_sections<'a>(
    text: &'a str,
    path: &Arc<Path>,
    mode: parse::Mode,
    kind: FileKind,
    only: Option<&str>,
) -> Result<RawFile<'a>, Error> {
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    let mut properties: Vec<RawProperty<'a>> = Vec::new();
    let mut stray = Vec::new();
    let skipping = mode == parse::Mode::Lenient && only.is_some();
    parse::scan_sections(text, mode, |line| {
        // A header's own problem goes with the section it opens (below).
        if let Some(problem) = line.problem
            && !matches!(line.kind, LineKind::Header(_))
        {
            match sections.last_mut() {
                Some(section) => section.problems.push((line.number, problem)),
                None => stray.push((line.number, problem.message)),
            }
            if !problem.read_by_aws_cli {
                // Nothing to read on this line: its section is invalid from here on.
                return Body::Read;
            }
        }
        match line.kind {
            LineKind::Header(header) if skipping && unwanted(classify(header, kind), only) => {
                return Body::Skip;
            }
            LineKind::Header(header) => {
                let at = properties.len();
                let problems = match line.problem {
                    Some(p) => vec![(line.number, p)],
                    None => Vec::new(),
                };
                sections.push(RawSection {
                    header,
                    line: line.number,
                    properties: at..at,
                    problems,
                });
            }
            LineKind::Property { key, value } => {
                properties.push(RawProperty {
                    key,
                    value: Cow::Borrowed(value),
                    line: line.number,
                });
                if let Some(section) = sections.last_mut() {
                    section.properties.end = properties.len();
                }
            }
            LineKind::Continuation(more) => {
                if let Some(prop) = properties.last_mut() {
                    let value = prop.value.to_mut();
                    value.push('\n');
                    value.push_str(more);
                }
            }
            LineKind::Blank | LineKind::Comment => {}
        }
        Body::Read
    })
    .map_err(|e| {
        Error::from(ErrorKind::Parse {
            location: Location {
                path: path.clone(),
                line: e.line,
            },
            message: e.message,
        })
    })?;
    Ok((sections, properties, stray))
}

/// What a section header declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class<'a> {
    /// `[default]` in the config file.
    BareDefault,
    /// A profile (name not yet validated).
    Profile(&'a str),
    /// `[sso-session NAME]`.
    SsoSession(&'a str),
    /// `[services NAME]`.
    Services(&'a str),
    /// Anything else in the config file.
    Unknown,
}

/// `prefix` followed by at least one space or tab, then the (trimmed) name.
fn prefixed<'a>(header: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = header.strip_prefix(prefix)?;
    rest.starts_with([' ', '\t']).then(|| rest.trim())
}

pub(crate) fn classify(header: &str, kind: FileKind) -> Class<'_> {
    match kind {
        FileKind::Credentials => Class::Profile(header),
        FileKind::Config if header == "default" => Class::BareDefault,
        FileKind::Config => prefixed(header, "profile")
            .map(Class::Profile)
            .or_else(|| prefixed(header, "sso-session").map(Class::SsoSession))
            .or_else(|| prefixed(header, "services").map(Class::Services))
            .unwrap_or(Class::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_config(text: &str) -> ProfileSet {
        ProfileSet::parse(
            Some(Source {
                path: Path::new("config"),
                text,
            }),
            None,
        )
        .expect("valid config")
    }

    #[test]
    fn properties_remember_their_line() {
        let set = parse_config("# top\n[profile dev]\nregion = eu-west-1\n");
        let prop = set
            .profile("dev")
            .and_then(|p| p.property("region"))
            .expect("region is set");
        assert_eq!(prop.location().line, 3);
        assert_eq!(prop.location().to_string(), "config line 3");
    }

    #[test]
    fn sub_properties_are_split() {
        let set =
            parse_config("[services corp]\nsso_oidc =\n  endpoint_url = http://127.0.0.1:9\n");
        let prop = set
            .services("corp")
            .and_then(|s| s.property("sso_oidc"))
            .expect("set");
        assert_eq!(
            prop.sub_properties(),
            vec![("endpoint_url".to_owned(), "http://127.0.0.1:9")]
        );
    }

    #[test]
    fn a_targeted_parse_keeps_one_profile_and_all_sessions() {
        let text = "[profile a]\nsso_session = s\nsso_account_id = 123456789011\nsso_role_name = R\n[profile b]\nregion = x\n[sso-session s]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n";
        let source = Source {
            path: Path::new("config"),
            text,
        };
        let one = ProfileSet::parse_profile(Some(source), None, "a").expect("valid");
        let all = ProfileSet::parse(Some(source), None).expect("valid");
        assert_eq!(one.profiles().len(), 1);
        assert_eq!(
            one.sso_profile("a").expect("valid"),
            all.sso_profile("a").expect("valid")
        );
        let msg = one.sso_profile("b").expect_err("skipped").to_string();
        assert!(msg.contains("aws-sso-rs profiles"), "{msg}");
        let broken = Source {
            path: Path::new("config"),
            text: "[profile a]\n[profile b\n",
        };
        assert!(
            ProfileSet::parse_profile(Some(broken), None, "a").is_err(),
            "errors anywhere count"
        );
    }

    #[test]
    fn a_region_in_upper_case_is_read_with_a_warning() {
        let set = parse_config(
            "[profile a]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = US-East-1\n\
             sso_account_id = 123456789011\nsso_role_name = R\nregion = EU-WEST-1\n",
        );
        let sso = set
            .require_sso_profile("a")
            .expect("read as botocore reads it");
        assert_eq!(
            sso.session.region, "US-East-1",
            "kept as written (cache keys)"
        );
        assert_eq!(sso.region.as_deref(), Some("EU-WEST-1"));
        let warnings: Vec<String> = set.warnings().iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with("config line 3: sso_region = US-East-1 is in upper case")
                && warnings[0].contains("(us-east-1)"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains("line 6: region = EU-WEST-1"),
            "{warnings:?}"
        );
        let bad = parse_config(
            "[profile b]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = US EAST\nsso_account_id = 123456789011\nsso_role_name = R\n",
        );
        assert!(bad.sso_profile("b").is_err(), "not a region in any case");
        assert!(bad.warnings().is_empty());
    }

    #[test]
    fn skipped_sections_are_reported() {
        let set = parse_config("[profile in valid]\nx = 1\n[prod]\ny = 2\n");
        assert_eq!(set.profiles().len(), 0);
        let lines: Vec<usize> = set.warnings().iter().map(|w| w.location.line).collect();
        assert_eq!(lines, vec![1, 3]);
    }
}
