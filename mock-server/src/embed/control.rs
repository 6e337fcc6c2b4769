//! The control plane called in process: [`control_in_process`] answers a `/__mock/` request as the
//! `--admin-bind` listener would (no admission: the caller owns the mock), without HTTP. The
//! embedded mocks' tools and the conformance runner's embedded target (an org per scenario, its
//! check and its deletion) use it; control requests are neither journaled nor faultable over
//! HTTP either, so the answer is the one the same request would get on the wire.

use std::net::SocketAddr;

use bytes::Bytes;

use crate::control::journal::method_name;
use crate::http::{ApiRequest, Method};
use crate::state::AppState;

/// What the control plane answered: the status and the body (empty for 204).
#[derive(Debug, Clone)]
pub struct ControlAnswer {
    /// The HTTP status the request would have been answered with.
    pub status: u16,
    /// The body (JSON, except for the dashboard's assets).
    pub body: Bytes,
}

/// Answers a control-plane request (`method` by name, `GET`, `POST`, …; `path` from `/__mock/`,
/// with its query) on `state`, in process; a method of another name is an unknown one.
pub fn control_in_process(
    state: &AppState,
    method: &str,
    path: &str,
    body: impl Into<Bytes>,
) -> ControlAnswer {
    let method = Method::ALL
        .into_iter()
        .find(|known| method_name(*known).eq_ignore_ascii_case(method))
        .unwrap_or(Method::Other);
    let peer = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut request = ApiRequest::new(method, path, body.into(), peer);
    request.admin_listener = true;
    let response = crate::control::handle(state, &request);
    ControlAnswer {
        status: response.status,
        body: response.body.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::fixtures::FixtureSet;
    use crate::store::Store;
    use serde_json::Value;

    fn state() -> AppState {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        AppState::new(store, Clock::real(), Config::default())
    }

    fn json(answer: &ControlAnswer) -> Value {
        serde_json::from_slice(&answer.body).unwrap()
    }

    #[test]
    fn an_org_is_created_checked_and_deleted_in_process() {
        let state = state();
        let body = Bytes::from(r#"{"fixture":"zylker","jobs":"manual"}"#);
        let created = control_in_process(&state, "POST", "/__mock/orgs", body);
        assert_eq!(created.status, 201, "{:?}", created.body);
        let org_id = json(&created)["org_id"].as_str().unwrap().to_owned();
        let check = control_in_process(
            &state,
            "get",
            &format!("/__mock/orgs/{org_id}/check"),
            Bytes::new(),
        );
        assert_eq!(check.status, 200, "{:?}", check.body);
        let path = format!("/__mock/orgs/{org_id}");
        assert!(matches!(
            control_in_process(&state, "DELETE", &path, Bytes::new()).status,
            200 | 204
        ));
        assert_eq!(
            control_in_process(&state, "DELETE", &path, Bytes::new()).status,
            404
        );
    }

    #[test]
    fn an_unknown_method_is_answered_as_over_http() {
        let answer = control_in_process(&state(), "BREW", "/__mock/orgs", Bytes::new());
        assert!(answer.status >= 400, "{:?}", answer.body);
    }
}
