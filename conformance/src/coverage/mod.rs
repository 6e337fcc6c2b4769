//! The coverage map: every documented outcome (endpoint x status and code, from the API's
//! documentation) and the scenarios whose steps expect it.
//!
//! A step is matched to an endpoint by its method and path (variables count as any segment)
//! and to an outcome by its expected status and the `code` of its expected body (top level or
//! the first item of the wrapper array). `portals-conformance coverage` prints the map as
//! Markdown; `make coverage` writes it to `fixtures/COVERAGE.md`.
//!
//! The map ends with Zoho's documented v8 examples (`fixtures/oas8/examples.jsonl`): per
//! operation, the examples a scenario reproduces (its `source` cites `oas8:<id>`), those a row of
//! `fixtures/FIDELITY.md` explains (the row cites `oas8:<id>`), and those neither accounts for.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::scenario::{LoadedScenario, Step};

mod oas8;

pub use oas8::{
    Example, FIDELITY_LEDGER, OAS8_CITATION, OAS8_EXAMPLES, Oas8Citations, oas8_cited_in,
    oas8_examples, oas8_markdown,
};

/// One documented outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Outcome {
    /// The endpoint (`P1`, `UT3`, … or `any` for the generic errors).
    pub endpoint: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The `code` (`-` for a body without one, e.g. a list or 204).
    pub code: &'static str,
}

/// The endpoints (docs/api.md §3): id, method, path under `/crm/{version}`, a `{name}` segment
/// standing for any value.
pub const ENDPOINTS: &[(&str, &str, &str)] = &[
    ("P1", "GET", "/settings/portals"),
    ("P3", "POST", "/settings/portals"),
    ("M1", "GET", "/settings/portals/meta"),
    ("F1", "GET", "/settings/fields"),
    ("P2", "GET", "/settings/portals/{portal_name}"),
    ("P4", "PUT", "/settings/portals/{portal_name}"),
    ("UT1", "GET", "/settings/portals/{portal}/user_type"),
    ("UT3", "POST", "/settings/portals/{portal}/user_type"),
    (
        "UT2",
        "GET",
        "/settings/portals/{portal}/user_type/{user_type_id}",
    ),
    (
        "UT4",
        "PUT",
        "/settings/portals/{portal}/user_type/{user_type_id}",
    ),
    (
        "UT5",
        "DELETE",
        "/settings/portals/{portal}/user_type/{user_type_id}",
    ),
    (
        "U1",
        "GET",
        "/settings/portals/{portal}/user_type/{user_type_id}/users",
    ),
    (
        "U2",
        "DELETE",
        "/settings/portals/{portal}/user_type/{user_type_id}/users",
    ),
    (
        "U3",
        "POST",
        "/settings/portals/{portal}/user_type/{user_type_id}/users/action/transfer",
    ),
    (
        "U5",
        "PUT",
        "/settings/portals/{portal}/user_type/{user_type_id}/users/actions/change_status",
    ),
    (
        "U4",
        "PUT",
        "/settings/portals/{portal}/user_type/{user_type_id}/users/{user_id}/actions/change_status",
    ),
    ("I1", "POST", "/{module}/{record_id}/actions/portal_invite"),
    ("I2", "POST", "/{module}/actions/portal_invite"),
    ("I3", "GET", "/{module}/actions/portal_invite"),
    // The Records API (after every settings path; its named paths before `/{module}/{record_id}`).
    ("R5", "GET", "/{module}/search"),
    ("R8", "GET", "/{module}/deleted"),
    ("R7", "POST", "/{module}/upsert"),
    ("R1", "POST", "/{module}"),
    ("R4", "GET", "/{module}"),
    ("R6", "PUT", "/{module}"),
    ("R2", "GET", "/{module}/{record_id}"),
    ("R6", "PUT", "/{module}/{record_id}"),
    ("R3", "DELETE", "/{module}"),
    ("R3", "DELETE", "/{module}/{record_id}"),
];

/// An endpoint named by its method and path (`GET /crm/{version}/settings/portals`; an id with
/// two paths names both), for reports; `None` for a tag that is no endpoint.
pub fn endpoint_request(id: &str) -> Option<String> {
    let rows: Vec<String> = ENDPOINTS
        .iter()
        .filter(|(known, _, _)| *known == id)
        .map(|(_, method, path)| format!("{method} /crm/{{version}}{path}"))
        .collect();
    (!rows.is_empty()).then(|| rows.join(" or "))
}

const fn o(endpoint: &'static str, status: u16, code: &'static str) -> Outcome {
    Outcome {
        endpoint,
        status,
        code,
    }
}

/// Every outcome the documentation gives (docs/api.md §2.3 and §3), the choices the
/// fidelity ledger records where it is silent, and the Records API (R1 add, R2 read, R3 delete,
/// R4 list, R5 search, R6 update, R7 upsert, R8 deleted records).
pub const DOCUMENTED: &[Outcome] = &[
    o("any", 401, "INVALID_TOKEN"),
    o("any", 401, "AUTHENTICATION_FAILURE"),
    o("any", 401, "OAUTH_SCOPE_MISMATCH"),
    o("any", 404, "INVALID_URL_PATTERN"),
    o("any", 400, "INVALID_REQUEST_METHOD"),
    o("any", 400, "API_NOT_SUPPORTED"),
    o("P1", 200, "-"),
    o("P1", 204, "-"),
    o("P1", 403, "NO_PERMISSION"),
    o("P2", 200, "-"),
    o("P2", 400, "INVALID_DATA"),
    o("P2", 403, "NO_PERMISSION"),
    o("P3", 200, "SUCCESS"),
    o("P3", 400, "MANDATORY_NOT_FOUND"),
    o("P3", 400, "INVALID_DATA"),
    o("P3", 400, "PATTERN_NOT_MATCHED"),
    o("P3", 400, "ALREADY_USED"),
    o("P3", 400, "JSON_PARSE_ERROR"),
    o("P3", 403, "NO_PERMISSION"),
    o("P4", 200, "SUCCESS"),
    o("P4", 400, "MANDATORY_NOT_FOUND"),
    o("P4", 400, "NOT_ALLOWED"),
    o("P4", 400, "INVALID_DATA"),
    o("P4", 400, "ALREADY_USED"),
    o("P4", 400, "PATTERN_NOT_MATCHED"),
    o("P4", 403, "NO_PERMISSION"),
    o("UT1", 200, "-"),
    o("UT1", 400, "INVALID_DATA"),
    o("UT1", 403, "NO_PERMISSION"),
    o("UT2", 200, "-"),
    o("UT2", 204, "-"),
    o("UT2", 400, "INVALID_DATA"),
    o("UT2", 403, "NO_PERMISSION"),
    o("UT3", 200, "SUCCESS"),
    o("UT3", 201, "-"),
    o("UT3", 400, "NOT_ALLOWED"),
    o("UT3", 400, "DEPENDENT_FIELD_MISSING"),
    o("UT3", 400, "MANDATORY_NOT_FOUND"),
    o("UT3", 400, "LICENSE_LIMIT_EXCEEDED"),
    o("UT3", 400, "INVALID_DATA"),
    o("UT3", 400, "REQUIRED_PARAM_MISSING"),
    o("UT3", 403, "NO_PERMISSION"),
    o("UT4", 200, "SUCCESS"),
    o("UT4", 400, "INVALID_DATA"),
    o("UT4", 400, "MANDATORY_NOT_FOUND"),
    o("UT4", 403, "NO_PERMISSION"),
    o("UT5", 200, "SUCCESS"),
    o("UT5", 400, "INVALID_DATA"),
    o("UT5", 403, "NO_PERMISSION"),
    o("U1", 200, "-"),
    o("U1", 204, "-"),
    o("U1", 400, "PATTERN_NOT_MATCHED"),
    o("U1", 400, "INVALID_DATA"),
    o("U1", 403, "NO_PERMISSION"),
    o("U2", 200, "SUCCESS"),
    o("U2", 200, "SCHEDULED"),
    o("U2", 400, "INVALID_DATA"),
    o("U2", 403, "NO_PERMISSION"),
    o("U3", 200, "SUCCESS"),
    o("U3", 400, "REQUIRED_PARAM_MISSING"),
    o("U3", 200, "SCHEDULED"),
    o("U3", 400, "INVALID_DATA"),
    o("U3", 403, "NO_PERMISSION"),
    o("U4", 200, "SUCCESS"),
    o("U4", 400, "NOT_ALLOWED"),
    o("U4", 400, "LIMIT_EXCEEDED"),
    o("U4", 400, "ALREADY_ACTIVATED"),
    o("U4", 400, "INVALID_DATA"),
    o("U4", 403, "NO_PERMISSION"),
    o("U5", 200, "SCHEDULED"),
    o("I1", 200, "SUCCESS"),
    o("I1", 400, "CANNOT_PROCESS"),
    o("I1", 400, "INVALID_DATA"),
    o("I1", 400, "NOT_REVIEWED"),
    o("I1", 400, "NOT_APPROVED"),
    o("I1", 400, "DUPLICATE_DATA"),
    o("I1", 400, "REQUIRED_PARAM_MISSING"),
    o("I1", 400, "LICENSE_LIMIT_EXCEEDED"),
    o("I1", 400, "INVALID_MODULE"),
    o("I1", 403, "NO_PERMISSION"),
    o("I2", 200, "SCHEDULED"),
    o("I2", 400, "MANDATORY_NOT_FOUND"),
    o("I2", 400, "INVALID_DATA"),
    o("I3", 200, "-"),
    o("I3", 204, "-"),
    o("M1", 200, "-"),
    o("M1", 400, "REQUIRED_PARAM_MISSING"),
    o("M1", 400, "INVALID_MODULE"),
    o("R1", 201, "SUCCESS"),
    o("R1", 400, "MANDATORY_NOT_FOUND"),
    o("R1", 400, "INVALID_DATA"),
    o("R1", 400, "INVALID_MODULE"),
    o("R2", 200, "-"),
    o("R2", 204, "-"),
    o("R3", 200, "SUCCESS"),
    o("R3", 400, "INVALID_DATA"),
    o("R3", 400, "REQUIRED_PARAM_MISSING"),
    o("F1", 200, "-"),
    o("F1", 400, "REQUIRED_PARAM_MISSING"),
    o("F1", 400, "INVALID_MODULE"),
    o("R4", 200, "-"),
    o("R4", 204, "-"),
    o("R4", 400, "REQUIRED_PARAM_MISSING"),
    o("R4", 400, "INVALID_DATA"),
    o("R4", 400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED"),
    o("R4", 400, "INVALID_MODULE"),
    o("R5", 200, "-"),
    o("R5", 204, "-"),
    o("R5", 400, "INVALID_QUERY"),
    o("R5", 400, "REQUIRED_PARAM_MISSING"),
    o("R5", 400, "INVALID_DATA"),
    o("R6", 200, "SUCCESS"),
    o("R6", 207, "SUCCESS"),
    o("R6", 400, "MANDATORY_NOT_FOUND"),
    o("R6", 400, "INVALID_DATA"),
    o("R7", 200, "SUCCESS"),
    o("R7", 400, "INVALID_DATA"),
    o("R7", 400, "MANDATORY_NOT_FOUND"),
    o("R8", 200, "-"),
    o("R8", 204, "-"),
    o("R8", 400, "INVALID_DATA"),
];

/// Generic codes that any endpoint may answer; they count for the `any` row.
const GENERIC: [&str; 6] = [
    "INVALID_TOKEN",
    "AUTHENTICATION_FAILURE",
    "OAUTH_SCOPE_MISMATCH",
    "INVALID_URL_PATTERN",
    "INVALID_REQUEST_METHOD",
    "API_NOT_SUPPORTED",
];

/// The endpoint a request addresses, if it is a Portals API call.
pub fn endpoint_of(method: &str, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    if segments.next() != Some("crm") {
        return None;
    }
    segments.next()?;
    let rest: Vec<&str> = segments.collect();
    // The Users and Organization APIs are no endpoint of the map, though `/{module}` would take
    // them.
    if matches!(rest[..], ["users"] | ["org"]) {
        return None;
    }
    // A literal segment of a pattern (`search`, `upsert`) matches a captured `{{var}}` only when
    // no pattern matches the path without that leniency (so `/Contacts/{{id}}` is R2, not R5).
    let matches = |lenient: bool| {
        ENDPOINTS.iter().find(|(_, m, pattern)| {
            let wanted: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
            m.eq_ignore_ascii_case(method)
                && wanted.len() == rest.len()
                && wanted
                    .iter()
                    .zip(&rest)
                    .all(|(w, r)| w.starts_with('{') || w == r || (lenient && r.contains("{{")))
        })
    };
    matches(false)
        .or_else(|| matches(true))
        .map(|(id, _, _)| *id)
}

/// The (endpoint, status, code) a step expects, if it expects a status.
pub fn outcome_of(step: &Step) -> Option<(String, u16, String)> {
    let status = step.expect.status?;
    let body = match (&step.expect.body, &step.expect.body_bytes) {
        (Some(body), _) => Some(body.to_value(None)),
        (None, Some(bytes)) => serde_json::from_str(bytes).ok(),
        (None, None) => None,
    };
    let code = body
        .as_ref()
        .and_then(|body| {
            body.get("code").and_then(Value::as_str).or_else(|| {
                body.as_object()?
                    .values()
                    .next()?
                    .get(0)?
                    .get("code")?
                    .as_str()
            })
        })
        .unwrap_or("-")
        .to_owned();
    let endpoint = if GENERIC.contains(&code.as_str()) {
        "any".to_owned()
    } else {
        endpoint_of(step.request.method.as_str(), &step.request.path)?.to_owned()
    };
    Some((endpoint, status, code))
}

/// The map: each documented outcome with the scenarios that expect it.
pub fn map(scenarios: &[LoadedScenario]) -> BTreeMap<Outcome, Vec<String>> {
    let mut map: BTreeMap<Outcome, Vec<String>> =
        DOCUMENTED.iter().map(|o| (*o, Vec::new())).collect();
    for loaded in scenarios {
        let steps = loaded
            .scenario
            .setup
            .iter()
            .chain(&loaded.scenario.steps)
            .chain(&loaded.scenario.cleanup);
        for step in steps {
            let Some((endpoint, status, code)) = outcome_of(step) else {
                continue;
            };
            for (outcome, names) in map.iter_mut() {
                if outcome.endpoint == endpoint
                    && outcome.status == status
                    && outcome.code == code
                    && !names.contains(&loaded.name)
                {
                    names.push(loaded.name.clone());
                }
            }
        }
    }
    map
}

/// The documented outcomes no scenario expects.
pub fn uncovered(map: &BTreeMap<Outcome, Vec<String>>) -> Vec<Outcome> {
    map.iter()
        .filter(|(_, names)| names.is_empty())
        .map(|(outcome, _)| *outcome)
        .collect()
}

/// The map as Markdown.
pub fn markdown(map: &BTreeMap<Outcome, Vec<String>>, scenario_count: usize) -> String {
    let missing = uncovered(map);
    let mut text = String::from(
        "# Coverage of the documented outcomes\n\nGenerated by `make coverage` \
         (`portals-conformance coverage`); do not edit by hand.\n\n",
    );
    let _ = writeln!(
        text,
        "{} scenarios; {} of {} documented outcomes covered.\n",
        scenario_count,
        map.len() - missing.len(),
        map.len()
    );
    text.push_str("| endpoint | status | code | scenarios |\n|---|---|---|---|\n");
    for (outcome, names) in map {
        let names = if names.is_empty() {
            "**none**".to_owned()
        } else {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} |",
            outcome.endpoint, outcome.status, outcome.code, names
        );
    }
    if !missing.is_empty() {
        text.push_str("\n## Uncovered\n\n");
        for outcome in missing {
            let _ = writeln!(
                text,
                "- {} {} {}",
                outcome.endpoint, outcome.status, outcome.code
            );
        }
    }
    text
}

/// The whole of `fixtures/COVERAGE.md`: the map of documented outcomes, then Zoho's v8 examples
/// against the citations of `scenarios` and of the ledger `ledger`.
pub fn document(scenarios: &[LoadedScenario], ledger: &str, examples: &[Example]) -> String {
    let map = map(scenarios);
    let citations = Oas8Citations::collect(scenarios, ledger);
    let mut text = markdown(&map, scenarios.len());
    text.push_str(&oas8_markdown(examples, &citations));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_to_their_endpoint() {
        assert_eq!(endpoint_of("GET", "/crm/v4/settings/portals"), Some("P1"));
        assert_eq!(
            endpoint_of("GET", "/crm/v8/settings/portals/meta"),
            Some("M1")
        );
        assert_eq!(
            endpoint_of("PUT", "/crm/v4/settings/portals/X/user_type/{{id}}"),
            Some("UT4")
        );
        assert_eq!(
            endpoint_of(
                "PUT",
                "/crm/v4/settings/portals/X/user_type/1/users/2/actions/change_status"
            ),
            Some("U4")
        );
        assert_eq!(
            endpoint_of("POST", "/crm/v4/Contacts/1/actions/portal_invite"),
            Some("I1")
        );
        assert_eq!(endpoint_of("GET", "/__mock/orgs"), None);
        assert_eq!(endpoint_of("POST", "/crm/v8/Contacts"), Some("R1"));
        assert_eq!(endpoint_of("GET", "/crm/v8/Contacts/{{id}}"), Some("R2"));
        assert_eq!(endpoint_of("DELETE", "/crm/v8/Contacts?ids=1"), Some("R3"));
        assert_eq!(endpoint_of("GET", "/crm/v8/settings/portals"), Some("P1"));
    }

    #[test]
    fn endpoints_are_named_by_method_and_path() {
        assert_eq!(
            endpoint_request("UT3").as_deref(),
            Some("POST /crm/{version}/settings/portals/{portal}/user_type")
        );
        assert_eq!(
            endpoint_request("R3").as_deref(),
            Some("DELETE /crm/{version}/{module} or DELETE /crm/{version}/{module}/{record_id}")
        );
        assert_eq!(endpoint_request("oauth"), None);
    }
}
