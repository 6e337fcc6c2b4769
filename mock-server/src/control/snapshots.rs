//! Snapshots of one org on the control plane: save it, list the saves, put it back, forget one.
//!
//! ```text
//! POST   /__mock/orgs/{id}/snapshots                -> 201 {"snapshot_id":"snap-1"}
//! GET    /__mock/orgs/{id}/snapshots                -> {"snapshots":[{"snapshot_id","created_time"}]}
//! POST   /__mock/orgs/{id}/snapshots/{sid}/restore  -> {"org_id","snapshot_id","restored":true}
//! DELETE /__mock/orgs/{id}/snapshots/{sid}
//! ```

use serde_json::{Value, json};

use super::error::{ControlError, Outcome};
use super::orgs::require;
use crate::clock::format_timestamp;
use crate::http::ApiResponse;
use crate::state::AppState;
use crate::store::snapshots;

/// `POST …/snapshots`
pub(super) fn take(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let now = state.clock.now();
    let id = state.store.write(|tx| snapshots::take(tx, org_id, now))?;
    Ok(ApiResponse::json(201, &json!({ "snapshot_id": id })))
}

/// `GET …/snapshots`
pub(super) fn list(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let rows = state.store.read(|conn| snapshots::list(conn, org_id))?;
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
pub(super) fn restore(state: &AppState, org_id: &str, snapshot_id: &str) -> Outcome {
    require(state, org_id)?;
    let restored = state
        .store
        .write(|tx| snapshots::restore(tx, org_id, snapshot_id))?;
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
pub(super) fn delete(state: &AppState, org_id: &str, snapshot_id: &str) -> Outcome {
    require(state, org_id)?;
    let deleted = state
        .store
        .write(|tx| snapshots::delete(tx, org_id, snapshot_id))?;
    if deleted {
        Ok(ApiResponse::json(200, &json!({ "deleted": true })))
    } else {
        Err(unknown_snapshot(org_id, snapshot_id))
    }
}

fn unknown_snapshot(org_id: &str, snapshot_id: &str) -> ControlError {
    ControlError::UnknownSnapshot {
        org_id: org_id.to_owned(),
        snapshot_id: snapshot_id.to_owned(),
    }
}
