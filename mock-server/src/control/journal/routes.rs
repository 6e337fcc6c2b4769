//! The request journal on the control plane: read it with filters, clear it, and verify what was
//! sent (a count, or the near misses when nothing matched).
//!
//! ```text
//! GET    /__mock/orgs/{id}/requests?method=POST&path_pattern=^/crm/&status=400&since=12
//!   -> 200 {"requests":[{"seq","time","org_id","method","path","query","headers","body","status","response"},…],"dropped":N}
//! DELETE /__mock/orgs/{id}/requests                -> 200 {"cleared":N}
//! POST   /__mock/orgs/{id}/requests/count  {pattern} -> 200 {"count":N} | {"count":0,"near_misses":[…]}
//! ```
//! The same without `/orgs/{id}` covers every org (and requests no org could be told for).
//! `since` is a journal position (`seq`, exclusive) or an RFC 3339 instant (inclusive).

use regex_lite::Regex;
use serde_json::json;

use crate::clock::parse_timestamp;
use crate::control::body;
use crate::control::error::{ControlError, Outcome};
use crate::control::journal::Entry;
use crate::control::journal::verify::{self, RequestPattern};
use crate::control::orgs::require_scope;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// `GET …/requests`: the journal's entries that pass the filters, oldest first.
pub(in crate::control) fn list(
    state: &AppState,
    request: &ApiRequest,
    org_id: Option<&str>,
) -> Outcome {
    require_scope(state, org_id)?;
    let filter = Filter::of(request)?;
    let entries = state.journal.select(org_id, |entry| filter.keeps(entry));
    let rendered: Vec<_> = entries.iter().map(Entry::to_json).collect();
    Ok(ApiResponse::json(
        200,
        &json!({ "requests": rendered, "dropped": state.journal.dropped() }),
    ))
}

/// `DELETE …/requests`
pub(in crate::control) fn clear(state: &AppState, org_id: Option<&str>) -> Outcome {
    require_scope(state, org_id)?;
    let cleared = state.journal.clear(org_id);
    Ok(ApiResponse::json(200, &json!({ "cleared": cleared })))
}

/// `POST …/requests/count`
pub(in crate::control) fn count(
    state: &AppState,
    request: &ApiRequest,
    org_id: Option<&str>,
) -> Outcome {
    require_scope(state, org_id)?;
    let pattern =
        RequestPattern::parse(&body::value(request)?).map_err(ControlError::BadPattern)?;
    let entries = state.journal.select(org_id, |_| true);
    Ok(ApiResponse::json(200, &verify::verify(&pattern, &entries)))
}

/// The query filters of `GET …/requests`.
struct Filter {
    method: Option<String>,
    path: Option<String>,
    path_pattern: Option<Regex>,
    status: Option<u16>,
    since_seq: Option<u64>,
    since_time: Option<i64>,
}

impl Filter {
    fn of(request: &ApiRequest) -> Result<Filter, ControlError> {
        let param = |name| request.query_param(name).filter(|v| !v.is_empty());
        let bad = |name: &'static str, why: String| ControlError::BadFilter { name, why };
        let path_pattern = param("path_pattern")
            .map(|p| Regex::new(p).map_err(|e| bad("path_pattern", e.to_string())))
            .transpose()?;
        let status = param("status")
            .map(|s| {
                s.parse::<u16>()
                    .map_err(|_| bad("status", format!("{s:?} is not a status")))
            })
            .transpose()?;
        let (since_seq, since_time) = match param("since") {
            None => (None, None),
            Some(since) => match since.parse::<u64>() {
                Ok(seq) => (Some(seq), None),
                Err(_) => (
                    None,
                    Some(parse_timestamp(since).map_err(|why| bad("since", why))?),
                ),
            },
        };
        Ok(Filter {
            method: param("method").map(str::to_ascii_uppercase),
            path: param("path").map(str::to_owned),
            path_pattern,
            status,
            since_seq,
            since_time,
        })
    }

    fn keeps(&self, entry: &Entry) -> bool {
        self.method.as_ref().is_none_or(|m| *m == entry.method)
            && self.path.as_ref().is_none_or(|p| *p == entry.path)
            && self
                .path_pattern
                .as_ref()
                .is_none_or(|p| p.is_match(&entry.path))
            && self.status.is_none_or(|s| s == entry.status)
            && self.since_seq.is_none_or(|seq| entry.seq > seq)
            && self.since_time.is_none_or(|t| entry.time >= t)
    }
}
