//! API limits as Zoho enforces them, when enabled (`--enforce-limits`, or per org through the
//! control plane): API credits per rolling 24-hour window and concurrent requests, both by
//! edition (docs/api.md §2.5). Every `/crm/` call costs one credit.
//!
//! | edition | credits per 24 h | concurrency |
//! |---|---|---|
//! | Free | 5,000 | 5 |
//! | Standard / Starter | 50,000 + 250 per user, at most 100,000 | 10 |
//! | Professional | 50,000 + 500 per user, at most 3,000,000 | 15 |
//! | Enterprise / Zoho One | 50,000 + 1,000 per user, at most 5,000,000 | 20 |
//! | Ultimate / CRM Plus | 50,000 + 2,000 per user | 25 |
//!
//! Credits are counted per minute of the org's clock, so advancing the org's clock by a day frees
//! them, as the rolling window does. The control plane can set an org's allowance lower (to test
//! what an integration does when it runs out) and read what is used.

pub(super) mod routes;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::{Value, json};

/// The rolling window, in seconds.
pub const WINDOW_SECONDS: i64 = 24 * 3600;

/// What an org may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Credits per rolling 24 hours.
    pub credits: u64,
    /// Requests at once.
    pub concurrency: usize,
}

/// The allowance of an edition with `users` CRM users.
pub fn allowance(edition: &str, users: u64) -> Allowance {
    let per_user = |base: u64, each: u64, cap: Option<u64>| {
        let credits = base.saturating_add(users.saturating_mul(each));
        cap.map_or(credits, |cap| credits.min(cap))
    };
    match edition.to_ascii_lowercase().as_str() {
        "free" => Allowance {
            credits: 5_000,
            concurrency: 5,
        },
        "standard" | "starter" => Allowance {
            credits: per_user(50_000, 250, Some(100_000)),
            concurrency: 10,
        },
        "professional" => Allowance {
            credits: per_user(50_000, 500, Some(3_000_000)),
            concurrency: 15,
        },
        "ultimate" | "crm plus" => Allowance {
            credits: per_user(50_000, 2_000, None),
            concurrency: 25,
        },
        // Enterprise, Zoho One, and anything else.
        _ => Allowance {
            credits: per_user(50_000, 1_000, Some(5_000_000)),
            concurrency: 20,
        },
    }
}

/// Seconds until something frees, as `Retry-After` says it: at least 1, at most the window.
pub fn retry_after(seconds: i64) -> u64 {
    u64::try_from(seconds.clamp(1, WINDOW_SECONDS)).unwrap_or(1)
}

/// The headers of a 429 answer, as the limits send them and as a `TOO_MANY_REQUESTS` fault
/// does: `X-RATELIMIT-LIMIT`, `X-RATELIMIT-REMAINING` (0), `X-RATELIMIT-RESET` and
/// `Retry-After` (seconds until a request is allowed again).
pub fn refusal_headers(response: &mut crate::http::ApiResponse, limit: u64, reset: u64) {
    for (name, value) in [
        ("X-RATELIMIT-LIMIT", limit.to_string()),
        ("X-RATELIMIT-REMAINING", "0".to_owned()),
        ("X-RATELIMIT-RESET", reset.to_string()),
        ("Retry-After", reset.to_string()),
    ] {
        response.headers.push((name.into(), value));
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The credits of the window are used up; the oldest frees in `retry_after` seconds.
    Credits {
        limit: u64,
        /// Seconds until a credit frees.
        retry_after: u64,
    },
    /// Too many requests at once.
    Concurrency { limit: usize },
}

/// Usage of every org, in memory, and which orgs enforce limits (a copy of the store's
/// `enforce_limits` flags, so a request of an org that does not pays no lookup).
#[derive(Debug, Default)]
pub struct Limits {
    orgs: Mutex<HashMap<String, Usage>>,
    enforced: RwLock<HashSet<String>>,
}

#[derive(Debug, Default)]
struct Usage {
    /// (minute of the org's clock, credits used in it), oldest first.
    minutes: VecDeque<(i64, u64)>,
    in_flight: usize,
    /// Set through the control plane: replaces the edition's allowance.
    override_allowance: Option<Allowance>,
}

impl Usage {
    fn prune(&mut self, now: i64) {
        let oldest_kept = (now - WINDOW_SECONDS) / 60;
        while self
            .minutes
            .front()
            .is_some_and(|(minute, _)| *minute <= oldest_kept)
        {
            self.minutes.pop_front();
        }
    }

    fn used(&self) -> u64 {
        self.minutes.iter().map(|(_, n)| n).sum()
    }
}

/// A request in flight: counted against concurrency until dropped.
#[derive(Debug)]
pub struct Permit {
    limits: Arc<Limits>,
    org_id: String,
    /// Credits left after this request, and the allowance, for the rate-limit headers.
    pub remaining: u64,
    pub limit: u64,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(usage) = self.limits.lock().get_mut(&self.org_id) {
            usage.in_flight = usage.in_flight.saturating_sub(1);
        }
    }
}

impl Limits {
    /// Takes a credit and a concurrency slot for one request of `org_id` at `now` (the org's
    /// clock), or says why not.
    pub fn begin(
        self: &Arc<Self>,
        org_id: &str,
        now: i64,
        edition: Allowance,
    ) -> Result<Permit, Refusal> {
        let mut orgs = self.lock();
        let usage = orgs.entry(org_id.to_owned()).or_default();
        let allowance = usage.override_allowance.unwrap_or(edition);
        usage.prune(now);
        if usage.in_flight >= allowance.concurrency {
            return Err(Refusal::Concurrency {
                limit: allowance.concurrency,
            });
        }
        let used = usage.used();
        if used >= allowance.credits {
            // The oldest minute's credits leave the window when `prune` drops it: at the start
            // of that minute plus the window. Never more than the window from now.
            let oldest = usage.minutes.front().map_or(now / 60, |(m, _)| *m);
            let frees_at = oldest * 60 + WINDOW_SECONDS;
            return Err(Refusal::Credits {
                limit: allowance.credits,
                retry_after: retry_after(frees_at - now),
            });
        }
        let minute = now / 60;
        match usage.minutes.back_mut() {
            Some((last, count)) if *last == minute => *count += 1,
            _ => usage.minutes.push_back((minute, 1)),
        }
        usage.in_flight += 1;
        Ok(Permit {
            limits: Arc::clone(self),
            org_id: org_id.to_owned(),
            remaining: allowance.credits - used - 1,
            limit: allowance.credits,
        })
    }

    /// Replaces the set of orgs that enforce limits (read from the store after anything that
    /// may change it: start-up, a new org, a reset, a restored snapshot).
    pub fn set_enforced(&self, org_ids: impl IntoIterator<Item = String>) {
        *self
            .enforced
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = org_ids.into_iter().collect();
    }

    /// Whether this org enforces limits.
    pub fn is_enforced(&self, org_id: &str) -> bool {
        self.enforced
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(org_id)
    }

    /// Replaces (or with `None`, restores) the edition's allowance for an org.
    pub fn set_override(&self, org_id: &str, allowance: Option<Allowance>) {
        self.lock()
            .entry(org_id.to_owned())
            .or_default()
            .override_allowance = allowance;
    }

    /// Forgets an org's usage (after a reset or a delete).
    pub fn forget(&self, org_id: &str) {
        if let Some(usage) = self.lock().get_mut(org_id) {
            usage.minutes.clear();
        }
    }

    /// What the org uses and may use, for the control plane.
    pub fn report(&self, org_id: &str, now: i64, edition: Allowance, enforced: bool) -> Value {
        let mut orgs = self.lock();
        let usage = orgs.entry(org_id.to_owned()).or_default();
        usage.prune(now);
        let allowance = usage.override_allowance.unwrap_or(edition);
        let used = usage.used();
        json!({
            "org_id": org_id,
            "enforced": enforced,
            "credits": {
                "limit": allowance.credits,
                "used": used,
                "remaining": allowance.credits.saturating_sub(used),
                "window_seconds": WINDOW_SECONDS,
            },
            "concurrency": { "limit": allowance.concurrency, "in_flight": usage.in_flight },
            "overridden": usage.override_allowance.is_some(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Usage>> {
        self.orgs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editions_follow_the_documented_table() {
        assert_eq!(allowance("Free", 3).credits, 5_000);
        assert_eq!(allowance("Standard", 100).credits, 75_000);
        assert_eq!(allowance("Standard", 1_000).credits, 100_000);
        assert_eq!(allowance("Enterprise", 4).credits, 54_000);
        assert_eq!(allowance("Enterprise", 10_000).credits, 5_000_000);
        assert_eq!(allowance("Ultimate", 10_000).credits, 20_050_000);
        assert_eq!(allowance("Professional", 1).concurrency, 15);
    }

    #[test]
    fn credits_run_out_and_come_back_a_day_later() {
        let limits = Arc::new(Limits::default());
        let small = Allowance {
            credits: 2,
            concurrency: 5,
        };
        let t = 1_700_000_000;
        drop(limits.begin("o", t, small).unwrap());
        let second = limits.begin("o", t + 30, small).unwrap();
        assert_eq!(second.remaining, 0);
        drop(second);
        match limits.begin("o", t + 60, small).unwrap_err() {
            Refusal::Credits { limit, retry_after } => {
                assert_eq!(limit, 2);
                assert!(retry_after > 0 && retry_after <= 86_400, "{retry_after}");
                // The first credit (minute t/60) leaves the window a day after its minute began.
                assert_eq!(
                    retry_after as i64,
                    (t / 60) * 60 + WINDOW_SECONDS - (t + 60)
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(limits.begin("other", t, small).is_ok());
        assert!(limits.begin("o", t + WINDOW_SECONDS + 120, small).is_ok());
    }

    #[test]
    fn retry_after_never_exceeds_the_window() {
        let limits = Arc::new(Limits::default());
        let one = Allowance {
            credits: 1,
            concurrency: 5,
        };
        // A credit spent at the very end of a minute: the old formula said window + 60 s.
        let t = 1_700_000_000 - (1_700_000_000 % 60) + 59;
        drop(limits.begin("o", t, one).unwrap());
        for later in [t, t + 1, t + 3_600] {
            match limits.begin("o", later, one).unwrap_err() {
                Refusal::Credits { retry_after, .. } => {
                    assert!(retry_after <= WINDOW_SECONDS as u64, "{retry_after}");
                    // Waiting that long is enough.
                    assert!(limits.begin("o", later + retry_after as i64, one).is_ok());
                    limits.forget("o");
                    drop(limits.begin("o", t, one).unwrap());
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(retry_after(WINDOW_SECONDS + 60), WINDOW_SECONDS as u64);
        assert_eq!(retry_after(-5), 1);
    }

    #[test]
    fn concurrency_counts_requests_in_flight() {
        let limits = Arc::new(Limits::default());
        let one = Allowance {
            credits: 100,
            concurrency: 1,
        };
        let first = limits.begin("o", 0, one).unwrap();
        assert_eq!(
            limits.begin("o", 0, one).unwrap_err(),
            Refusal::Concurrency { limit: 1 }
        );
        drop(first);
        assert!(limits.begin("o", 0, one).is_ok());
    }
}
