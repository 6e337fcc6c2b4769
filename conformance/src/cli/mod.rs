//! The command line: our options and libtest-mimic's (filter, `--list`, `--exact`,
//! `--ignored`, `--test-threads`, …), which drive the run.
//!
//! * `args`: the options, clap derive types;
//! * `commands`: `diff`, `record` and `coverage`;
//! * this module: a run: the scenarios as libtest-mimic trials, then the reports.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use libtest_mimic::{Arguments, Failed, Trial};

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
    match &cli.command {
        Some(Command::Coverage(args)) => return commands::coverage(args),
        Some(Command::Diff(args)) => return commands::diff(args),
        Some(Command::Record(args)) => return commands::record(args),
        None => {}
    }
    let credentials = match cli.token.clone() {
        Some(token) => Some(Credentials::fixed(token)),
        None => Credentials::from_environment()?,
    };
    let token = credentials.as_ref().map(Credentials::token).transpose()?;
    let target = if cli.target == "mock" {
        Target::embedded()?
    } else {
        Target::url(&cli.target, credentials)?
    };
    let mode = cli.mode().unwrap_or(if target.is_embedded() {
        Mode::Strict
    } else {
        Mode::Lenient
    });
    let options = Options {
        mode,
        allow_writes: cli.allow_writes,
        allow_irreversible: cli.allow_irreversible,
        check: true,
    };
    let scenarios = scenario::load_dir(&scenario_dir(cli.scenarios.as_deref()))?;
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
        run_trials(Arc::new(target), scenarios, options, &arguments, progress);
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
    Ok(conclusion.exit_code())
}

/// `--scenarios`, else `fixtures/scenarios` here, else the checkout's.
fn scenario_dir(given: Option<&std::path::Path>) -> PathBuf {
    given.map(PathBuf::from).unwrap_or_else(|| {
        let local = PathBuf::from("fixtures/scenarios");
        if local.is_dir() {
            local
        } else {
            PathBuf::from(crate::BUILT_IN_SCENARIOS)
        }
    })
}

/// Runs the scenarios as libtest-mimic trials, reporting each start and end to `progress`;
/// answers the conclusion and every result.
pub fn run_trials(
    target: Arc<Target>,
    scenarios: Vec<scenario::LoadedScenario>,
    options: Options,
    arguments: &Arguments,
    progress: Option<Arc<Progress>>,
) -> (libtest_mimic::Conclusion, Vec<ScenarioResult>) {
    let results: Arc<Mutex<Vec<ScenarioResult>>> = Arc::default();
    let trials = scenarios
        .into_iter()
        .map(|loaded| {
            let ignored = target.missing_capability(&loaded.scenario);
            if let Some(reason) = &ignored {
                // Ignored trials never run: record them here, with the reason.
                results
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(ScenarioResult::ignored(&loaded, reason.clone()));
            }
            let recorded = ignored.is_some();
            let target = Arc::clone(&target);
            let results = Arc::clone(&results);
            let name = loaded.name.clone();
            let kind = loaded.area.clone();
            let progress = progress.clone();
            Trial::test(name, move || {
                if let Some(progress) = &progress {
                    progress.started(&loaded.name);
                }
                let (result, diffs) = runner::run(&target, &loaded, &options);
                if let Some(progress) = &progress {
                    progress.finished(&loaded.name, result.outcome);
                }
                let outcome = match result.outcome {
                    Outcome::Failed => Err(Failed::from(result.failure_text(&diffs))),
                    Outcome::Passed | Outcome::Ignored => Ok(()),
                };
                if !recorded {
                    results
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(result);
                }
                outcome
            })
            .with_kind(kind)
            .with_ignored_flag(ignored.is_some())
        })
        .collect::<Vec<_>>();
    if let Some(progress) = &progress {
        let selected = trials.iter().filter(|t| !arguments.is_filtered_out(t));
        let (ignored, run): (Vec<&Trial>, Vec<&Trial>) =
            selected.partition(|t| arguments.is_ignored(t));
        progress.begin(run.len(), ignored.len());
    }
    let conclusion = libtest_mimic::run(arguments, trials);
    let mut results = std::mem::take(&mut *results.lock().unwrap_or_else(|p| p.into_inner()));
    results.sort_by(|a, b| a.name.cmp(&b.name));
    (conclusion, results)
}
