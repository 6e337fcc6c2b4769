//! `portals-mock`: parse the command line, open the store, bind, print the address, serve until
//! Ctrl-C or SIGTERM; or, with `dump`, print an org of a database file as fixture JSON; or, with
//! `health`, ask a running mock whether it is up.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use portals_mock::config;
use portals_mock::{
    AppState, Clock, Config, ControlPlane, FixtureSet, Listener, Store, serve, serve_as,
};

/// A stateful mock of the Zoho CRM Portals API.
///
/// Serves /crm/{v4..v8}/settings/portals… with Zoho's bodies and rules, /oauth/v2/token, and a
/// control plane under /__mock/. The first line on stdout is `listening on http://HOST:PORT`.
///
/// `portals-mock dump --db FILE --org ID` prints an org of a database file as fixture JSON
/// instead of serving.
#[derive(Debug, Parser)]
#[command(name = "portals-mock", version, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Without a command: serve.
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8089")]
    bind: SocketAddr,
    /// Port to listen on, overriding the one in --bind (0: any free port).
    #[arg(long)]
    port: Option<u16>,
    /// SQLite file to keep state in across restarts (default: in memory).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Fixture directory (orgs/*.json, crm/*.json) whose orgs are added to the built-in ones (a
    /// name given twice is an error).
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// Fixture directory (orgs/*.json, crm/*.json) instead of the built-in fixtures.
    #[arg(long, value_name = "DIR", conflicts_with = "fixtures")]
    only_fixtures: Option<PathBuf>,
    /// Log level for stderr: error, warn, info, debug or trace.
    #[arg(long, default_value = "info")]
    log_level: tracing::Level,
    /// Log format on stderr: text (for people) or json (one JSON object a line, for log
    /// collectors).
    #[arg(long, value_enum, default_value = "text", value_name = "FORMAT")]
    log_format: LogFormat,
    /// Fix the clock at this RFC 3339 instant (e.g. 2023-02-07T20:13:20+05:30), so bodies repeat.
    #[arg(long, value_name = "TIMESTAMP")]
    clock: Option<String>,
    /// Who may use the /__mock/ control plane.
    #[arg(long, value_enum, default_value = "loopback")]
    control_plane: ControlPlaneArg,
    /// How often scheduled jobs (bulk invites, large transfers and deletes) run, in
    /// milliseconds; 0: only when POST /__mock/orgs/{id}/jobs/run asks.
    #[arg(long, default_value_t = config::DEFAULT_JOB_INTERVAL_MS, value_name = "MS")]
    job_interval_ms: u64,
    /// Largest request body accepted, in bytes (larger ones answer 413).
    #[arg(long, default_value_t = config::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// How long a client may take to send a request's headers (and a new connection its first
    /// byte) before it is disconnected; also how long an idle keep-alive connection stays open.
    #[arg(long, default_value_t = config::DEFAULT_READ_TIMEOUT_MS, value_name = "MS")]
    header_read_timeout_ms: u64,
    /// How long a client may take to send a request's body before it is disconnected (nothing
    /// of the request is applied).
    #[arg(long, default_value_t = config::DEFAULT_READ_TIMEOUT_MS, value_name = "MS")]
    body_read_timeout_ms: u64,
    /// The most connections served at once; more wait until one closes.
    #[arg(long, default_value_t = config::DEFAULT_MAX_CONNECTIONS, value_name = "N")]
    max_connections: usize,
    /// How many requests the journal (GET /__mock/orgs/{id}/requests) keeps; the oldest are
    /// dropped first; 0 keeps none.
    #[arg(long, default_value_t = config::DEFAULT_JOURNAL_SIZE, value_name = "N")]
    journal_size: usize,
    /// Enforce Zoho's API credits (per rolling 24 h) and concurrency limits for every org, by
    /// edition (otherwise per org: PUT /__mock/orgs/{id}/limits).
    #[arg(long)]
    enforce_limits: bool,
    /// `sandbox`: every org answers as Zoho's sandbox does (API_NOT_SUPPORTED on every Portals call).
    #[arg(long, value_enum, default_value = "production")]
    environment: EnvironmentArg,
    /// Also serve the control plane (only it) on this address, to any client that reaches it.
    #[arg(long, value_name = "ADDR")]
    admin_bind: Option<SocketAddr>,
    /// Open the control plane to any client that sends this in an X-Mock-Admin-Token header.
    #[arg(long, value_name = "TOKEN")]
    admin_token: Option<String>,
    /// Keep the rendered answer of a `GET /crm/…` call until the next write (any write, by a
    /// request, a job or the control plane) and serve a repeated call from it; `off` renders
    /// every answer anew (the answers are the same either way).
    #[arg(long, value_enum, default_value = "on", value_name = "on|off")]
    answer_cache: Switch,
    /// Turn the control plane off (the same as --control-plane off).
    #[arg(long, conflicts_with_all = ["admin_bind", "admin_token"])]
    no_admin: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EnvironmentArg {
    /// Serve the Portals API.
    Production,
    /// Answer every Portals call with the sandbox's API_NOT_SUPPORTED.
    Sandbox,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print one org of a database file as fixture JSON, then exit.
    ///
    /// The JSON is what GET /__mock/orgs/{id}/state answers, ready to save as orgs/<name>.json
    /// for --fixtures. Read-only: the file is never created, seeded or upgraded, and a server
    /// may be running on it.
    Dump(DumpArgs),
    /// Ask a running mock whether it is up: GET URL/__mock/health.
    ///
    /// Exit 0 and print the answer (version, uptime, org count) when it answers 200; exit 1 with
    /// the reason otherwise. Needs no shell: a container's HEALTHCHECK runs it as it is.
    Health(HealthArgs),
}

#[derive(Debug, Args)]
struct HealthArgs {
    /// The mock's address.
    #[arg(long, default_value = portals_mock::health_command::DEFAULT_URL)]
    url: String,
    /// Keep asking for up to this many seconds until it answers (0: ask once).
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    wait: u64,
}

#[derive(Debug, Args)]
struct DumpArgs {
    /// The SQLite file a server kept its state in (--db).
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// The org to dump (e.g. zylker, blank-1).
    #[arg(long, value_name = "ID")]
    org: String,
    /// The --fixtures directory the server ran with (added to the built-in fixtures), for the
    /// description and notes.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// The --only-fixtures directory the server ran with (instead of the built-in fixtures).
    #[arg(long, value_name = "DIR", conflicts_with = "fixtures")]
    only_fixtures: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Switch {
    On,
    Off,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    /// Human-readable lines (colored on a terminal).
    Text,
    /// One JSON object a line: timestamp, level, fields, target.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = cli.log_format;
    let logs = tracing_subscriber::fmt()
        .with_max_level(cli.log_level)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => logs.json().with_ansi(false).init(),
    }
    let result = match &cli.command {
        Some(Command::Dump(args)) => dump(args),
        Some(Command::Health(args)) => health(args),
        None => run(cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // In JSON, even the last words are a JSON line.
        Err(message) if format == LogFormat::Json => {
            tracing::error!(error = %message, "cannot start");
            ExitCode::FAILURE
        }
        Err(message) => {
            eprintln!("portals-mock: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let fixtures =
        FixtureSet::for_command_line(cli.fixtures.as_deref(), cli.only_fixtures.as_deref())?;
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
        control_plane: match (cli.no_admin, cli.control_plane) {
            (true, _) | (_, ControlPlaneArg::Off) => ControlPlane::Off,
            (false, ControlPlaneArg::Loopback) => ControlPlane::Loopback,
            (false, ControlPlaneArg::Any) => ControlPlane::Any,
        },
        job_interval: (cli.job_interval_ms > 0)
            .then(|| std::time::Duration::from_millis(cli.job_interval_ms)),
        journal_size: cli.journal_size,
        enforce_limits: cli.enforce_limits,
        sandbox: matches!(cli.environment, EnvironmentArg::Sandbox),
        admin_token: cli.admin_token.clone(),
        header_read_timeout: std::time::Duration::from_millis(cli.header_read_timeout_ms.max(1)),
        body_read_timeout: std::time::Duration::from_millis(cli.body_read_timeout_ms.max(1)),
        max_connections: cli.max_connections.max(1),
        answer_cache: matches!(cli.answer_cache, Switch::On),
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
        // Before the listening line: a signal sent as soon as it is read is handled.
        let shutdown = shutdown_signal();
        let listener = bind_and_announce(addr, "listening on").await?;
        // The first stdout line stays the API's address; scripts that want the control plane's
        // read this second one.
        let admin = match cli.admin_bind {
            Some(admin_addr) => Some(bind_and_announce(admin_addr, "control plane on").await?),
            None => None,
        };
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let admin_task = admin.map(|admin| {
            let mut stopped = stopped.clone();
            tokio::spawn(serve_as(
                admin,
                state.clone(),
                async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                },
                Listener::Admin,
            ))
        });
        serve(listener, state, shutdown).await;
        let _ = stop.send(true);
        if let Some(task) = admin_task {
            let _ = task.await;
        }
        tracing::info!("stopped");
        Ok(())
    })
}

fn dump(args: &DumpArgs) -> Result<(), String> {
    let fixtures =
        FixtureSet::for_command_line(args.fixtures.as_deref(), args.only_fixtures.as_deref())?;
    let text = portals_mock::dump_command::run(&args.db, &args.org, &fixtures)?;
    let mut stdout = std::io::stdout();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write to stdout: {error}"))
}

fn health(args: &HealthArgs) -> Result<(), String> {
    let wait = std::time::Duration::from_secs(args.wait);
    let answer = portals_mock::health_command::run(&args.url, wait)?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{answer}")
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write to stdout: {error}"))
}

/// Binds `addr` and prints `<what> http://HOST:PORT` (the real port) on stdout at once.
async fn bind_and_announce(
    addr: SocketAddr,
    what: &str,
) -> Result<tokio::net::TcpListener, String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| format!("cannot listen on {addr}: {error}"))?;
    let local = listener
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{what} http://{local}")
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write to stdout: {error}"))?;
    Ok(listener)
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the future is
/// first polled: a signal that arrives right after the listening line (a test harness stopping
/// a mock it has just started) still shuts the server down gracefully.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut interrupt, mut terminate) = signals;
            let next = |signal: &mut Option<tokio::signal::unix::Signal>| {
                let signal = signal.take();
                async move {
                    match signal {
                        Some(mut signal) => {
                            signal.recv().await;
                        }
                        None => std::future::pending::<()>().await,
                    }
                }
            };
            tokio::select! {
                () = next(&mut interrupt) => {},
                () = next(&mut terminate) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}
