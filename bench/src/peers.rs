//! `portals-bench peers` (what `make bench-peers` runs): the same closed-loop GET load as
//! `make bench`, against servers given as commands, in alternating windows, with each one's
//! start-up time and resident memory. The Makefile names the mock, the bare hello server,
//! WireMock and Prism; nothing here knows them but by those commands.
//!
//! Each peer is started with `sh -c "exec COMMAND"` (so the handle is the server's own process,
//! `{port}` replaced by a free loopback port, its output into a log file), timed from spawn to
//! its first 200, measured, and killed when its handle drops: after the run, after an error, or
//! when a later peer fails to start.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::child::{cpu_time, rss_bytes};
use crate::client::{self, Conn};
use crate::load::{self, Work};
use crate::report::{self, mib, table};
use crate::stats::{Samples, Summary, ms};

/// Connections of each measurement, as `make bench` uses them.
const CONNECTIONS: [usize; 3] = [1, 16, 64];
/// How long a peer may take to answer its first 200.
const START_TIMEOUT: Duration = Duration::from_secs(120);

pub const HELP: &str = "\
portals-bench peers: the same GET load against servers given as commands, in alternating windows

USAGE:
    portals-bench peers [OPTIONS] (--peer NAME --version TEXT --path PATH --auth VALUE --cmd COMMAND)...

Each --peer starts a peer; the four options after it describe it: what to report as its version,
the path its GET asks for, the Authorization header it sends, and the shell command that starts it
(`{port}` is replaced by a free port on 127.0.0.1; it must listen there; `exec` is prepended).
Peers start in the order given; a 200 to the GET ends each one's start-up.

OPTIONS:
    --base NAME        the peer every ratio is to (default: hello)
    --stub FILE        after the first peer starts, write FILE: a WireMock stub answering its
                       path with the first peer's own answer (status and JSON body)
    --logs DIR         where each peer's output goes, as NAME.log (default: the system temp dir)
    --window SECS      each measured window (default 2)
    --warmup SECS      the unrecorded load before each window (default 0.5)
    --prime SECS       unrecorded load on each peer (16 connections) before the first window,
                       for JIT compilers (default 5)
    --rounds N         alternating windows per peer and connection count (default 3)
    --out FILE         where the report is written (default: bench/PEERS.md of the workspace)";

/// A peer as the command line describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeerSpec {
    /// Its name in the tables.
    pub name: String,
    /// Its version, as reported.
    pub version: String,
    /// The path its GET asks for.
    pub path: String,
    /// The `Authorization` header's value.
    pub auth: String,
    /// The shell command, with `{port}`.
    pub cmd: String,
}

/// Settings of a `peers` run.
#[derive(Debug, Clone, PartialEq)]
pub struct PeersOptions {
    pub peers: Vec<PeerSpec>,
    pub base: String,
    pub stub: Option<PathBuf>,
    pub logs: PathBuf,
    pub window: Duration,
    pub warmup: Duration,
    pub prime: Duration,
    pub rounds: usize,
    pub out: PathBuf,
}

/// Parses `peers`' arguments (after the word `peers`).
pub fn parse(args: &[String], root: &std::path::Path) -> Result<PeersOptions, String> {
    let mut options = PeersOptions {
        peers: Vec::new(),
        base: "hello".into(),
        stub: None,
        logs: std::env::temp_dir(),
        window: Duration::from_secs(2),
        warmup: Duration::from_millis(500),
        prime: Duration::from_secs(5),
        rounds: 3,
        out: root.join("bench/PEERS.md"),
    };
    let secs = |name: &str, value: String, range| crate::flags::seconds(name, &value, range);
    let mut args = args.iter().cloned();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--peer" => {
                let name = value("--peer")?;
                options.peers.push(PeerSpec {
                    name,
                    ..PeerSpec::default()
                });
            }
            // What describes the last `--peer` given.
            "--version" | "--path" | "--auth" | "--cmd" => {
                let given = value(&arg)?;
                let peer = last_peer(&mut options.peers, &arg)?;
                *match arg.as_str() {
                    "--version" => &mut peer.version,
                    "--path" => &mut peer.path,
                    "--auth" => &mut peer.auth,
                    _ => &mut peer.cmd,
                } = given;
            }
            "--base" => options.base = value("--base")?,
            "--stub" => options.stub = Some(PathBuf::from(value("--stub")?)),
            "--logs" => options.logs = PathBuf::from(value("--logs")?),
            "--out" => options.out = PathBuf::from(value("--out")?),
            "--window" => options.window = secs("--window", value("--window")?, 0.05..=60.0)?,
            "--warmup" => options.warmup = secs("--warmup", value("--warmup")?, 0.0..=60.0)?,
            "--prime" => options.prime = secs("--prime", value("--prime")?, 0.0..=600.0)?,
            "--rounds" => options.rounds = crate::flags::rounds(&value("--rounds")?)?,
            other => return Err(format!("unknown option {other:?} (see peers --help)")),
        }
    }
    if options.peers.is_empty() {
        return Err("no --peer given".into());
    }
    for peer in &options.peers {
        if peer.path.is_empty() || peer.cmd.is_empty() {
            return Err(format!("peer {}: --path and --cmd are needed", peer.name));
        }
        if !peer.path.starts_with('/') {
            return Err(format!("peer {}: --path starts with /", peer.name));
        }
    }
    if !options.peers.iter().any(|p| p.name == options.base) {
        return Err(format!("--base {}: no such peer", options.base));
    }
    Ok(options)
}

/// The peer the option `arg` describes: the last one named.
fn last_peer<'a>(peers: &'a mut [PeerSpec], arg: &str) -> Result<&'a mut PeerSpec, String> {
    peers
        .last_mut()
        .ok_or(format!("{arg} describes a peer: put it after --peer NAME"))
}

/// A running peer, killed when dropped.
struct Peer {
    spec: PeerSpec,
    child: Child,
    addr: SocketAddr,
    work: Work,
    startup: Duration,
    first_answer_bytes: usize,
    idle_rss: u64,
    loaded_rss: u64,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child process killed when dropped, until it becomes a `Peer`.
struct Starting(Option<Child>);

impl Drop for Starting {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One row of the throughput table.
struct Row {
    peer: usize,
    conns: usize,
    summary: Summary,
    first_error: Option<String>,
    cpu_us_per_request: f64,
}

/// Runs every peer, measures them, and answers the report.
pub async fn run(options: &PeersOptions) -> Result<String, String> {
    let machine = report::machine();
    let date = report::now_utc();
    std::fs::create_dir_all(&options.logs)
        .map_err(|e| format!("cannot create {}: {e}", options.logs.display()))?;

    let mut peers: Vec<Peer> = Vec::new();
    for spec in &options.peers {
        eprintln!("portals-bench peers: starting {}", spec.name);
        let peer = start(spec, options).await?;
        if peers.is_empty()
            && let Some(stub) = &options.stub
        {
            write_stub(stub, &peer).await?;
        }
        peers.push(peer);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    for peer in &mut peers {
        peer.idle_rss = rss_bytes(peer.child.id())?;
    }

    for peer in &peers {
        eprintln!(
            "portals-bench peers: priming {} ({:.1} s at 16 connections)",
            peer.spec.name,
            options.prime.as_secs_f64()
        );
        load::closed_loop(
            peer.addr,
            &peer.work,
            16,
            Duration::ZERO,
            options.prime,
            false,
        )
        .await;
    }

    let mut rows = Vec::new();
    for conns in CONNECTIONS {
        eprintln!("portals-bench peers: {conns} connection(s)");
        let mut samples: Vec<Samples> = peers.iter().map(|_| Samples::default()).collect();
        let mut cpu = vec![Duration::ZERO; peers.len()];
        for _ in 0..options.rounds {
            for (i, peer) in peers.iter_mut().enumerate() {
                let pid = peer.child.id();
                let before = cpu_time(pid)?;
                samples[i].merge(
                    load::closed_loop(
                        peer.addr,
                        &peer.work,
                        conns,
                        options.warmup,
                        options.window,
                        false,
                    )
                    .await,
                );
                cpu[i] += cpu_time(pid)?.saturating_sub(before);
                peer.loaded_rss = peer.loaded_rss.max(rss_bytes(pid)?);
            }
        }
        let loaded = (options.window + options.warmup).as_secs_f64() / options.window.as_secs_f64();
        for (i, samples) in samples.into_iter().enumerate() {
            let summary = samples.summary();
            let requests = summary.requests as f64 * loaded;
            rows.push(Row {
                peer: i,
                conns,
                summary,
                first_error: samples.first_error,
                cpu_us_per_request: if requests > 0.0 {
                    cpu[i].as_secs_f64() * 1e6 / requests
                } else {
                    0.0
                },
            });
        }
    }
    let text = render(options, &peers, &rows, &machine, &date);
    drop(peers);
    Ok(text)
}

/// Starts one peer on a free port and waits for its first 200.
async fn start(spec: &PeerSpec, options: &PeersOptions) -> Result<Peer, String> {
    let port = free_port()?;
    let cmd = spec.cmd.replace("{port}", &port.to_string());
    let log_path = options.logs.join(format!("{}.log", spec.name));
    let log = File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let log_err = log
        .try_clone()
        .map_err(|e| format!("cannot share {}: {e}", log_path.display()))?;
    let spawned = Instant::now();
    let mut child = Starting(Some(
        Command::new("sh")
            .arg("-c")
            .arg(format!("exec {cmd}"))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", spec.name))?,
    ));
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let request = client::get_as(&addr.to_string(), &spec.path, &spec.auth);
    let first = loop {
        let process = child.0.as_mut().ok_or("no child")?;
        if let Ok(Some(status)) = process.try_wait() {
            return Err(format!(
                "{} exited ({status}) before answering; see {}",
                spec.name,
                log_path.display()
            ));
        }
        if let Ok(mut conn) = Conn::connect(addr).await
            && let Ok(reply) = conn.send(&request).await
        {
            if reply.status == 200 {
                break reply;
            }
            return Err(format!(
                "{}: GET {} answered {} (wanted 200): {}",
                spec.name,
                spec.path,
                reply.status,
                reply.text()
            ));
        }
        if spawned.elapsed() > START_TIMEOUT {
            return Err(format!(
                "{} did not answer within {} s; see {}",
                spec.name,
                START_TIMEOUT.as_secs(),
                log_path.display()
            ));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let startup = spawned.elapsed();
    let child = child.0.take().ok_or("no child")?;
    Ok(Peer {
        spec: spec.clone(),
        child,
        addr,
        work: Work::GetAs {
            path: spec.path.clone(),
            authorization: spec.auth.clone(),
        },
        startup,
        first_answer_bytes: first.body.len(),
        idle_rss: 0,
        loaded_rss: 0,
    })
}

/// A port that was free on 127.0.0.1 a moment ago.
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

/// Writes a WireMock stub answering `peer`'s GET with what `peer` answers.
async fn write_stub(path: &std::path::Path, peer: &Peer) -> Result<(), String> {
    let mut conn = Conn::connect(peer.addr)
        .await
        .map_err(|e| format!("stub: cannot connect to {}: {e}", peer.spec.name))?;
    let reply = conn
        .send(&client::get_as(
            &peer.addr.to_string(),
            &peer.spec.path,
            &peer.spec.auth,
        ))
        .await
        .map_err(|e| format!("stub: {}: {e}", peer.spec.name))?;
    let stub = stub_json(&peer.spec.path, reply.status, &reply.text());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, stub).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A WireMock mapping: GET `path` (exactly) answers `status` with `body` as JSON.
fn stub_json(path: &str, status: u16, body: &str) -> String {
    let stub = json!({
        "request": { "method": "GET", "url": path },
        "response": {
            "status": status,
            "headers": { "Content-Type": "application/json;charset=UTF-8" },
            "body": body,
        },
    });
    format!("{stub:#}\n")
}

fn render(
    options: &PeersOptions,
    peers: &[Peer],
    rows: &[Row],
    machine: &str,
    date: &str,
) -> String {
    let base = peers
        .iter()
        .position(|p| p.spec.name == options.base)
        .unwrap_or(0);
    let mut out = String::from("# portals-mock beside its peers\n\n");
    out.push_str(&format!(
        "Written by `make bench-peers` (`portals-bench peers`, `bench/src/peers.rs`); not edited by hand. \
         Run of {date} on {machine}.\n\n"
    ));
    out.push_str(&format!(
        "The same GET of the portals list against each server, closed-loop (each connection sends its \
         next request when the last is answered), all on 127.0.0.1. Each figure: {rounds} window(s) of \
         {window:.1} s (after {warmup:.1} s of unrecorded warm-up each), the servers taking turns \
         window by window at each connection count, so a slower minute of the machine falls on all of \
         them. Before the first window each server had {prime:.1} s of unrecorded load at 16 \
         connections (for the JVM's and V8's compilers). `/{base}`: req/s as a share of the `{base}` \
         server's at the same connections in the same run. `CPU µs/req`: the server's user+system \
         time per request (from /proc, 10 ms ticks). Latency in ms. The load client is \
         `portals-bench`'s own (one thread, on the same 2 cores).\n\n",
        rounds = options.rounds,
        window = options.window.as_secs_f64(),
        warmup = options.warmup.as_secs_f64(),
        prime = options.prime.as_secs_f64(),
        base = options.base,
    ));
    out.push_str("## Throughput and latency\n\n");
    let ratio_header = format!("/{}", options.base);
    let mut table_rows = Vec::new();
    for row in rows {
        let base_rps = rows
            .iter()
            .find(|r| r.peer == base && r.conns == row.conns)
            .map_or(0.0, |r| r.summary.rps);
        let ratio = if base_rps > 0.0 {
            format!("{:.0}%", row.summary.rps / base_rps * 100.0)
        } else {
            "-".into()
        };
        table_rows.push(vec![
            row.conns.to_string(),
            peers[row.peer].spec.name.clone(),
            format!("{:.0}", row.summary.rps),
            ms(row.summary.p50_us),
            ms(row.summary.p99_us),
            ms(row.summary.max_us),
            row.summary.errors.to_string(),
            ratio,
            format!("{:.0}", row.cpu_us_per_request),
        ]);
    }
    out.push_str(&table(
        &[
            "conns",
            "server",
            "req/s",
            "p50",
            "p99",
            "max",
            "errors",
            &ratio_header,
            "CPU µs/req",
        ],
        &table_rows,
    ));
    let errors: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            r.first_error.as_ref().map(|e| {
                format!(
                    "- {} at {} connection(s): {e}\n",
                    peers[r.peer].spec.name, r.conns
                )
            })
        })
        .collect();
    if !errors.is_empty() {
        out.push_str("\nFirst error of each measurement that had one:\n\n");
        out.push_str(&errors.concat());
    }

    out.push_str("\n## Start-up and memory\n\n");
    out.push_str(
        "Start-up: from spawning the command to the first 200 of the GET (polled every 2 ms). \
         RSS (VmRSS of the server's process): idle, 1 s after every server had started and before \
         any load; under load, the highest read right after each of its windows.\n\n",
    );
    let memory_rows: Vec<Vec<String>> = peers
        .iter()
        .map(|p| {
            vec![
                p.spec.name.clone(),
                p.spec.version.clone(),
                format!("{:.0} ms", p.startup.as_secs_f64() * 1000.0),
                mib(p.idle_rss),
                mib(p.loaded_rss),
                p.first_answer_bytes.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "server",
            "version",
            "start-up",
            "RSS idle",
            "RSS under load",
            "answer bytes",
        ],
        &memory_rows,
    ));

    out.push_str(
        "\n## What each one does per request\n\n\
         - the mock checks the token (its grant cached until a write changes tokens), its scope \
         and profile, journals the request, and answers from its answer cache: the portal read \
         from its store and serialised by the first request, kept until a write (`make bench` \
         also measures it with `--answer-cache off`), on its built-in fixtures;\n\
         - hello answers `hello` to anything: the physical limit of hyper on this machine;\n\
         - WireMock matches the stub (method and URL) and answers its fixed body, the mock's own \
         answer copied at the start of the run (`--stub`); it checks no token. Its JVM runs with \
         its default maximum heap (no `-Xmx`: a quarter of the machine's memory); its RSS \
         under load is what it grew to with that much allowed;\n\
         - Prism matches the request against the OpenAPI operation (path, parameters, the \
         OAuth2 scheme's `Bearer` header, whose token it does not check) and answers the \
         operation's example (a different body, hence its size). It serves the file's paths \
         without the `servers` prefix (`/crm/v8`).\n",
    );
    out.push_str("\n## How each was run\n\n");
    out.push_str("`{port}` is a free port on 127.0.0.1; paths are relative to the workspace.\n\n");
    for p in peers {
        out.push_str(&format!(
            "- **{}**: `{}`; `GET {}` with `Authorization: {}`\n",
            p.spec.name, p.spec.cmd, p.spec.path, p.spec.auth
        ));
    }
    out
}

#[cfg(test)]
mod tests;
