//! The scenario suite against the embedded mock: `cargo test` (and so `make test`) runs every
//! scenario in `fixtures/scenarios/`. Takes libtest's options (filter, `--list`, …).

fn main() -> std::process::ExitCode {
    let mut args: Vec<String> = std::env::args().collect();
    let scenarios = portals_conformance::BUILT_IN_SCENARIOS.to_owned();
    args.splice(1..1, ["--scenarios".to_owned(), scenarios]);
    portals_conformance::cli::main(args)
}
