//! One whole benchmark run: cold start and idle memory, the 10,000-user org, every scenario at
//! 1, 16 and 64 connections against the mock and the hello server in alternating windows, the
//! paced latency runs, the users-page sweep, the conformance suite, and the report.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Options;
use crate::child::Server;
use crate::fixtures;
use crate::load::{self, Work};
use crate::render::{PacedRow, Rendered, Row, render};
use crate::report;
use crate::scenarios::{CLIENT_PORTAL_TYPE, ZYLKER_TOKEN, scenarios, uncached, users_path};
use crate::stats::{Samples, ms, percentile};

const CONNECTIONS: [usize; 3] = [1, 16, 64];
const COLD_STARTS: usize = 10;
const SUITE_RUNS: usize = 3;
/// The paced runs' rate (requests/s) and connections.
pub const PACED_RATE: f64 = 1000.0;
/// Connections of the paced runs.
pub const PACED_CONNS: usize = 8;

/// Runs everything and answers the report.
pub async fn all(options: &Options) -> Result<String, String> {
    let mock_bin = options.bin_dir.join("portals-mock");
    let conformance_bin = options.bin_dir.join("portals-conformance");
    let self_bin = std::env::current_exe().map_err(|e| format!("no current exe: {e}"))?;
    for bin in [&mock_bin, &conformance_bin] {
        if !bin.is_file() {
            return Err(format!(
                "{} is missing: run `make bench` (it builds the release binaries first)",
                bin.display()
            ));
        }
    }
    let machine = report::machine();
    let date = report::now_utc();

    eprintln!("portals-bench: cold start ({COLD_STARTS} starts, built-in fixtures)");
    let (cold, idle_rss) = cold_start(&mock_bin).await?;

    let dir = std::env::temp_dir().join(format!("portals-bench-{}", std::process::id()));
    let fixture_dir = fixtures::write(&options.root.join("fixtures/seed"), &dir)?;
    let fixture_arg = fixture_dir.display().to_string();
    let result = measure(
        options,
        &mock_bin,
        &self_bin,
        &conformance_bin,
        &fixture_arg,
        cold,
        idle_rss,
        machine,
        date,
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[allow(clippy::too_many_arguments)]
async fn measure(
    options: &Options,
    mock_bin: &Path,
    self_bin: &Path,
    conformance_bin: &Path,
    fixture_dir: &str,
    cold: Vec<Duration>,
    idle_rss: u64,
    machine: String,
    date: String,
) -> Result<String, String> {
    eprintln!("portals-bench: starting the mock (bench fixtures) and the hello server");
    let mock_args = [
        "--port",
        "0",
        "--log-level",
        "error",
        "--job-interval-ms",
        "0",
        "--only-fixtures",
        fixture_dir,
    ];
    let mock = Server::spawn(mock_bin, &mock_args)?;
    // The same mock with every answer rendered anew: the read scenarios run on it too.
    let mock_off = Server::spawn(
        mock_bin,
        &[&mock_args[..], &["--answer-cache", "off"]].concat(),
    )?;
    let hello = Server::spawn(self_bin, &["hello"])?;
    let m = mock.addr;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_rss_bench = mock.rss_bytes()?;

    eprintln!("portals-bench: inviting 10,000 users");
    let invite_time = invite_ten_thousand(m).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_10k = mock.rss_bytes()?;

    invite_ten_thousand(mock_off.addr).await?;
    let scenarios = scenarios(m).await?;
    preflight(m).await?;
    preflight(mock_off.addr).await?;

    let mut rows = Vec::new();
    for (name, work) in &scenarios {
        for conns in CONNECTIONS {
            eprintln!("portals-bench: {name}, {conns} connection(s)");
            rows.push(compare(options, name, work, conns, &mock, &hello).await?);
        }
        if let Some(uncached_name) = uncached(name) {
            for conns in CONNECTIONS {
                eprintln!("portals-bench: {uncached_name}, {conns} connection(s)");
                rows.push(compare(options, uncached_name, work, conns, &mock_off, &hello).await?);
            }
        }
    }

    eprintln!("portals-bench: paced runs at {PACED_RATE} requests/s");
    let mut paced_rows = Vec::new();
    let paced_window = Duration::from_secs(3);
    let paced_warmup = Duration::from_millis(500);
    for (what, index) in [("GET portals", 0usize), ("create+delete user type", 4)] {
        let work = &scenarios[index].1;
        for (target, addr, is_hello) in [("hello", hello.addr, true), ("mock", m, false)] {
            let run = load::paced(
                addr,
                work,
                PACED_RATE,
                PACED_CONNS,
                paced_warmup,
                paced_window,
                is_hello,
            )
            .await;
            paced_rows.push(PacedRow {
                what,
                target,
                summary: run.samples.summary(),
                late: run.late,
                scheduled: run.scheduled,
            });
        }
    }

    // Rendered anew each time: on the mock with the cache on, pages 2–5 of each would be kept.
    eprintln!("portals-bench: users pages 1 to 50 (answer cache off)");
    let sweep = page_sweep(mock_off.addr).await?;
    let rss_end = mock.rss_bytes()?;
    drop(hello);
    drop(mock);
    drop(mock_off);

    eprintln!("portals-bench: the conformance suite ({SUITE_RUNS} runs)");
    let suite = suite_time(conformance_bin, &options.root)?;

    Ok(render(&Rendered {
        options,
        machine,
        date,
        rows,
        paced_rows,
        sweep,
        cold,
        idle_rss,
        idle_rss_bench,
        rss_10k,
        rss_end,
        invite_time,
        suite,
    }))
}

/// `portals-bench load`: one scenario against a running mock (started with the bench fixtures:
/// `portals-bench fixtures DIR`; for the users pages, after `--invite`), to profile it by hand.
pub async fn one(
    addr: SocketAddr,
    scenario: &str,
    conns: usize,
    window: Duration,
    invite: bool,
) -> Result<String, String> {
    if scenario == "hello" {
        // The bare hello server: no set-up, every answer a 200.
        let work = Work::Get {
            path: "/crm/v8/settings/portals".into(),
            token: ZYLKER_TOKEN.into(),
            expect: 200,
        };
        let s = load::closed_loop(addr, &work, conns, Duration::from_millis(200), window, true)
            .await
            .summary();
        return Ok(format!(
            "hello, {conns} connection(s): {:.0} req/s, p50 {} ms, p99 {} ms, {} errors",
            s.rps,
            ms(s.p50_us),
            ms(s.p99_us),
            s.errors
        ));
    }
    if invite {
        invite_ten_thousand(addr).await?;
    }
    let all = scenarios(addr).await?;
    let names: Vec<&str> = all.iter().map(|(name, _)| *name).collect();
    let (name, work) = all
        .into_iter()
        .find(|(name, _)| name.starts_with(scenario))
        .ok_or_else(|| format!("no scenario starts with {scenario:?}; there are {names:?}"))?;
    let samples = load::closed_loop(
        addr,
        &work,
        conns,
        Duration::from_millis(200),
        window,
        false,
    )
    .await;
    let s = samples.summary();
    Ok(format!(
        "{name}, {conns} connection(s): {:.0} req/s, p50 {} ms, p99 {} ms, max {} ms, {} errors{}",
        s.rps,
        ms(s.p50_us),
        ms(s.p99_us),
        ms(s.max_us),
        s.errors,
        samples
            .first_error
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default()
    ))
}

/// Starts the mock on the built-in fixtures `COLD_STARTS` times; each time, the time from
/// spawning it to the first 200 of an authenticated GET. Then the idle RSS of the last one.
async fn cold_start(mock_bin: &Path) -> Result<(Vec<Duration>, u64), String> {
    let mut times = Vec::new();
    let mut idle_rss = 0;
    for n in 0..COLD_STARTS {
        let server = Server::spawn(mock_bin, &["--port", "0", "--log-level", "warn"])?;
        loop {
            match load::call(
                server.addr,
                "GET",
                "/crm/v8/settings/portals",
                Some(ZYLKER_TOKEN),
                None,
            )
            .await
            {
                Ok(reply) if reply.status == 200 => break,
                Ok(reply) => return Err(format!("cold start: status {}", reply.status)),
                Err(_) if server.spawned.elapsed() < Duration::from_secs(10) => {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Err(error) => return Err(format!("cold start: {error}")),
            }
        }
        times.push(server.spawned.elapsed());
        if n + 1 == COLD_STARTS {
            tokio::time::sleep(Duration::from_millis(500)).await;
            idle_rss = server.rss_bytes()?;
        }
    }
    Ok((times, idle_rss))
}

/// Bulk-invites customers 0..9,999 of the bench org (with its one user: 10,000), runs the job,
/// and checks the count. Answers how long that took.
async fn invite_ten_thousand(m: SocketAddr) -> Result<Duration, String> {
    let started = Instant::now();
    let ids: Vec<usize> = (0..fixtures::CUSTOMERS - 1).collect();
    let groups: Vec<Value> = ids
        .chunks(100)
        .map(|chunk| {
            let data: Vec<Value> = chunk
                .iter()
                .map(|n| json!({"id": fixtures::customer_id(*n), "user_type_id": CLIENT_PORTAL_TYPE, "type": "invite"}))
                .collect();
            json!({ "data": data })
        })
        .collect();
    let body = json!({ "portal_invite": groups }).to_string();
    let reply = load::call(
        m,
        "POST",
        "/crm/v8/Contacts/actions/portal_invite",
        Some(fixtures::TOKEN),
        Some(&body),
    )
    .await?;
    if reply.status != 200 {
        return Err(format!("bulk invite: {} {}", reply.status, reply.text()));
    }
    let ran = load::call(
        m,
        "POST",
        &format!("/__mock/orgs/{}/jobs/run", fixtures::ORG),
        None,
        None,
    )
    .await?;
    if ran.status != 200 {
        return Err(format!("running the job: {} {}", ran.status, ran.text()));
    }
    let elapsed = started.elapsed();
    let page = load::call(
        m,
        "GET",
        &users_path(fixtures::PORTAL, 1),
        Some(fixtures::TOKEN),
        None,
    )
    .await?;
    let total = serde_json::from_slice::<Value>(&page.body)
        .ok()
        .and_then(|body| body["info"]["total_count"].as_i64());
    if total != Some(10_000) {
        return Err(format!(
            "after the bulk invite the users page says {}: {}",
            page.status,
            page.text()
        ));
    }
    Ok(elapsed)
}

/// One scenario at `conns` connections on `target`, in `options.rounds` windows alternating
/// with the same load on the hello server.
async fn compare(
    options: &Options,
    name: &'static str,
    work: &Work,
    conns: usize,
    target: &Server,
    hello: &Server,
) -> Result<Row, String> {
    let mut samples = Samples::default();
    let mut hello_samples = Samples::default();
    let mut cpu = Duration::ZERO;
    let mut hello_cpu = Duration::ZERO;
    for _ in 0..options.rounds {
        let (run, spent) = window(options, hello, work, conns, true).await?;
        hello_samples.merge(run);
        hello_cpu += spent;
        let (run, spent) = window(options, target, work, conns, false).await?;
        samples.merge(run);
        cpu += spent;
    }
    let summary = samples.summary();
    // CPU was spent in warm-ups too: spread it over the requests of both.
    let loaded = (options.window + options.warmup).as_secs_f64() / options.window.as_secs_f64();
    let per_request = |cpu: Duration, requests: u64| {
        let requests = requests as f64 * loaded;
        if requests > 0.0 {
            cpu.as_secs_f64() * 1e6 / requests
        } else {
            0.0
        }
    };
    let hello_summary = hello_samples.summary();
    Ok(Row {
        scenario: name,
        conns,
        mock: summary,
        first_error: samples.first_error.clone(),
        hello: hello_summary,
        cpu_us_per_request: per_request(cpu, summary.requests),
        hello_cpu_us_per_request: per_request(hello_cpu, hello_summary.requests),
    })
}

/// One closed-loop window of `work` on `server` (a warm-up first), and the CPU it spent.
async fn window(
    options: &Options,
    server: &Server,
    work: &Work,
    conns: usize,
    is_hello: bool,
) -> Result<(Samples, Duration), String> {
    let before = server.cpu_time()?;
    let run = load::closed_loop(
        server.addr,
        work,
        conns,
        options.warmup,
        options.window,
        is_hello,
    )
    .await;
    Ok((run, server.cpu_time()?.saturating_sub(before)))
}

/// Checks once that the read scenarios answer what they should, not just a 200.
async fn preflight(m: SocketAddr) -> Result<(), String> {
    let body = |reply: crate::client::Reply| -> Value {
        serde_json::from_slice(&reply.body).unwrap_or(Value::Null)
    };
    let portals = body(
        load::call(
            m,
            "GET",
            "/crm/v8/settings/portals",
            Some(ZYLKER_TOKEN),
            None,
        )
        .await?,
    );
    if portals["portals"][0]["name"] != "ZylkerAutos" {
        return Err(format!("GET portals answered {portals}"));
    }
    let last = body(
        load::call(
            m,
            "GET",
            &users_path(fixtures::PORTAL, 50),
            Some(fixtures::TOKEN),
            None,
        )
        .await?,
    );
    let users = last["users"].as_array().map_or(0, Vec::len);
    // v8's `info` holds only `total_count` (Zoho's v8 example): the last page of 10,000.
    if users != 200 || last["info"]["total_count"] != 10_000 {
        return Err(format!(
            "page 50 has {users} users and total_count {}",
            last["info"]["total_count"]
        ));
    }
    Ok(())
}

/// Pages 1 to 50 on one connection, 5 times each: the median of each page.
async fn page_sweep(m: SocketAddr) -> Result<Vec<(usize, u32)>, String> {
    let mut conn = crate::client::Conn::connect(m)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let mut medians = Vec::new();
    for page in 1..=50 {
        let request = crate::client::request(
            "GET",
            &m.to_string(),
            &users_path(fixtures::PORTAL, page),
            Some(fixtures::TOKEN),
            None,
        );
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let reply = conn.send(&request).await.map_err(|e| e.to_string())?;
            if reply.status != 200 {
                return Err(format!("page {page}: {}", reply.status));
            }
            times.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
        times.sort_unstable();
        medians.push((page, percentile(&times, 50.0)));
    }
    Ok(medians)
}

/// The wall time of the whole suite against the embedded mock, `SUITE_RUNS` times.
fn suite_time(conformance_bin: &Path, root: &Path) -> Result<Vec<Duration>, String> {
    let scenarios = root.join("fixtures/scenarios");
    let mut times = Vec::new();
    for _ in 0..SUITE_RUNS {
        let started = Instant::now();
        let status = Command::new(conformance_bin)
            .arg("--target")
            .arg("mock")
            .arg("--scenarios")
            .arg(&scenarios)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {}: {e}", conformance_bin.display()))?;
        let elapsed = started.elapsed();
        if !status.success() {
            return Err(format!(
                "the conformance suite failed ({status}): run `make conformance` to see why"
            ));
        }
        times.push(elapsed);
    }
    Ok(times)
}
