//! Who may use the control plane: loopback clients only, unless `--control-plane any`, a client
//! sends `--admin-token` in `X-Mock-Admin-Token`, or it comes in on `--admin-bind`;
//! `--control-plane off` hides it (404, as an unknown path). A wrong `X-Mock-Admin-Token` is
//! answered as such (`WRONG_ADMIN_TOKEN`), not as a plain refusal. `GET /__mock/health` is the one
//! exception (the caller, `control::run`, does not ask for its route): every client gets it, in every mode (it tells the version, the uptime and how many
//! orgs there are, nothing else), so a container's health check and a CI job can wait on it
//! whatever the control plane's flags.

use super::error::ControlError;
use crate::api::error::ApiError;
use crate::config::ControlPlane;
use crate::http::ApiRequest;
use crate::state::AppState;

/// Admits the request's client, or answers the refusal.
pub(super) fn admit(state: &AppState, request: &ApiRequest) -> Result<(), ControlError> {
    let sent = request.headers.get("x-mock-admin-token");
    let configured = state.config.admin_token.as_deref();
    let has_admin_token = configured.is_some() && sent == configured;
    match state.config.control_plane {
        _ if request.admin_listener => Ok(()),
        ControlPlane::Off => Err(ApiError::InvalidUrlPattern.into()),
        ControlPlane::Loopback if !request.peer.ip().is_loopback() && !has_admin_token => {
            match sent {
                // A token was sent and is not the one: say so, rather than "loopback only".
                Some(_) => Err(ControlError::WrongAdminToken {
                    configured: configured.is_some(),
                }),
                None => Err(ControlError::Forbidden),
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::fixtures::FixtureSet;
    use crate::http::{ApiResponse, Method};
    use crate::store::Store;
    use bytes::Bytes;

    fn state_with(config: Config) -> AppState {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        AppState::new(store, Clock::real(), config)
    }

    fn state(control_plane: ControlPlane) -> AppState {
        state_with(Config {
            control_plane,
            ..Config::default()
        })
    }

    /// Loopback only, opened to clients that send `token`.
    fn with_admin_token(token: &str) -> AppState {
        state_with(Config {
            admin_token: Some(token.into()),
            ..Config::default()
        })
    }

    fn list_from(peer: &str, state: &AppState) -> ApiResponse {
        list_with(peer, state, &[], false)
    }

    fn list_with(
        peer: &str,
        state: &AppState,
        headers: &[(&str, &str)],
        admin_listener: bool,
    ) -> ApiResponse {
        get_with("/__mock/orgs", peer, state, headers, admin_listener)
    }

    fn get_with(
        path: &str,
        peer: &str,
        state: &AppState,
        headers: &[(&str, &str)],
        admin_listener: bool,
    ) -> ApiResponse {
        let mut request = ApiRequest::new(Method::Get, path, Bytes::new(), peer.parse().unwrap());
        request.headers = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        request.admin_listener = admin_listener;
        crate::control::handle(state, &request)
    }

    #[test]
    fn the_admin_token_and_the_admin_listener_open_it_to_other_clients() {
        let with_token = with_admin_token("t0k");
        let far = "192.0.2.7:5000";
        assert_eq!(
            list_with(far, &with_token, &[("x-mock-admin-token", "t0k")], false).status,
            200
        );
        let wrong = list_with(far, &with_token, &[("x-mock-admin-token", "nope")], false);
        assert_eq!(wrong.status, 403);
        assert_eq!(
            wrong.json_body().unwrap()["error"]["code"],
            "WRONG_ADMIN_TOKEN"
        );
        let unset = list_with(
            far,
            &state(ControlPlane::Loopback),
            &[("x-mock-admin-token", "t0k")],
            false,
        );
        assert_eq!(
            unset.json_body().unwrap()["error"]["code"],
            "WRONG_ADMIN_TOKEN"
        );
        assert!(
            unset.json_body().unwrap()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("without --admin-token")
        );
        let none = list_with(far, &with_token, &[], false);
        assert_eq!(none.json_body().unwrap()["error"]["code"], "FORBIDDEN");
        assert_eq!(
            list_with(far, &state(ControlPlane::Loopback), &[], true).status,
            200
        );
        assert_eq!(
            list_from("127.0.0.1:1", &state(ControlPlane::Off)).status,
            404
        );
    }

    #[test]
    fn health_is_answered_to_every_client_in_every_mode_and_tells_nothing_else() {
        let far = "192.0.2.7:5000";
        let with_token = with_admin_token("t0k");
        let modes = [ControlPlane::Loopback, ControlPlane::Any, ControlPlane::Off];
        for state in modes.into_iter().map(state).chain([with_token.clone()]) {
            let health = get_with("/__mock/health", far, &state, &[], false);
            assert_eq!(health.status, 200);
            let body: serde_json::Value =
                serde_json::from_slice(health.body.as_deref().unwrap()).unwrap();
            let mut keys: Vec<&str> = body
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort_unstable();
            assert_eq!(keys, ["orgs", "status", "uptime_seconds", "version"]);
            assert_eq!(body["orgs"], 4, "the built-in orgs: {body}");
            assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
        }
        // The rest stays closed to that client without the token (a POST to health too: only
        // its GET is open), and to an admitted client health takes only GET.
        assert_eq!(list_from(far, &with_token).status, 403);
        for (peer, status) in [(far, 403), ("127.0.0.1:5000", 405)] {
            let mut post = ApiRequest::new(
                Method::Post,
                "/__mock/health",
                Bytes::new(),
                peer.parse().unwrap(),
            );
            post.admin_listener = false;
            assert_eq!(crate::control::handle(&with_token, &post).status, status);
        }
    }

    #[test]
    fn the_control_plane_refuses_clients_off_loopback_unless_opened() {
        let loopback_only = state(ControlPlane::Loopback);
        assert_eq!(list_from("127.0.0.1:5000", &loopback_only).status, 200);
        assert_eq!(list_from("[::1]:5000", &loopback_only).status, 200);
        assert_eq!(list_from("192.0.2.7:5000", &loopback_only).status, 403);
        assert_eq!(
            list_from("192.0.2.7:5000", &state(ControlPlane::Any)).status,
            200
        );
    }
}
