//! Test support: a server on 127.0.0.1:0 in its own runtime, stopped when dropped, and a client.

use std::time::Duration;

use portals_mock::{AppState, Clock, Config, FixtureSet, MockServer, Store};

/// A server of its own for one test.
pub struct TestServer {
    runtime: tokio::runtime::Runtime,
    server: Option<MockServer>,
    agent: ureq::Agent,
    pub base: String,
}

/// One answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
    /// Every header, names lower-case.
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// A header's value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Starts a server on the embedded fixtures with a real clock.
pub fn start() -> TestServer {
    start_with(Clock::real(), Config::default())
}

/// Starts a server with the given clock and settings.
pub fn start_with(clock: Clock, config: Config) -> TestServer {
    start_with_fixtures(FixtureSet::embedded().unwrap(), clock, config)
}

/// Starts a server on the embedded fixtures with a real clock and the default settings as
/// `adjust` leaves them (e.g. `|config| config.journal_size = 3`).
pub fn start_configured(adjust: impl FnOnce(&mut Config)) -> TestServer {
    let mut config = Config::default();
    adjust(&mut config);
    start_with(Clock::real(), config)
}

/// Starts a server seeded from the given fixtures.
pub fn start_with_fixtures(fixtures: FixtureSet, clock: Clock, config: Config) -> TestServer {
    start_with_store(Store::open_in_memory(fixtures).unwrap(), clock, config)
}

/// Starts a server on the given store (e.g. a file database).
pub fn start_with_store(store: Store, clock: Clock, config: Config) -> TestServer {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let state = AppState::new(store, clock, config);
    let server = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        MockServer::start(listener, state).unwrap()
    });
    let base = server.base_url();
    let agent = agent_within(Duration::from_secs(10));
    TestServer {
        runtime,
        server: Some(server),
        agent,
        base,
    }
}

impl TestServer {
    /// Sends a request; `token` becomes `Authorization: Zoho-oauthtoken <token>`.
    pub fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> Reply {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path));
        if let Some(token) = token {
            builder = builder.header("Authorization", format!("Zoho-oauthtoken {token}"));
        }
        self.send(builder, body)
    }

    /// Sends a request with exactly the headers given.
    pub fn call_with_headers(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        self.send(builder, body)
    }

    /// Sends a request whose body is any bytes (not necessarily UTF-8).
    pub fn call_bytes(&self, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> Reply {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path));
        if let Some(token) = token {
            builder = builder.header("Authorization", format!("Zoho-oauthtoken {token}"));
        }
        self.send_bytes(builder, body.to_vec())
    }

    fn send(&self, builder: ureq::http::request::Builder, body: Option<&str>) -> Reply {
        self.send_bytes(builder, body.unwrap_or("").as_bytes().to_vec())
    }

    fn send_bytes(&self, builder: ureq::http::request::Builder, body: Vec<u8>) -> Reply {
        let request = builder.body(body).unwrap();
        let mut response = self.agent.run(request).unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Reply {
            status,
            content_type,
            body,
            headers,
        }
    }

    /// A control-plane call (no token) with a body.
    pub fn control(&self, method: &str, path: &str, body: &str) -> Reply {
        self.call(method, path, None, Some(body))
    }

    pub fn get(&self, path: &str, token: &str) -> Reply {
        self.call("GET", path, Some(token), None)
    }

    pub fn post(&self, path: &str, token: &str, body: &str) -> Reply {
        self.call("POST", path, Some(token), Some(body))
    }

    pub fn put(&self, path: &str, token: &str, body: &str) -> Reply {
        self.call("PUT", path, Some(token), Some(body))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}

pub const JSON: &str = "application/json;charset=UTF-8";
pub const ADMIN: &str = "1000.zylker.admin";
pub const BLANK: &str = "1000.blank.admin";
/// The zylker org's other tokens: READ scopes only, and no "Manage Portal" permission.
pub const READONLY: &str = "1000.zylker.readonly";
pub const NOPERM: &str = "1000.zylker.noperm";

/// The zylker portal's default user type ("Client Portal").
pub const DEFAULT_TYPE: &str = "1306462000001813022";
/// The default type's list and user paths (v4).
pub const USER_TYPES: &str = "/crm/v4/settings/portals/ZylkerAutos/user_type";
pub const USERS: &str = "/crm/v4/settings/portals/ZylkerAutos/user_type/1306462000001813022/users";
/// The zylker portal's two users (Kaizen #72) and Contacts records of the fixture.
pub const FIRST_ID: &str = "1306462000001856005";
pub const SECOND_ID: &str = "1306462000001856006";
pub const JENNIFER: &str = "1306462000000659009";
pub const RAVI: &str = "1306462000000670001";
pub const IN_RECYCLE_BIN: &str = "1306462000000670009";
pub const ASHA: &str = "1306462000000670011";
pub const BEN: &str = "1306462000000670012";

/// The instant of [`fixed_clock`].
pub const NOW: &str = "2023-03-01T10:00:00+05:30";

/// A clock stopped at [`NOW`].
pub fn fixed_clock() -> Clock {
    Clock::fixed(portals_mock::clock::parse_timestamp(NOW).unwrap())
}

/// A server on the embedded fixtures whose clock is [`fixed_clock`].
pub fn start_fixed() -> TestServer {
    start_with(fixed_clock(), Config::default())
}

/// Asserts status, the exact content type, and the exact body bytes.
#[track_caller]
pub fn assert_reply(reply: &Reply, status: u16, body: &str) {
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (status, body),
        "status and body differ"
    );
    assert_eq!(reply.content_type.as_deref(), Some(JSON));
}

/// Reads a spawned `portals-mock`'s first stdout line, `listening on http://HOST:PORT`, and
/// answers the base URL (the rest of stdout is left to the caller).
pub fn listening_address(child: &mut std::process::Child) -> String {
    use std::io::BufRead as _;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut line)
        .unwrap();
    line.trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line was {line:?}"))
        .to_owned()
}

/// Compacts a pretty-printed documented sample, keeping its key order.
pub fn compact(sample: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(sample).unwrap();
    serde_json::to_string(&value).unwrap()
}

/// An HTTP client for a spawned binary: every status is an answer, 20 s at most per call.
pub fn agent() -> ureq::Agent {
    agent_within(Duration::from_secs(20))
}

/// An HTTP client of its own (its own connection pool): every status is an answer, `timeout` at
/// most per call.
pub fn agent_within(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// A GET to a spawned binary with the zylker admin's token: the status and the body.
pub fn get_as_admin(url: &str) -> (u16, String) {
    let mut response = agent()
        .get(url)
        .header("Authorization", format!("Zoho-oauthtoken {ADMIN}"))
        .call()
        .unwrap();
    let body = response.body_mut().read_to_string().unwrap();
    (response.status().as_u16(), body)
}

/// Spawns the `portals-mock` binary on 127.0.0.1, port 0, with `args` (stdout piped; stderr as
/// given) and answers it with the base URL it printed first.
pub fn spawn_mock(args: &[&str], stderr: std::process::Stdio) -> (std::process::Child, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_portals-mock"))
        .args(["--port", "0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let base = listening_address(&mut child);
    (child, base)
}

/// Stops a spawned binary with SIGTERM and waits for it to end by itself (killing it and
/// failing the test after `within`); answers how it exited.
pub fn terminate(child: &mut std::process::Child, within: Duration) -> std::process::ExitStatus {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            return exit;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("portals-mock did not stop within {within:?} of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A new org from a built-in fixture (`POST /__mock/orgs`): its answer (`org_id`,
/// `access_token`, …).
#[track_caller]
pub fn new_org(server: &TestServer, fixture: &str) -> serde_json::Value {
    let reply = server.control(
        "POST",
        "/__mock/orgs",
        &format!(r#"{{"fixture":"{fixture}"}}"#),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

/// The `code` of an error answer: top level, or in the first item of the resource's array.
#[track_caller]
pub fn code(reply: &Reply) -> String {
    let body = reply.json();
    if let Some(code) = body["code"].as_str() {
        return code.to_owned();
    }
    body.as_object()
        .and_then(|object| object.values().find_map(|v| v.as_array()))
        .and_then(|items| items.first())
        .and_then(|item| item["code"].as_str())
        .unwrap_or_else(|| panic!("no code in {}", reply.body))
        .to_owned()
}

/// Any documented answer: a 204 without a body, or JSON, with a Zoho `code` when it is an
/// error; never a 500.
#[track_caller]
pub fn assert_documented(reply: &Reply) {
    assert_ne!(reply.status, 500, "{}", reply.body);
    if reply.status == 204 {
        assert_eq!(reply.body, "");
        return;
    }
    assert_eq!(reply.content_type.as_deref(), Some(JSON), "{}", reply.body);
    if reply.status >= 400 {
        code(reply);
    }
}

/// A GET with an odd query: answered 200, 204 or 400, and documented.
#[track_caller]
pub fn assert_odd_query_answered(server: &TestServer, path: &str, query: &str) {
    let reply = server.get(&format!("{path}{query}"), ADMIN);
    assert!(
        matches!(reply.status, 200 | 204 | 400),
        "{query}: {} {}",
        reply.status,
        reply.body
    );
    assert_documented(&reply);
}

/// How many of the org's requests match a pattern (`POST /__mock/orgs/{org}/requests/count`):
/// the answer (`count`, and `near_misses` when none does).
pub fn count_requests(server: &TestServer, org: &str, pattern: &str) -> Reply {
    server.control(
        "POST",
        &format!("/__mock/orgs/{org}/requests/count"),
        pattern,
    )
}

/// The name of the first portal `GET /crm/v8/settings/portals` lists for this token (`null`
/// when it lists none).
pub fn first_portal_name(server: &TestServer, token: &str) -> serde_json::Value {
    server.get("/crm/v8/settings/portals", token).json()["portals"][0]["name"].clone()
}

/// Asserts the portals still answer as the embedded fixtures seed them: zylker's admin is
/// listed its portal (200), blank's none (204).
#[track_caller]
pub fn assert_seeded_portals(server: &TestServer) {
    assert_eq!(server.get("/crm/v8/settings/portals", ADMIN).status, 200);
    assert_eq!(server.get("/crm/v8/settings/portals", BLANK).status, 204);
}

/// Every org the control plane lists (`GET /__mock/orgs`), in its order.
pub fn orgs(server: &TestServer) -> Vec<serde_json::Value> {
    let listed = server.call("GET", "/__mock/orgs", None, None).json();
    listed["orgs"].as_array().unwrap().clone()
}

/// An empty directory of this test's own under the system's temporary one
/// (`portals-mock-{name}-{pid}`, emptied first).
pub fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("portals-mock-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
