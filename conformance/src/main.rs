//! `portals-conformance`: see `portals-conformance --help`.

fn main() -> std::process::ExitCode {
    portals_conformance::cli::main(std::env::args().collect())
}
