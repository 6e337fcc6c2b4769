//! The report of a run: the targets of docs/targets.md with their verdicts, the throughput and
//! paced tables, the users-page sweep, start-up, memory and suite figures, and the hand-written
//! profile notes (`bench/PROFILE.md`) appended.

use std::time::Duration;

use crate::Options;
use crate::report::{self, Target, mib, table};
use crate::run::{PACED_CONNS, PACED_RATE};
use crate::stats::{Summary, median, ms};

/// One row of the throughput table.
pub struct Row {
    pub scenario: &'static str,
    pub conns: usize,
    pub mock: Summary,
    pub first_error: Option<String>,
    pub hello: Summary,
    pub cpu_us_per_request: f64,
    pub hello_cpu_us_per_request: f64,
}

/// One paced run.
pub struct PacedRow {
    pub what: &'static str,
    pub target: &'static str,
    pub summary: Summary,
    pub late: u64,
    pub scheduled: u64,
}

/// Everything the report shows.
pub struct Rendered<'a> {
    pub options: &'a Options,
    pub machine: String,
    pub date: String,
    pub rows: Vec<Row>,
    pub paced_rows: Vec<PacedRow>,
    pub sweep: Vec<(usize, u32)>,
    pub cold: Vec<Duration>,
    pub idle_rss: u64,
    pub idle_rss_bench: u64,
    pub rss_10k: u64,
    pub rss_end: u64,
    pub invite_time: Duration,
    pub suite: Vec<Duration>,
}

/// A table row: the `leading` cells, the measurement's (requests per second, p50, p99 and max
/// latency in ms, errors), then the `trailing` ones.
fn measured_row<const N: usize>(
    leading: [String; 2],
    summary: &Summary,
    trailing: [String; N],
) -> Vec<String> {
    let measured = [
        format!("{:.0}", summary.rps),
        ms(summary.p50_us),
        ms(summary.p99_us),
        ms(summary.max_us),
        summary.errors.to_string(),
    ];
    leading
        .into_iter()
        .chain(measured)
        .chain(trailing)
        .collect()
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn render(r: &Rendered<'_>) -> String {
    const MIB: u64 = 1024 * 1024;
    let row = |name: &str, conns: usize| {
        r.rows
            .iter()
            .find(|x| x.scenario == name && x.conns == conns)
    };
    let ratio = |x: &Row| {
        if x.hello.rps > 0.0 {
            x.mock.rps / x.hello.rps
        } else {
            0.0
        }
    };

    // Targets.
    let reads: Vec<&Row> = r
        .rows
        .iter()
        .filter(|x| x.scenario == "GET portals" || x.scenario == "GET user types")
        .collect();
    let worst_read = reads
        .iter()
        .map(|x| (ratio(x), x.scenario, x.conns))
        .fold((f64::MAX, "", 0), |a, b| if b.0 < a.0 { b } else { a });
    let best_write = r
        .rows
        .iter()
        .filter(|x| x.scenario == "create+delete user type")
        .map(|x| (x.mock.rps, x.conns))
        .fold((0.0, 0), |a, b| if b.0 > a.0 { b } else { a });
    let paced_mock: Vec<&PacedRow> = r.paced_rows.iter().filter(|p| p.target == "mock").collect();
    let hello_p99 = r
        .paced_rows
        .iter()
        .filter(|p| p.target == "hello")
        .map(|p| p.summary.p99_us)
        .max()
        .unwrap_or(0);
    let worst_p99 = paced_mock
        .iter()
        .map(|p| p.summary.p99_us)
        .max()
        .unwrap_or(0);
    let cold_median = median(&r.cold);
    let cold_max = r.cold.iter().max().copied().unwrap_or_default();
    let page_worst = r.sweep.iter().map(|(_, us)| *us).max().unwrap_or(0);
    let page_best = r.sweep.iter().map(|(_, us)| *us).min().unwrap_or(0);
    let page_p99_1conn = [
        "GET users p1 of 10k (filter)",
        "GET users p50 of 10k (filter)",
    ]
    .iter()
    .filter_map(|name| row(name, 1))
    .map(|x| x.mock.p99_us)
    .max()
    .unwrap_or(0);
    // Search by email beside GET portals, at each connection count (worst ratio).
    let search_vs_portals = [1usize, 16, 64]
        .iter()
        .filter_map(|conns| {
            let search = row(crate::run::SEARCH_EMAIL, *conns)?;
            let portals = row("GET portals", *conns)?;
            (portals.mock.rps > 0.0).then(|| (search.mock.rps / portals.mock.rps, *conns))
        })
        .fold((f64::MAX, 0), |a, b| if b.0 < a.0 { b } else { a });
    let search_line = |name: &str| {
        row(name, 1).map_or_else(
            || "not run".to_owned(),
            |x| format!("{:.0} req/s, p99 {} ms", x.mock.rps, ms(x.mock.p99_us)),
        )
    };
    let suite_median = median(&r.suite);
    let total_errors: u64 = r.rows.iter().map(|x| x.mock.errors).sum::<u64>()
        + paced_mock.iter().map(|p| p.summary.errors).sum::<u64>();
    let targets = vec![
        Target {
            what: "read throughput ≥ 50% of bare hyper (GET portals, user types; worst of 1/16/64 conns)".into(),
            measured: format!(
                "{:.0}% (worst: {} at {} conns)",
                worst_read.0 * 100.0,
                worst_read.1,
                worst_read.2
            ),
            met: worst_read.0 >= 0.5,
        },
        Target {
            what: "writes ≥ 5,000 req/s (create+delete user type, best of 1/16/64 conns)".into(),
            measured: format!("{:.0} req/s at {} conns", best_write.0, best_write.1),
            met: best_write.0 >= 5000.0,
        },
        Target {
            what: "p99 < 2 ms at 1,000 req/s (paced; GET portals and create+delete)".into(),
            measured: format!(
                "{} ms (worst p99; the hello server's in the same runs: {} ms)",
                ms(worst_p99),
                ms(hello_p99)
            ),
            met: worst_p99 < 2000 && !paced_mock.is_empty(),
        },
        Target {
            what: "cold start < 50 ms (spawn to first authenticated 200, fixtures seeded)".into(),
            measured: format!(
                "median {}, max {} of {}",
                millis(cold_median),
                millis(cold_max),
                r.cold.len()
            ),
            met: cold_median < Duration::from_millis(50),
        },
        Target {
            what: "RSS idle < 20 MB (built-in fixtures)".into(),
            measured: mib(r.idle_rss),
            met: r.idle_rss < 20 * MIB,
        },
        Target {
            what: "RSS < 60 MB with 10,000 portal users".into(),
            measured: mib(r.rss_10k),
            met: r.rss_10k < 60 * MIB,
        },
        Target {
            what: "a users page < 5 ms at any page number (200 per page, with a filter)".into(),
            measured: format!(
                "medians {}–{} ms over pages 1–50; p99 {} ms (1 conn, p1 and p50)",
                ms(page_best),
                ms(page_worst),
                ms(page_p99_1conn)
            ),
            met: page_worst < 5000 && page_p99_1conn < 5000,
        },
        Target {
            what: "search by email among 10,000 Contacts ≥ 50% of GET portals' rate (worst of 1/16/64 conns)".into(),
            measured: format!(
                "{:.0}% (worst, at {} conns); at 1 conn: email {}, starts_with {}, GET portals {}",
                search_vs_portals.0 * 100.0,
                search_vs_portals.1,
                search_line(crate::run::SEARCH_EMAIL),
                search_line(crate::run::SEARCH_PREFIX),
                search_line("GET portals"),
            ),
            met: search_vs_portals.0 >= 0.5 && search_vs_portals.0 < f64::MAX,
        },
        Target {
            what: "whole conformance suite < 2 s (embedded mock)".into(),
            measured: format!("median {:.2} s of {}", suite_median.as_secs_f64(), r.suite.len()),
            met: suite_median < Duration::from_secs(2),
        },
        Target {
            what: "no errors".into(),
            measured: format!("{total_errors} errors"),
            met: total_errors == 0,
        },
    ];

    let throughput_rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|x| {
            let leading = [x.scenario.to_owned(), x.conns.to_string()];
            let trailing = [
                format!("{:.0}", x.hello.rps),
                format!("{:.0}%", ratio(x) * 100.0),
                format!("{:.0}", x.cpu_us_per_request),
                format!("{:.0}", x.hello_cpu_us_per_request),
            ];
            measured_row(leading, &x.mock, trailing)
        })
        .collect();
    let paced_table: Vec<Vec<String>> = r
        .paced_rows
        .iter()
        .map(|p| {
            let leading = [p.what.to_owned(), p.target.to_owned()];
            let late = format!("{}/{}", p.late, p.scheduled);
            measured_row(leading, &p.summary, [late])
        })
        .collect();
    let sweep_rows: Vec<Vec<String>> = r
        .sweep
        .chunks(10)
        .map(|chunk| {
            vec![
                format!(
                    "{}–{}",
                    chunk.first().map_or(0, |c| c.0),
                    chunk.last().map_or(0, |c| c.0)
                ),
                chunk
                    .iter()
                    .map(|(_, us)| ms(*us))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect();
    let other_rows = vec![
        vec![
            "cold start, spawn to first authenticated 200 (built-in fixtures)".to_owned(),
            format!(
                "{} (each: {})",
                millis(cold_median),
                r.cold
                    .iter()
                    .map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ],
        vec!["RSS idle, built-in fixtures".into(), mib(r.idle_rss)],
        vec![
            "RSS idle, bench fixtures (10,000 more CRM records)".into(),
            mib(r.idle_rss_bench),
        ],
        vec![
            "RSS after inviting 10,000 users (bulk invite + job)".into(),
            mib(r.rss_10k),
        ],
        vec![
            "RSS after the whole load run (64 more orgs, refreshed tokens)".into(),
            mib(r.rss_end),
        ],
        vec![
            "bulk invite of 9,999 + running the job".into(),
            millis(r.invite_time),
        ],
        vec![
            "conformance suite against the embedded mock, wall time".into(),
            format!(
                "{:.2} s (each: {})",
                suite_median.as_secs_f64(),
                r.suite
                    .iter()
                    .map(|d| format!("{:.2}", d.as_secs_f64()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ],
    ];
    let errors: Vec<String> = r
        .rows
        .iter()
        .filter_map(|x| {
            x.first_error.as_ref().map(|e| {
                format!(
                    "- {} at {} conns: {} errors, first: {e}",
                    x.scenario, x.conns, x.mock.errors
                )
            })
        })
        .collect();

    let mut out = String::new();
    out.push_str("# Benchmark results\n\n");
    out.push_str(&format!(
        "Written by `make bench` (`bench/`); not edited by hand. Run of {} on {}.\n\n",
        r.date, r.machine
    ));
    out.push_str("## Targets\n\n");
    out.push_str(&report::targets(&targets));
    out.push_str("\n## Throughput and latency (closed loop)\n\n");
    out.push_str(&format!(
        "Each figure: {} windows of {:.1} s (after {:.1} s of warm-up each), alternating with the \
         bare hyper server, which gets the same requests. Latency in ms. `hello` is the bare \
         server's req/s; `mock/hello` their ratio; `CPU µs/req` the server's user+system time per \
         request (from /proc, 10 ms ticks: the least noisy figure on a shared machine). The \
         load client runs on the same cores (one thread).\n\n",
        r.options.rounds,
        r.options.window.as_secs_f64(),
        r.options.warmup.as_secs_f64()
    ));
    out.push_str(&table(
        &[
            "scenario",
            "conns",
            "req/s",
            "p50",
            "p99",
            "max",
            "errors",
            "hello",
            "mock/hello",
            "CPU µs/req",
            "hello CPU µs/req",
        ],
        &throughput_rows,
    ));
    if !errors.is_empty() {
        out.push_str("\nErrors:\n\n");
        out.push_str(&errors.join("\n"));
        out.push('\n');
    }
    out.push_str(&format!(
        "\n## Latency at a fixed rate (open loop)\n\n{PACED_RATE:.0} requests/s over \
         {PACED_CONNS} connections for 3 s (after 0.5 s warm-up); latency from the actual send, in \
         ms; `late`: sends that started over 1 ms after their slot because the connection was \
         still busy.\n\n"
    ));
    out.push_str(&table(
        &[
            "scenario", "server", "req/s", "p50", "p99", "max", "errors", "late",
        ],
        &paced_table,
    ));
    out.push_str(
        "\n## Users pages 1–50 of 10,000 (filter, 200 per page, one connection)\n\nMedian of 5 \
         requests per page, ms.\n\n",
    );
    out.push_str(&table(&["pages", "median per page"], &sweep_rows));
    out.push_str("\n## Start-up, memory, suite\n\n");
    out.push_str(&table(&["what", "measured"], &other_rows));
    let notes = r.options.root.join("bench/PROFILE.md");
    if let Ok(text) = std::fs::read_to_string(&notes) {
        out.push_str("\n---\n\n");
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}
