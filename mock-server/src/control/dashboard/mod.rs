//! The dashboard: `GET /__mock/ui`, a read-only page served by the mock itself, for a developer
//! to watch their integration talk to the mock. Its stylesheet and script are files beside this
//! one, embedded with `include_str!` and served at `/__mock/ui/dashboard.css` and
//! `/__mock/ui/dashboard.js`: no build step, nothing fetched from anywhere else.
//!
//! * `dashboard.html`: the page's markup (headings, tables with captions and scoped headers,
//!   a label for every filter);
//! * `dashboard.css`: its style, after the conformance runner's HTML report;
//! * `dashboard.js`: polls the control plane's JSON routes (same origin, so the same admission
//!   as every other route) every 2 s with `GET` only, and renders what they answer as text
//!   nodes, never as markup; the journal it shows is the journal's own redacted JSON.
//!
//! The page, its assets and its fetches go through [`super::admission`] like every control-plane
//! route. Every answer carries a Content-Security-Policy that allows only this origin's script,
//! style and fetches (no inline script, no other host), `nosniff` and `no-store`.

use crate::control::router::DashboardAsset;
use crate::http::ApiResponse;

const PAGE: &str = include_str!("dashboard.html");
const STYLE: &str = include_str!("dashboard.css");
const SCRIPT: &str = include_str!("dashboard.js");

/// What the page may load and connect to: this origin only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The page, its stylesheet or its script, with the headers that keep it to this origin.
pub(super) fn serve(asset: DashboardAsset) -> ApiResponse {
    let (content_type, body) = match asset {
        DashboardAsset::Page => ("text/html; charset=utf-8", PAGE),
        DashboardAsset::Style => ("text/css; charset=utf-8", STYLE),
        DashboardAsset::Script => ("text/javascript; charset=utf-8", SCRIPT),
    };
    let mut response = ApiResponse::text(200, content_type, body);
    response.headers.extend([
        (
            "content-security-policy".into(),
            CONTENT_SECURITY_POLICY.to_owned(),
        ),
        ("x-content-type-options".into(), "nosniff".to_owned()),
        ("cache-control".into(), "no-store".to_owned()),
        ("referrer-policy".into(), "no-referrer".to_owned()),
    ]);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::{Config, ControlPlane};
    use crate::fixtures::FixtureSet;
    use crate::http::{ApiRequest, Method};
    use crate::state::AppState;
    use crate::store::Store;
    use bytes::Bytes;

    fn text(asset: DashboardAsset) -> String {
        let response = serve(asset);
        String::from_utf8(response.body.unwrap().to_vec()).unwrap()
    }

    #[test]
    fn the_page_loads_its_own_style_and_script_and_nothing_else() {
        let page = text(DashboardAsset::Page);
        assert!(page.contains(r#"<link rel="stylesheet" href="/__mock/ui/dashboard.css">"#));
        assert!(page.contains(r#"<script src="/__mock/ui/dashboard.js" defer></script>"#));
        assert_eq!(
            page.matches("<script").count(),
            1,
            "one script, no inline one"
        );
        for asset in [
            DashboardAsset::Page,
            DashboardAsset::Style,
            DashboardAsset::Script,
        ] {
            let body = text(asset);
            assert!(
                !body.contains("http://") && !body.contains("https://"),
                "{asset:?}"
            );
            assert!(
                !body.contains("//cdn") && !body.contains("@import"),
                "{asset:?}"
            );
        }
    }

    #[test]
    fn the_script_renders_text_and_only_reads() {
        let script = text(DashboardAsset::Script);
        for markup_sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
        ] {
            assert!(
                !script.contains(markup_sink),
                "the script uses {markup_sink}"
            );
        }
        for write in ["'POST'", "'PUT'", "'DELETE'", "method:"] {
            assert!(!script.contains(write), "the script sends {write}");
        }
    }

    /// The page, its assets and the summary it reads from `peer`, with these headers.
    fn statuses(config: Config, peer: &str, headers: &[(&str, &str)]) -> Vec<u16> {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let state = AppState::new(store, Clock::real(), config);
        let paths = [
            "/__mock/ui",
            "/__mock/ui/dashboard.css",
            "/__mock/ui/dashboard.js",
            "/__mock/orgs/zylker/summary",
        ];
        paths
            .iter()
            .map(|path| {
                let mut request =
                    ApiRequest::new(Method::Get, path, Bytes::new(), peer.parse().unwrap());
                request.headers = headers
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                    .collect();
                crate::control::handle(&state, &request).status
            })
            .collect()
    }

    #[test]
    fn the_dashboard_is_admitted_as_the_rest_of_the_control_plane() {
        let far = "192.0.2.7:5000";
        let with_token = || Config {
            admin_token: Some("t0k".into()),
            ..Config::default()
        };
        assert_eq!(statuses(Config::default(), "127.0.0.1:1", &[]), [200; 4]);
        assert_eq!(statuses(Config::default(), far, &[]), [403; 4]);
        assert_eq!(statuses(with_token(), far, &[]), [403; 4]);
        assert_eq!(
            statuses(with_token(), far, &[("X-Mock-Admin-Token", "nope")]),
            [403; 4]
        );
        assert_eq!(
            statuses(with_token(), far, &[("X-Mock-Admin-Token", "t0k")]),
            [200; 4]
        );
        let any = Config {
            control_plane: ControlPlane::Any,
            ..Config::default()
        };
        assert_eq!(statuses(any, far, &[]), [200; 4]);
        let off = Config {
            control_plane: ControlPlane::Off,
            ..Config::default()
        };
        assert_eq!(statuses(off, "127.0.0.1:1", &[]), [404; 4]);
    }

    #[test]
    fn every_filter_input_has_a_label() {
        let page = text(DashboardAsset::Page);
        for id in ["filter-method", "filter-path", "filter-status"] {
            assert!(page.contains(&format!(r#"id="{id}""#)), "{id}");
            assert!(
                page.contains(&format!(r#"<label for="{id}">"#)),
                "label of {id}"
            );
        }
    }
}
