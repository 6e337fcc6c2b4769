//! `GET /__mock/ui` (the dashboard) and `GET /__mock/orgs/{id}/summary` (what it shows of an
//! org): the page and its two assets answer with their own content types, load nothing from
//! another origin, and follow the control plane's admission; the summary reads the org's
//! portal and user types as the API changes them. The page in a browser: `make examples-dashboard`.

use portals_mock::ControlPlane;

use crate::common::{BLANK, start, start_configured};

/// The page and the two files it loads: (path, content type).
const ASSETS: [(&str, &str); 3] = [
    ("/__mock/ui", "text/html; charset=utf-8"),
    ("/__mock/ui/dashboard.css", "text/css; charset=utf-8"),
    ("/__mock/ui/dashboard.js", "text/javascript; charset=utf-8"),
];

#[test]
fn the_dashboard_and_its_assets_are_served_with_their_own_types_and_nothing_external() {
    let server = start();
    for (path, content_type) in ASSETS {
        let reply = server.call("GET", path, None, None);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(reply.content_type.as_deref(), Some(content_type), "{path}");
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
            "{csp}"
        );
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        for external in [
            "http://",
            "https://",
            "src=\"//",
            "href=\"//",
            "url(",
            "@import",
        ] {
            assert!(
                !reply.body.contains(external),
                "{path} refers to {external}"
            );
        }
    }
    let page = server.call("GET", "/__mock/ui", None, None).body;
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    for markup in [
        "<h1>portals-mock dashboard</h1>",
        "<caption>Request journal, newest first</caption>",
        r#"<th scope="col">status</th>"#,
        r#"<label for="filter-method">Method</label>"#,
        r#"<label for="filter-path">Path contains</label>"#,
        r#"<label for="filter-status">Status</label>"#,
        r#"<link rel="stylesheet" href="/__mock/ui/dashboard.css">"#,
        r#"<script src="/__mock/ui/dashboard.js" defer></script>"#,
    ] {
        assert!(page.contains(markup), "the page lacks {markup}");
    }
    // Read-only: only GET is served.
    let post = server.call("POST", "/__mock/ui", None, Some("{}"));
    assert_eq!(post.status, 405, "{}", post.body);
    assert!(post.body.contains("METHOD_NOT_ALLOWED"), "{}", post.body);
    let unknown = server.call("GET", "/__mock/ui/other.js", None, None);
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(unknown.body.contains("UNKNOWN_ROUTE"), "{}", unknown.body);
}

#[test]
fn a_mock_without_a_control_plane_has_no_dashboard() {
    let server = start_configured(|config| config.control_plane = ControlPlane::Off);
    for (path, _) in ASSETS
        .into_iter()
        .chain([("/__mock/orgs/zylker/summary", "")])
    {
        let reply = server.call("GET", path, None, None);
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert!(reply.body.contains("INVALID_URL_PATTERN"), "{}", reply.body);
    }
}

#[test]
fn an_orgs_summary_shows_its_portal_user_types_and_user_counts() {
    let server = start();
    let zylker = server.call("GET", "/__mock/orgs/zylker/summary", None, None);
    assert_eq!(zylker.status, 200, "{}", zylker.body);
    assert_eq!(zylker.content_type.as_deref(), Some(crate::common::JSON));
    assert_eq!(
        zylker.json(),
        serde_json::json!({
            "org_id": "zylker",
            "fixture": "zylker",
            "company_name": "Zylker Autos",
            "edition": "Enterprise",
            "trial": false,
            "crm_users": 4,
            "portal": {"name": "ZylkerAutos", "zaid": "10052946888", "active": true},
            "user_types": [{
                "id": "1306462000001813022",
                "name": "Client Portal",
                "personality_module": "Contacts",
                "default": true,
                "active": true,
                "active_users": 1,
                "inactive_users": 0,
            }],
        })
    );
    let blank = server
        .call("GET", "/__mock/orgs/blank/summary", None, None)
        .json();
    assert_eq!(blank["portal"], serde_json::Value::Null);
    assert_eq!(blank["user_types"], serde_json::json!([]));
    // The summary follows the state: a portal created through the API is there next time.
    let created = server.post(
        "/crm/v8/settings/portals",
        BLANK,
        r#"{"portals":[{"name":"Summary1"}]}"#,
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let blank = server
        .call("GET", "/__mock/orgs/blank/summary", None, None)
        .json();
    assert_eq!(blank["portal"]["name"], "Summary1");
    assert_eq!(blank["user_types"][0]["default"], true);
    assert_eq!(blank["user_types"][0]["active_users"], 0);
    let unknown = server.call("GET", "/__mock/orgs/nope/summary", None, None);
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"]["code"], "UNKNOWN_ORG");
}
