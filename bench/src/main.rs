//! `leerroute-bench`: the CSV import and `transitionStats` of the real release binary, each
//! beside a plain-SQL baseline on the same database in the same run (README, "Benchmarks").
//!
//! 1. Generate deterministic CSV files of N vmbo leavers and their mbo enrolments.
//! 2. Create the catalogue through the library (no HTTP).
//! 3. `leerroute import vo-leavers` / `mbo-enrolments` as child processes (wall-clock time,
//!    peak RSS), each followed by the baseline bulk load; then the vo file again (idempotent).
//! 4. `leerroute serve`, timed `transitionStats` requests beside a `GROUP BY` over a flat table,
//!    a short concurrent load, and `wrk` when installed.
//! 5. On PostgreSQL, the catalogue read path beside PostGraphile 4 and 5 and a hand-written
//!    `json_agg` statement, on a catalogue database of its own ([`read`]).

mod baseline;
mod catalogue;
mod child;
mod database;
mod disclosure;
mod generate;
mod pipeline;
mod read;
mod report;
mod stats;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::ExitCode,
    time::{Duration, Instant},
};

use clap::Parser;
use leerroute::config::DatabaseArgs;
use sea_orm::{DatabaseConnection, EntityTrait};

use child::Leerroute;
use database::BenchDatabase;
use generate::{Generated, Plan};
use report::{Check, Latency, LoadTiming, Machine, Report, StatsReport};
use stats::Endpoint;

/// Benchmark of Leerroute's import and statistics beside plain-SQL baselines.
#[derive(Parser, Debug)]
#[command(name = "leerroute-bench", version, about)]
struct Args {
    /// vmbo leavers to generate (enrolments follow: about 0.93 per leaver).
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Run on PostgreSQL: a server URL whose user may create databases. A fresh database
    /// `leerroute_bench_<pid>` is created and dropped afterwards. Default: SQLite in a temp dir.
    #[arg(long)]
    postgres: Option<String>,
    /// Keep the work folder (CSV files, logs, SQLite file) and the PostgreSQL database.
    #[arg(long)]
    keep: bool,
    /// Folder for the CSV files, child logs and the SQLite file (default: a new temp folder).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// The `leerroute` binary (default: the one beside this binary, e.g. target/release).
    #[arg(long)]
    leerroute: Option<PathBuf>,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Timed statistics requests (and baseline queries).
    #[arg(long, default_value_t = 30)]
    stats_runs: usize,
    /// Untimed requests before the timed ones.
    #[arg(long, default_value_t = 3)]
    warmup: usize,
    /// Seconds of each concurrent load run (0: none).
    #[arg(long, default_value_t = 10)]
    load_seconds: u64,
    /// Concurrent connections of the load runs.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// `RUST_LOG` of the `leerroute` children (their stderr is kept in the work folder).
    #[arg(long, default_value = "warn")]
    child_log: String,
    /// Diagnostics on PostgreSQL: log every statement of the bench database that runs at least
    /// this long, with its duration, to the server's log (`log_min_duration_statement`).
    #[arg(long)]
    pg_log_min_duration_ms: Option<u64>,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    #[command(flatten)]
    read: read::ReadArgs,
    #[command(flatten)]
    disclosure: disclosure::DisclosureArgs,
    #[command(flatten)]
    pipeline: pipeline::PipelineArgs,
}

/// Fixed secrets of the run (both are required on PostgreSQL).
const JWT_SECRET: &str = "leerroute-bench-jwt-secret-0123456789";
const LINK_SECRET: &str = "leerroute-bench-link-secret-0123456789";

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(passed) if passed => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(2),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn progress(message: &str) {
    eprintln!("[bench] {message}");
}

/// Runs everything; `Ok(false)` when a check failed.
async fn run(args: Args) -> Result<bool, String> {
    if cfg!(debug_assertions) {
        progress(
            "warning: this is a debug build; the baselines run in this process: use --release",
        );
    }
    if args.read.catalogue_only && args.postgres.is_none() {
        return Err("--catalogue-only needs --postgres (PostGraphile runs on PostgreSQL)".into());
    }
    let binary = leerroute_binary(args.leerroute.clone())?;
    let (work, _temp) = work_dir(&args)?;
    let bench_db = match &args.postgres {
        Some(server) => BenchDatabase::postgres(server, args.pg_log_min_duration_ms).await?,
        None => BenchDatabase::sqlite(&work),
    };
    progress(&format!(
        "work folder {}, database {}",
        work.display(),
        bench_db.url
    ));
    let leerroute = Leerroute {
        binary,
        env: vec![
            ("LEERROUTE_DATABASE_URL".into(), bench_db.url.clone()),
            ("LEERROUTE_JWT_SECRET".into(), JWT_SECRET.into()),
            ("LEERROUTE_LINK_SECRET".into(), LINK_SECRET.into()),
            ("RUST_LOG".into(), args.child_log.clone()),
            // The load runs measure the service, not its per-caller rate limit (one token).
            ("LEERROUTE_RATE_LIMIT".into(), "0".into()),
            // The generated cohorts lie years back: without this, `serve`'s purge at start
            // would delete them (and the bench would time the purge, not the service).
            ("LEERROUTE_RETENTION_YEARS".into(), "100".into()),
        ],
        log_dir: work.clone(),
    };
    let result = measure(&args, &work, &bench_db, &leerroute).await;
    if args.keep {
        progress(&format!(
            "kept {} and database {}",
            work.display(),
            bench_db.url
        ));
    } else if let Err(e) = bench_db.drop_database().await {
        progress(&format!("warning: {e}"));
    }
    let report = result?;
    println!("{}", report.table());
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        progress(&format!("results written to {}", path.display()));
    }
    Ok(report.checks.iter().all(|c| c.passed))
}

/// The `leerroute` binary: given, or beside this one.
fn leerroute_binary(given: Option<PathBuf>) -> Result<PathBuf, String> {
    let path = match given {
        Some(path) => path,
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name(format!("leerroute{}", std::env::consts::EXE_SUFFIX)),
    };
    if !path.exists() {
        return Err(format!(
            "{} is missing: build it first with `cargo build --release -p leerroute` (or pass --leerroute)",
            path.display()
        ));
    }
    Ok(path)
}

/// The work folder, and the temp folder that owns it unless `--keep` or `--work-dir`.
fn work_dir(args: &Args) -> Result<(PathBuf, Option<tempfile::TempDir>), String> {
    if let Some(dir) = &args.work_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        return Ok((dir.clone(), None));
    }
    let temp = tempfile::Builder::new()
        .prefix("leerroute-bench-")
        .tempdir()
        .map_err(|e| format!("no temp folder: {e}"))?;
    if args.keep {
        Ok((temp.keep(), None))
    } else {
        Ok((temp.path().to_owned(), Some(temp)))
    }
}

/// Everything that is measured, on an existing (empty) database.
async fn measure(
    args: &Args,
    work: &Path,
    bench_db: &BenchDatabase,
    leerroute: &Leerroute,
) -> Result<Report, String> {
    let mut machine = Machine::this();
    let mut checks = Vec::new();
    let catalogue = match (&args.postgres, args.read.no_catalogue) {
        (Some(server), false) => Some(
            read::measure(
                &args.read,
                server,
                leerroute,
                args.keep,
                args.seed,
                &mut checks,
            )
            .await?,
        ),
        (None, false) => {
            progress("catalogue read path: skipped (it runs on PostgreSQL: pass --postgres)");
            None
        }
        (_, true) => None,
    };
    if args.read.catalogue_only {
        machine.finish();
        let db = leerroute::open_database(&DatabaseArgs {
            database_url: bench_db.url.clone(),
            jwt_secret: Some(JWT_SECRET.into()),
            link_secret: Some(LINK_SECRET.into()),
        })
        .await
        .map_err(|e| e.to_string())?;
        let database_version = database::server_version(&db).await;
        db.close().await.ok();
        return Ok(Report::catalogue_only(
            bench_db.backend_name(),
            database_version,
            machine,
            args.seed,
            catalogue,
            checks,
        ));
    }
    let vo_file = work.join("vo-leavers.csv");
    let mbo_file = work.join("mbo-enrolments.csv");
    progress(&format!("generating {} leavers", args.rows));
    let started = Instant::now();
    let plan = Plan::new(args.seed);
    let generated = generate::write_files(&plan, args.rows, args.seed, &vo_file, &mbo_file)
        .map_err(|e| format!("cannot write the CSV files: {e}"))?;
    let generate_seconds = started.elapsed().as_secs_f64();
    let csv_mb = [&vo_file, &mbo_file]
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum::<u64>() as f64
        / 1e6;

    let started = Instant::now();
    let db = leerroute::open_database(&DatabaseArgs {
        database_url: bench_db.url.clone(),
        jwt_secret: Some(JWT_SECRET.into()),
        link_secret: Some(LINK_SECRET.into()),
    })
    .await
    .map_err(|e| e.to_string())?;
    catalogue::create(&db, &plan).await?;
    let catalogue_seconds = started.elapsed().as_secs_f64();

    let loads = imports(&db, leerroute, &vo_file, &mbo_file, &generated, &mut checks).await?;
    let database_mb = database::size_mb(&db, bench_db).await;
    let (stats, disclosure) =
        statistics(args, &db, leerroute, work, &plan, &generated, &mut checks).await?;
    let pipeline = if args.pipeline.pupils > 0 {
        Some(
            pipeline::measure(
                &args.pipeline,
                leerroute,
                work,
                &plan,
                args.seed,
                &mut checks,
            )
            .await?,
        )
    } else {
        None
    };
    machine.finish();
    let report = Report {
        backend: bench_db.backend_name().to_owned(),
        database_version: database::server_version(&db).await,
        machine,
        leavers: generated.vo_rows,
        enrolments: generated.mbo_rows,
        seed: args.seed,
        generate_seconds,
        csv_mb,
        catalogue_seconds,
        loads,
        database_mb,
        stats: Some(stats),
        disclosure,
        pipeline,
        catalogue,
        checks,
    };
    db.close().await.ok();
    Ok(report)
}

/// The three imports of ours and the two baselines, in this order: vo, vo baseline, mbo, mbo
/// baseline, vo again.
async fn imports(
    db: &DatabaseConnection,
    leerroute: &Leerroute,
    vo_file: &Path,
    mbo_file: &Path,
    generated: &Generated,
    checks: &mut Vec<Check>,
) -> Result<Vec<LoadTiming>, String> {
    let mut loads = Vec::new();
    let vo = (generated.vo_rows, 0, generated.vo_rows);
    loads.push(import(leerroute, "vo-leavers", vo_file, "import-vo", vo, checks).await?);
    loads.push(baseline_load(db, &baseline::VO_TABLE, vo_file).await?);
    let mbo = (generated.mbo_rows, 0, generated.vo_rows);
    loads.push(
        import(
            leerroute,
            "mbo-enrolments",
            mbo_file,
            "import-mbo",
            mbo,
            checks,
        )
        .await?,
    );
    loads.push(baseline_load(db, &baseline::MBO_TABLE, mbo_file).await?);
    loads.push(
        import(
            leerroute,
            "vo-leavers",
            vo_file,
            "reimport-vo",
            (0, 0, 0),
            checks,
        )
        .await?,
    );
    Ok(loads)
}

/// One `leerroute import KIND FILE`; `expected` is (new, updated, at most this many transitions
/// changed), checked against what the command prints.
async fn import(
    leerroute: &Leerroute,
    kind: &str,
    file: &Path,
    name: &str,
    expected: (u64, u64, u64),
    checks: &mut Vec<Check>,
) -> Result<LoadTiming, String> {
    progress(&format!("{name}: leerroute import {kind}"));
    let file = file.to_string_lossy();
    let finished = leerroute.run(&["import", kind, &file], name).await?;
    if !finished.success {
        return Err(format!(
            "leerroute import {kind} failed:\n{}",
            finished
                .stderr
                .lines()
                .take(30)
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    let line = finished.stdout.trim().to_owned();
    let (rows, new, updated, transitions) = parse_import_line(&line)
        .ok_or_else(|| format!("unexpected output of leerroute import: {line}"))?;
    checks.push(Check {
        name: format!("{name} result"),
        passed: new == expected.0 && updated == expected.1 && transitions <= expected.2,
        detail: line.trim_start_matches("imported ").to_owned(),
    });
    let label = match name {
        "reimport-vo" => "ours: re-import vo-leavers (no changes)".to_owned(),
        _ => format!("ours: leerroute import {kind}"),
    };
    let outcome = format!("{new} new, {updated} updated, {transitions} transitions changed");
    let mut timing = LoadTiming::new(&label, rows, finished.wall, &outcome);
    timing.peak_rss_mb = Some(finished.peak_rss_mb);
    timing.cpu_seconds = Some(finished.cpu.as_secs_f64());
    Ok(timing)
}

/// `imported R KIND rows: N new, U updated, S unchanged; T transitions changed`.
fn parse_import_line(line: &str) -> Option<(u64, u64, u64, u64)> {
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match numbers[..] {
        [rows, new, updated, _unchanged, transitions] => Some((rows, new, updated, transitions)),
        _ => None,
    }
}

async fn baseline_load(
    db: &DatabaseConnection,
    table: &baseline::LoadTable,
    file: &Path,
) -> Result<LoadTiming, String> {
    progress(&format!("baseline: bulk load into {}", table.name));
    let (rows, elapsed) = baseline::bulk_load(db, table, file).await?;
    Ok(LoadTiming::new(
        &format!("baseline: bulk load {}", table.name),
        rows,
        elapsed,
        &format!("text columns, unique ({})", table.identity.join(", ")),
    ))
}

/// The statistics half: our server beside the flat-table baseline.
async fn statistics(
    args: &Args,
    db: &DatabaseConnection,
    leerroute: &Leerroute,
    work: &Path,
    plan: &Plan,
    generated: &Generated,
    checks: &mut Vec<Check>,
) -> Result<(StatsReport, Option<disclosure::DisclosureReport>), String> {
    progress("statistics: creating bench_flat and starting leerroute serve");
    baseline::create_flat_table(db).await?;
    let port = stats::free_port()?;
    let server = leerroute.spawn(
        &["serve", "--listen", &format!("127.0.0.1:{port}")],
        "serve",
    )?;
    let outcome = against_server(args, leerroute, work, port).await;
    let disclosure = match (&outcome, args.disclosure.no_disclosure) {
        (Ok(_), false) => {
            let regions: Vec<&str> = plan.regions.iter().map(|r| r.code).collect();
            let base = format!("http://127.0.0.1:{port}");
            Some(disclosure::measure(&args.disclosure, db, leerroute, &base, &regions).await)
        }
        _ => None,
    };
    let stopped = server.stop().await?;
    let (ours_times, answer, load) = outcome?;
    let disclosure = disclosure.transpose()?;
    let base_times = time_baseline(db, args.warmup, args.stats_runs).await?;
    let baseline_rows = baseline::flat_stats(db).await?;
    baseline::drop_flat_table(db).await?;

    let (rows, total) = stats::parse_answer(&answer);
    compare(db, &rows, &total, &baseline_rows, generated, checks).await?;
    let ours = Latency::of(&ours_times);
    let baseline = Latency::of(&base_times);
    let stats = StatsReport {
        groups: rows.len(),
        ratio_median: ours.median_ms / baseline.median_ms,
        ratio_p95: ours.p95_ms / baseline.p95_ms,
        ours,
        baseline,
        server_peak_rss_mb: stopped.peak_rss_mb,
        load,
    };
    Ok((stats, disclosure))
}

type ServerOutcome = (Vec<Duration>, serde_json::Value, Vec<stats::LoadResult>);

/// Token, timed requests and load runs against the started server.
async fn against_server(
    args: &Args,
    leerroute: &Leerroute,
    work: &Path,
    port: u16,
) -> Result<ServerOutcome, String> {
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .map_err(|e| e.to_string())?;
    stats::wait_ready(&client, &base).await?;
    let token = leerroute
        .run(&["token", "--role", "admin"], "token")
        .await?;
    if !token.success {
        return Err(format!("leerroute token failed: {}", token.stderr));
    }
    let endpoint = Endpoint {
        url: format!("{base}/graphql"),
        token: token.stdout.trim().to_owned(),
        client,
    };
    progress(&format!(
        "statistics: {} warm-up + {} timed requests",
        args.warmup, args.stats_runs
    ));
    let (times, answer) = stats::timed_requests(&endpoint, args.warmup, args.stats_runs).await?;
    let mut load = Vec::new();
    if args.load_seconds > 0 {
        let duration = Duration::from_secs(args.load_seconds);
        progress("statistics: concurrent load (in process)");
        load.push(stats::load(&endpoint, args.concurrency, duration).await);
        progress("statistics: wrk, if installed");
        match stats::wrk(&endpoint, args.concurrency, duration, work) {
            Some(Ok(result)) => load.push(result),
            Some(Err(e)) => progress(&format!("wrk failed: {e}")),
            None => progress("wrk is not installed; skipped"),
        }
    }
    Ok((times, answer, load))
}

/// The baseline query, as often as ours and through a pool like the service's.
async fn time_baseline(
    db: &DatabaseConnection,
    warmup: usize,
    runs: usize,
) -> Result<Vec<Duration>, String> {
    progress(&format!(
        "baseline: {warmup} warm-up + {runs} timed GROUP BY queries"
    ));
    for _ in 0..warmup {
        baseline::flat_stats(db).await?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let rows = baseline::flat_stats(db).await?;
        times.push(started.elapsed());
        if rows.is_empty() {
            return Err("the baseline query returned no rows".to_owned());
        }
    }
    Ok(times)
}

/// Our answer must equal the baseline's group by group, and its total must equal the counts
/// the generator computed from DESIGN.md's definitions.
async fn compare(
    db: &DatabaseConnection,
    ours: &HashMap<(String, i32), baseline::Counts>,
    total: &baseline::Counts,
    flat: &[((i64, i32), baseline::Counts)],
    generated: &Generated,
    checks: &mut Vec<Check>,
) -> Result<(), String> {
    let brins: HashMap<i64, String> = entity::school::Entity::find()
        .all(db)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|s| (s.id, s.brin))
        .collect();
    let differing = flat
        .iter()
        .filter(|((school, cohort), counts)| {
            let brin = brins.get(school).cloned().unwrap_or_default();
            ours.get(&(brin, *cohort)) != Some(counts)
        })
        .count();
    checks.push(Check {
        name: "transitionStats rows = baseline GROUP BY rows".to_owned(),
        passed: differing == 0 && ours.len() == flat.len(),
        detail: format!(
            "{} groups ours, {} baseline, {differing} differ",
            ours.len(),
            flat.len()
        ),
    });
    let expected = generated.truth.as_array();
    checks.push(Check {
        name: "transitionStats total = generator's counts".to_owned(),
        passed: *total == expected,
        detail: format!("ours {total:?}, generator {expected:?} (leavers, enrolled, switched, droppedOut, choseBeforeExam, choiceMatched, below, at, above)"),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_import_line;

    #[test]
    fn import_output_is_parsed() {
        assert_eq!(
            parse_import_line(
                "imported 1000 vo-leavers rows: 990 new, 10 updated, 0 unchanged; 5 transitions changed"
            ),
            Some((1000, 990, 10, 5))
        );
        assert_eq!(parse_import_line("error"), None);
    }
}
