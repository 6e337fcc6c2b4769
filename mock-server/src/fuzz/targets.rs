//! The fuzz targets: the request parser, the router, and whole requests with fuzzed bodies and
//! queries against a real in-memory store. Each panics when an invariant breaks and answers an
//! outcome signature otherwise.

use std::net::SocketAddr;

use bytes::Bytes;
use serde_json::Value;

use super::signature;
use crate::http::{ApiRequest, ApiResponse, Method};
use crate::pipeline::Plane;
use crate::{AppState, Clock, Config, FixtureSet, Store};

fn peer() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 40000))
}

/// Target: the path-and-query parser. The bytes are the request target as sent.
pub fn request_target(data: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(data);
    let request = ApiRequest::new(Method::Get, &text, Bytes::new(), peer());
    assert!(
        request.segments.iter().all(|s| !s.is_empty()),
        "empty segment"
    );
    assert!(!request.path.contains('?'), "query left in the path");
    for (key, _) in &request.query {
        assert!(
            request.query_param(key).is_some(),
            "a parsed key is not found"
        );
    }
    signature(&(request.segments.len(), request.query.len()))
}

/// Target: the router. The first byte picks the method, the rest is the request target.
pub fn router_target(data: &[u8]) -> u64 {
    let (method, rest) = split_method(data);
    let text = String::from_utf8_lossy(rest);
    let request = ApiRequest::new(method, &text, Bytes::new(), peer());
    let segments = request.segment_strs();
    let rest = segments.get(1..).unwrap_or_default();
    let routed = match Plane::of(&request) {
        Plane::Api => crate::api::router::crm(method, rest).map(|route| format!("{route:?}")),
        Plane::Oauth => crate::api::router::oauth(method, rest).map(|route| format!("{route:?}")),
        Plane::Control => {
            crate::control::router::route(method, rest).map(|route| format!("{route:?}"))
        }
        Plane::Unknown => Err(crate::ApiError::InvalidUrlPattern),
    };
    match routed {
        // The route's shape, without the names and ids it captured.
        Ok(route) => {
            let mut shape = String::new();
            let (mut quoted, mut escaped) = (false, false);
            for c in route.chars() {
                match (quoted, escaped, c) {
                    (true, false, '\\') => escaped = true,
                    (true, true, _) => escaped = false,
                    (_, _, '"') => quoted = !quoted,
                    (false, _, c) => shape.push(c),
                    _ => {}
                }
            }
            signature(&shape)
        }
        Err(error) => {
            let status = error.status();
            assert!(matches!(status, 400 | 404), "routing answered {status}");
            signature(&(status, error.code()))
        }
    }
}

fn split_method(data: &[u8]) -> (Method, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (Method::ALL[usize::from(*first) % Method::ALL.len()], rest),
        None => (Method::Get, data),
    }
}

/// Where a body target puts the fuzzed bytes.
#[derive(Clone, Copy)]
enum Feed {
    Body,
    Query,
}

/// The endpoints that read a body or a rich query, and who calls them.
const BODY_ROUTES: &[(Method, &str, Feed, Option<&str>)] = &[
    (
        Method::Post,
        "/crm/v8/settings/portals",
        Feed::Body,
        Some("1000.blank.admin"),
    ),
    (
        Method::Put,
        "/crm/v8/settings/portals/ZylkerAutos",
        Feed::Body,
        Some(ADMIN),
    ),
    (
        Method::Post,
        "/crm/v8/settings/portals/ZylkerAutos/user_type",
        Feed::Body,
        Some(ADMIN),
    ),
    (
        Method::Post,
        "/crm/v4/settings/portals/ZylkerAutos/user_type",
        Feed::Body,
        Some(ADMIN),
    ),
    (
        Method::Put,
        "/crm/v8/settings/portals/ZylkerAutos/user_type/1306462000001813022",
        Feed::Body,
        Some(ADMIN),
    ),
    (
        Method::Put,
        "/crm/v8/settings/portals/ZylkerAutos/user_type/1306462000001813022/users/actions/change_status",
        Feed::Body,
        Some(ADMIN),
    ),
    (
        Method::Post,
        "/crm/v8/Contacts/actions/portal_invite",
        Feed::Body,
        Some(ADMIN),
    ),
    (
        Method::Get,
        "/crm/v8/settings/portals/ZylkerAutos/user_type/1306462000001813022/users",
        Feed::Query,
        Some(ADMIN),
    ),
    (
        Method::Post,
        "/crm/v8/settings/portals/ZylkerAutos/user_type/1306462000001813022/users/action/transfer",
        Feed::Query,
        Some(ADMIN),
    ),
    (
        Method::Delete,
        "/crm/v8/settings/portals/ZylkerAutos/user_type/1306462000001813022/users",
        Feed::Query,
        Some(ADMIN),
    ),
    (
        Method::Post,
        "/crm/v8/Contacts/1306462000000670001/actions/portal_invite",
        Feed::Query,
        Some(ADMIN),
    ),
    (
        Method::Get,
        "/crm/v8/settings/portals/meta",
        Feed::Query,
        Some(ADMIN),
    ),
    (Method::Post, "/oauth/v2/token", Feed::Body, None),
    (Method::Post, "/__mock/orgs", Feed::Body, None),
    (
        Method::Get,
        "/crm/v8/Contacts/search",
        Feed::Query,
        Some(ADMIN),
    ),
    (Method::Get, "/crm/v8/Contacts", Feed::Query, Some(ADMIN)),
    (Method::Put, "/crm/v8/Contacts", Feed::Body, Some(ADMIN)),
    (
        Method::Post,
        "/crm/v8/Contacts/upsert",
        Feed::Body,
        Some(ADMIN),
    ),
    (
        Method::Get,
        "/crm/v8/Contacts/deleted",
        Feed::Query,
        Some(ADMIN),
    ),
    (
        Method::Get,
        "/crm/v8/Deals/search",
        Feed::Query,
        Some(ADMIN),
    ),
];

const ADMIN: &str = "1000.zylker.admin";

/// One valid (or nearly valid) input per entry of `BODY_ROUTES`, the fuzzer's starting points.
const BODY_SAMPLES: &[&str] = &[
    r#"{"portals":[{"name":"FuzzPortal1"}]}"#,
    r#"{"portals":[{"name":"ZylkerAutos","saml_configuration":{"logout_url":"https://www.example.com/out","public_key":"-----BEGIN CERTIFICATE-----"}}]}"#,
    r#"{"user_type":[{"name":"Employees","personality_module":{"api_name":"Contacts"},"active":true,"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true,"edit":false}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#,
    r#"{"user_type":[{"name":"Customers","personality_module":{"api_name":"Customer"},"modules":[{"id":"1306462000000000125","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#,
    r#"{"user_type":[{"name":"Renamed","active":false,"modules":[{"id":"1306462000000000129","shared_type":"read_only","permissions":{"view":true}}]}]}"#,
    r#"{"change_status":[{"users":[{"active":false,"personality_id":"1306462000000659009"}]}]}"#,
    r#"{"portal_invite":[{"data":[{"id":"1306462000000670001","user_type_id":"1306462000001813022","type":"invite"}]}]}"#,
    r#"type=active&page=1&per_page=10&filters=%7B%22comparator%22%3A%22equal%22%2C%22field%22%3A%7B%22api_name%22%3A%22email%22%7D%2C%22value%22%3A%22a%40b.c%22%7D"#,
    "transfer_To=1306462000001813022&personality_ids=1306462000000659009",
    "personality_ids=1306462000000659009,1306462000000665004",
    "user_type_id=1306462000001813022&type=invite&language=en_US",
    "module=Contacts",
    "grant_type=refresh_token&client_id=1000.MOCKCLIENT&client_secret=mocksecret&refresh_token=1000.zylker.refresh",
    r#"{"fixture":"blank"}"#,
    "criteria=((Last_Name:starts_with:Ku)and(Email:equals:ravi.kumar%40example.com))or(First_Name:in:A\\,B,C)&page=1&per_page=10&fields=Email",
    "fields=Last_Name,Email&per_page=5&sort_by=Modified_Time&sort_order=asc&page=2",
    r#"{"data":[{"id":"1306462000000670001","Mailing_City":"Pune","Email":"r.k@example.com"},{"Last_Name":""}]}"#,
    r#"{"data":[{"Last_Name":"Fuzz","Email":"ravi.kumar@example.com"},{"Last_Name":"New","Email":"new@example.com"}],"duplicate_check_fields":["Email"]}"#,
    "type=recycle&page=1&per_page=1",
    "criteria=((Amount:between:10,20)or(Stage:in:Won,Lost)or(Closing_Date:greater_equal:2024-01-01))",
];

/// The starting inputs of the body target: each endpoint's selector byte and sample.
pub fn body_seeds() -> Vec<Vec<u8>> {
    assert_eq!(BODY_SAMPLES.len(), BODY_ROUTES.len());
    BODY_SAMPLES
        .iter()
        .enumerate()
        .map(|(i, sample)| {
            let mut seed = vec![i as u8];
            seed.extend_from_slice(sample.as_bytes());
            seed
        })
        .collect()
}

/// Target: one whole request with a fuzzed JSON body (or query) against a real in-memory
/// store: every answer is a documented status with a JSON object body, never a 500.
pub struct BodyTarget {
    state: AppState,
}

impl BodyTarget {
    /// A store seeded from the embedded fixtures; scheduled jobs only run when asked.
    pub fn new() -> BodyTarget {
        let store = Store::open_in_memory(FixtureSet::embedded().expect("embedded fixtures"))
            .expect("in-memory store");
        let config = Config {
            job_interval: None,
            ..Config::default()
        };
        BodyTarget {
            state: AppState::new(store, Clock::real(), config),
        }
    }

    /// The number of endpoints the first byte selects from.
    pub fn routes() -> usize {
        BODY_ROUTES.len()
    }

    /// Runs the input: the first byte picks the endpoint, the rest is its body or query.
    pub fn run(&self, data: &[u8]) -> u64 {
        let Some((first, rest)) = data.split_first() else {
            return 0;
        };
        let (method, path, into, token) = BODY_ROUTES[usize::from(*first) % BODY_ROUTES.len()];
        let (target, body) = match into {
            Feed::Body => (path.to_owned(), Bytes::copy_from_slice(rest)),
            Feed::Query => (
                format!("{path}?{}", String::from_utf8_lossy(rest)),
                Bytes::new(),
            ),
        };
        let mut request = ApiRequest::new(method, &target, body, peer());
        request.authorization = token.map(|t| format!("Zoho-oauthtoken {t}"));
        let response = crate::pipeline::handle(&self.state, &request, Plane::of(&request));
        check_answer(&response);
        // Run what the request scheduled, so job payloads are fuzzed too.
        if response.status < 300 {
            let _ = crate::domain::jobs::run_pending(&self.state, None);
        }
        // The outcome: the endpoint, the status, the error code and where it points.
        let body = response.json_body().unwrap_or_default();
        let code = error_code(&body).unwrap_or_default();
        let details = body
            .get("details")
            .or_else(|| {
                body.as_object()?
                    .values()
                    .find_map(Value::as_array)?
                    .first()?
                    .get("details")
            })
            .map(Value::to_string)
            .unwrap_or_default();
        signature(&(
            *first as usize % BODY_ROUTES.len(),
            response.status,
            code,
            details,
        ))
    }
}

impl Default for BodyTarget {
    fn default() -> BodyTarget {
        BodyTarget::new()
    }
}

/// The invariants of every answer: not a 500; 204 without a body; otherwise a JSON object,
/// and an error status carries a Zoho `code` (at the top level or in the resource's array).
pub fn check_answer(response: &ApiResponse) {
    assert_ne!(response.status, 500, "a 500: {:?}", response.body);
    if response.status == 204 {
        assert!(response.body.is_none(), "a 204 with a body");
        return;
    }
    let body = response.json_body();
    let Some(Value::Object(_)) = &body else {
        panic!("not a JSON object: {:?}", response.body);
    };
    if response.status >= 400 {
        assert!(
            body.as_ref().and_then(error_code).is_some(),
            "an error without a code: {body:?}"
        );
    }
}

/// The `code` of an error body, top level or in the first item of the resource's array.
fn error_code(body: &Value) -> Option<String> {
    if let Some(code) = body.get("code").and_then(Value::as_str) {
        return Some(code.to_owned());
    }
    // The accounts server answers `{"error":"invalid_client"}`, the control plane
    // `{"error":{"code":…,"message":…}}`.
    match body.get("error") {
        Some(Value::String(error)) => return Some(error.clone()),
        Some(Value::Object(error)) => {
            return error.get("code").and_then(Value::as_str).map(str::to_owned);
        }
        _ => {}
    }
    let object = body.as_object()?;
    object
        .values()
        .filter_map(Value::as_array)
        .flat_map(|items| items.iter())
        .find_map(|item| item.get("code").and_then(Value::as_str))
        .map(str::to_owned)
}
