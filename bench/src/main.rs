//! `portals-bench`: the `make bench` harness. It runs release-built `portals-mock` processes on
//! loopback and a bare hyper "hello" server (`portals-bench hello`, the physical limit on this
//! machine) side by side, in alternating windows, and measures throughput and latency of the
//! scenarios of issue #8, cold start, resident memory and the conformance suite's wall time.
//! It prints one report and writes it to `bench/RESULTS.md`, with the targets it checks (the
//! thresholds of `docs/targets.md`, checked in `render.rs`).
//!
//! `portals-bench peers` (`make bench-peers`, `peers.rs`) runs the same GET load against servers
//! given as commands (the mock, the hello server, WireMock, Prism) and writes `bench/PEERS.md`.
//!
//! Nothing here runs in `make test` but the unit tests of its parsing and statistics.

mod child;
mod client;
mod fixtures;
mod flags;
mod hello;
mod load;
mod peers;
mod render;
mod report;
mod run;
mod scenarios;
mod stats;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const HELP: &str = "\
portals-bench: throughput, latency, cold start, memory and suite time of portals-mock, measured
against a bare hyper server in the same run (what `make bench` runs)

USAGE:
    portals-bench [OPTIONS]
    portals-bench hello [PORT]   serve `hello` on 127.0.0.1 (PORT, or any); prints `listening on …`
    portals-bench peers …        the same GET load against servers given as commands (what
                                 `make bench-peers` runs; `peers --help`)
    portals-bench load ADDR SCENARIO [CONNS] [SECONDS] [--invite]
                                 one scenario (a prefix of its name: \"GET portals\", …) against
                                 a mock at ADDR started on those fixtures, e.g. under perf;
                                 --invite first invites the 10,000 users the pages need;
                                 SCENARIO `hello`: GETs against `portals-bench hello`
    portals-bench fixtures DIR   write the fixtures the load runs use (to profile by hand:
                                 portals-mock --only-fixtures DIR; org bench10k, token
                                 1000.bench10k.admin, 10,000 customers to invite)

OPTIONS:
    --out FILE         where the report is written (default: bench/RESULTS.md of the workspace)
    --window SECS      length of each measured window (default 1.0; a 0.2 s warm-up precedes it)
    --rounds N         alternating mock/hello windows per measurement (default 2)
    --bin-dir DIR      where portals-mock and portals-conformance are (default: next to this binary)
    --root DIR         the workspace (fixtures/seed, fixtures/scenarios; default: where it was built)
    -h, --help         this text

The binaries must be release builds: `make bench` builds them first.";

/// Settings of one run.
pub struct Options {
    /// Where the report goes.
    pub out: PathBuf,
    /// Each measured window.
    pub window: Duration,
    /// Warm-up before each window.
    pub warmup: Duration,
    /// Alternating windows per target.
    pub rounds: usize,
    /// Where the binaries are.
    pub bin_dir: PathBuf,
    /// The workspace root.
    pub root: PathBuf,
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let bin_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(PathBuf::from))
        .unwrap_or_default();
    let mut options = Options {
        out: PathBuf::new(),
        window: Duration::from_secs(1),
        warmup: Duration::from_millis(200),
        rounds: 2,
        bin_dir,
        root,
    };
    let mut out = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--window" => {
                options.window = flags::seconds("--window", &value("--window")?, 0.05..=60.0)?;
            }
            "--rounds" => options.rounds = flags::rounds(&value("--rounds")?)?,
            "--bin-dir" => options.bin_dir = PathBuf::from(value("--bin-dir")?),
            "--root" => options.root = PathBuf::from(value("--root")?),
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    options.out = out.unwrap_or_else(|| options.root.join("bench/RESULTS.md"));
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("hello") {
        let port = match args.get(2).map(|p| p.parse::<u16>()) {
            None => 0,
            Some(Ok(port)) => port,
            Some(Err(_)) => {
                eprintln!("portals-bench hello: PORT: a number");
                return ExitCode::from(2);
            }
        };
        return match hello::run(port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("portals-bench hello: {error}");
                ExitCode::FAILURE
            }
        };
    }
    if args.get(1).map(String::as_str) == Some("fixtures") {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default();
        let Some(dir) = args.get(2) else {
            eprintln!("portals-bench fixtures: which directory?");
            return ExitCode::from(2);
        };
        return match fixtures::write(&root.join("fixtures/seed"), &PathBuf::from(dir)) {
            Ok(_) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("portals-bench fixtures: {error}");
                ExitCode::FAILURE
            }
        };
    }
    if args.get(1).map(String::as_str) == Some("peers") {
        return peers_run(&args[2..]);
    }
    if args.get(1).map(String::as_str) == Some("load") {
        return load_one(&args[2..]);
    }
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let (options, runtime) = match ready("portals-bench", parse(args)) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    match runtime.block_on(run::all(&options)) {
        Ok(text) => {
            println!("{text}");
            match std::fs::write(&options.out, &text) {
                Ok(()) => {
                    eprintln!("portals-bench: wrote {}", options.out.display());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!(
                        "portals-bench: cannot write {}: {error}",
                        options.out.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Err(error) => {
            eprintln!("portals-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `portals-bench peers …`: writes bench/PEERS.md (or `--out`).
fn peers_run(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", peers::HELP);
        return ExitCode::SUCCESS;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let (options, runtime) = match ready("portals-bench peers", peers::parse(args, &root)) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    match runtime.block_on(peers::run(&options)) {
        Ok(text) => {
            println!("{text}");
            match std::fs::write(&options.out, &text) {
                Ok(()) => {
                    eprintln!("portals-bench peers: wrote {}", options.out.display());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!(
                        "portals-bench peers: cannot write {}: {error}",
                        options.out.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Err(error) => {
            eprintln!("portals-bench peers: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `portals-bench load ADDR SCENARIO [CONNS] [SECONDS] [--invite]`
fn load_one(args: &[String]) -> ExitCode {
    let invite = args.iter().any(|a| a == "--invite");
    let rest: Vec<&String> = args.iter().filter(|a| *a != "--invite").collect();
    let parsed = (|| -> Result<_, String> {
        let addr: std::net::SocketAddr = rest
            .first()
            .and_then(|a| a.trim_start_matches("http://").parse().ok())
            .ok_or("ADDR: HOST:PORT of a running portals-mock")?;
        let scenario = rest
            .get(1)
            .ok_or("SCENARIO: a prefix of a scenario's name")?;
        let conns: usize = rest
            .get(2)
            .map_or(Ok(16), |c| c.parse().map_err(|_| "CONNS: a number"))?;
        let secs: f64 = rest
            .get(3)
            .map_or(Ok(5.0), |s| s.parse().map_err(|_| "SECONDS: a number"))?;
        Ok((
            addr,
            scenario.to_string(),
            conns.clamp(1, 1024),
            Duration::from_secs_f64(secs.clamp(0.1, 600.0)),
        ))
    })();
    let ((addr, scenario, conns, window), runtime) = match ready("portals-bench load", parsed) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    match runtime.block_on(run::one(addr, &scenario, conns, window, invite)) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("portals-bench load: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The single-threaded runtime every command runs on, or the exit code after saying why not.
/// The parsed command line and a runtime to run it on; a usage error exits 2 (naming `command`),
/// a runtime that cannot start exits 1.
fn ready<T>(
    command: &str,
    parsed: Result<T, String>,
) -> Result<(T, tokio::runtime::Runtime), ExitCode> {
    let parsed = parsed.map_err(|error| {
        eprintln!("{command}: {error}");
        ExitCode::from(2)
    })?;
    Ok((parsed, runtime()?))
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            eprintln!("portals-bench: cannot start the runtime: {error}");
            ExitCode::FAILURE
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        std::iter::once("portals-bench")
            .chain(list.iter().copied())
            .map(String::from)
            .collect()
    }

    #[test]
    fn options_have_defaults_and_bounds() {
        let options = parse(args(&[])).unwrap();
        assert_eq!(options.window, Duration::from_secs(1));
        assert_eq!(options.rounds, 2);
        assert!(options.out.ends_with("bench/RESULTS.md"));
        let options = parse(args(&["--window", "0.5", "--rounds", "3", "--out", "x.md"])).unwrap();
        assert_eq!(options.window, Duration::from_millis(500));
        assert_eq!(options.rounds, 3);
        assert_eq!(options.out, PathBuf::from("x.md"));
        assert!(parse(args(&["--window", "0"])).is_err());
        assert!(parse(args(&["--rounds", "0"])).is_err());
        assert!(parse(args(&["--bogus"])).is_err());
        assert!(parse(args(&["--out"])).is_err());
    }
}
