//! The command line: our options and libtest-mimic's (filter, `--list`, `--exact`,
//! `--ignored`, `--test-threads`, …), which drive the run.
//!
//! * `args`: the options, clap derive types;
//! * `commands`: `diff`, `record` and `coverage`;
//! * this module: a run: the scenarios as libtest-mimic trials, then the reports.

use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use libtest_mimic::{Arguments, Completion, Failed, Trial};

mod args;
mod commands;

pub use args::{
    Cli, Command, CoverageArgs, DIFF_HELP, DiffArgs, HELP, RECORD_HELP, RecordArgs, Sending,
};

use crate::credentials::Credentials;
use crate::progress::{self, Progress, Style};
use crate::report;
use crate::runner::{self, Options, Outcome, ScenarioResult};
use crate::scenario::{self, Mode};
use crate::target::Target;

/// Runs the command line; the exit code is non-zero when any scenario diverged.
pub fn main(args: Vec<String>) -> ExitCode {
    let cli = match Cli::parse_args(args) {
        Ok(cli) => cli,
        // `--help` (exit 0, on stdout) or a usage error (exit 2, on stderr).
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(problem) => {
            eprintln!("portals-conformance: error: {problem}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    if cli.version {
        println!("portals-conformance {}", env!("CARGO_PKG_VERSION"));
        return Ok(ExitCode::SUCCESS);
    }
    match &cli.command {
        Some(Command::Coverage(args)) => return commands::coverage(args),
        Some(Command::Diff(args)) => return commands::diff(args),
        Some(Command::Record(args)) => return commands::record(args),
        None => {}
    }
    let credentials = match cli.sending.token.clone() {
        Some(token) => Some(Credentials::fixed(token)),
        None => Credentials::from_environment()?,
    };
    let token = credentials.as_ref().map(Credentials::token).transpose()?;
    // The target starts (the embedded mock seeds its fixtures, a URL is probed) while the
    // scenarios load: the two take about as long.
    let (target, scenarios) = std::thread::scope(|scope| {
        let target = scope.spawn(|| {
            if cli.target == "mock" {
                Target::embedded()
            } else {
                Target::url(&cli.target, credentials)
            }
        });
        let scenarios = select(
            cli.sending.scenarios.as_deref(),
            &cli.sending.tags,
            &cli.sending.areas,
            &cli.sending.vars,
        );
        let target = target
            .join()
            .unwrap_or_else(|_| Err("starting the target panicked".into()));
        (target, scenarios)
    });
    let (target, scenarios) = (target?, scenarios?);
    let mode = cli.mode().unwrap_or(if target.is_embedded() {
        Mode::Strict
    } else {
        Mode::Lenient
    });
    let options = Options {
        mode,
        allow_writes: cli.sending.allow_writes,
        allow_irreversible: cli.sending.allow_irreversible,
        check: true,
        keep_orgs: cli.sending.keep_orgs,
        vars: cli.sending.vars.clone(),
    };
    if !cli.sending.keep_orgs && target.control_plane {
        crate::cleanup::delete_on_interrupt(target.agent().clone());
    }
    let mut arguments = cli.test.clone();
    // The harness prints to stdout: when that is the terminal the bar is drawn on, its lines
    // would break the bar, so it prints one character per test (unless a format was asked for).
    let format_chosen =
        arguments.format.is_some() || arguments.quiet || arguments.logfile.is_some();
    let shared_terminal = progress::stdout_is_terminal();
    let style = progress::resolve(
        cli.progress,
        progress::stderr_is_terminal(),
        !target.is_embedded(),
        !shared_terminal || !format_chosen,
    );
    if style == Style::Bar && shared_terminal && !format_chosen {
        arguments.quiet = true;
    }
    let progress =
        (style != Style::Off && !arguments.list).then(|| Arc::new(Progress::stderr(style)));
    let (conclusion, results) =
        run_trials(Arc::new(target), scenarios, options, &arguments, progress)?;
    let secrets: Vec<String> = token.into_iter().collect();
    let scrub = |text: String| crate::vars::redact(&text, &secrets);
    if let Some(path) = &cli.report_json {
        std::fs::write(path, scrub(report::json_report(&cli.target, &results)))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if let Some(path) = &cli.junit {
        std::fs::write(path, scrub(report::junit(&results)))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if let Some(path) = &cli.report_html {
        let generated = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let context = crate::report::html::Context {
            target: &cli.target,
            generated: &generated,
            secrets: &secrets,
        };
        std::fs::write(path, scrub(crate::report::html::html(&context, &results)))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if !arguments.list && !results.is_empty() {
        println!("{}", scrub(report::summary(&results)));
    }
    // 0: every scenario that ran passed; 1: some diverged (2 is for a run that cannot start).
    Ok(if conclusion.has_failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The scenarios to run: `--scenarios PATH` (a directory or one file), else the suite built
/// into the binary; then `--tag` and `--area`. Fails when a `{{variable}}` is defined by
/// nothing (not built in, not captured earlier, not `--var`), or when the filters leave none.
fn select(
    path: Option<&Path>,
    tags: &[String],
    areas: &[String],
    vars: &[(String, String)],
) -> Result<Vec<scenario::LoadedScenario>, String> {
    let mut scenarios = match path {
        Some(path) => scenario::load_path(path)?,
        None => scenario::load_embedded()?,
    };
    let given: Vec<String> = vars.iter().map(|(name, _)| name.clone()).collect();
    scenario::check_variables(&scenarios, &given)?;
    scenarios.retain(|loaded| {
        (tags.is_empty() || loaded.scenario.tags.iter().any(|t| tags.contains(t)))
            && (areas.is_empty() || areas.contains(&loaded.area))
    });
    if scenarios.is_empty() {
        return Err(format!(
            "no scenario has {}",
            describe_filters(tags, areas, None)
        ));
    }
    Ok(scenarios)
}

/// `tag UT3 or oauth, area users, name matching "x"`, for the error of an empty selection.
fn describe_filters(tags: &[String], areas: &[String], name: Option<&str>) -> String {
    let mut parts = Vec::new();
    if !tags.is_empty() {
        parts.push(format!("tag {}", tags.join(" or ")));
    }
    if !areas.is_empty() {
        parts.push(format!("area {}", areas.join(" or ")));
    }
    if let Some(name) = name {
        parts.push(format!("a name matching {name:?}"));
    }
    parts.join(", ")
}

/// Runs the scenarios as libtest-mimic trials, reporting each start and end to `progress`;
/// answers the conclusion and every result. A scenario the target cannot or may not run is an
/// ignored trial with its reason, never a pass; a name filter that selects nothing is an error.
pub fn run_trials(
    target: Arc<Target>,
    scenarios: Vec<scenario::LoadedScenario>,
    options: Options,
    arguments: &Arguments,
    progress: Option<Arc<Progress>>,
) -> Result<(libtest_mimic::Conclusion, Vec<ScenarioResult>), String> {
    let results: Arc<Mutex<Vec<ScenarioResult>>> = Arc::default();
    let mut skipped = Vec::new();
    let trials = scenarios
        .into_iter()
        .map(|loaded| {
            skipped.push(options.skip_reason(&target, &loaded.scenario).is_some());
            let target = Arc::clone(&target);
            let results = Arc::clone(&results);
            let name = loaded.name.clone();
            let kind = loaded.area.clone();
            let progress = progress.clone();
            let options = options.clone();
            // A scenario the target cannot or may not run ends ignored, with its reason, in
            // libtest's line as in every report.
            Trial::ignorable_test(name, move || {
                if let Some(progress) = &progress {
                    progress.started(&loaded.name);
                }
                let (result, diffs) = runner::run(&target, &loaded, &options);
                if let Some(progress) = &progress {
                    progress.finished(&loaded.name, result.outcome);
                }
                let outcome = match result.outcome {
                    Outcome::Failed => Err(Failed::from(result.failure_text(&diffs))),
                    Outcome::Passed => Ok(Completion::Completed),
                    Outcome::Ignored => Ok(Completion::ignored_with(
                        result.reason.clone().unwrap_or_default(),
                    )),
                };
                results
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(result);
                outcome
            })
            .with_kind(kind)
        })
        .collect::<Vec<_>>();
    let selected: Vec<bool> = trials
        .iter()
        .zip(&skipped)
        .filter(|(trial, _)| !arguments.is_filtered_out(trial))
        .map(|(_, skipped)| *skipped)
        .collect();
    if selected.is_empty() && !arguments.list {
        return Err(format!(
            "no scenario has {}",
            describe_filters(&[], &[], Some(arguments.filter.as_deref().unwrap_or("")))
        ));
    }
    if let Some(progress) = &progress {
        // Every selected trial runs (a skipped one ends ignored, with its reason) and reports
        // its end, so all of them count towards the total.
        progress.begin(selected.len(), 0);
    }
    let conclusion = libtest_mimic::run(arguments, trials);
    let mut results = std::mem::take(&mut *results.lock().unwrap_or_else(|p| p.into_inner()));
    results.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((conclusion, results))
}
