//! The timestamp forms found in cache files.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Parses a cache timestamp. Accepts RFC 3339 (`Z` or an offset, with or without fractional
/// seconds up to nanoseconds, either case), a space instead of `T`, botocore's old
/// `2021-12-11T07:18:18UTC`, offsets without a colon (`+0000`, `+01`, as `strftime`'s `%z`
/// writes them), a timestamp with no zone (taken as UTC), and Unix time in seconds or
/// milliseconds (as `GetRoleCredentials` returns it).
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    // In UTC, so that every timestamp read can be compared, printed and written; one that has
    // no UTC form (`9999-12-31T23:59:59-01:00`) is not a timestamp.
    parse_any_offset(text)?.checked_to_offset(UtcOffset::UTC)
}

fn parse_any_offset(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return from_unix(text.parse().ok()?);
    }
    let upper = text.to_ascii_uppercase();
    let mut normalized = match upper.strip_suffix("UTC") {
        Some(head) => format!("{}Z", head.trim_end()),
        None => upper,
    };
    if normalized.as_bytes().get(10) == Some(&b' ') {
        normalized.replace_range(10..11, "T");
    }
    add_offset_colon(&mut normalized);
    if let Ok(t) = OffsetDateTime::parse(&normalized, &Rfc3339) {
        return Some(t);
    }
    let naive = format_description!(
        version = 2,
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    PrimitiveDateTime::parse(&normalized, naive)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// Unix time in seconds, or in milliseconds when it is too large for seconds of this era.
pub fn from_unix(n: i64) -> Option<OffsetDateTime> {
    if n.unsigned_abs() >= 100_000_000_000 {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(n) * 1_000_000).ok()
    } else {
        OffsetDateTime::from_unix_timestamp(n).ok()
    }
}

/// `...+0100` → `...+01:00`, `...+01` → `...+01:00` (after the time of day).
fn add_offset_colon(text: &mut String) {
    let Some(t) = text.find('T') else { return };
    let Some(sign) = text[t..].rfind(['+', '-']).map(|i| i + t) else {
        return;
    };
    let tail = &text[sign + 1..];
    if !tail.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    match tail.len() {
        4 => text.insert(sign + 3, ':'),
        2 => text.push_str(":00"),
        _ => {}
    }
}

/// Formats as the AWS CLI v2 writes: `%Y-%m-%dT%H:%M:%SZ`, in UTC, whole seconds.
pub fn format(t: OffsetDateTime) -> String {
    let utc = t.to_offset(UtcOffset::UTC);
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    utc.format(fmt)
        .expect("a UTC date in the year range of the format always formats")
}

/// Formats as Python's `datetime.isoformat()` of a UTC time, as `aws configure
/// export-credentials` writes `Expiration`: `%Y-%m-%dT%H:%M:%S+00:00`, whole seconds.
pub fn isoformat(t: OffsetDateTime) -> String {
    let utc = t.to_offset(UtcOffset::UTC);
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    utc.format(fmt)
        .expect("a UTC date in the year range of the format always formats")
}

/// A span of time as every command prints it, rounded down so that it never promises more
/// than there is: `40s`, `12m`, `7h05m`. Negative spans print as `0s`.
pub fn human_duration(d: time::Duration) -> String {
    let seconds = d.whole_seconds().max(0);
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn every_form_the_cli_or_botocore_wrote() {
        let want = datetime!(2021-12-11 07:18:18 UTC);
        for text in [
            "2021-12-11T07:18:18Z",
            "2021-12-11T07:18:18UTC",
            "2021-12-11T07:18:18+00:00",
            "2021-12-11T08:18:18+01:00",
            "2021-12-11 07:18:18+00:00",
            "2021-12-11T07:18:18",
            "2021-12-11t07:18:18z",
            "2021-12-11T07:18:18+0000",
            "2021-12-11T08:18:18+0100",
            "2021-12-11T08:18:18+01",
            "2021-12-11T02:18:18-0500",
            "2021-12-11T07:18:18 UTC",
            "2021-12-11T07:18:18.000000000Z",
            "1639207098",
            "1639207098000",
        ] {
            assert_eq!(parse(text), Some(want), "{text}");
        }
        assert_eq!(
            parse("2021-12-11T07:18:18.250Z").map(|t| t.millisecond()),
            Some(250)
        );
        for bad in [
            "tomorrow",
            "",
            "99999999999999999999999",
            "2021-13-45T99:99:99Z",
            "2021-12-11T07:18:18+9999",
            "9999-12-31T23:59:59-01:00",
            "\u{0}\u{feff}",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(from_unix(i64::MAX), None);
        assert_eq!(from_unix(i64::MIN), None);
    }

    #[test]
    fn durations_read_like_a_clock_and_never_round_up() {
        use time::Duration;
        assert_eq!(human_duration(Duration::seconds(40)), "40s");
        assert_eq!(human_duration(Duration::seconds(12 * 60 + 59)), "12m");
        assert_eq!(
            human_duration(Duration::seconds(7 * 3600 + 5 * 60)),
            "7h05m"
        );
        assert_eq!(
            human_duration(Duration::hours(8) - Duration::milliseconds(1)),
            "7h59m"
        );
        assert_eq!(human_duration(Duration::seconds(-5)), "0s");
    }

    #[test]
    fn writes_whole_seconds_in_utc() {
        assert_eq!(
            format(datetime!(2021-12-11 08:18:18.9 +01:00)),
            "2021-12-11T07:18:18Z"
        );
    }
}
