//! `portals-mock`: parse the command line, open the store, bind, print the address, serve until
//! Ctrl-C or SIGTERM.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use portals_mock::{AppState, Clock, Config, ControlPlane, FixtureSet, Store, serve};

/// A stateful mock of the Zoho CRM Portals API.
///
/// Serves /crm/{v4..v8}/settings/portals… with Zoho's bodies and rules, /oauth/v2/token, and a
/// control plane under /__mock/. The first line on stdout is `listening on http://HOST:PORT`.
#[derive(Debug, Parser)]
#[command(name = "portals-mock", version)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8089")]
    bind: SocketAddr,
    /// Port to listen on, overriding the one in --bind (0: any free port).
    #[arg(long)]
    port: Option<u16>,
    /// SQLite file to keep state in across restarts (default: in memory).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Fixture directory (orgs/*.json, crm/*.json) instead of the built-in fixtures.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// Log level for stderr: error, warn, info, debug or trace.
    #[arg(long, default_value = "info")]
    log_level: tracing::Level,
    /// Fix the clock at this RFC 3339 instant (e.g. 2023-02-07T20:13:20+05:30), so bodies repeat.
    #[arg(long, value_name = "TIMESTAMP")]
    clock: Option<String>,
    /// Who may use the /__mock/ control plane.
    #[arg(long, value_enum, default_value = "loopback")]
    control_plane: ControlPlaneArg,
    /// How often scheduled jobs (bulk invites, large transfers and deletes) run, in
    /// milliseconds; 0: only when POST /__mock/orgs/{id}/jobs/run asks.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    job_interval_ms: u64,
    /// Largest request body accepted, in bytes (larger ones answer 413).
    #[arg(long, default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ControlPlaneArg {
    /// Loopback clients only.
    Loopback,
    /// Any client.
    Any,
    /// Disabled.
    Off,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_max_level(cli.log_level)
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("portals-mock: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let fixtures = match &cli.fixtures {
        Some(dir) => FixtureSet::from_dir(dir)?,
        None => FixtureSet::embedded()?,
    };
    let store = match &cli.db {
        Some(path) => Store::open(path, fixtures),
        None => Store::open_in_memory(fixtures),
    }
    .map_err(|error| error.to_string())?;
    let clock = match &cli.clock {
        Some(at) => Clock::fixed(portals_mock::clock::parse_timestamp(at)?),
        None => Clock::real(),
    };
    let config = Config {
        max_body_bytes: cli.max_body_bytes,
        control_plane: match cli.control_plane {
            ControlPlaneArg::Loopback => ControlPlane::Loopback,
            ControlPlaneArg::Any => ControlPlane::Any,
            ControlPlaneArg::Off => ControlPlane::Off,
        },
        job_interval: (cli.job_interval_ms > 0)
            .then(|| std::time::Duration::from_millis(cli.job_interval_ms)),
    };
    let state = AppState::new(store, clock, config);
    let mut addr = cli.bind;
    if let Some(port) = cli.port {
        addr.set_port(port);
    }
    // One worker thread: every request holds the store's one lock for its SQL, so a second
    // worker mostly adds lock contention (futex sleeps and wake-ups). On 2 cores `make bench`
    // measured one worker 30-70% faster for GET user types and ~50% for writes, with lower p99
    // and a third less memory after 10,000 invitations (bench/PROFILE.md). Scheduled jobs
    // still run on the blocking pool.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the runtime: {error}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|error| format!("cannot listen on {addr}: {error}"))?;
        let local = listener
            .local_addr()
            .map_err(|error| format!("cannot read the bound address: {error}"))?;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on http://{local}")
            .and_then(|()| stdout.flush())
            .map_err(|error| format!("cannot write to stdout: {error}"))?;
        serve(listener, state, shutdown_signal()).await;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
