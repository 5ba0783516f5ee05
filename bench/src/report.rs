//! The results of one run: printed as a compact table and written as JSON.

use std::{fmt::Write, time::Duration};

use serde::Serialize;

use crate::{
    disclosure::DisclosureReport, pipeline::PipelineReport, read::ReadReport, stats::LoadResult,
};

/// The machine the run was on.
#[derive(Debug, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub memory_gib: f64,
    pub cpu: String,
    /// `/proc/loadavg` when the run started (other work on the machine skews timings).
    pub load_at_start: String,
    pub load_at_end: String,
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

impl Machine {
    /// The machine, with the load average now as the load at start.
    pub fn this() -> Machine {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let kib: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0);
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
            .unwrap_or_default();
        Machine {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_gib: kib / 1024.0 / 1024.0,
            cpu,
            load_at_start: load_average(),
            load_at_end: String::new(),
        }
    }

    pub fn finish(&mut self) {
        self.load_at_end = load_average();
    }
}

/// One timed load of rows.
#[derive(Debug, Serialize)]
pub struct LoadTiming {
    pub name: String,
    pub rows: u64,
    pub seconds: f64,
    pub rows_per_second: f64,
    /// Peak RSS of the child process; `None` for the in-process baselines.
    pub peak_rss_mb: Option<f64>,
    /// CPU seconds of the child process (user + system); `None` for the baselines.
    pub cpu_seconds: Option<f64>,
    /// What the command printed (created/updated/unchanged), or a note.
    pub outcome: String,
}

impl LoadTiming {
    pub fn new(name: &str, rows: u64, elapsed: Duration, outcome: &str) -> Self {
        let seconds = elapsed.as_secs_f64();
        LoadTiming {
            name: name.to_owned(),
            rows,
            seconds,
            rows_per_second: rows as f64 / seconds,
            peak_rss_mb: None,
            cpu_seconds: None,
            outcome: outcome.to_owned(),
        }
    }
}

/// Latency of a repeated query, in milliseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    pub runs: usize,
    pub median_ms: f64,
    pub p95_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn of(times: &[Duration]) -> Latency {
        let mut ms: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        let n = ms.len().max(1);
        let median = if ms.is_empty() {
            0.0
        } else if n % 2 == 1 {
            ms[n / 2]
        } else {
            (ms[n / 2 - 1] + ms[n / 2]) / 2.0
        };
        // Nearest rank.
        let p95 = ms
            .get((0.95 * n as f64).ceil() as usize - 1)
            .copied()
            .unwrap_or(0.0);
        Latency {
            runs: ms.len(),
            median_ms: median,
            p95_ms: p95,
            min_ms: ms.first().copied().unwrap_or(0.0),
            max_ms: ms.last().copied().unwrap_or(0.0),
        }
    }
}

/// The statistics part of a run.
#[derive(Debug, Serialize)]
pub struct StatsReport {
    pub groups: usize,
    pub ours: Latency,
    pub baseline: Latency,
    pub ratio_median: f64,
    pub ratio_p95: f64,
    pub server_peak_rss_mb: f64,
    pub load: Vec<LoadResult>,
}

/// A consistency check of the run.
#[derive(Debug, Serialize)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

/// Everything one run measured.
#[derive(Debug, Serialize)]
pub struct Report {
    pub backend: String,
    pub database_version: String,
    pub machine: Machine,
    pub leavers: u64,
    pub enrolments: u64,
    pub seed: u64,
    pub generate_seconds: f64,
    pub csv_mb: f64,
    pub catalogue_seconds: f64,
    pub loads: Vec<LoadTiming>,
    pub database_mb: f64,
    pub stats: Option<StatsReport>,
    /// Protected against exact answers, utility and the bounds attacker (issue 9).
    pub disclosure: Option<DisclosureReport>,
    /// The pipeline at national scale (issue 12).
    pub pipeline: Option<PipelineReport>,
    /// The catalogue read path beside PostGraphile and `json_agg` (PostgreSQL only).
    pub catalogue: Option<ReadReport>,
    pub checks: Vec<Check>,
}

fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n);
    let (sign, digits) = digits
        .strip_prefix('-')
        .map_or(("", digits.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}")
}

impl Report {
    /// A run of `--catalogue-only`: no imports, no statistics.
    pub fn catalogue_only(
        backend: &str,
        database_version: String,
        machine: Machine,
        seed: u64,
        catalogue: Option<ReadReport>,
        checks: Vec<Check>,
    ) -> Report {
        Report {
            backend: backend.to_owned(),
            database_version,
            machine,
            leavers: 0,
            enrolments: 0,
            seed,
            generate_seconds: 0.0,
            csv_mb: 0.0,
            catalogue_seconds: 0.0,
            loads: Vec::new(),
            database_mb: 0.0,
            stats: None,
            disclosure: None,
            pipeline: None,
            catalogue,
            checks,
        }
    }

    /// The compact table printed at the end of a run.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(
            out,
            "Leerroute benchmark: {} {} | {} leavers, {} enrolments | {} cores, {:.1} GiB | {}",
            self.backend,
            self.database_version,
            thousands(self.leavers as f64),
            thousands(self.enrolments as f64),
            m.nproc,
            m.memory_gib,
            m.cpu
        );
        let _ = writeln!(
            out,
            "load average at start {} / at end {}",
            m.load_at_start, m.load_at_end
        );
        if self.loads.is_empty() {
            return self.tail(out);
        }
        let _ = writeln!(
            out,
            "generated {:.0} MB of CSV in {:.1} s; catalogue in {:.1} s; database {:.0} MB after the imports{}\n",
            self.csv_mb,
            self.generate_seconds,
            self.catalogue_seconds,
            self.database_mb,
            if self.backend == "sqlite" {
                " (file + WAL)"
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "{:<40} {:>10} {:>9} {:>10} {:>8} {:>7}  outcome",
            "import", "rows", "seconds", "rows/s", "peak MB", "cpu s"
        );
        for load in &self.loads {
            let _ = writeln!(
                out,
                "{:<40} {:>10} {:>9.2} {:>10} {:>8} {:>7}  {}",
                load.name,
                thousands(load.rows as f64),
                load.seconds,
                thousands(load.rows_per_second),
                load.peak_rss_mb
                    .map_or("-".to_owned(), |mb| format!("{mb:.0}")),
                load.cpu_seconds
                    .map_or("-".to_owned(), |s| format!("{s:.1}")),
                load.outcome
            );
        }
        for (ours, base) in [(0, 1), (2, 3)] {
            if let (Some(a), Some(b)) = (self.loads.get(ours), self.loads.get(base)) {
                let _ = writeln!(
                    out,
                    "  {} takes {:.1}x the baseline's time",
                    a.name,
                    a.seconds / b.seconds
                );
            }
        }
        if let Some(stats) = &self.stats {
            self.stats_table(&mut out, stats);
        }
        if let Some(disclosure) = &self.disclosure {
            disclosure.table(&mut out);
        }
        if let Some(pipeline) = &self.pipeline {
            pipeline.table(&mut out);
        }
        self.tail(out)
    }

    /// The catalogue read path (when measured) and the checks.
    fn tail(&self, mut out: String) -> String {
        if let Some(catalogue) = &self.catalogue {
            catalogue.table(&mut out);
        }
        let _ = writeln!(out, "\nchecks:");
        for check in &self.checks {
            let mark = if check.passed { "ok  " } else { "FAIL" };
            let _ = writeln!(out, "  {mark} {}: {}", check.name, check.detail);
        }
        out
    }

    fn stats_table(&self, out: &mut String, stats: &StatsReport) {
        let _ = writeln!(
            out,
            "\nstatistics: transitionStats(groupBy: [VO_SCHOOL, COHORT]), {} groups, {} timed runs each",
            stats.groups, stats.ours.runs
        );
        let _ = writeln!(
            out,
            "{:<52} {:>9} {:>9} {:>9} {:>9}",
            "query", "median ms", "p95 ms", "min ms", "max ms"
        );
        for (name, l) in [
            ("ours: POST /graphql (HTTP, admin token)", &stats.ours),
            ("baseline: SELECT … GROUP BY on bench_flat", &stats.baseline),
        ] {
            let _ = writeln!(
                out,
                "{name:<52} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                l.median_ms, l.p95_ms, l.min_ms, l.max_ms
            );
        }
        let _ = writeln!(
            out,
            "  ours/baseline: {:.3} (median), {:.3} (p95); server peak RSS {:.0} MB",
            stats.ratio_median, stats.ratio_p95, stats.server_peak_rss_mb
        );
        for load in &stats.load {
            let _ = writeln!(
                out,
                "  load {} c={} {:.0} s: {:.0} good req/s ({} good, {} bad bodies) {}",
                load.tool,
                load.concurrency,
                load.seconds,
                load.requests_per_second,
                load.ok,
                load.bad,
                load.note
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let times: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        let l = Latency::of(&times);
        assert_eq!(l.median_ms, 10.5);
        assert_eq!(l.p95_ms, 19.0);
        assert_eq!(l.max_ms, 20.0);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1_000_000.0), "1,000,000");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(12_345.4), "12,345");
    }
}
