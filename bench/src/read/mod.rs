//! The catalogue read path side by side (issue 15): the nested query a portal sends first,
//! `regions(first: 10) { totalCount nodes { code name schools(first: 20) { totalCount nodes {
//! brin name sector } } } }`, against Leerroute, PostGraphile 4, PostGraphile 5 and the one
//! hand-written `json_agg` statement, on one generated catalogue (40 regions, 1,500 schools) in
//! a PostgreSQL database of its own, all under the same load in one run.
//!
//! Every server is started before the first measurement and answers a checked request first;
//! then the targets take turns (`--read-rounds` times each, so that drift in the machine's load
//! spreads over all of them), each turn a warm-up and a measured window.

mod answer;
mod cpu;
mod json_agg;
mod load;
mod plan;
mod postgraphile;

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use leerroute::config::DatabaseArgs;
use serde::Serialize;
use serde_json::json;

use crate::{
    child::{Leerroute, Running},
    database::BenchDatabase,
    report::Check,
    stats::{free_port, wait_ready},
};
use answer::{Answer, Shape};
use load::{Sample, Target};
use plan::CataloguePlan;
use postgraphile::{Installation, Major};

/// The nested query in Leerroute's schema.
pub const QUERY: &str = "query Catalogue { regions(first: 10) { totalCount nodes { code name \
    schools(first: 20) { totalCount nodes { brin name sector } } } } }";

const LEERROUTE_SHAPE: Shape = Shape {
    regions: "regions",
    schools: "schools",
};

/// Options of the read-path comparison.
#[derive(clap::Args, Debug, Clone)]
pub struct ReadArgs {
    /// Run only the catalogue read-path comparison (needs --postgres): no imports, no statistics.
    #[arg(long)]
    pub catalogue_only: bool,
    /// Skip the catalogue read-path comparison.
    #[arg(long, conflicts_with = "catalogue_only")]
    pub no_catalogue: bool,
    /// Seconds of each measured window of the read-path comparison.
    #[arg(long, default_value_t = 10)]
    pub read_seconds: u64,
    /// Untimed seconds of load before each measured window.
    #[arg(long, default_value_t = 3)]
    pub read_warmup_seconds: u64,
    /// Turns each server gets (measured windows are added up).
    #[arg(long, default_value_t = 2)]
    pub read_rounds: usize,
    /// Concurrent clients of the read-path load.
    #[arg(long, default_value_t = 10)]
    pub read_concurrency: usize,
    /// Where PostGraphile is installed (default: target/postgraphile of the workspace).
    #[arg(long)]
    pub postgraphile_dir: Option<PathBuf>,
    /// Leave PostGraphile out (no npm needed).
    #[arg(long)]
    pub no_postgraphile: bool,
    /// A second `leerroute` binary measured in the same run (e.g. a build of an older commit).
    #[arg(long)]
    pub compare_leerroute: Option<PathBuf>,
}

/// One server's figures.
#[derive(Debug, Serialize)]
pub struct ReadResult {
    pub name: String,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub server_cpu_ms_per_request: Option<f64>,
    pub postgres_cpu_ms_per_request: f64,
    pub bench_cpu_ms_per_request: f64,
    #[serde(flatten)]
    pub sample: Sample,
}

/// The read-path part of a run.
#[derive(Debug, Serialize)]
pub struct ReadReport {
    pub regions: usize,
    pub schools: usize,
    pub concurrency: usize,
    pub window_seconds: u64,
    pub rounds: usize,
    pub results: Vec<ReadResult>,
}

fn progress(message: &str) {
    eprintln!("[bench] catalogue: {message}");
}

/// A server started for the comparison; stopped at the end.
enum Server {
    Child(Running),
    JsonAgg(json_agg::JsonAggServer),
}

impl Server {
    async fn stop(self) {
        match self {
            Server::Child(child) => {
                let _ = child.stop().await;
            }
            Server::JsonAgg(server) => server.stop().await,
        }
    }
}

/// The default PostGraphile folder: `target/postgraphile` of the workspace.
fn default_postgraphile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/postgraphile")
}

/// Runs the comparison on a new database of the server of `server_url`.
pub async fn measure(
    args: &ReadArgs,
    server_url: &str,
    leerroute: &Leerroute,
    keep: bool,
    seed: u64,
    checks: &mut Vec<Check>,
) -> Result<ReadReport, String> {
    let name = format!("leerroute_bench_{}_read", std::process::id());
    let database = BenchDatabase::postgres_named(server_url, &name, None).await?;
    let result = on_database(args, &database.url, leerroute, seed, checks).await;
    if keep {
        progress(&format!("kept database {}", database.url));
    } else if let Err(e) = database.drop_database().await {
        progress(&format!("warning: {e}"));
    }
    result
}

async fn on_database(
    args: &ReadArgs,
    url: &str,
    leerroute: &Leerroute,
    seed: u64,
    checks: &mut Vec<Check>,
) -> Result<ReadReport, String> {
    let plan = CataloguePlan::new(seed);
    fill(url, &plan).await?;
    let expected = plan.expected();
    let mut servers = Vec::new();
    let started = start_all(args, url, leerroute, &mut servers).await;
    let outcome = match started {
        Ok(targets) => compare(args, url, &targets, &expected, checks).await,
        Err(e) => Err(e),
    };
    for server in servers {
        server.stop().await;
    }
    let results = outcome?;
    Ok(ReadReport {
        regions: plan.regions.len(),
        schools: plan.schools.len(),
        concurrency: args.read_concurrency,
        window_seconds: args.read_seconds,
        rounds: args.read_rounds,
        results,
    })
}

/// Migrates the database and creates the catalogue; ANALYZE gives the planner its statistics
/// (for every server alike).
async fn fill(url: &str, plan: &CataloguePlan) -> Result<(), String> {
    use sea_orm::ConnectionTrait;
    progress(&format!(
        "creating {} regions and {} schools",
        plan.regions.len(),
        plan.schools.len()
    ));
    let db = leerroute::open_database(&DatabaseArgs {
        database_url: url.to_owned(),
        jwt_secret: Some(crate::JWT_SECRET.into()),
        link_secret: Some(crate::LINK_SECRET.into()),
    })
    .await
    .map_err(|e| e.to_string())?;
    plan.create(&db).await?;
    db.execute_unprepared("ANALYZE")
        .await
        .map_err(|e| format!("ANALYZE failed: {e}"))?;
    db.close().await.ok();
    Ok(())
}

fn request_body(query: &str) -> Vec<u8> {
    json!({ "query": query }).to_string().into_bytes()
}

/// Starts every server (pushing each into `servers`, so that it is stopped whatever happens)
/// and returns the targets to measure, in measuring order.
async fn start_all(
    args: &ReadArgs,
    url: &str,
    leerroute: &Leerroute,
    servers: &mut Vec<Server>,
) -> Result<Vec<Target>, String> {
    let mut targets = Vec::new();
    let mut binaries = vec![("Leerroute".to_owned(), leerroute.binary.clone())];
    if let Some(other) = &args.compare_leerroute {
        binaries.push((format!("Leerroute ({})", other.display()), other.clone()));
    }
    for (index, (name, binary)) in binaries.into_iter().enumerate() {
        let mut child = leerroute.clone();
        child.binary = binary;
        child.env.retain(|(key, _)| key != "LEERROUTE_DATABASE_URL");
        child
            .env
            .push(("LEERROUTE_DATABASE_URL".into(), url.to_owned()));
        let port = free_port()?;
        let running = child.spawn(
            &["serve", "--listen", &format!("127.0.0.1:{port}")],
            &format!("read-serve-{index}"),
        )?;
        let pid = running.pid();
        servers.push(Server::Child(running));
        let client = reqwest::Client::new();
        wait_ready(&client, &format!("http://127.0.0.1:{port}")).await?;
        targets.push(Target {
            name,
            url: format!("http://127.0.0.1:{port}/graphql"),
            request: request_body(QUERY),
            shape: LEERROUTE_SHAPE,
            pid: Some(pid),
        });
    }
    if !args.no_postgraphile {
        let dir = match &args.postgraphile_dir {
            Some(dir) => dir.clone(),
            None => default_postgraphile_dir(),
        };
        progress(&format!(
            "PostGraphile in {} (npm ci when needed)",
            dir.display()
        ));
        let installation = Installation::ensure(&dir)?;
        for major in [Major::V4, Major::V5] {
            let port = free_port()?;
            let running = installation.spawn(major, url, port, &leerroute.log_dir)?;
            let pid = running.pid();
            servers.push(Server::Child(running));
            targets.push(Target {
                name: installation.label(major),
                url: format!("http://127.0.0.1:{port}/graphql"),
                request: request_body(postgraphile::QUERY),
                shape: postgraphile::SHAPE,
                pid: Some(pid),
            });
        }
    }
    let json_agg = json_agg::JsonAggServer::start(url, 10).await?;
    targets.push(Target {
        name: "json_agg: one hand-written statement".to_owned(),
        url: json_agg.url(),
        request: request_body(QUERY),
        shape: LEERROUTE_SHAPE,
        pid: None,
    });
    servers.push(Server::JsonAgg(json_agg));
    Ok(targets)
}

/// The first good answer of a target, retried while the server is still starting (PostGraphile
/// introspects the database first).
async fn first_answer(
    client: &reqwest::Client,
    target: &Target,
    expected: &Answer,
) -> Result<Vec<u8>, String> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match load::checked(client, target, expected).await {
            Ok(body) => return Ok(body),
            Err(e) if Instant::now() > deadline => {
                return Err(format!(
                    "{} gave no good answer in 120 s (its log is in the work folder): {e}",
                    target.name
                ));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

/// Checks every target's first answer, then measures them in turns.
async fn compare(
    args: &ReadArgs,
    url: &str,
    targets: &[Target],
    expected: &Answer,
    checks: &mut Vec<Check>,
) -> Result<Vec<ReadResult>, String> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.read_concurrency * 2)
        .build()
        .map_err(|e| e.to_string())?;
    let mut references = Vec::new();
    for target in targets {
        references.push(first_answer(&client, target, expected).await?);
    }
    let meter = cpu::Meter::connect(url).await?;
    let mut samples: Vec<Sample> = targets.iter().map(|_| Sample::default()).collect();
    let window = Duration::from_secs(args.read_seconds.max(1));
    let warmup = Duration::from_secs(args.read_warmup_seconds);
    for round in 1..=args.read_rounds.max(1) {
        for (i, target) in targets.iter().enumerate() {
            progress(&format!("round {round}: {}", target.name));
            let (reference, concurrency) = (&references[i], args.read_concurrency);
            if !warmup.is_zero() {
                load::run(&client, target, reference, expected, concurrency, warmup).await;
            }
            let before = meter.read(target.pid).await;
            let mut measured =
                load::run(&client, target, reference, expected, concurrency, window).await;
            measured.cpu = meter.read(target.pid).await.since(&before);
            samples[i].absorb(measured);
        }
    }
    meter.close().await;
    let mut results = Vec::new();
    for (target, sample) in targets.iter().zip(samples) {
        checks.push(Check {
            name: format!("catalogue answer of {} = the plan's", target.name),
            passed: sample.bad == 0 && sample.ok > 0,
            detail: format!(
                "{} good, {} bad answers{}",
                sample.ok,
                sample.bad,
                sample
                    .first_error
                    .as_deref()
                    .map(|e| format!("; first bad: {}", &e[..e.len().min(200)]))
                    .unwrap_or_default()
            ),
        });
        results.push(ReadResult {
            name: target.name.clone(),
            requests_per_second: sample.requests_per_second(),
            p50_ms: sample.percentile_ms(0.50),
            p99_ms: sample.percentile_ms(0.99),
            server_cpu_ms_per_request: sample.cpu.server.map(|s| sample.per_request_ms(s)),
            postgres_cpu_ms_per_request: sample.per_request_ms(sample.cpu.postgres),
            bench_cpu_ms_per_request: sample.per_request_ms(sample.cpu.bench),
            sample,
        });
    }
    Ok(results)
}

impl ReadReport {
    /// The table of the comparison, with the ratios the goal is stated in.
    pub fn table(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = writeln!(
            out,
            "\ncatalogue read path: regions(first: 10) {{ totalCount … schools(first: 20) {{ totalCount … brin name sector }} }}\n\
             {} regions, {} schools; {} clients, {} x {} s per server",
            self.regions, self.schools, self.concurrency, self.rounds, self.window_seconds
        );
        let _ = writeln!(
            out,
            "{:<44} {:>7} {:>7} {:>7}   CPU ms per answer: {:>6} {:>8} {:>6}",
            "server", "req/s", "p50 ms", "p99 ms", "server", "postgres", "bench"
        );
        for r in &self.results {
            let _ = writeln!(
                out,
                "{:<44} {:>7.0} {:>7.2} {:>7.2}                      {:>6} {:>8.2} {:>6.2}",
                r.name,
                r.requests_per_second,
                r.p50_ms,
                r.p99_ms,
                r.server_cpu_ms_per_request
                    .map_or("-".to_owned(), |ms| format!("{ms:.2}")),
                r.postgres_cpu_ms_per_request,
                r.bench_cpu_ms_per_request
            );
        }
        let _ = writeln!(
            out,
            "  (postgres: the backends of the bench database; bench: the load generator, and for json_agg its endpoint too)"
        );
        let rate = |prefix: &str| {
            self.results
                .iter()
                .filter(|r| r.name.starts_with(prefix))
                .map(|r| r.requests_per_second)
                .fold(None, |best: Option<f64>, x| {
                    Some(best.map_or(x, |b| b.max(x)))
                })
        };
        let ours = self.results.first().map(|r| r.requests_per_second);
        if let (Some(ours), Some(pg)) = (ours, rate("PostGraphile")) {
            let _ = writeln!(
                out,
                "  Leerroute / faster PostGraphile: {:.2}x (goal: at least 2x)",
                ours / pg
            );
        }
        if let (Some(ours), Some(limit)) = (ours, rate("json_agg")) {
            let _ = writeln!(
                out,
                "  json_agg / Leerroute: {:.2}x (goal: at most 2x)",
                limit / ours
            );
        }
    }
}
