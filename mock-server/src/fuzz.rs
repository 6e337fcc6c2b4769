//! Fuzz targets, and the small seeded mutation fuzzer that drives them on stable Rust.
//!
//! Each target takes arbitrary bytes, runs them through the mock's own code (the request
//! parser, the router, a whole request with a JSON or query body against a real in-memory store)
//! and panics if an invariant breaks: a 500, a body that is not a JSON object, an error answer
//! without a Zoho `code`. [`run`] replays a seed corpus and then mutates it for a number of
//! iterations, keeping inputs that reach an outcome not seen before (a cheap stand-in for
//! coverage feedback). A panicking input is written to `target/fuzz-crashes/` and the run fails
//! naming that file; it then becomes a regression input under `fuzz/<target>/` of the package.
//!
//! `make test` runs each target briefly with a fixed seed (repeatable); `make fuzz` runs them
//! longer (`FUZZ_ITERATIONS`, `FUZZ_SEED`). Not part of the stable API.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use serde_json::Value;

use crate::http::{ApiRequest, ApiResponse, Method};
use crate::{AppState, Clock, Config, FixtureSet, Store};

/// A xorshift64* generator: repeatable from its seed, good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed odd constant).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next_u64() % bound as u64) as usize
        }
    }
}

/// Tokens worth inserting: JSON structure, numbers at the edges, escapes, bad UTF-8, path and
/// query syntax, SQL metacharacters.
const DICTIONARY: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"null",
    b"true",
    b"false",
    b"0",
    b"-1",
    b"1e999",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"1.5",
    b"\"\"",
    b"{}",
    b"[]",
    b"\\u0000",
    b"\\ud800",
    b"\\\"",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98\x80",
    b"%",
    b"%00",
    b"%ff",
    b"%2F",
    b"%25",
    b"+",
    b"&",
    b"=",
    b"?",
    b"/",
    b"//",
    b"..",
    b"';--",
    b"\" OR 1=1 --",
    b"name",
    b"user_type",
    b"portals",
    b"modules",
    b"id",
    b"personality_module",
    b"api_name",
    b"permissions",
    b"shared_type",
    b"users",
    b"change_status",
    b"personality_id",
    b"active",
    b"layouts",
    b"views",
    b"filters",
    b"saml_configuration",
    b"fixture",
];

/// Applies one to four random edits to `input` (bit flips, byte changes, insertions,
/// deletions, duplications, dictionary tokens, splices with another corpus entry); or, one time
/// in three when `input` holds JSON, replaces one value of the document with a value of another
/// shape (wrong types at every level).
pub fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    if rng.below(3) == 0
        && let Some(out) = mutate_json(rng, input)
    {
        return out;
    }
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(9) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next_u64() as u8;
            }
            2 => out.insert(at, rng.next_u64() as u8),
            3 if !out.is_empty() => {
                let len = 1 + rng.below(out.len().min(16));
                let start = rng.below(out.len() - len + 1);
                out.drain(start..start + len);
            }
            4 if !out.is_empty() => {
                let len = 1 + rng.below(out.len().min(64));
                let start = rng.below(out.len() - len + 1);
                let copy = out[start..start + len].to_vec();
                out.splice(at..at, copy);
            }
            5 | 6 => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())];
                out.splice(at..at, token.iter().copied());
            }
            7 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                out.truncate(at);
                out.extend_from_slice(&other[from..]);
            }
            _ => out.truncate(at),
        }
    }
    out.truncate(64 * 1024);
    out
}

/// Replaces one value of the JSON document in `input` (after any prefix, such as a selector
/// byte) with a value of another shape; `None` when `input` holds no JSON document.
fn mutate_json(rng: &mut Rng, input: &[u8]) -> Option<Vec<u8>> {
    let start = input.iter().position(|b| matches!(b, b'{' | b'['))?;
    let mut document: Value = serde_json::from_slice(&input[start..]).ok()?;
    let mut count = 0;
    count_values(&document, &mut count);
    let mut target = rng.below(count);
    let replacement = match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(0),
        3 => Value::from(-1),
        4 => Value::from(u64::MAX),
        5 => Value::from(1.5),
        6 => Value::from(""),
        7 => Value::from("x".repeat(rng.below(300))),
        8 => Value::Array(Vec::new()),
        9 => Value::Object(serde_json::Map::new()),
        // The value wrapped in an array, or turned into its text.
        10 => Value::Array(vec![nth_value(&document, target).clone()]),
        _ => Value::from(nth_value(&document, target).to_string()),
    };
    replace_nth(&mut document, &mut target, replacement);
    let mut out = input[..start].to_vec();
    out.extend_from_slice(document.to_string().as_bytes());
    Some(out)
}

fn count_values(value: &Value, count: &mut usize) {
    *count += 1;
    match value {
        Value::Array(items) => items.iter().for_each(|v| count_values(v, count)),
        Value::Object(map) => map.values().for_each(|v| count_values(v, count)),
        _ => {}
    }
}

/// The `n`th value in document order (the root is 0).
fn nth_value(value: &Value, n: usize) -> &Value {
    fn walk<'a>(value: &'a Value, n: &mut usize) -> Option<&'a Value> {
        if *n == 0 {
            return Some(value);
        }
        *n -= 1;
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => return None,
        };
        children.into_iter().find_map(|child| walk(child, n))
    }
    let mut n = n;
    walk(value, &mut n).unwrap_or(value)
}

fn replace_nth(value: &mut Value, n: &mut usize, replacement: Value) -> bool {
    if *n == 0 {
        *value = replacement;
        return true;
    }
    *n -= 1;
    match value {
        Value::Array(items) => {
            for item in items {
                if replace_nth(item, n, replacement.clone()) {
                    return true;
                }
            }
            false
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                if replace_nth(item, n, replacement.clone()) {
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

/// How long a run is: from `FUZZ_ITERATIONS` and `FUZZ_SEED`, or the defaults given.
pub fn settings(default_iterations: usize) -> (usize, u64) {
    let iterations = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_iterations);
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED);
    (iterations, seed)
}

/// Replays `seeds` and every regression input in `regressions` (one file per input), then
/// runs `iterations` mutated inputs through `target`. The target answers an outcome signature;
/// inputs with a new outcome join the corpus. A panic fails the run, naming the saved input.
pub fn run(
    name: &str,
    seeds: impl IntoIterator<Item = impl AsRef<[u8]>>,
    regressions: &Path,
    iterations: usize,
    seed: u64,
    mut target: impl FnMut(&[u8]) -> u64,
) {
    let mut corpus: Vec<Vec<u8>> = seeds.into_iter().map(|s| s.as_ref().to_vec()).collect();
    if let Ok(entries) = std::fs::read_dir(regressions) {
        let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        files.sort();
        corpus.extend(files.iter().filter_map(|path| std::fs::read(path).ok()));
    }
    let mut seen = HashSet::new();
    let mut rng = Rng::new(seed);
    let mut check = |input: &[u8], seen: &mut HashSet<u64>| -> bool {
        match catch_unwind(AssertUnwindSafe(|| target(input))) {
            Ok(outcome) => seen.insert(outcome),
            Err(panic) => {
                let saved = save_crash(name, input);
                let reason = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                panic!(
                    "fuzz target {name} failed on {:?} (saved as {}): {reason}",
                    String::from_utf8_lossy(&input[..input.len().min(300)]),
                    saved.display()
                );
            }
        }
    };
    for input in corpus.clone() {
        check(&input, &mut seen);
    }
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    for _ in 0..iterations {
        let base = corpus[rng.below(corpus.len())].clone();
        let input = mutate(&mut rng, &base, &corpus);
        if check(&input, &mut seen) && corpus.len() < 4096 {
            corpus.push(input);
        }
    }
    report(name, iterations, seen.len(), corpus.len());
}

/// One line per run (shown by `make fuzz`, which runs the tests with `--nocapture`).
#[allow(clippy::print_stderr)]
fn report(name: &str, iterations: usize, outcomes: usize, corpus: usize) {
    eprintln!(
        "fuzz {name}: {iterations} mutated inputs, {outcomes} distinct outcomes, corpus {corpus}"
    );
}

fn save_crash(name: &str, input: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-crashes");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}-{:016x}", signature(&input)));
    let _ = std::fs::write(&path, input);
    path
}

/// A hash of anything, for outcome signatures.
pub fn signature(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

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
    match crate::router::route(&request) {
        // The route's shape, without the names and ids it captured.
        Ok(route) => {
            let mut shape = String::new();
            let (mut quoted, mut escaped) = (false, false);
            for c in format!("{route:?}").chars() {
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
    const METHODS: [Method; 8] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Options,
        Method::Other,
    ];
    match data.split_first() {
        Some((first, rest)) => (METHODS[usize::from(*first) % METHODS.len()], rest),
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
        let response = crate::handlers::handle(&self.state, &request);
        check_answer(&response);
        // Run what the request scheduled, so job payloads are fuzzed too.
        if response.status < 300 {
            let _ = crate::handlers::jobs::run_pending(&self.state, None);
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
