//! The clock: real time by default, or fixed at an instant so that the same calls on the same
//! fixtures give the same bodies. Timestamps are printed as Zoho prints them: ISO 8601 with the
//! org's offset and no fractional seconds (`2023-02-07T20:13:20+05:30`).

use std::sync::Mutex;

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Where "now" comes from. Shared by every request.
#[derive(Debug, Default)]
pub struct Clock {
    /// `Some(t)`: the clock stands at Unix second `t`; `None`: real time.
    fixed: Mutex<Option<i64>>,
}

impl Clock {
    /// A clock that follows real time.
    pub fn real() -> Clock {
        Clock::default()
    }

    /// A clock fixed at Unix second `at`.
    pub fn fixed(at: i64) -> Clock {
        Clock {
            fixed: Mutex::new(Some(at)),
        }
    }

    /// Whether the clock stands still (`--clock`).
    pub fn is_fixed(&self) -> bool {
        self.fixed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some()
    }

    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        match *self
            .fixed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
        {
            Some(at) => at,
            // Whole seconds since the epoch, without building a calendar date first.
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .and_then(|since| i64::try_from(since.as_secs()).ok())
                .unwrap_or_else(|| OffsetDateTime::now_utc().unix_timestamp()),
        }
    }
}

/// Now in an org's clock: `setting` is the org's `(fixed, shift)` (see `store::orgs::clock`);
/// the org stands at `fixed` or runs with the server (`server_now`), plus `shift` seconds.
pub fn org_time(server_now: i64, setting: Option<(Option<i64>, i64)>) -> i64 {
    match setting {
        Some((fixed, shift)) => fixed.unwrap_or(server_now).saturating_add(shift),
        None => server_now,
    }
}

/// Parses an RFC 3339 timestamp (`2023-02-07T20:13:20+05:30` or `…Z`) into Unix seconds.
pub fn parse_timestamp(text: &str) -> Result<i64, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|error| format!("{text:?} is not an RFC 3339 timestamp: {error}"))
}

/// Parses an offset written `+05:30`, `-08:00` or `Z`.
pub fn parse_offset(text: &str) -> Result<UtcOffset, String> {
    if text == "Z" {
        return Ok(UtcOffset::UTC);
    }
    let bad = || format!("{text:?} is not a UTC offset like +05:30");
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1i8, &text[1..]),
        Some(b'-') => (-1i8, &text[1..]),
        _ => return Err(bad()),
    };
    let (hours, minutes) = rest.split_once(':').ok_or_else(bad)?;
    let hours: i8 = hours.parse().map_err(|_| bad())?;
    let minutes: i8 = minutes.parse().map_err(|_| bad())?;
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).map_err(|_| bad())
}

/// Formats Unix seconds as Zoho does, in the given offset.
pub fn format_timestamp(unix: i64, offset: UtcOffset) -> String {
    let at = OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset);
    let (hours, minutes, _) = offset.as_hms();
    let sign = if hours < 0 || minutes < 0 { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        hours.unsigned_abs(),
        minutes.unsigned_abs(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_in_the_org_offset() {
        let text = "2023-02-07T20:13:20+05:30";
        let unix = parse_timestamp(text).unwrap();
        let offset = parse_offset("+05:30").unwrap();
        assert_eq!(format_timestamp(unix, offset), text);
        assert_eq!(
            format_timestamp(unix, parse_offset("-03:30").unwrap()),
            "2023-02-07T11:13:20-03:30"
        );
        assert_eq!(
            format_timestamp(unix, parse_offset("Z").unwrap()),
            "2023-02-07T14:43:20+00:00"
        );
    }

    #[test]
    fn bad_offsets_and_timestamps_are_refused_with_the_text() {
        assert!(parse_offset("05:30").unwrap_err().contains("05:30"));
        assert!(
            parse_timestamp("yesterday")
                .unwrap_err()
                .contains("yesterday")
        );
    }

    #[test]
    fn a_fixed_clock_stands_still() {
        let clock = Clock::fixed(1_675_781_000);
        assert_eq!(clock.now(), 1_675_781_000);
        assert!(Clock::real().now() > 1_675_781_000);
    }
}
