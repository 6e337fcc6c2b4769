//! The command line as clap derive types: a run's options and libtest's, flattened from
//! [`libtest_mimic::Arguments`], in any order; and each subcommand's own options.
//! `--help` prints the hand-written [`HELP`], which names libtest's options in one line;
//! `diff --help` and `record --help` print [`DIFF_HELP`] and [`RECORD_HELP`], their flags only.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::progress;
use crate::scenario::Mode;

/// The text of `--help`.
pub const HELP: &str = "\
portals-conformance: replay the Portals API scenarios against a target and report divergences

USAGE:
    portals-conformance [OPTIONS] [-- TEST-OPTIONS] [FILTER]
    portals-conformance diff --a TARGET --b TARGET [OPTIONS] [FILTER]
        run each scenario on both targets and report where their answers differ (ids,
        timestamps, org and run ids masked); exit 1 when any differs (diff --help)
    portals-conformance record --target TARGET --out DIR [OPTIONS] [FILTER]
        write each scenario again as a scenario file that replays, its expectations the
        target's answers (record --help)
    portals-conformance coverage [--scenarios DIR] [--out FILE]
        print (or write) the map of documented outcomes to the scenarios that expect them

OPTIONS:
    --target mock|URL        where to run: the embedded mock (default), another portals-mock, or a
                             Zoho API domain (https://www.zohoapis.com, any DC or developer domain)
    --token TOKEN            access token for the target (default: $ZOHO_ACCESS_TOKEN; or
                             $ZOHO_CLIENT_ID, $ZOHO_CLIENT_SECRET, $ZOHO_REFRESH_TOKEN and
                             $ZOHO_ACCOUNTS_URL for a refresh at the accounts server)
    --scenarios PATH         a scenario directory or a single scenario file (default: the suite
                             built into this binary; ./fixtures/scenarios is never read unasked)
    --tag TAG                only scenarios tagged TAG (an endpoint id such as UT3, or a word
                             such as oauth); repeat for any of several
    --area AREA              only scenarios of AREA (the folder: portals, users, oauth, …);
                             repeat for any of several
    --var NAME=VALUE         set {{NAME}} for every scenario (repeat); a filter, tag or area
                             that selects no scenario is an error, not a green run
    --strict | --lenient     extra keys in answers are divergences (default for the mock) or not
                             (default for URLs)
    --allow-writes           run scenarios that write on a live org (a target without a
                             control plane that is not a sandbox or developer domain)
    --allow-irreversible     run irreversible scenarios (creating a portal) on a live org
    --keep-orgs              leave the orgs made for scenarios on the target (default: each is
                             deleted when its scenario ends, and all of them on Ctrl-C; on
                             the embedded mock one its scenario passed without changing, or
                             that can be put back as it was, goes to the next scenario)
    --report-json FILE       write every scenario (with its description and source), step,
                             endpoint and divergence as JSON
    --junit FILE             write JUnit XML: one test case per scenario with its time, the area
                             as its class name, failures with step, JSON path, expected and
                             actual values, ignored scenarios as skipped with the reason
    --report-html FILE       write one self-contained HTML page: the summary by area and
                             endpoint (method and path), and each failed scenario with its
                             description and source, each failed step with its request and a
                             side-by-side diff of the expected and actual bodies
    --progress MODE          auto (default), bar, lines or off, on stderr: bar redraws one line
                             `[n/N] passed p, failed f, ignored i — scenario` (and shows test
                             results tersely when stdout is the same terminal); lines prints one
                             line per finished scenario; auto is bar on a terminal, else lines
                             for a URL target, else off
    -h, --help               this text
    -V, --version            the version

TEST-OPTIONS are libtest's: FILTER, --exact, --list, --ignored, --include-ignored,
--test-threads N, --quiet, --format terse. Tokens and secrets never appear in any output.
Exit code: 0 when every scenario that ran passed (ignored ones are listed with their reason,
never counted as passed); 1 when any diverged; 2 when the run cannot start (a usage error, a
target that cannot be reached, missing credentials, scenario files that do not load, filters
that select nothing).";

/// The options `diff` and `record` share, for their help texts.
macro_rules! sending_options_help {
    () => {
        "    --token TOKEN            access token for a URL target (default: as for a run)
    --scenarios PATH         a scenario directory or file (default: the suite built in)
    --tag TAG, --area AREA   only scenarios with this tag, of this area (repeatable)
    --var NAME=VALUE         set {{NAME}} for every scenario (repeatable)
    --allow-writes           run scenarios that write on a live org
    --allow-irreversible     run irreversible scenarios on a live org
    --keep-orgs              leave the orgs made for scenarios on the target
    FILTER                   only the scenarios whose name contains it
    -h, --help               this text
"
    };
}

/// The text of `diff --help`.
pub const DIFF_HELP: &str = concat!(
    "\
portals-conformance diff: run each scenario on two targets, without its expectations, and list
where their answers differ

USAGE:
    portals-conformance diff --a TARGET --b TARGET [OPTIONS] [FILTER]

Masked before comparing: 19-digit ids and every value of a key named id, *_id or zaid; ISO 8601
timestamps; the run id and the org id of each side; tokens; each target's own address; seconds
counted from now (retry_after). Each difference is one line: the scenario, the step (section,
index, name and request), the JSON path and both values.

OPTIONS:
    --a mock|URL             the first target (default: mock, the embedded mock)
    --b mock|URL             the second target
    --mask PATH              also mask this JSON path in both answers, e.g. $.portals[*].zaid
                             ([*] is any index, .* any key; a path masks all below it, and
                             is ignored where only one side has it);
                             repeatable
",
    sending_options_help!(),
    "
Exit code: 0 when every scenario run on both answered the same, 1 when any differs."
);

/// The text of `record --help`.
pub const RECORD_HELP: &str = concat!(
    "\
portals-conformance record: run each scenario on a target and write it again, its expectations
the target's answers, as a scenario file that replays

USAGE:
    portals-conformance record --target TARGET --out DIR [OPTIONS] [FILTER]

Each DIR/<area>/<scenario>.json keeps the scenario's requests (method, path, query, headers,
body, token: variables, never literal tokens) and captures, and expects the status and body
answered: 19-digit ids become {\"$id\": true}, or {{capture}} when an earlier step answered the
same id (the capture is added to that step); timestamps become {\"$datetime\": true}; the run id
and org id become {{run_id}} and {{org_id}}; tokens and secrets become {\"$type\": \"string\"}.
Replay with `portals-conformance --scenarios DIR --target TARGET`.

OPTIONS:
    --target mock|URL        where to run (default: mock, the embedded mock)
    --out DIR                where to write the scenario files
",
    sending_options_help!(),
    "
Scenarios a target cannot run (ignored) or that fail to run (a request not sent, a capture not
found) are not written and are listed. Exit code: 0 when every scenario run was written."
);

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "portals-conformance",
    override_help = HELP,
    override_usage = "portals-conformance [OPTIONS] [-- TEST-OPTIONS] [FILTER]",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// `diff`, `record` or `coverage`; none runs the scenarios.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Where to run: `mock` or a URL.
    #[arg(long, default_value = "mock")]
    pub target: String,
    /// Token, scenarios, what may run, variables: as `diff` and `record` take them.
    #[command(flatten)]
    pub sending: Sending,
    /// Extra keys in answers are divergences.
    #[arg(long, overrides_with = "lenient")]
    pub strict: bool,
    /// Extra keys in answers are ignored.
    #[arg(long, overrides_with = "strict")]
    pub lenient: bool,
    /// Print the version (libtest's flattened options turn clap's own flag off).
    #[arg(short = 'V', long)]
    pub version: bool,
    /// Write the JSON report here.
    #[arg(long)]
    pub report_json: Option<PathBuf>,
    /// Write JUnit XML here.
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Write the HTML report here.
    #[arg(long)]
    pub report_html: Option<PathBuf>,
    /// `auto`, `bar`, `lines` or `off`.
    #[arg(long, default_value = "auto", value_parser = progress::Choice::parse)]
    pub progress: progress::Choice,
    /// libtest's options: filter, `--exact`, `--list`, `--test-threads`, …
    #[command(flatten)]
    pub test: libtest_mimic::Arguments,
}

/// What to do instead of running the scenarios.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Run each scenario on `--a` and `--b` and report where their answers differ.
    #[command(override_help = DIFF_HELP)]
    Diff(DiffArgs),
    /// Write each scenario again, expecting a target's answers, as files that replay.
    #[command(override_help = RECORD_HELP)]
    Record(RecordArgs),
    /// Print (or write to `--out`) the map of documented outcomes to scenarios.
    Coverage(CoverageArgs),
}

/// What a run, `diff` and `record` share: how to reach a target and which scenarios to run.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct Sending {
    /// The target's access token.
    #[arg(long)]
    pub token: Option<String>,
    /// The scenario directory.
    #[arg(long)]
    pub scenarios: Option<PathBuf>,
    /// Scenarios that write may run on a production domain.
    #[arg(long)]
    pub allow_writes: bool,
    /// Irreversible scenarios may run on a production domain.
    #[arg(long)]
    pub allow_irreversible: bool,
    /// Leave the orgs made for scenarios on the targets.
    #[arg(long)]
    pub keep_orgs: bool,
    /// Only scenarios with one of these tags.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only scenarios of one of these areas.
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<String>,
    /// `NAME=VALUE` variables for every scenario.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

/// `diff`'s options.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct DiffArgs {
    /// The first target.
    #[arg(long = "a", default_value = "mock")]
    pub a: String,
    /// The second target.
    #[arg(long = "b")]
    pub b: String,
    /// JSON paths masked in both answers.
    #[arg(long = "mask")]
    pub masks: Vec<String>,
    /// Target, token and scenarios.
    #[command(flatten)]
    pub sending: Sending,
    /// Only the scenarios whose name contains it.
    pub filter: Option<String>,
}

/// `record`'s options.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct RecordArgs {
    /// Where to run.
    #[arg(long, default_value = "mock")]
    pub target: String,
    /// Where to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Token and scenarios.
    #[command(flatten)]
    pub sending: Sending,
    /// Only the scenarios whose name contains it.
    pub filter: Option<String>,
}

/// `coverage`'s options.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct CoverageArgs {
    /// The scenario directory.
    #[arg(long)]
    pub scenarios: Option<PathBuf>,
    /// Where to write the map (default: stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl Cli {
    /// Parses the arguments (the first is the program). A lone `--` is dropped: what follows
    /// it are libtest's options, which this parser knows too.
    pub fn parse_args(args: Vec<String>) -> Result<Cli, clap::Error> {
        let mut args: Vec<OsString> = args.into_iter().map(OsString::from).collect();
        if let Some(at) = args.iter().position(|arg| arg == "--") {
            args.remove(at);
        }
        Cli::try_parse_from(args)
    }

    /// `--strict` or `--lenient`, whichever came last.
    pub fn mode(&self) -> Option<Mode> {
        match (self.strict, self.lenient) {
            (true, _) => Some(Mode::Strict),
            (_, true) => Some(Mode::Lenient),
            _ => None,
        }
    }
}

/// `NAME=VALUE`, with a name of letters, digits, `_` and `.`.
fn parse_var(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected NAME=VALUE"))?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !valid {
        return Err(format!(
            "{name:?}: a variable name is letters, digits, _ and ."
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        let mut all = vec!["portals-conformance".to_owned()];
        all.extend(args.iter().map(|a| (*a).to_owned()));
        Cli::parse_args(all).unwrap()
    }

    #[test]
    fn our_options_and_libtests_mix_in_any_order() {
        let cli = parse(&[
            "--target",
            "http://x",
            "--test-threads",
            "2",
            "--junit",
            "j.xml",
        ]);
        assert_eq!(cli.target, "http://x");
        assert_eq!(cli.test.test_threads, Some(2));
        assert_eq!(cli.junit, Some(PathBuf::from("j.xml")));
        let cli = parse(&["--scenarios", "d", "--", "--quiet", "portals::"]);
        assert!(cli.test.quiet);
        assert_eq!(cli.test.filter.as_deref(), Some("portals::"));
    }

    #[test]
    fn tags_areas_and_variables_repeat() {
        let cli = parse(&[
            "--tag",
            "UT3",
            "--tag",
            "oauth",
            "--area",
            "users",
            "--var",
            "email=a=b@x.com",
            "--keep-orgs",
        ]);
        assert_eq!(cli.sending.tags, ["UT3", "oauth"]);
        assert_eq!(cli.sending.areas, ["users"]);
        assert_eq!(
            cli.sending.vars,
            [("email".to_owned(), "a=b@x.com".to_owned())]
        );
        assert!(cli.sending.keep_orgs);
        let bad = |args: Vec<&str>| {
            let mut all = vec!["portals-conformance"];
            all.extend(args);
            Cli::parse_args(all.into_iter().map(str::to_owned).collect()).unwrap_err()
        };
        assert!(
            bad(vec!["--var", "novalue"])
                .to_string()
                .contains("NAME=VALUE")
        );
        assert!(
            bad(vec!["--var", "a b=1"])
                .to_string()
                .contains("variable name")
        );
    }

    #[test]
    fn subcommands_take_their_own_options_and_refuse_a_runs() {
        let cli = parse(&[
            "diff", "--b", "http://y", "--mask", "$.a", "--mask", "$.b[*]",
        ]);
        let Some(Command::Diff(diff)) = cli.command else {
            panic!("{cli:?}")
        };
        assert_eq!((diff.a.as_str(), diff.b.as_str()), ("mock", "http://y"));
        assert_eq!(diff.masks, ["$.a", "$.b[*]"]);
        let cli = parse(&["record", "--out", "o", "--token", "t", "portals::"]);
        let Some(Command::Record(record)) = cli.command else {
            panic!("{cli:?}")
        };
        assert_eq!(
            (record.target.as_str(), record.out.to_str()),
            ("mock", Some("o"))
        );
        assert_eq!(record.sending.token.as_deref(), Some("t"));
        assert_eq!(record.filter.as_deref(), Some("portals::"));
        let refused = |args: &[&str]| {
            let mut all = vec!["portals-conformance".to_owned()];
            all.extend(args.iter().map(|a| (*a).to_owned()));
            Cli::parse_args(all).is_err()
        };
        assert!(refused(&["diff", "--a", "mock"]), "--b is required");
        assert!(
            refused(&["record", "--target", "mock"]),
            "--out is required"
        );
        assert!(refused(&["diff", "--b", "mock", "--junit", "j.xml"]));
        assert!(refused(&["record", "--out", "o", "--b", "mock"]));
        assert_eq!(parse(&["--lenient", "--strict"]).mode(), Some(Mode::Strict));
    }

    #[test]
    fn each_subcommands_help_lists_its_own_flags_only() {
        let help = |args: &[&str]| {
            let mut all = vec!["portals-conformance".to_owned()];
            all.extend(args.iter().map(|a| (*a).to_owned()));
            Cli::parse_args(all).unwrap_err().to_string()
        };
        let diff = help(&["diff", "--help"]);
        assert!(diff.starts_with("portals-conformance diff:"), "{diff}");
        for flag in ["--a ", "--b ", "--mask ", "--token ", "--scenarios "] {
            assert!(diff.contains(flag), "diff --help lacks {flag}: {diff}");
        }
        let record = help(&["record", "--help"]);
        assert!(
            record.starts_with("portals-conformance record:"),
            "{record}"
        );
        for flag in ["--target ", "--out ", "--token ", "--scenarios "] {
            assert!(
                record.contains(flag),
                "record --help lacks {flag}: {record}"
            );
        }
        for (name, text) in [("diff", &diff), ("record", &record)] {
            for other in ["--junit", "--report-html", "--progress", "--test-threads"] {
                assert!(!text.contains(other), "{name} --help names {other}");
            }
        }
        assert!(!record.contains("--mask") && !record.contains("--b "));
        assert!(!diff.contains("--out") && !diff.contains("--target"));
        assert!(help(&["--help"]).contains("diff --help"));
    }
}
