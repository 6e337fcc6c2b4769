//! Progress of a run on stderr (`--progress auto|bar|lines|off`): live targets are slow.
//!
//! * `bar`: one status line, redrawn in place (carriage return), `[n/N] passed p, failed f,
//!   ignored i — the scenario running`; each failed scenario is printed on a line of its own above
//!   it; the line is cleared when the last scenario ends.
//! * `lines`: one plain line per finished scenario, for logs.
//! * `off`: nothing.
//! * `auto` (the default): `bar` when stderr is a terminal (and `TERM` is not `dumb`); else
//!   `lines` for a URL target; else (the embedded mock, e.g. under `cargo test`) nothing.
//!
//! `n/N` counts the scenarios that run (not those filtered out or ignored before running);
//! `ignored` counts both kinds of ignored scenarios.

use std::io::Write;
use std::sync::Mutex;

use crate::runner::Outcome;

/// What `--progress` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Decide from the terminal and the target.
    Auto,
    /// A status line redrawn in place.
    Bar,
    /// A plain line per finished scenario.
    Lines,
    /// Nothing.
    Off,
}

impl Choice {
    /// Parses `auto`, `bar`, `lines` or `off`.
    pub fn parse(text: &str) -> Result<Choice, String> {
        match text {
            "auto" => Ok(Choice::Auto),
            "bar" => Ok(Choice::Bar),
            "lines" => Ok(Choice::Lines),
            "off" => Ok(Choice::Off),
            other => Err(format!(
                "--progress {other:?}: expected auto, bar, lines or off"
            )),
        }
    }
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A status line redrawn in place.
    Bar,
    /// A plain line per finished scenario.
    Lines,
    /// Nothing.
    Off,
}

/// What the choice means here: `terminal` is whether stderr is a terminal fit for a redrawn
/// line, `url_target` whether the run goes to a URL (slow) rather than the embedded mock, and
/// `bar_fits` whether a status line would not be garbled by the test harness's own lines (it
/// would when stdout is the same terminal and the harness's format was chosen on the command
/// line).
pub fn resolve(choice: Choice, terminal: bool, url_target: bool, bar_fits: bool) -> Style {
    match choice {
        Choice::Bar => Style::Bar,
        Choice::Lines => Style::Lines,
        Choice::Off => Style::Off,
        Choice::Auto if terminal && bar_fits => Style::Bar,
        Choice::Auto if url_target => Style::Lines,
        Choice::Auto => Style::Off,
    }
}

/// Whether stderr is a terminal that can redraw a line.
pub fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var("TERM").map_or(true, |term| term != "dumb")
}

/// Whether stdout is a terminal.
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

#[derive(Debug, Default)]
struct State {
    total: usize,
    done: usize,
    passed: usize,
    failed: usize,
    ignored: usize,
    /// Scenarios running now, in the order they started.
    running: Vec<String>,
}

/// The progress of one run; shared by the threads that run scenarios.
pub struct Progress {
    style: Style,
    width: usize,
    state: Mutex<State>,
    out: Mutex<Box<dyn Write + Send>>,
}

impl Progress {
    /// Progress written to stderr, the bar as wide as `$COLUMNS` (default 100).
    pub fn stderr(style: Style) -> Progress {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<usize>().ok())
            .filter(|&c| c >= 20)
            .unwrap_or(100);
        Progress::new(style, width, Box::new(std::io::stderr()))
    }

    /// Progress written to `out`, a bar at most `width` columns wide.
    pub fn new(style: Style, width: usize, out: Box<dyn Write + Send>) -> Progress {
        Progress {
            style,
            width,
            state: Mutex::default(),
            out: Mutex::new(out),
        }
    }

    /// The style in use.
    pub fn style(&self) -> Style {
        self.style
    }

    /// Sets how many scenarios will run, and how many were ignored without running.
    pub fn begin(&self, total: usize, ignored: usize) {
        let mut state = self.lock();
        state.total = total;
        state.ignored = ignored;
    }

    /// A scenario started.
    pub fn started(&self, name: &str) {
        if self.style != Style::Bar {
            return;
        }
        let mut state = self.lock();
        state.running.push(name.to_owned());
        let text = format!("\r\x1b[2K{}", self.bar(&state));
        self.write(&text);
    }

    /// A scenario ended.
    pub fn finished(&self, name: &str, outcome: Outcome) {
        if self.style == Style::Off {
            return;
        }
        let mut state = self.lock();
        state.done += 1;
        match outcome {
            Outcome::Passed => state.passed += 1,
            Outcome::Failed => state.failed += 1,
            Outcome::Ignored => state.ignored += 1,
        }
        if let Some(at) = state.running.iter().position(|n| n == name) {
            state.running.remove(at);
        }
        let text = match self.style {
            Style::Bar => {
                let mut text = String::from("\r\x1b[2K");
                if outcome == Outcome::Failed {
                    text.push_str(&format!("FAILED {name}\n"));
                }
                if state.done < state.total {
                    text.push_str(&self.bar(&state));
                }
                text
            }
            _ => format!(
                "[{}/{}] {outcome:<7} {name} (passed {}, failed {}, ignored {})\n",
                state.done, state.total, state.passed, state.failed, state.ignored
            ),
        };
        self.write(&text);
    }

    /// The status line, cut to the width.
    fn bar(&self, state: &State) -> String {
        let mut line = format!(
            "[{}/{}] passed {}, failed {}, ignored {}",
            state.done, state.total, state.passed, state.failed, state.ignored
        );
        if let Some(first) = state.running.first() {
            line.push_str(" — ");
            line.push_str(first);
            if state.running.len() > 1 {
                line.push_str(&format!(" (+{} more)", state.running.len() - 1));
            }
        }
        let limit = self.width.saturating_sub(1);
        if line.chars().count() > limit {
            line = line.chars().take(limit.saturating_sub(1)).collect();
            line.push('…');
        }
        line
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One write per update, so another stream's output falls before or after it, never inside.
    fn write(&self, text: &str) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// A progress of `style` and `width` writing to a [`Captured`].
    fn captured(style: Style, width: usize) -> (Captured, Progress) {
        let out = Captured::default();
        let progress = Progress::new(style, width, Box::new(out.clone()));
        (out, progress)
    }

    #[test]
    fn auto_is_a_bar_on_a_terminal_lines_for_urls_and_nothing_for_the_mock() {
        assert_eq!(resolve(Choice::Auto, true, false, true), Style::Bar);
        assert_eq!(resolve(Choice::Auto, true, true, false), Style::Lines);
        assert_eq!(resolve(Choice::Auto, false, true, true), Style::Lines);
        assert_eq!(resolve(Choice::Auto, false, false, true), Style::Off);
        assert_eq!(resolve(Choice::Lines, false, false, true), Style::Lines);
        assert_eq!(resolve(Choice::Off, true, true, true), Style::Off);
        assert!(Choice::parse("sometimes").is_err());
    }

    #[test]
    fn the_bar_redraws_one_line_and_keeps_failures() {
        let (out, progress) = captured(Style::Bar, 60);
        progress.begin(2, 1);
        progress.started("portals::a");
        progress.started("users::b");
        progress.finished("portals::a", Outcome::Failed);
        progress.finished("users::b", Outcome::Passed);
        assert_eq!(
            out.text(),
            "\r\x1b[2K[0/2] passed 0, failed 0, ignored 1 — portals::a\
             \r\x1b[2K[0/2] passed 0, failed 0, ignored 1 — portals::a (+1 more)\
             \r\x1b[2KFAILED portals::a\n[1/2] passed 0, failed 1, ignored 1 — users::b\
             \r\x1b[2K"
        );
    }

    #[test]
    fn the_bar_is_cut_to_the_width() {
        let (out, progress) = captured(Style::Bar, 40);
        progress.begin(3, 0);
        progress.started("a_rather_long_area::with_a_very_long_scenario_name");
        let line = out.text().trim_start_matches("\r\x1b[2K").to_owned();
        assert_eq!(line.chars().count(), 39, "{line}");
        assert!(line.ends_with('…'));
    }

    #[test]
    fn lines_are_plain_one_per_finished_scenario() {
        let (out, progress) = captured(Style::Lines, 100);
        progress.begin(2, 0);
        progress.started("portals::a");
        progress.finished("portals::a", Outcome::Passed);
        progress.finished("users::b", Outcome::Ignored);
        assert_eq!(
            out.text(),
            "[1/2] passed  portals::a (passed 1, failed 0, ignored 0)\n\
             [2/2] ignored users::b (passed 1, failed 0, ignored 1)\n"
        );
    }
}
