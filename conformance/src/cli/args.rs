//! The command line as clap derive types: our options (global, so they also follow a
//! subcommand) and libtest's, flattened from [`libtest_mimic::Arguments`], in any order.
//! `--help` prints the hand-written [`HELP`], which names libtest's options in one line.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::progress;
use crate::scenario::Mode;

/// The text of `--help`.
pub const HELP: &str = "\
portals-conformance: replay the Portals API scenarios against a target and report divergences

USAGE:
    portals-conformance [OPTIONS] [-- TEST-OPTIONS] [FILTER]
    portals-conformance diff --a TARGET --b TARGET [OPTIONS]
        run each scenario on both targets and report where their answers differ (ids,
        timestamps and run ids masked); exit 1 when any differs
    portals-conformance record --target TARGET --out DIR [OPTIONS]
        save each step's request and answer (redacted) to DIR/<area>/<scenario>.json
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
                             deleted when its scenario ends, and all of them on Ctrl-C)
    --report-json FILE       write every scenario, step and divergence as JSON
    --junit FILE             write JUnit XML
    --report-html FILE       write one self-contained HTML page: the summary by area and
                             endpoint, and each failed step with its request and a side-by-side
                             diff of the expected and actual bodies
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

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "portals-conformance",
    override_help = HELP,
    override_usage = "portals-conformance [OPTIONS] [-- TEST-OPTIONS] [FILTER]"
)]
pub struct Cli {
    /// `diff`, `record` or `coverage`; none runs the scenarios.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Where to run: `mock` or a URL (`--a` for `diff`).
    #[arg(long, alias = "a", global = true, default_value = "mock")]
    pub target: String,
    /// The second target of `diff`.
    #[arg(long = "b", global = true)]
    pub other: Option<String>,
    /// Where `record` and `coverage` write.
    #[arg(long, global = true)]
    pub out: Option<PathBuf>,
    /// The target's access token.
    #[arg(long, global = true)]
    pub token: Option<String>,
    /// The scenario directory.
    #[arg(long, global = true)]
    pub scenarios: Option<PathBuf>,
    /// Extra keys in answers are divergences.
    #[arg(long, global = true, overrides_with = "lenient")]
    pub strict: bool,
    /// Extra keys in answers are ignored.
    #[arg(long, global = true, overrides_with = "strict")]
    pub lenient: bool,
    /// Scenarios that write may run on a production domain.
    #[arg(long, global = true)]
    pub allow_writes: bool,
    /// Irreversible scenarios may run on a production domain.
    #[arg(long, global = true)]
    pub allow_irreversible: bool,
    /// Print the version (libtest's flattened options turn clap's own flag off).
    #[arg(short = 'V', long)]
    pub version: bool,
    /// Leave the orgs made for scenarios on the target.
    #[arg(long, global = true)]
    pub keep_orgs: bool,
    /// Only scenarios with one of these tags.
    #[arg(long = "tag", global = true, value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only scenarios of one of these areas.
    #[arg(long = "area", global = true, value_name = "AREA")]
    pub areas: Vec<String>,
    /// `NAME=VALUE` variables for every scenario.
    #[arg(long = "var", global = true, value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Write the JSON report here.
    #[arg(long, global = true)]
    pub report_json: Option<PathBuf>,
    /// Write JUnit XML here.
    #[arg(long, global = true)]
    pub junit: Option<PathBuf>,
    /// Write the HTML report here.
    #[arg(long, global = true)]
    pub report_html: Option<PathBuf>,
    /// `auto`, `bar`, `lines` or `off`.
    #[arg(long, global = true, default_value = "auto", value_parser = progress::Choice::parse)]
    pub progress: progress::Choice,
    /// libtest's options: filter, `--exact`, `--list`, `--test-threads`, …
    #[command(flatten)]
    pub test: libtest_mimic::Arguments,
}

/// What to do instead of running the scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Run each scenario on `--a` and `--b` and report where their answers differ.
    Diff,
    /// Save each step's request and answer (redacted) under `--out`.
    Record,
    /// Print (or write to `--out`) the map of documented outcomes to scenarios.
    Coverage,
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
        assert_eq!(cli.tags, ["UT3", "oauth"]);
        assert_eq!(cli.areas, ["users"]);
        assert_eq!(cli.vars, [("email".to_owned(), "a=b@x.com".to_owned())]);
        assert!(cli.keep_orgs);
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
    fn subcommands_take_the_global_options_and_the_last_mode_wins() {
        let cli = parse(&[
            "diff",
            "--a",
            "mock",
            "--b",
            "http://y",
            "--strict",
            "--lenient",
        ]);
        assert_eq!(cli.command, Some(Command::Diff));
        assert_eq!(
            (cli.target.as_str(), cli.other.as_deref()),
            ("mock", Some("http://y"))
        );
        assert_eq!(cli.mode(), Some(Mode::Lenient));
        assert_eq!(parse(&["--lenient", "--strict"]).mode(), Some(Mode::Strict));
        let cli = parse(&["record", "--target", "mock", "--out", "o"]);
        assert_eq!(
            (cli.command, cli.out),
            (Some(Command::Record), Some("o".into()))
        );
    }
}
