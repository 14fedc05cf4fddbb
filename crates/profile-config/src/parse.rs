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

/// Splits `text` into lines (without terminators) with their byte ranges.
fn physical_lines(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        // `str::find` of an ASCII char is the standard library's word-at-a-time search, which
        // needs no CPU feature detection (CPUID is slow in virtual machines, and `prompt`
        // parses the config at every shell prompt).
        let (len, content) = match rest.find('\n') {
            Some(i) => (i + 1, &rest[..i]),
            None => (rest.len(), rest),
        };
        let content = content.strip_suffix('\r').unwrap_or(content);
        let range = start..start + len;
        start += len;
        Some((range, content))
    })
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

/// Scans `text`, calling `visit` for each line in order, and stops at the first error.
pub(crate) fn scan<'a>(text: &'a str, mut visit: impl FnMut(Line<'a>)) -> Result<(), ScanError> {
    #[derive(PartialEq)]
    enum State {
        BeforeSection,
        InSection,
        InProperty { sub_properties: bool },
    }
    let mut state = State::BeforeSection;
    for (index, (range, content)) in physical_lines(text).enumerate() {
        let number = index + 1;
        let fail = |message| {
            Err(ScanError {
                line: number,
                message,
            })
        };
        let kind = if content.trim().is_empty() {
            LineKind::Blank
        } else if content.starts_with(['#', ';']) {
            LineKind::Comment
        } else if content.starts_with('[') {
            let line = strip_comment(content, false);
            let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) else {
                return fail("Profile definition must end with ']'");
            };
            state = State::InSection;
            LineKind::Header(inner.trim())
        } else if content.starts_with(WHITESPACE) {
            let text = content.trim();
            match state {
                State::BeforeSection => return fail("Expected a profile definition"),
                State::InSection => {
                    return fail("Expected a property definition, found continuation");
                }
                State::InProperty {
                    sub_properties: true,
                } => match split_property(text) {
                    None => return fail("Expected an '=' sign defining a sub-property"),
                    Some(("", _)) => return fail("Sub-property did not have a name"),
                    Some(_) => {}
                },
                State::InProperty {
                    sub_properties: false,
                } => {}
            }
            LineKind::Continuation(text)
        } else {
            if state == State::BeforeSection {
                return fail("Expected a profile definition");
            }
            let line = strip_comment(content, true);
            let Some((key, value)) = split_property(line) else {
                return fail("Expected an '=' sign defining a property");
            };
            if key.is_empty() {
                return fail("Property did not have a name");
            }
            state = State::InProperty {
                sub_properties: value.is_empty(),
            };
            LineKind::Property { key, value }
        };
        visit(Line {
            number,
            range,
            kind,
        });
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
        scan(text, |line| out.push(line.kind)).expect("valid text");
        out
    }

    #[test]
    fn ranges_cover_every_byte() {
        let text = "[profile a]\r\nx = 1\n\n# c\n y";
        let mut covered = String::new();
        scan(text, |line| covered.push_str(&text[line.range])).expect("valid text");
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
        let err = scan("[p]\nk = v\n\nbroken", |_| {}).expect_err("no equals sign");
        assert_eq!(err.line, 4);
        assert_eq!(err.message, "Expected an '=' sign defining a property");
    }
}
