//! portals-conformance: replays scripted scenarios (`fixtures/scenarios/<area>/*.json`) against
//! the embedded portals-mock, any URL, or a live Zoho org, and reports every divergence with its
//! JSON path.
//!
//! # Layout
//!
//! * [`scenario`]: the file format, parsed strictly into typed values;
//! * [`expected`]: an expected JSON value parsed once: literals, `{{var}}` templates, matchers;
//! * [`json_path`]: the JSON paths captures use (`$.user_type[0].id`);
//! * [`matching`]: expected-versus-actual comparison, every divergence with its JSON path;
//! * [`vars`]: `{{var}}` interpolation, redaction of secrets;
//! * [`target`]: where requests go (embedded mock, URL, live org) and per-scenario sessions;
//! * [`cleanup`]: the orgs a run made, deleted after their scenario and on Ctrl-C;
//! * [`credentials`]: the token for a live target: given, or refreshed at the accounts server;
//! * [`runner`]: one scenario's setup, steps and cleanup; each step built, sent, checked and
//!   captured;
//! * [`report`]: JSON report, JUnit XML (quick-xml), closing summary; [`report::html`], the HTML
//!   report, one self-contained page;
//! * [`progress`]: progress of a run on stderr (a status line on a terminal, plain lines otherwise);
//! * [`coverage`]: the map of documented outcomes to the scenarios that expect them, and of Zoho's
//!   v8 examples to the scenarios and ledger rows that cite them (`coverage::oas8`);
//! * [`compare`]: `diff` (two targets' answers, masked, compared) and `record` (answers written
//!   as scenario files that replay);
//! * [`cli`]: the command line (clap derive), driving libtest-mimic.

pub mod cleanup;
pub mod cli;
pub mod compare;
pub mod coverage;
pub mod credentials;
pub mod expected;
pub mod json_path;
pub mod matching;
pub mod progress;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod target;
pub mod vars;

/// The scenario directory of this checkout, used when `--scenarios` is not given and
/// `fixtures/scenarios` is not in the working directory; when it is gone too, the scenarios
/// embedded at build time are run ([`scenario::load_embedded`]).
pub const BUILT_IN_SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/scenarios");
