//! One org's clock on the control plane.
//!
//! ```text
//! GET    /__mock/orgs/{id}/clock                         -> {"org_id","now","fixed","source","server_fixed","shift_seconds"}
//! PUT    /__mock/orgs/{id}/clock  {"now":"2023-02-07T20:13:20+05:30"}   (the org's clock stands there)
//! POST   /__mock/orgs/{id}/clock/advance  {"seconds":3600} | {"by":"7d"}  (s, m, h, d)
//! DELETE /__mock/orgs/{id}/clock                         (back to the server's clock)
//! ```
//! `fixed` is true when the org's clock stands still, whether the org's own instant
//! (`source: "org"`) or the server's `--clock` (`source: "server"`) holds it; `"real"`: it runs.
//! The org's clock drives its timestamps, invitation expiry (7 days), token expiry (1 hour), job
//! times and the rolling window of API credits.

use serde_json::{Value, json};

use serde::Deserialize;

use super::body::{self, Body, Field};
use super::error::{ControlError, Outcome};
use super::orgs::require;
use crate::clock::{format_timestamp, parse_offset, parse_timestamp};
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::{StoreError, orgs};

/// `GET …/clock`
pub(super) fn get(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    clock_answer(state, org_id)
}

/// `PUT …/clock`: fixes the org's clock at `now`.
pub(super) fn set(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let body: SetClock = body::parse(request)?;
    let now = body
        .now
        .get()
        .and_then(Value::as_str)
        .ok_or_else(|| bad(SetClock::EXPECTED))?;
    let at = parse_timestamp(now).map_err(|why| bad(&why))?;
    state
        .store
        .write(|tx| orgs::set_clock(tx, org_id, Some(at), 0))?;
    clock_answer(state, org_id)
}

/// `POST …/clock/advance`: moves the org's clock on (or back, with a negative amount).
pub(super) fn advance(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let body: AdvanceClock = body::parse(request)?;
    let seconds = match (body.seconds.get(), body.by.get()) {
        (Some(seconds), None) => seconds
            .as_i64()
            .ok_or_else(|| bad("\"seconds\" is a whole number"))?,
        (None, Some(Value::String(by))) => parse_duration(by)
            .ok_or_else(|| bad(&format!("{by:?} is not a duration like 90s, 15m, 2h or 7d")))?,
        _ => return Err(bad(AdvanceClock::EXPECTED)),
    };
    state.store.write(|tx| {
        let (fixed, shift) = orgs::clock(tx, org_id)?.unwrap_or((None, 0));
        orgs::set_clock(tx, org_id, fixed, shift.saturating_add(seconds))
    })?;
    clock_answer(state, org_id)
}

/// `DELETE …/clock`: the org follows the server's clock again.
pub(super) fn reset(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    state
        .store
        .write(|tx| orgs::set_clock(tx, org_id, None, 0))?;
    clock_answer(state, org_id)
}

fn clock_answer(state: &AppState, org_id: &str) -> Outcome {
    let (org, setting) = state
        .store
        .read(|conn| Ok::<_, StoreError>((orgs::get(conn, org_id)?, orgs::clock(conn, org_id)?)))?;
    let offset = org
        .and_then(|org| parse_offset(&org.utc_offset).ok())
        .unwrap_or(time::UtcOffset::UTC);
    let (fixed, shift) = setting.unwrap_or((None, 0));
    let now = crate::clock::org_time(state.clock.now(), setting);
    let server_fixed = state.clock.is_fixed();
    // Where the org's "now" comes from: its own fixed instant, the server's `--clock`, or
    // real time.
    let source = match (fixed, server_fixed) {
        (Some(_), _) => "org",
        (None, true) => "server",
        (None, false) => "real",
    };
    Ok(ApiResponse::json(
        200,
        &json!({
            "org_id": org_id,
            "now": format_timestamp(now, offset),
            "fixed": fixed.is_some() || server_fixed,
            "source": source,
            "server_fixed": server_fixed,
            "shift_seconds": shift,
        }),
    ))
}

/// `90s`, `15m`, `2h`, `7d` (or a plain number of seconds), possibly negative.
fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
    };
    let n: i64 = number.trim().parse().ok()?;
    let unit = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// `PUT …/clock`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    #[serde(default)]
    now: Field,
}

impl Body for SetClock {
    const KEYS: &'static [&'static str] = &["now"];
    const EXPECTED: &'static str = "expected {\"now\": \"<RFC 3339 instant>\"}";
}

/// `POST …/clock/advance`'s body: one of the two keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceClock {
    #[serde(default)]
    seconds: Field,
    #[serde(default)]
    by: Field,
}

impl Body for AdvanceClock {
    const KEYS: &'static [&'static str] = &["seconds", "by"];
    const EXPECTED: &'static str = "expected {\"seconds\": N} or {\"by\": \"7d\"}";
}

fn bad(message: &str) -> ControlError {
    ControlError::BadRequest(message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(parse_duration("7d"), Some(604_800));
        assert_eq!(parse_duration("90m"), Some(5_400));
        assert_eq!(parse_duration("-2h"), Some(-7_200));
        assert_eq!(parse_duration("30"), Some(30));
        assert_eq!(parse_duration("3w"), None);
        assert_eq!(parse_duration("d"), None);
    }
}
