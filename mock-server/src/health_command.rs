//! `portals-mock health`: asks a running mock whether it is up (`GET URL/__mock/health`), for a
//! container's `HEALTHCHECK` (which then needs no shell, no curl) and for CI jobs that wait for
//! the mock before their tests run (`--wait`).

use std::time::{Duration, Instant};

/// The mock's address when `--url` is not given: the default `--bind`, and the port the
/// container image exposes.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8089";

/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long to sleep between probes while waiting.
const RETRY_EVERY: Duration = Duration::from_millis(200);

/// Probes `base_url`'s health endpoint until it answers 200, for at most `wait` (zero: once);
/// the answer's body, or why the mock is not healthy (the last probe's error).
pub fn run(base_url: &str, wait: Duration) -> Result<String, String> {
    let url = format!("{}/__mock/health", base_url.trim_end_matches('/'));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(PROBE_TIMEOUT))
        .build()
        .into();
    let deadline = Instant::now() + wait;
    loop {
        match probe(&agent, &url) {
            Ok(body) => return Ok(body),
            Err(error) if Instant::now() >= deadline => return Err(error),
            Err(_) => std::thread::sleep(RETRY_EVERY),
        }
    }
}

/// One `GET`: the body of a 200, or what went wrong.
fn probe(agent: &ureq::Agent, url: &str) -> Result<String, String> {
    let mut response = agent
        .get(url)
        .call()
        .map_err(|error| format!("{url}: {error}"))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|error| format!("{url}: cannot read the answer: {error}"))?;
    if status == 200 {
        Ok(body)
    } else {
        Err(format!("{url} answered {status}: {body}"))
    }
}
