//! A string that must not be shown.

use std::fmt;

use zeroize::Zeroizing;

/// A token, client secret, key or verifier. `Debug` and `Display` print `<redacted>`; the
/// memory is zeroed when the value is dropped. The only way to the text is
/// [`Secret::expose`], so every place that sends or writes a secret says so.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret text, for sending it where it belongs.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `other` is this secret, compared in constant time (for a value an attacker
    /// sends: a loopback `state`, a bearer token), so timing reveals nothing about it.
    pub fn matches(&self, other: &[u8]) -> bool {
        subtle::ConstantTimeEq::ct_eq(self.0.as_bytes(), other).into()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("aoa-very-secret-token");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
        assert_eq!(s.expose(), "aoa-very-secret-token");
    }

    #[test]
    fn matches_only_the_same_bytes() {
        let s = Secret::new("state-123");
        assert!(s.matches(b"state-123"));
        assert!(!s.matches(b"state-124"));
        assert!(!s.matches(b"state-12"));
        assert!(!s.matches(b""));
    }
}
