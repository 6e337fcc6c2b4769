//! The numeric flags `portals-bench` and `portals-bench peers` both take, parsed and bounded in
//! one place: a number of seconds within a range, and a number of rounds (1 to 20).

use std::ops::RangeInclusive;
use std::time::Duration;

/// `value` as seconds within `range`, or the error naming `name` and the range.
pub fn seconds(name: &str, value: &str, range: RangeInclusive<f64>) -> Result<Duration, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| range.contains(s))
        .map(Duration::from_secs_f64)
        .ok_or(format!(
            "{name}: seconds, {} to {}",
            range.start(),
            range.end()
        ))
}

/// `value` as a number of rounds, 1 to 20.
pub fn rounds(value: &str) -> Result<usize, String> {
    value
        .parse()
        .ok()
        .filter(|n| (1..=20).contains(n))
        .ok_or_else(|| "--rounds: 1 to 20".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_rounds_are_bounded() {
        assert_eq!(
            seconds("--window", "0.5", 0.05..=60.0),
            Ok(Duration::from_millis(500))
        );
        assert!(
            seconds("--window", "61", 0.05..=60.0)
                .unwrap_err()
                .contains("0.05 to 60")
        );
        assert!(seconds("--window", "x", 0.05..=60.0).is_err());
        assert_eq!(rounds("3"), Ok(3));
        assert!(rounds("0").is_err() && rounds("21").is_err());
    }
}
