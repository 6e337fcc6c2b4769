//! One org's settings on the control plane: its clock, API limits, environment, and snapshots.
//!
//! ```text
//! GET    /__mock/orgs/{id}/clock                         -> {"org_id","now","fixed","shift_seconds"}
//! PUT    /__mock/orgs/{id}/clock  {"now":"2023-02-07T20:13:20+05:30"}   (the org's clock stands there)
//! POST   /__mock/orgs/{id}/clock/advance  {"seconds":3600} | {"by":"7d"}  (s, m, h, d)
//! DELETE /__mock/orgs/{id}/clock                         (back to the server's clock)
//! GET    /__mock/orgs/{id}/limits                        -> credits and concurrency, used and allowed
//! PUT    /__mock/orgs/{id}/limits  {"enforce":true,"credits":100,"concurrency":2}  ("credits"/"concurrency": null restores the edition's)
//! GET    /__mock/orgs/{id}/environment                   -> {"org_id","environment"}
//! PUT    /__mock/orgs/{id}/environment {"environment":"sandbox"|"production"}
//! POST   /__mock/orgs/{id}/snapshots                     -> 201 {"snapshot_id":"snap-1"}
//! GET    /__mock/orgs/{id}/snapshots                     -> {"snapshots":[{"snapshot_id","created_time"}]}
//! POST   /__mock/orgs/{id}/snapshots/{sid}/restore       -> {"org_id","snapshot_id","restored":true}
//! DELETE /__mock/orgs/{id}/snapshots/{sid}
//! ```
//! The org's clock drives its timestamps, invitation expiry (7 days), token expiry (1 hour), job
//! times and the rolling window of API credits.

use serde_json::{Value, json};

use super::control::{Outcome, error, internal, json_body, require_org};
use crate::clock::{format_timestamp, parse_offset, parse_timestamp};
use crate::http::{ApiRequest, ApiResponse};
use crate::limits::{self, Allowance};
use crate::state::AppState;
use crate::store::{StoreError, orgs, snapshots};

/// `GET …/clock`
pub fn get_clock(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    clock_answer(state, org_id)
}

/// `PUT …/clock`: fixes the org's clock at `now`.
pub fn set_clock(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let body = json_body(request)?;
    let now = body
        .get("now")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("expected {\"now\": \"<RFC 3339 instant>\"}"))?;
    let at = parse_timestamp(now).map_err(|why| bad(&why))?;
    state
        .store
        .write(|tx| orgs::set_clock(tx, org_id, Some(at), 0))
        .map_err(internal)?;
    clock_answer(state, org_id)
}

/// `POST …/clock/advance`: moves the org's clock on (or back, with a negative amount).
pub fn advance_clock(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let body = json_body(request)?;
    let seconds = match (body.get("seconds"), body.get("by")) {
        (Some(seconds), None) => seconds
            .as_i64()
            .ok_or_else(|| bad("\"seconds\" is a whole number"))?,
        (None, Some(Value::String(by))) => parse_duration(by)
            .ok_or_else(|| bad(&format!("{by:?} is not a duration like 90s, 15m, 2h or 7d")))?,
        _ => return Err(bad("expected {\"seconds\": N} or {\"by\": \"7d\"}")),
    };
    state
        .store
        .write(|tx| {
            let (fixed, shift) = orgs::clock(tx, org_id)?.unwrap_or((None, 0));
            orgs::set_clock(tx, org_id, fixed, shift.saturating_add(seconds))
        })
        .map_err(internal)?;
    clock_answer(state, org_id)
}

/// `DELETE …/clock`: the org follows the server's clock again.
pub fn reset_clock(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    state
        .store
        .write(|tx| orgs::set_clock(tx, org_id, None, 0))
        .map_err(internal)?;
    clock_answer(state, org_id)
}

fn clock_answer(state: &AppState, org_id: &str) -> Outcome {
    let (org, setting) = state
        .store
        .read(|conn| Ok::<_, StoreError>((orgs::get(conn, org_id)?, orgs::clock(conn, org_id)?)))
        .map_err(internal)?;
    let offset = org
        .and_then(|org| parse_offset(&org.utc_offset).ok())
        .unwrap_or(time::UtcOffset::UTC);
    let (fixed, shift) = setting.unwrap_or((None, 0));
    let now = crate::clock::org_time(state.clock.now(), setting);
    Ok(ApiResponse::json(
        200,
        &json!({
            "org_id": org_id,
            "now": format_timestamp(now, offset),
            "fixed": fixed.is_some(),
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

/// `GET …/limits`
pub fn get_limits(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    limits_answer(state, org_id)
}

/// `PUT …/limits`: turn enforcement on or off, and set (or restore) the allowance.
pub fn set_limits(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let body = json_body(request)?;
    let object = body
        .as_object()
        .ok_or_else(|| bad("expected {\"enforce\", \"credits\", \"concurrency\"}"))?;
    if let Some(key) = object
        .keys()
        .find(|k| !["enforce", "credits", "concurrency"].contains(&k.as_str()))
    {
        return Err(bad(&format!(
            "unknown key {key:?} (known: enforce, credits, concurrency)"
        )));
    }
    if let Some(enforce) = object.get("enforce") {
        let enforce = enforce
            .as_bool()
            .ok_or_else(|| bad("\"enforce\" is true or false"))?;
        state
            .store
            .write(|tx| orgs::set_enforce_limits(tx, org_id, enforce))
            .map_err(internal)?;
        state.refresh_enforced_limits();
    }
    if object.contains_key("credits") || object.contains_key("concurrency") {
        let number = |key: &str| -> Result<Option<u64>, ApiResponse> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value
                    .as_u64()
                    .map(Some)
                    .ok_or_else(|| bad(&format!("{key:?} is a whole number or null"))),
            }
        };
        let (credits, concurrency) = (number("credits")?, number("concurrency")?);
        let edition = edition_allowance(state, org_id)?;
        let allowance = (credits.is_some() || concurrency.is_some()).then(|| Allowance {
            credits: credits.unwrap_or(edition.credits),
            concurrency: concurrency.map_or(edition.concurrency, |c| c as usize),
        });
        state.limits.set_override(org_id, allowance);
    }
    limits_answer(state, org_id)
}

fn edition_allowance(state: &AppState, org_id: &str) -> Result<Allowance, ApiResponse> {
    state
        .store
        .read(|conn| {
            let edition = orgs::get(conn, org_id)?
                .map(|o| o.edition)
                .unwrap_or_default();
            let users = orgs::user_count(conn, org_id)?;
            Ok::<_, StoreError>(limits::allowance(
                &edition,
                u64::try_from(users).unwrap_or(0),
            ))
        })
        .map_err(internal)
}

fn limits_answer(state: &AppState, org_id: &str) -> Outcome {
    let edition = edition_allowance(state, org_id)?;
    let enforced = state.config.enforce_limits
        || state
            .store
            .read(|conn| orgs::enforces_limits(conn, org_id))
            .map_err(internal)?;
    let now = state.org_now(org_id).map_err(internal)?;
    Ok(ApiResponse::json(
        200,
        &state.limits.report(org_id, now, edition, enforced),
    ))
}

/// `GET …/environment`
pub fn get_environment(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    environment_answer(state, org_id)
}

/// `PUT …/environment`
pub fn set_environment(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let body = json_body(request)?;
    let sandbox = match body.get("environment").and_then(Value::as_str) {
        Some("sandbox") => true,
        Some("production") => false,
        _ => {
            return Err(bad(
                "expected {\"environment\": \"sandbox\"} or {\"environment\": \"production\"}",
            ));
        }
    };
    state
        .store
        .write(|tx| orgs::set_sandbox(tx, org_id, sandbox))
        .map_err(internal)?;
    environment_answer(state, org_id)
}

fn environment_answer(state: &AppState, org_id: &str) -> Outcome {
    let org = state
        .store
        .read(|conn| orgs::get(conn, org_id))
        .map_err(internal)?
        .ok_or_else(|| error(404, "UNKNOWN_ORG", &format!("no org {org_id:?}")))?;
    let environment = if org.sandbox || state.config.sandbox {
        "sandbox"
    } else {
        "production"
    };
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "environment": environment, "server_wide": state.config.sandbox }),
    ))
}

/// `POST …/snapshots`
pub fn take_snapshot(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let now = state.clock.now();
    let id = state
        .store
        .write(|tx| snapshots::take(tx, org_id, now))
        .map_err(internal)?;
    Ok(ApiResponse::json(201, &json!({ "snapshot_id": id })))
}

/// `GET …/snapshots`
pub fn list_snapshots(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let rows = state
        .store
        .read(|conn| snapshots::list(conn, org_id))
        .map_err(internal)?;
    let listed: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "snapshot_id": row.id,
                "created_time": format_timestamp(row.created_time, time::UtcOffset::UTC),
            })
        })
        .collect();
    Ok(ApiResponse::json(200, &json!({ "snapshots": listed })))
}

/// `POST …/snapshots/{sid}/restore`
pub fn restore_snapshot(state: &AppState, org_id: &str, snapshot_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let restored = state
        .store
        .write(|tx| snapshots::restore(tx, org_id, snapshot_id))
        .map_err(internal)?;
    state.refresh_enforced_limits();
    if restored {
        Ok(ApiResponse::json(
            200,
            &json!({ "org_id": org_id, "snapshot_id": snapshot_id, "restored": true }),
        ))
    } else {
        Err(unknown_snapshot(org_id, snapshot_id))
    }
}

/// `DELETE …/snapshots/{sid}`
pub fn delete_snapshot(state: &AppState, org_id: &str, snapshot_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let deleted = state
        .store
        .write(|tx| snapshots::delete(tx, org_id, snapshot_id))
        .map_err(internal)?;
    if deleted {
        Ok(ApiResponse::json(200, &json!({ "deleted": true })))
    } else {
        Err(unknown_snapshot(org_id, snapshot_id))
    }
}

fn unknown_snapshot(org_id: &str, snapshot_id: &str) -> ApiResponse {
    error(
        404,
        "UNKNOWN_SNAPSHOT",
        &format!("org {org_id:?} has no snapshot {snapshot_id:?}"),
    )
}

fn bad(message: &str) -> ApiResponse {
    error(400, "BAD_REQUEST", message)
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
