//! Latency samples and their summary: nearest-rank percentiles over every recorded request.

use std::time::Duration;

/// What one measurement window recorded: every request's latency (microseconds), the errors,
/// and the window's length.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    /// One latency per successful request, in microseconds.
    pub latencies_us: Vec<u32>,
    /// Failed requests: an unexpected status, a malformed answer, or a connection error.
    pub errors: u64,
    /// The first error seen, to explain the count.
    pub first_error: Option<String>,
    /// How long the window lasted.
    pub elapsed: Duration,
}

impl Samples {
    /// Records one successful request.
    pub fn ok(&mut self, latency: Duration) {
        let us = u32::try_from(latency.as_micros()).unwrap_or(u32::MAX);
        self.latencies_us.push(us);
    }

    /// Records one failed request.
    pub fn error(&mut self, why: impl Into<String>) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(why.into());
        }
    }

    /// Adds another window's samples (the windows' lengths add up too).
    pub fn merge(&mut self, other: Samples) {
        self.latencies_us.extend(other.latencies_us);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.elapsed += other.elapsed;
    }

    /// The summary of these samples.
    pub fn summary(&self) -> Summary {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let secs = self.elapsed.as_secs_f64();
        Summary {
            requests: sorted.len() as u64,
            errors: self.errors,
            rps: if secs > 0.0 {
                sorted.len() as f64 / secs
            } else {
                0.0
            },
            p50_us: percentile(&sorted, 50.0),
            p99_us: percentile(&sorted, 99.0),
            max_us: sorted.last().copied().unwrap_or(0),
        }
    }
}

/// Throughput and latency of one measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Successful requests.
    pub requests: u64,
    /// Failed requests.
    pub errors: u64,
    /// Successful requests per second.
    pub rps: f64,
    /// Median latency, microseconds.
    pub p50_us: u32,
    /// 99th percentile latency, microseconds.
    pub p99_us: u32,
    /// Largest latency, microseconds.
    pub max_us: u32,
}

/// The nearest-rank percentile `p` (0–100] of sorted values: the smallest value at or below
/// which at least `p`% of the values lie. 0 for no values.
pub fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of some durations (the upper one of an even count); zero for none.
pub fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// Microseconds as milliseconds with 2 decimals.
pub fn ms(us: u32) -> String {
    format!("{:.2}", f64::from(us) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), 50);
        assert_eq!(percentile(&values, 99.0), 99);
        assert_eq!(percentile(&values, 100.0), 100);
        assert_eq!(percentile(&values, 0.1), 1);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
        // 99th of 10 values: rank ceil(9.9) = 10, the largest.
        let ten: Vec<u32> = (1..=10).collect();
        assert_eq!(percentile(&ten, 99.0), 10);
        assert_eq!(percentile(&ten, 50.0), 5);
    }

    #[test]
    fn summary_counts_rates_and_errors() {
        let mut samples = Samples::default();
        for us in [300u64, 100, 200, 400] {
            samples.ok(Duration::from_micros(us));
        }
        samples.error("status 500");
        samples.elapsed = Duration::from_secs(2);
        let mut more = Samples::default();
        more.ok(Duration::from_micros(1000));
        more.error("reset");
        more.elapsed = Duration::from_secs(3);
        samples.merge(more);
        let summary = samples.summary();
        assert_eq!(summary.requests, 5);
        assert_eq!(summary.errors, 2);
        assert!((summary.rps - 1.0).abs() < 1e-9);
        assert_eq!(summary.p50_us, 300);
        assert_eq!(summary.p99_us, 1000);
        assert_eq!(summary.max_us, 1000);
        assert_eq!(samples.first_error.as_deref(), Some("status 500"));
    }

    #[test]
    fn medians_and_milliseconds() {
        let d = |ms| Duration::from_millis(ms);
        assert_eq!(median(&[d(9), d(1), d(5)]), d(5));
        assert_eq!(median(&[]), Duration::ZERO);
        assert_eq!(ms(1234), "1.23");
        assert_eq!(ms(50), "0.05");
    }
}
