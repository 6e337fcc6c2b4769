//! The report: markdown tables (aligned, so they read as well in a terminal as in review), the
//! targets of docs/targets.md with their verdicts, and the machine it ran on.

/// A markdown table with padded columns; numeric-looking columns are right-aligned.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count()).max(3);
        }
    }
    let numeric: Vec<bool> = (0..columns)
        .map(|i| {
            !rows.is_empty()
                && rows.iter().all(|row| {
                    row.get(i).is_some_and(|cell| {
                        cell.chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '<')
                    })
                })
        })
        .collect();
    let line = |cells: Vec<String>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if numeric[i] {
                    format!("{cell:>width$}", width = widths[i])
                } else {
                    format!("{cell:<width$}", width = widths[i])
                }
            })
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(headers.iter().map(|h| (*h).to_owned()).collect());
    let rule: Vec<String> = (0..columns)
        .map(|i| {
            if numeric[i] {
                format!("{}:", "-".repeat(widths[i] - 1))
            } else {
                "-".repeat(widths[i])
            }
        })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for row in rows {
        let mut cells = row.clone();
        cells.resize(columns, String::new());
        out.push_str(&line(cells));
    }
    out
}

/// One target of docs/targets.md: what it asks, what was measured, and whether it was met.
pub struct Target {
    /// The target, as docs/targets.md words it.
    pub what: String,
    /// The measured figure(s).
    pub measured: String,
    /// Met or not.
    pub met: bool,
}

/// The targets as a table.
pub fn targets(targets: &[Target]) -> String {
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|t| {
            vec![
                t.what.clone(),
                t.measured.clone(),
                if t.met { "met" } else { "NOT MET" }.to_owned(),
            ]
        })
        .collect();
    table(
        &["target (as the bench checks it)", "measured", "verdict"],
        &rows,
    )
}

/// Cores, CPU model, kernel: what the figures depend on.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|release| release.trim().to_owned())
        .unwrap_or_else(|_| "unknown kernel".into());
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|load| {
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    format!("{cores} cores ({model}), Linux {kernel}, load average before the run {load}")
}

/// Now, in UTC, to the minute.
pub fn now_utc() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute()
    )
}

/// Bytes as MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_aligned_markdown() {
        let out = table(
            &["scenario", "req/s"],
            &[
                vec!["GET portals".into(), "12345".into()],
                vec!["x".into(), "7".into()],
            ],
        );
        assert_eq!(
            out,
            "| scenario    | req/s |\n| ----------- | ----: |\n| GET portals | 12345 |\n| x           |     7 |\n"
        );
    }

    #[test]
    fn targets_show_their_verdicts() {
        let out = targets(&[
            Target {
                what: "cold start < 50 ms".into(),
                measured: "12.0 ms".into(),
                met: true,
            },
            Target {
                what: "suite < 2 s".into(),
                measured: "3.1 s".into(),
                met: false,
            },
        ]);
        assert!(out.contains("| cold start < 50 ms"));
        assert!(out.contains("met"));
        assert!(out.contains("NOT MET"));
        assert_eq!(mib(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
