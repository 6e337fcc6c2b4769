//! `diff` and `record`: the scenarios run without their expectations, to compare two targets'
//! answers or to write scenario files from one target's answers.
//!
//! * `diff`: two targets' answers, normalised (ids, timestamps, run and org ids, tokens and
//!   `--mask` paths masked), compared step by step;
//! * `mask`: the `--mask` JSON paths (`$.portals[*].zaid`);
//! * `record`: one target's answers written as scenario files that replay;
//! * `expectation`: an answer turned into an expectation: matchers for what varies, `{{var}}`
//!   and captures for what an earlier step answered.

mod diff;
mod expectation;
mod mask;
mod record;

pub use diff::{DiffSummary, Difference, Side, diff, differences, normalise};
pub use expectation::Recorder;
pub use mask::MaskPath;
pub use record::{RecordReport, record, recorded_scenario};
