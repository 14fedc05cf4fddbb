//! The line scanner of the AWS profile-file format.
//!
//! One pass over the text, one [`Line`] per physical line, with the byte range it covers
//! (line terminator included) so that the lossless editor can keep every byte it does not
//! change, and the reader can build profiles from the same classification. The rules are the
//! cross-SDK ones (the smithy-rs profile-parser suite): comments start a line with `#` or `;`,
//! or follow whitespace on a property line, or follow anything on a section line; a line that
//! starts with a space or tab continues the previous property; a property whose value is empty
//! takes the indented lines after it as `name = value` sub-properties.

/// What one physical line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineKind<'a> {
    /// Only whitespace.
    Blank,
    /// A whole-line comment.
    Comment,
    /// `[...]`: the text between the brackets, trimmed.
    Header(&'a str),
    /// `key = value`: the key trimmed (original case), the value trimmed and without comment.
    Property { key: &'a str, value: &'a str },
    /// An indented line continuing the last property, trimmed.
    Continuation(&'a str),
}

/// One physical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// Byte range in the text, terminator included.
    pub range: std::ops::Range<usize>,
    /// The classification.
    pub kind: LineKind<'a>,
    /// What the cross-SDK rules refuse on this line (only in [`Mode::Lenient`]; a strict scan
    /// stops there instead).
    pub problem: Option<Problem>,
}

/// A line the cross-SDK rules refuse, and what a lenient reading made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Problem {
    /// What is wrong, in the words of the cross-SDK suite.
    pub message: &'static str,
    /// The AWS CLI reads the line anyway (as `kind` says): a warning. Otherwise the section
    /// the line is in cannot be trusted and is invalid (or, before any section, the line is
    /// skipped).
    pub read_by_aws_cli: bool,
    /// For a line the AWS CLI reads: what is unusual about it, in a user's words.
    pub note: &'static str,
    /// For a line the AWS CLI reads: what other SDKs make of it, and how to write it for all.
    pub fix: &'static str,
}

/// How lines the cross-SDK rules refuse are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The first one is an error (the cross-SDK conformance behaviour).
    Strict,
    /// Each is reported on its line ([`Line::problem`]) and the scan goes on: what the AWS
    /// CLI reads is read the same way, the rest is left to invalidate its section.
    Lenient,
}

/// A line the format does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in the words of the cross-SDK suite.
    pub message: &'static str,
}

const WHITESPACE: [char; 2] = [' ', '\t'];

/// The lines of `text` (without terminators), numbered from 1, with their byte ranges. A
/// byte-order mark at the start of the text is not part of the first line's content (it stays
/// in its range).
struct PhysicalLines<'a> {
    text: &'a str,
    /// Where the next line starts.
    start: usize,
    /// The number of the line last returned.
    number: usize,
    /// The text ends some line with a carriage return alone (an old Mac's line ending), which
    /// the AWS CLI (Python's universal newlines) reads as a line break.
    lone_cr: bool,
    /// The line last returned ended so.
    ended_by_lone_cr: bool,
}

impl<'a> PhysicalLines<'a> {
    fn new(text: &'a str) -> Self {
        // One word-at-a-time search in the common case: no `\r` at all.
        let lone_cr = text.contains('\r')
            && text
                .as_bytes()
                .iter()
                .enumerate()
                .any(|(i, &b)| b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'));
        Self {
            text,
            start: 0,
            number: 0,
            lone_cr,
            ended_by_lone_cr: false,
        }
    }
}

impl<'a> Iterator for PhysicalLines<'a> {
    /// The line's number, its byte range (terminator included) and its content.
    type Item = (usize, std::ops::Range<usize>, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.start;
        if start >= self.text.len() {
            return None;
        }
        let rest = &self.text[start..];
        // `str::find` of an ASCII char is the standard library's word-at-a-time search, which
        // needs no CPU feature detection (CPUID is slow in virtual machines, and `prompt`
        // parses the config at every shell prompt).
        self.ended_by_lone_cr = false;
        let (len, content) = if self.lone_cr {
            match rest.find(['\n', '\r']) {
                Some(i) if rest[i..].starts_with("\r\n") => (i + 2, &rest[..i]),
                Some(i) => {
                    self.ended_by_lone_cr = rest.as_bytes()[i] == b'\r';
                    (i + 1, &rest[..i])
                }
                None => (rest.len(), rest),
            }
        } else {
            match rest.find('\n') {
                Some(i) => (i + 1, &rest[..i]),
                None => (rest.len(), rest),
            }
        };
        let content = content.strip_suffix('\r').unwrap_or(content);
        let content = if start == 0 {
            content.strip_prefix('\u{feff}').unwrap_or(content)
        } else {
            content
        };
        self.start += len;
        self.number += 1;
        Some((self.number, start..start + len, content))
    }
}

impl PhysicalLines<'_> {
    /// Passes over the lines up to the next one that starts with `[` (the next section
    /// header, whatever the lines before it hold), counting them. Kept out of line: the scan
    /// that reads every line stays as tight as before.
    #[inline(never)]
    fn skip_to_header(&mut self) {
        if self.lone_cr {
            // Line by line: a header may follow a carriage return alone.
            while self.start < self.text.len() && !self.text[self.start..].starts_with('[') {
                self.next();
            }
            return;
        }
        let rest = &self.text[self.start..];
        let mut from = 0;
        // `[` is rare inside a section, so its word-at-a-time search mostly lands on the next
        // header at once; a `[` inside a line is passed over.
        let end = loop {
            match rest[from..].find('[') {
                Some(i) if from + i == 0 || rest.as_bytes()[from + i - 1] == b'\n' => {
                    break from + i;
                }
                Some(i) => from += i + 1,
                None => break rest.len(),
            }
        };
        self.number += rest.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.start += end;
    }
}

/// Byte offset of the comment that ends `line`, if any. On property lines a comment must
/// follow whitespace (`a = b#c` keeps `#c`); on section lines it may follow anything.
pub(crate) fn comment_start(line: &str, comment_needs_whitespace: bool) -> Option<usize> {
    line.match_indices(['#', ';']).map(|(i, _)| i).find(|&i| {
        !comment_needs_whitespace
            || line[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
    })
}

/// Removes a trailing comment and surrounding whitespace.
fn strip_comment(line: &str, comment_needs_whitespace: bool) -> &str {
    let line = line.trim();
    match comment_start(line, comment_needs_whitespace) {
        Some(i) => line[..i].trim_end(),
        None => line,
    }
}

/// Splits `key = value`, both trimmed; `None` when there is no `=`.
pub(crate) fn split_property(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once('=')?;
    Some((key.trim_matches(WHITESPACE), value.trim_matches(WHITESPACE)))
}

/// `key: value`, which the AWS CLI (Python's `configparser`) reads as `key = value`; only for
/// a line without `=`.
fn split_colon_property(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim_matches(WHITESPACE);
    (!key.is_empty() && !line.contains('=')).then(|| (key, value.trim_matches(WHITESPACE)))
}

/// What [`scan_sections`] does with the lines of the section that a header opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    /// Scan them.
    Read,
    /// Pass over them, unread and unchecked, to the next header: for a reader that does not
    /// want the section (never in [`Mode::Strict`], which must see every line).
    Skip,
}

/// Scans `text`, calling `visit` for each line in order. In [`Mode::Strict`] it stops at the
/// first line the cross-SDK rules refuse; in [`Mode::Lenient`] it never fails.
pub(crate) fn scan<'a>(
    text: &'a str,
    mode: Mode,
    mut visit: impl FnMut(Line<'a>),
) -> Result<(), ScanError> {
    scan_sections(text, mode, |line| {
        visit(line);
        Body::Read
    })
}

/// Like [`scan`], but after each header `visit` says whether the section's lines are to be
/// read or passed over ([`Body::Skip`]: none of them is visited, and the scan goes on at the
/// next line that starts with `[`). What `visit` answers for other lines is not used.
pub(crate) fn scan_sections<'a>(
    text: &'a str,
    mode: Mode,
    mut visit: impl FnMut(Line<'a>) -> Body,
) -> Result<(), ScanError> {
    #[derive(PartialEq)]
    enum State {
        BeforeSection,
        InSection,
        InProperty { sub_properties: bool },
    }
    let mut state = State::BeforeSection;
    // How far the last property line was indented: a line indented no further is a setting
    // of its own, as the AWS CLI (Python's configparser) reads it, not its continuation.
    let mut property_indent = 0usize;
    let mut lines = PhysicalLines::new(text);
    let mut lone_cr_said = false;
    while let Some((number, range, content)) = lines.next() {
        let refused = |message| Problem {
            message,
            read_by_aws_cli: false,
            note: "",
            fix: "",
        };
        let tolerated = |message, note, fix| Problem {
            message,
            read_by_aws_cli: true,
            note,
            fix,
        };
        const REFUSED: &str =
            "other AWS SDKs refuse this line; write it as `key = value` at the start of the line";
        let (kind, problem) = if content.trim().is_empty() {
            (LineKind::Blank, None)
        } else if content.starts_with(['#', ';']) {
            (LineKind::Comment, None)
        } else if content.starts_with('[') {
            let line = strip_comment(content, false);
            state = State::InSection;
            match line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                Some(inner) => (LineKind::Header(inner.trim()), None),
                None => (
                    LineKind::Header(line.trim_start_matches('[').trim()),
                    Some(refused("Profile definition must end with ']'")),
                ),
            }
        } else if content.starts_with(WHITESPACE) {
            let text = content.trim();
            let indent = content.len() - content.trim_start_matches(WHITESPACE).len();
            // An indented `key = value` the AWS CLI (Python's configparser) reads as a setting
            // of its own: right under a header, or indented no further than an indented
            // setting above it. Other SDKs refuse the first and continue the value with the
            // second.
            let own_setting = match state {
                State::InSection => Some((
                    "a setting indented right under its section header",
                    REFUSED,
                )),
                State::InProperty { .. } if property_indent > 0 && indent <= property_indent => {
                    Some((
                        "a setting indented like the one above it",
                        "other AWS SDKs read it as the value of the setting above; write it at the start of the line",
                    ))
                }
                _ => None,
            }
            .and_then(|why| {
                split_property(text)
                    .or_else(|| split_colon_property(text))
                    .filter(|(k, _)| !k.is_empty())
                    .map(|kv| (kv, why))
            });
            if let Some(((key, value), (note, fix))) = own_setting {
                state = State::InProperty {
                    sub_properties: value.is_empty(),
                };
                property_indent = indent;
                (
                    LineKind::Property { key, value },
                    Some(tolerated(
                        "Expected a property definition, found continuation",
                        note,
                        fix,
                    )),
                )
            } else {
                match state {
                    State::BeforeSection => (
                        LineKind::Continuation(text),
                        Some(refused("Expected a profile definition")),
                    ),
                    State::InSection => (
                        LineKind::Continuation(text),
                        Some(refused(
                            "Expected a property definition, found continuation",
                        )),
                    ),
                    State::InProperty {
                        sub_properties: true,
                    } => match split_property(text) {
                        None => (
                            LineKind::Continuation(text),
                            Some(refused("Expected an '=' sign defining a sub-property")),
                        ),
                        Some(("", _)) => (
                            LineKind::Continuation(text),
                            Some(refused("Sub-property did not have a name")),
                        ),
                        Some(_) => (LineKind::Continuation(text), None),
                    },
                    State::InProperty {
                        sub_properties: false,
                    } => (LineKind::Continuation(text), None),
                }
            }
        } else if state == State::BeforeSection {
            (
                LineKind::Continuation(content.trim()),
                Some(refused("Expected a profile definition")),
            )
        } else {
            let line = strip_comment(content, true);
            match split_property(line) {
                Some(("", _)) => (
                    LineKind::Continuation(line),
                    Some(refused("Property did not have a name")),
                ),
                Some((key, value)) => {
                    state = State::InProperty {
                        sub_properties: value.is_empty(),
                    };
                    property_indent = 0;
                    (LineKind::Property { key, value }, None)
                }
                None => match split_colon_property(line) {
                    Some((key, value)) => {
                        state = State::InProperty {
                            sub_properties: value.is_empty(),
                        };
                        property_indent = 0;
                        (
                            LineKind::Property { key, value },
                            Some(tolerated(
                                "Expected an '=' sign defining a property",
                                "':' instead of '='",
                                REFUSED,
                            )),
                        )
                    }
                    None => (
                        LineKind::Continuation(line),
                        Some(refused("Expected an '=' sign defining a property")),
                    ),
                },
            }
        };
        // The first line a carriage return alone ends: read as the AWS CLI reads it, and said
        // once (other SDKs read such a file as one line).
        let problem = match problem {
            None if lines.ended_by_lone_cr && !lone_cr_said => {
                lone_cr_said = true;
                Some(tolerated(
                    "Line ends with a carriage return alone",
                    "lines ending with a carriage return alone",
                    "other AWS SDKs read the whole file as one line; save it with LF (or CRLF) line endings",
                ))
            }
            other => other,
        };
        if let (Mode::Strict, Some(p)) = (mode, problem) {
            return Err(ScanError {
                line: number,
                message: p.message,
            });
        }
        let header = matches!(kind, LineKind::Header(_));
        let body = visit(Line {
            number,
            range,
            kind,
            problem,
        });
        if header && body == Body::Skip {
            lines.skip_to_header();
        }
    }
    Ok(())
}

/// Whether `name` may name a profile, session, services section or property: ASCII letters
/// and digits and `- / . % @ _ : +`.
pub(crate) fn is_valid_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '%' | '@' | '_' | ':' | '+')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<LineKind<'_>> {
        let mut out = Vec::new();
        scan(text, Mode::Strict, |line| out.push(line.kind)).expect("valid text");
        out
    }

    #[test]
    fn ranges_cover_every_byte() {
        let text = "[profile a]\r\nx = 1\n\n# c\n y";
        let mut covered = String::new();
        scan(text, Mode::Strict, |line| {
            covered.push_str(&text[line.range])
        })
        .expect("valid text");
        assert_eq!(covered, text);
    }

    #[test]
    fn comments_on_property_lines_need_whitespace() {
        assert_eq!(
            kinds("[p]\nurl = https://x#frag\nk = v # note"),
            vec![
                LineKind::Header("p"),
                LineKind::Property {
                    key: "url",
                    value: "https://x#frag"
                },
                LineKind::Property {
                    key: "k",
                    value: "v"
                },
            ]
        );
    }

    #[test]
    fn errors_carry_the_line_number() {
        let err = scan("[p]\nk = v\n\nbroken", Mode::Strict, |_| {}).expect_err("no equals sign");
        assert_eq!(err.line, 4);
        assert_eq!(err.message, "Expected an '=' sign defining a property");
    }

    fn lenient(text: &str) -> Vec<(LineKind<'_>, Option<Problem>)> {
        let mut out = Vec::new();
        scan(text, Mode::Lenient, |line| {
            out.push((line.kind, line.problem))
        })
        .expect("never fails");
        out
    }

    #[test]
    fn a_lenient_scan_reads_what_the_aws_cli_reads_and_flags_the_rest() {
        let lines = lenient("\u{feff}[p]\n  region = x\nout: json\nbroken\n[q\nk = v\n");
        assert_eq!(
            lines[0],
            (LineKind::Header("p"), None),
            "the BOM is skipped"
        );
        assert_eq!(
            lines[1].0,
            LineKind::Property {
                key: "region",
                value: "x"
            }
        );
        assert!(lines[1].1.is_some_and(|p| p.read_by_aws_cli));
        assert_eq!(
            lines[2].0,
            LineKind::Property {
                key: "out",
                value: "json"
            }
        );
        assert!(lines[2].1.is_some_and(|p| p.read_by_aws_cli));
        assert!(lines[3].1.is_some_and(|p| !p.read_by_aws_cli), "no = nor :");
        assert_eq!(lines[4].0, LineKind::Header("q"));
        assert!(
            lines[4].1.is_some_and(|p| !p.read_by_aws_cli),
            "unterminated"
        );
        assert_eq!(lines[5].1, None);
    }

    #[test]
    fn settings_indented_alike_are_settings_as_the_aws_cli_reads_them() {
        let lines = lenient("[p]\n  a = 1\n  b = 2\n    more\n[q]\nc = 3\n  d = 4\n");
        let kinds: Vec<&LineKind<'_>> = lines.iter().map(|(k, _)| k).collect();
        assert_eq!(
            kinds[1],
            &LineKind::Property {
                key: "a",
                value: "1"
            }
        );
        assert_eq!(
            kinds[2],
            &LineKind::Property {
                key: "b",
                value: "2"
            }
        );
        assert!(
            lines[2]
                .1
                .is_some_and(|p| p.read_by_aws_cli && p.note.contains("indented like"))
        );
        assert_eq!(
            kinds[3],
            &LineKind::Continuation("more"),
            "indented further: b's value"
        );
        // Under a setting that is not indented, an indented line continues it, in every SDK.
        assert_eq!(kinds[6], &LineKind::Continuation("d = 4"));
        assert_eq!(lines[6].1, None);
    }

    #[test]
    fn a_carriage_return_alone_ends_a_line_as_the_aws_cli_reads_it() {
        let text = "[profile a]\rregion = x\r\r[profile b]\r\nk = v\rlast = 1";
        let mut numbers = Vec::new();
        let mut kinds = Vec::new();
        let mut problems = Vec::new();
        scan(text, Mode::Lenient, |line| {
            numbers.push(line.number);
            problems.push(line.problem);
            kinds.push(line.kind);
        })
        .expect("never fails");
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
        assert_eq!(kinds[0], LineKind::Header("profile a"));
        assert_eq!(
            kinds[1],
            LineKind::Property {
                key: "region",
                value: "x"
            }
        );
        assert_eq!(kinds[2], LineKind::Blank);
        assert_eq!(kinds[3], LineKind::Header("profile b"));
        assert_eq!(
            kinds[4],
            LineKind::Property {
                key: "k",
                value: "v"
            }
        );
        assert_eq!(
            kinds[5],
            LineKind::Property {
                key: "last",
                value: "1"
            }
        );
        assert!(
            problems[0].is_some_and(|p| p.read_by_aws_cli),
            "said once, on the first"
        );
        assert!(problems[1..].iter().all(Option::is_none));
        // Skipping a section finds the next header after a carriage return too.
        let mut headers = Vec::new();
        scan_sections(text, Mode::Lenient, |line| {
            if let LineKind::Header(h) = line.kind {
                headers.push((h, line.number));
            }
            if matches!(line.kind, LineKind::Header("profile a")) {
                Body::Skip
            } else {
                Body::Read
            }
        })
        .expect("never fails");
        assert_eq!(headers, [("profile a", 1), ("profile b", 4)]);
    }
}
