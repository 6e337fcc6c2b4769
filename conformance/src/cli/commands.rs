//! The subcommands: `diff` (two targets' answers compared), `record` (scenario files written
//! from a target's answers) and `coverage` (the map of documented outcomes).

use std::process::ExitCode;

use super::args::{CoverageArgs, DiffArgs, RecordArgs, Sending};
use super::{describe_filters, select};
use crate::compare::{self, MaskPath};
use crate::credentials::Credentials;
use crate::runner::Options;
use crate::scenario::{self, LoadedScenario, Mode};
use crate::target::Target;

/// `diff`: exit 0 when both targets answered alike, 1 when any scenario differs.
pub fn diff(args: &DiffArgs) -> Result<ExitCode, String> {
    let masks = args
        .masks
        .iter()
        .map(|mask| MaskPath::parse(mask).map_err(|e| format!("--mask: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let credentials = credentials(&args.sending)?;
    let token = credentials.as_ref().map(Credentials::token).transpose()?;
    let a = target(&args.a, credentials)?;
    let b = target(&args.b, token.map(Credentials::fixed))?;
    let scenarios = scenarios(&args.sending, args.filter.as_deref())?;
    delete_orgs_on_interrupt(&[&a, &b], &args.sending);
    let summary = compare::diff(&a, &b, &scenarios, &options(&args.sending), &masks);
    Ok(if summary.differed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `record`: exit 0 when every scenario that ran was written.
pub fn record(args: &RecordArgs) -> Result<ExitCode, String> {
    let target = target(&args.target, credentials(&args.sending)?)?;
    let scenarios = scenarios(&args.sending, args.filter.as_deref())?;
    delete_orgs_on_interrupt(&[&target], &args.sending);
    let report = compare::record(&target, &scenarios, &options(&args.sending), &args.out)?;
    for (name, reason) in &report.ignored {
        println!("ignored     {name}: {reason}");
    }
    for (name, reason) in &report.unwritten {
        println!("not written {name}: {reason}");
    }
    println!(
        "recorded {} scenarios in {} ({} ignored, {} not written)",
        report.written,
        args.out.display(),
        report.ignored.len(),
        report.unwritten.len()
    );
    Ok(if report.unwritten.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `coverage`: the map, printed or written to `--out`.
pub fn coverage(args: &CoverageArgs) -> Result<ExitCode, String> {
    let dir = args
        .scenarios
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(crate::BUILT_IN_SCENARIOS));
    let scenarios = scenario::load_path(&dir)?;
    let map = crate::coverage::map(&scenarios);
    // The ledger and the examples beside the scenarios, or the copies built in.
    let beside = |name: &str, built_in: &str| {
        std::fs::read_to_string(dir.join("..").join(name)).unwrap_or_else(|_| built_in.to_owned())
    };
    let ledger = beside("FIDELITY.md", crate::coverage::FIDELITY_LEDGER);
    let examples = crate::coverage::oas8_examples(&beside(
        "oas8/examples.jsonl",
        crate::coverage::OAS8_EXAMPLES,
    ))
    .map_err(|e| format!("oas8/examples.jsonl: {e}"))?;
    let text = crate::coverage::document(&scenarios, &ledger, &examples);
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
            let missing = crate::coverage::uncovered(&map).len();
            println!(
                "wrote {} ({missing} documented outcomes uncovered)",
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `--token`, else the environment's credentials.
fn credentials(sending: &Sending) -> Result<Option<Credentials>, String> {
    match &sending.token {
        Some(token) => Ok(Some(Credentials::fixed(token.clone()))),
        None => Credentials::from_environment(),
    }
}

/// `mock` or a URL.
fn target(name: &str, credentials: Option<Credentials>) -> Result<Target, String> {
    if name == "mock" {
        Target::embedded()
    } else {
        Target::url(name, credentials)
    }
}

/// Unless `--keep-orgs`, the orgs made on the targets are deleted on Ctrl-C (one watcher for
/// all: it deletes every org the run made, wherever).
fn delete_orgs_on_interrupt(targets: &[&Target], sending: &Sending) {
    if let Some(target) = targets.iter().find(|t| t.control_plane)
        && !sending.keep_orgs
    {
        crate::cleanup::delete_on_interrupt(target.agent().clone());
    }
}

/// The scenarios of `--scenarios` (else the built-in suite) with the tags and areas asked for,
/// whose name contains the filter; none is an error.
fn scenarios(sending: &Sending, filter: Option<&str>) -> Result<Vec<LoadedScenario>, String> {
    let mut scenarios = select(
        sending.scenarios.as_deref(),
        &sending.tags,
        &sending.areas,
        &sending.vars,
    )?;
    if let Some(filter) = filter {
        scenarios.retain(|s| s.name.contains(filter));
        if scenarios.is_empty() {
            return Err(format!(
                "no scenario has {}",
                describe_filters(&sending.tags, &sending.areas, Some(filter))
            ));
        }
    }
    Ok(scenarios)
}

/// Send only: the answers are compared or recorded, not checked.
fn options(sending: &Sending) -> Options {
    Options {
        mode: Mode::Strict,
        allow_writes: sending.allow_writes,
        allow_irreversible: sending.allow_irreversible,
        check: false,
        keep_orgs: sending.keep_orgs,
        vars: sending.vars.clone(),
    }
}
