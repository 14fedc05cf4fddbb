//! A lossless editor for the shared files.
//!
//! [`ConfigDocument`] keeps the file's text and changes only the lines an edit touches:
//! comments, blank lines, key order, line endings and unrelated sections stay byte for byte.
//! Loading and saving an unchanged document writes the same bytes back.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::atomic;
use crate::error::{Error, ErrorKind};
use crate::parse::{self, Line, LineKind, is_valid_identifier};
use crate::profile::{Class, FileKind, Location, ProfileSet, Source, classify};

/// A section an edit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionRef<'a> {
    /// A profile (`[profile NAME]` / `[default]` in the config file, `[NAME]` in credentials).
    Profile(&'a str),
    /// `[sso-session NAME]` (config file only).
    SsoSession(&'a str),
    /// `[services NAME]` (config file only).
    Services(&'a str),
}

impl SectionRef<'_> {
    fn name(&self) -> &str {
        match self {
            Self::Profile(n) | Self::SsoSession(n) | Self::Services(n) => n,
        }
    }
}

/// A section for [`ConfigDocument::append_sections`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection<'a> {
    /// The section.
    pub section: SectionRef<'a>,
    /// A comment line written under the header (without the `#`).
    pub comment: Option<&'a str>,
    /// `key = value` lines, in order.
    pub properties: Vec<(&'a str, &'a str)>,
}

/// The text of a shared file, with edit operations that keep everything else intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigDocument {
    text: String,
    kind: FileKind,
    path: PathBuf,
    /// What the file held when it was loaded (`Some(None)`: it did not exist), to tell
    /// whether someone else wrote it before a save; `None` for a document not read from disk.
    on_disk: Option<Option<Fingerprint>>,
}

/// The length and a hash of a file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint(usize, u64);

impl Fingerprint {
    fn of(bytes: &[u8]) -> Self {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        bytes.hash(&mut h);
        Self(bytes.len(), h.finish())
    }

    /// What `path` holds now (`None`: missing); an unreadable file counts as changed.
    fn now(path: &Path) -> Result<Option<Self>, ()> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Some(Self::of(&bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(_) => Err(()),
        }
    }
}

/// A section's span: its header line and the index after its last property line.
struct Span {
    header: usize,
    last_property_end: usize,
}

impl ConfigDocument {
    /// Parses `text`; `path` names the file in errors.
    ///
    /// # Errors
    /// [`ErrorKind::Parse`] when a line breaks the format: such a file is not edited.
    pub fn parse(
        text: impl Into<String>,
        kind: FileKind,
        path: impl Into<PathBuf>,
    ) -> Result<Self, Error> {
        let doc = Self {
            text: text.into(),
            kind,
            path: path.into(),
            on_disk: None,
        };
        doc.lines()?;
        Ok(doc)
    }

    /// Reads the file at `path`; a missing file is an empty document.
    ///
    /// # Errors
    /// The file cannot be read or does not parse.
    pub fn load(path: &Path, kind: FileKind) -> Result<Self, Error> {
        let (text, on_disk) = match std::fs::read_to_string(path) {
            Ok(text) => {
                let print = Fingerprint::of(text.as_bytes());
                (text, Some(print))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), None),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                // Not UTF-8: it is read with the bad bytes replaced, but an edit would lose
                // them, so it is not edited.
                let bytes = std::fs::read(path).unwrap_or_default();
                let valid = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
                let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
                return Err(ErrorKind::Parse {
                    location: Location {
                        path: Arc::from(path),
                        line,
                    },
                    message: "not valid UTF-8, so it cannot be edited without losing bytes; save the file as UTF-8",
                }
                .into());
            }
            Err(source) => {
                return Err(ErrorKind::Io {
                    action: "read",
                    path: path.to_owned(),
                    source,
                }
                .into());
            }
        };
        let mut doc = Self::parse(text, kind, path)?;
        doc.on_disk = Some(on_disk);
        Ok(doc)
    }

    /// Writes the document to the path it was loaded from, atomically, keeping the file's
    /// permissions (a new file gets `0600`). A symbolic link is followed: its target is
    /// replaced, the link stays. A document from [`ConfigDocument::load`] is written only if
    /// the file still holds what was read (checked just before the new file is renamed into
    /// place), so an edit saved meanwhile by an editor or another program is never lost.
    ///
    /// # Errors
    /// [`ErrorKind::Changed`] when the file changed since it was read; [`ErrorKind::Io`]. The
    /// file on disk is then unchanged.
    pub fn save(&self) -> Result<(), Error> {
        self.write(&self.path, self.on_disk)
    }

    /// Like [`ConfigDocument::save`], to another path.
    ///
    /// # Errors
    /// [`ErrorKind::Io`]; the file on disk is then unchanged.
    pub fn save_to(&self, path: &Path) -> Result<(), Error> {
        self.write(path, None)
    }

    fn write(&self, path: &Path, expected: Option<Option<Fingerprint>>) -> Result<(), Error> {
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let mode = atomic::existing_mode(&target).unwrap_or(0o600);
        let unchanged = || expected.is_none_or(|e| Fingerprint::now(&target) == Ok(e));
        match atomic::write_atomic_if(&target, self.text.as_bytes(), mode, unchanged) {
            Ok(true) => Ok(()),
            Ok(false) => Err(ErrorKind::Changed { path: target }.into()),
            Err(source) => Err(ErrorKind::Io {
                action: "write",
                path: target,
                source,
            }
            .into()),
        }
    }

    /// The document's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The profiles and sections this document defines.
    ///
    /// # Errors
    /// Never for a document that parsed; kept fallible for symmetry with [`ProfileSet::parse`].
    pub fn profile_set(&self) -> Result<ProfileSet, Error> {
        let source = Source {
            path: &self.path,
            text: &self.text,
        };
        match self.kind {
            FileKind::Config => Ok(ProfileSet::parse_lenient(Some(source), None)),
            FileKind::Credentials => Ok(ProfileSet::parse_lenient(None, Some(source))),
        }
    }

    /// Sets `key = value` in `section`, creating the section at the end of the file if it
    /// is missing. An existing key (matched case-insensitively, the last definition when it
    /// is repeated) is replaced in place, keeping a trailing comment on its line; a new key
    /// goes after the section's last property.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidEdit`] when the name, key or value cannot be written so that it
    /// reads back the same.
    pub fn set(&mut self, section: SectionRef<'_>, key: &str, value: &str) -> Result<(), Error> {
        self.check_section(section)?;
        check_key(key)?;
        check_value(value)?;
        let nl = self.newline();
        let lines = self.lines()?;
        let spans = self.spans(&lines, section);
        let existing = spans
            .iter()
            .rev()
            .flat_map(|span| (span.header + 1..span.last_property_end).rev().map(|i| &lines[i]))
            .find(|line| matches!(line.kind, LineKind::Property { key: k, .. } if k.eq_ignore_ascii_case(key)))
            .map(|line| line.number - 1);
        let assignment = |comment: &str| {
            if value.is_empty() {
                format!("{key} ={comment}")
            } else {
                format!("{key} = {value}{comment}")
            }
        };
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        if let Some(index) = existing {
            let line = &lines[index];
            let raw = &self.text[line.range.clone()];
            let content = raw.trim_end_matches(['\r', '\n']);
            let terminator = &raw[content.len()..];
            // The comment keeps the whitespace that set it off from the value.
            let comment = parse::comment_start(content, true)
                .map(|i| {
                    content[content[..i].trim_end().len()..]
                        .trim_end()
                        .to_owned()
                })
                .unwrap_or_default();
            let end = continuation_end(&lines, index);
            // Drop the old value's continuation lines, keep comments and blanks among them.
            edits.push((
                line.range.clone(),
                format!("{}{terminator}", assignment(&comment)),
            ));
            for l in &lines[index + 1..end] {
                if matches!(l.kind, LineKind::Continuation(_)) {
                    edits.push((l.range.clone(), String::new()));
                }
            }
        } else if let Some(span) = spans.last() {
            let after = &lines[span.last_property_end - 1];
            let at = after.range.end;
            let needs_nl = !self.text[..at].ends_with('\n');
            let prefix = if needs_nl { nl } else { "" };
            edits.push((at..at, format!("{prefix}{}{nl}", assignment(""))));
        } else {
            let mut tail = String::new();
            if !self.text.is_empty() && !self.text.ends_with('\n') {
                tail.push_str(nl);
            }
            if !self.text.trim().is_empty() && !self.text.ends_with(&format!("{nl}{nl}")) {
                tail.push_str(nl);
            }
            tail.push_str(&format!(
                "[{}]{nl}{}{nl}",
                self.header_text(section),
                assignment("")
            ));
            let end = self.text.len();
            edits.push((end..end, tail));
        }
        self.apply(edits);
        Ok(())
    }

    /// Adds an empty `section` at the end of the file if it is not there.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidEdit`] for a name the format cannot hold.
    pub fn ensure_section(&mut self, section: SectionRef<'_>) -> Result<(), Error> {
        self.check_section(section)?;
        let lines = self.lines()?;
        if !self.spans(&lines, section).is_empty() {
            return Ok(());
        }
        let nl = self.newline();
        let mut tail = String::new();
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            tail.push_str(nl);
        }
        if !self.text.trim().is_empty() && !self.text.ends_with(&format!("{nl}{nl}")) {
            tail.push_str(nl);
        }
        tail.push_str(&format!("[{}]{nl}", self.header_text(section)));
        self.text.push_str(&tail);
        Ok(())
    }

    /// Removes every definition of `key` from `section`; returns whether there was one.
    /// Comments and blank lines stay.
    pub fn remove_key(&mut self, section: SectionRef<'_>, key: &str) -> bool {
        let Ok(lines) = self.lines() else {
            return false;
        };
        let spans = self.spans(&lines, section);
        let mut edits = Vec::new();
        for span in &spans {
            for index in span.header + 1..span.last_property_end {
                if matches!(lines[index].kind, LineKind::Property { key: k, .. } if k.eq_ignore_ascii_case(key))
                {
                    edits.push((lines[index].range.clone(), String::new()));
                    let end = continuation_end(&lines, index);
                    for l in &lines[index + 1..end] {
                        if matches!(l.kind, LineKind::Continuation(_)) {
                            edits.push((l.range.clone(), String::new()));
                        }
                    }
                }
            }
        }
        let removed = !edits.is_empty();
        self.apply(edits);
        removed
    }

    /// Removes `section` (every header that defines it, down to its last property, with one
    /// blank line just before the header); returns whether it was there. Comments and blank
    /// lines after its last property, which usually introduce the next section, stay. Removing the `default` profile removes both
    /// `[default]` and `[profile default]`, so that the shadowed one does not take its place.
    pub fn remove_section(&mut self, section: SectionRef<'_>) -> bool {
        let Ok(lines) = self.lines() else {
            return false;
        };
        let mut spans = self.spans(&lines, section);
        if section == SectionRef::Profile("default") && self.kind == FileKind::Config {
            spans.extend(self.spans_where(&lines, |class| class == Class::BareDefault));
            spans.sort_by_key(|s| s.header);
            spans.dedup_by_key(|s| s.header);
        }
        let edits: Vec<_> = spans
            .iter()
            .map(|span| {
                // A blank line just before the header goes with the section, so that removing
                // it leaves one blank line between its neighbours, not two.
                let header = if span.header > 0
                    && matches!(lines[span.header - 1].kind, LineKind::Blank)
                    && !spans.iter().any(|s| s.last_property_end == span.header - 1)
                {
                    span.header - 1
                } else {
                    span.header
                };
                let start = lines[header].range.start;
                let end = lines[span.last_property_end - 1].range.end;
                (start..end, String::new())
            })
            .collect();
        let removed = !edits.is_empty();
        self.apply(edits);
        removed
    }

    /// The profiles whose section holds a comment line containing `marker` (between its
    /// header and the next), in file order.
    pub fn marked_profiles(&self, marker: &str) -> Vec<String> {
        self.marked_sections(marker)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    /// Like [`ConfigDocument::marked_profiles`], each with the text of its marked comment line
    /// (without the comment sign).
    pub fn marked_sections(&self, marker: &str) -> Vec<(String, String)> {
        let Ok(lines) = self.lines() else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = Vec::new();
        let mut current: Option<String> = None;
        for line in &lines {
            match line.kind {
                LineKind::Header(h) => {
                    current = match classify(h, self.kind) {
                        Class::Profile(name) => Some(name.to_owned()),
                        Class::BareDefault => Some("default".to_owned()),
                        _ => None,
                    };
                }
                LineKind::Comment if self.text[line.range.clone()].contains(marker) => {
                    if let Some(name) = current.take() {
                        let text = self.text[line.range.clone()]
                            .trim()
                            .trim_start_matches(['#', ';'])
                            .trim();
                        out.push((name, text.to_owned()));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Appends new sections at the end of the file, each with an optional comment line under
    /// its header and its properties in order, separated by blank lines: one pass however
    /// many sections (generating thousands of profiles stays fast).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidEdit`] for a name, key or value the format cannot hold, or a
    /// section that is already there; the document is then unchanged.
    pub fn append_sections(&mut self, sections: &[NewSection<'_>]) -> Result<(), Error> {
        let lines = self.lines()?;
        for new in sections {
            self.check_section(new.section)?;
            if !self.spans(&lines, new.section).is_empty() {
                return Err(invalid(
                    "section",
                    new.section.name(),
                    "it is already in the file",
                ));
            }
            for (key, value) in &new.properties {
                check_key(key)?;
                check_value(value)?;
            }
        }
        drop(lines);
        let nl = self.newline();
        let mut tail = String::new();
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            tail.push_str(nl);
        }
        let blank_before_first = !self.text.trim().is_empty()
            && !format!("{}{tail}", self.text).ends_with(&format!("{nl}{nl}"));
        for (i, new) in sections.iter().enumerate() {
            if i > 0 || blank_before_first {
                tail.push_str(nl);
            }
            tail.push_str(&format!("[{}]{nl}", self.header_text(new.section)));
            if let Some(comment) = new.comment {
                tail.push_str(&format!("# {comment}{nl}"));
            }
            for (key, value) in &new.properties {
                tail.push_str(&format!("{key} = {value}{nl}"));
            }
        }
        self.text.push_str(&tail);
        Ok(())
    }

    /// Removes blank lines at the end of the file, keeping one line ending (after removing a
    /// trailing section, so that runs of blank lines do not pile up).
    pub fn trim_trailing_blank_lines(&mut self) {
        let nl = self.newline();
        let kept = self.text.trim_end_matches(['\n', '\r', ' ', '\t']).len();
        if kept < self.text.len() {
            self.text.truncate(kept);
            if kept > 0 {
                self.text.push_str(nl);
            }
        }
    }

    fn lines(&self) -> Result<Vec<Line<'_>>, Error> {
        // Lines the AWS CLI reads (`key: value`, ...) are edited around like any other; a
        // line nobody can read stops the edit, so that nothing is written where its meaning
        // is unknown.
        let mut lines = Vec::new();
        let mut refused = None;
        let _ = parse::scan(&self.text, parse::Mode::Lenient, |line| {
            if let Some(p) = line.problem
                && !p.read_by_aws_cli
                && refused.is_none()
            {
                refused = Some((line.number, p.message));
            }
            lines.push(line);
        });
        if let Some((line, message)) = refused {
            return Err(ErrorKind::Parse {
                location: Location {
                    path: Arc::from(self.path.as_path()),
                    line,
                },
                message,
            }
            .into());
        }
        Ok(lines)
    }

    /// The sections that define `section`, as the reader would merge them.
    fn spans(&self, lines: &[Line<'_>], section: SectionRef<'_>) -> Vec<Span> {
        let prefixed_default = lines.iter().any(|l| {
            matches!(l.kind, LineKind::Header(h) if classify(h, self.kind) == Class::Profile("default"))
        });
        self.spans_where(lines, |class| match (section, class) {
            (SectionRef::Profile("default"), Class::BareDefault) => !prefixed_default,
            (SectionRef::Profile(n), Class::Profile(m)) => n == m,
            (SectionRef::SsoSession(n), Class::SsoSession(m)) => n == m,
            (SectionRef::Services(n), Class::Services(m)) => n == m,
            _ => false,
        })
    }

    /// The sections whose header class satisfies `matches`.
    fn spans_where(&self, lines: &[Line<'_>], matches: impl Fn(Class<'_>) -> bool) -> Vec<Span> {
        let headers: Vec<(usize, Class<'_>)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.kind {
                LineKind::Header(h) => Some((i, classify(h, self.kind))),
                _ => None,
            })
            .collect();
        headers
            .iter()
            .enumerate()
            .filter(|(_, (_, class))| matches(*class))
            .map(|(h, (header, _))| {
                let next = headers.get(h + 1).map_or(lines.len(), |(i, _)| *i);
                let last_property_end = (header + 1..next)
                    .rev()
                    .find(|&i| {
                        matches!(
                            lines[i].kind,
                            LineKind::Property { .. } | LineKind::Continuation(_)
                        )
                    })
                    .map_or(header + 1, |i| i + 1);
                Span {
                    header: *header,
                    last_property_end,
                }
            })
            .collect()
    }

    fn header_text(&self, section: SectionRef<'_>) -> String {
        match (self.kind, section) {
            (FileKind::Credentials, s) => s.name().to_owned(),
            (FileKind::Config, SectionRef::Profile("default")) => "default".to_owned(),
            (FileKind::Config, SectionRef::Profile(n)) => format!("profile {n}"),
            (FileKind::Config, SectionRef::SsoSession(n)) => format!("sso-session {n}"),
            (FileKind::Config, SectionRef::Services(n)) => format!("services {n}"),
        }
    }

    fn check_section(&self, section: SectionRef<'_>) -> Result<(), Error> {
        if !is_valid_identifier(section.name()) {
            return Err(invalid(
                "section name",
                section.name(),
                "names may hold only letters, digits and - / . % @ _ : +",
            ));
        }
        if self.kind == FileKind::Credentials && !matches!(section, SectionRef::Profile(_)) {
            return Err(invalid(
                "section",
                section.name(),
                "the credentials file holds only profiles",
            ));
        }
        Ok(())
    }

    /// The file's line ending: `\r\n` if its first line ends so, else `\n`.
    fn newline(&self) -> &'static str {
        match self.text.find('\n') {
            Some(i) if i > 0 && self.text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    /// Applies non-overlapping edits (byte range → replacement).
    fn apply(&mut self, mut edits: Vec<(std::ops::Range<usize>, String)>) {
        edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
        for (range, replacement) in edits {
            self.text.replace_range(range, &replacement);
        }
    }
}

/// The index after the last continuation line of the property at `index` (blank and
/// comment lines between continuations belong to it).
fn continuation_end(lines: &[Line<'_>], index: usize) -> usize {
    let mut end = index + 1;
    for (i, line) in lines.iter().enumerate().skip(index + 1) {
        match line.kind {
            LineKind::Continuation(_) => end = i + 1,
            LineKind::Blank | LineKind::Comment => {}
            LineKind::Header(_) | LineKind::Property { .. } => break,
        }
    }
    end
}

fn invalid(what: &'static str, value: &str, reason: &'static str) -> Error {
    ErrorKind::InvalidEdit {
        what,
        value: value.to_owned(),
        reason,
    }
    .into()
}

fn check_key(key: &str) -> Result<(), Error> {
    if is_valid_identifier(key) {
        Ok(())
    } else {
        Err(invalid(
            "key",
            key,
            "keys may hold only letters, digits and - / . % @ _ : +",
        ))
    }
}

fn check_value(value: &str) -> Result<(), Error> {
    if value.contains(['\n', '\r']) {
        return Err(invalid("value", value, "a value must fit on one line"));
    }
    if value.trim() != value {
        return Err(invalid(
            "value",
            value,
            "leading or trailing whitespace would be lost",
        ));
    }
    if parse::comment_start(value, true).is_some() {
        return Err(invalid(
            "value",
            value,
            "' #' or ' ;' would start a comment",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> ConfigDocument {
        ConfigDocument::parse(text, FileKind::Config, "config").expect("valid")
    }

    #[test]
    fn replaces_in_place_and_keeps_the_comment() {
        let mut d = doc("# mine\n[profile dev]\nregion = us-east-1 # home\noutput = json\n");
        d.set(SectionRef::Profile("dev"), "region", "eu-west-1")
            .expect("set");
        assert_eq!(
            d.as_str(),
            "# mine\n[profile dev]\nregion = eu-west-1 # home\noutput = json\n"
        );
    }

    #[test]
    fn new_key_goes_after_the_last_property_not_after_the_next_sections_comment() {
        let mut d = doc("[profile a]\nx = 1\n\n# about b\n[profile b]\n");
        d.set(SectionRef::Profile("a"), "y", "2").expect("set");
        assert_eq!(
            d.as_str(),
            "[profile a]\nx = 1\ny = 2\n\n# about b\n[profile b]\n"
        );
    }

    #[test]
    fn new_section_is_appended_with_the_files_line_ending() {
        let mut d = doc("[default]\r\nregion = us-east-1");
        d.set(SectionRef::SsoSession("corp"), "sso_region", "us-east-1")
            .expect("set");
        assert_eq!(
            d.as_str(),
            "[default]\r\nregion = us-east-1\r\n\r\n[sso-session corp]\r\nsso_region = us-east-1\r\n"
        );
    }

    #[test]
    fn default_profile_edits_the_section_the_reader_uses() {
        let mut d = doc("[default]\nx = 1\n[profile default]\ny = 2\n");
        d.set(SectionRef::Profile("default"), "x", "3")
            .expect("set");
        let set = d.profile_set().expect("parses");
        assert_eq!(set.profile("default").and_then(|p| p.get("x")), Some("3"));
    }

    #[test]
    fn values_that_would_not_read_back_are_refused() {
        let mut d = doc("");
        for bad in ["a\nb", " lead", "x # y"] {
            assert!(
                d.set(SectionRef::Profile("p"), "k", bad).is_err(),
                "{bad:?}"
            );
        }
        assert!(d.set(SectionRef::Profile("bad name"), "k", "v").is_err());
        assert_eq!(d.as_str(), "", "a refused edit changes nothing");
    }

    #[test]
    fn removing_a_section_keeps_its_neighbours_comments() {
        let mut d = doc(
            "[profile a]\nx = 1\n# about b\n[profile b]\n# inside b\ny = 2\n\n# about c\n[profile c]\n",
        );
        assert!(d.remove_section(SectionRef::Profile("b")));
        assert_eq!(
            d.as_str(),
            "[profile a]\nx = 1\n# about b\n\n# about c\n[profile c]\n"
        );
        assert!(!d.remove_section(SectionRef::Profile("b")));
    }

    #[test]
    fn removing_a_key_drops_its_continuations() {
        let mut d = doc(
            "[services s]\nsso =\n  endpoint_url = http://x\n# keep\nsts =\n  endpoint_url = http://y\n",
        );
        assert!(d.remove_key(SectionRef::Services("s"), "sso"));
        assert_eq!(
            d.as_str(),
            "[services s]\n# keep\nsts =\n  endpoint_url = http://y\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config");
        std::fs::write(&path, "[profile a]\nregion = eu-west-1\n").expect("write");
        let mut doc = ConfigDocument::load(&path, FileKind::Config).expect("load");
        doc.set(SectionRef::Profile("b"), "region", "us-east-1")
            .expect("edit");
        // An editor saves the file meanwhile.
        let theirs = "[profile a]\nregion = eu-west-1\n# a note\n";
        std::fs::write(&path, theirs).expect("their write");
        let err = doc.save().expect_err("refused");
        assert!(matches!(err.kind(), ErrorKind::Changed { .. }), "{err}");
        assert!(err.to_string().contains("Run the command again"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), theirs);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary file left");
        // Loaded again, the same edit goes through.
        let mut doc = ConfigDocument::load(&path, FileKind::Config).expect("load");
        doc.set(SectionRef::Profile("b"), "region", "us-east-1")
            .expect("edit");
        doc.save().expect("saved");
        assert!(
            std::fs::read_to_string(&path)
                .expect("read")
                .contains("# a note")
        );

        // A file created by someone else after we found none is not replaced either.
        let fresh = dir.path().join("new-config");
        let mut doc = ConfigDocument::load(&fresh, FileKind::Config).expect("missing is empty");
        doc.set(SectionRef::Profile("c"), "region", "us-east-1")
            .expect("edit");
        std::fs::write(&fresh, "[default]\n").expect("their file");
        assert!(matches!(
            doc.save().expect_err("refused").kind(),
            ErrorKind::Changed { .. }
        ));
    }

    #[test]
    fn save_keeps_mode_and_follows_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("temp dir");
        let real = tmp.path().join("real-config");
        std::fs::write(&real, "[profile a]\nx = 1\n").expect("write");
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let link = tmp.path().join("config");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let mut d = ConfigDocument::load(&link, FileKind::Config).expect("load");
        d.set(SectionRef::Profile("a"), "y", "2").expect("set");
        d.save().expect("save");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("stat")
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(&real).expect("read"),
            "[profile a]\nx = 1\ny = 2\n"
        );
        assert_eq!(atomic::existing_mode(&real), Some(0o640));
    }
}
