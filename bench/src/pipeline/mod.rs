//! The pipeline at national scale (issue 12, DESIGN.md 4b): a `vo-pupils` roster and
//! `mbo-applications` generated for the plan's schools, both imported by the real binary (wall
//! time, peak memory), `leerroute signals refresh`, and `pipelineStats` protected (a
//! coordinator) against exact (admin, same filter) in interleaved rounds. Every child runs with
//! `LEERROUTE_TODAY` = [`files::TODAY`].

mod files;

use std::{fmt::Write, path::Path, time::Instant};

use serde::Serialize;
use serde_json::json;

use crate::{
    child::Leerroute,
    disclosure::{
        self, Timing,
        http::{Client, Query},
    },
    generate::Plan,
    progress,
    report::{Check, LoadTiming},
    stats,
};

/// Options of this part.
#[derive(clap::Args, Debug, Clone)]
pub struct PipelineArgs {
    /// Pupils of years 3 and 4 on the generated roster (applications follow: about 2 per
    /// pupil); 0 leaves the pipeline part out. National scale: 200000.
    #[arg(long, default_value_t = 0)]
    pub pupils: u64,
    /// Timed rounds of the protected/exact `pipelineStats` comparison.
    #[arg(long, default_value_t = 10)]
    pub pipeline_rounds: usize,
}

/// This part of a run.
#[derive(Debug, Serialize)]
pub struct PipelineReport {
    pub pupils: u64,
    pub applications: u64,
    pub generate_seconds: f64,
    /// The two imports and `signals refresh`, with their output.
    pub steps: Vec<LoadTiming>,
    pub region: String,
    pub rounds: usize,
    pub timings: Vec<Timing>,
}

const QUERY: &str = "query($f: PipelineStatsFilter!, $g: [PipelineDimension!]!) { pipelineStats(filter: $f, groupBy: $g) { \
    rows { key { voSchoolBrin mboSchoolBrin leerweg leerlabCode year } pupils applied appliedBeforeApril offered notAdmitted withdrawn enrolled openSignals } \
    total { pupils applied appliedBeforeApril offered notAdmitted withdrawn enrolled openSignals } } }";

const GROUPINGS: [&[&str]; 4] = [&[], &["VO_SCHOOL"], &["MBO_SCHOOL"], &["LEERWEG", "YEAR"]];

/// Runs this part on the database of the run (its catalogue must exist).
pub async fn measure(
    args: &PipelineArgs,
    leerroute: &Leerroute,
    work: &Path,
    plan: &Plan,
    seed: u64,
    checks: &mut Vec<Check>,
) -> Result<PipelineReport, String> {
    let mut leerroute = leerroute.clone();
    leerroute
        .env
        .push(("LEERROUTE_TODAY".into(), files::TODAY.into()));
    let (roster, applications) = (
        work.join("vo-pupils.csv"),
        work.join("mbo-applications.csv"),
    );
    progress(&format!("pipeline: generating {} pupils", args.pupils));
    let started = Instant::now();
    let written = files::write(plan, args.pupils, seed, &roster, &applications)
        .map_err(|e| format!("cannot write the pipeline files: {e}"))?;
    let generate_seconds = started.elapsed().as_secs_f64();
    let mut steps = Vec::new();
    for (kind, file, rows) in [
        ("vo-pupils", &roster, written.pupils),
        ("mbo-applications", &applications, written.applications),
    ] {
        progress(&format!("pipeline: leerroute import {kind} ({rows} rows)"));
        let file = file.to_string_lossy();
        let done = leerroute
            .run(&["import", kind, &file], &format!("import-{kind}"))
            .await?;
        if !done.success {
            return Err(format!(
                "leerroute import {kind} failed: {}",
                tail(&done.stderr)
            ));
        }
        let mut step = LoadTiming::new(
            &format!("ours: leerroute import {kind}"),
            rows,
            done.wall,
            done.stdout.trim().trim_start_matches("imported "),
        );
        step.peak_rss_mb = Some(done.peak_rss_mb);
        step.cpu_seconds = Some(done.cpu.as_secs_f64());
        steps.push(step);
    }
    progress("pipeline: leerroute signals refresh");
    let done = leerroute
        .run(&["signals", "refresh"], "signals-refresh")
        .await?;
    if !done.success {
        return Err(format!("signals refresh failed: {}", tail(&done.stderr)));
    }
    let mut step = LoadTiming::new(
        "ours: leerroute signals refresh",
        written.pupils,
        done.wall,
        done.stdout.trim(),
    );
    step.peak_rss_mb = Some(done.peak_rss_mb);
    step.cpu_seconds = Some(done.cpu.as_secs_f64());
    steps.push(step);

    let port = stats::free_port()?;
    let server = leerroute.spawn(
        &["serve", "--listen", &format!("127.0.0.1:{port}")],
        "serve-pipeline",
    )?;
    let region = plan.regions[0].code;
    let outcome = against_server(args, &leerroute, port, region, &written, checks).await;
    server.stop().await?;
    Ok(PipelineReport {
        pupils: written.pupils,
        applications: written.applications,
        generate_seconds,
        steps,
        region: region.to_owned(),
        rounds: args.pipeline_rounds,
        timings: outcome?,
    })
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

async fn against_server(
    args: &PipelineArgs,
    leerroute: &Leerroute,
    port: u16,
    region: &str,
    written: &files::Written,
    checks: &mut Vec<Check>,
) -> Result<Vec<Timing>, String> {
    let base = format!("http://127.0.0.1:{port}");
    let client = Client::new(&base)?;
    stats::wait_ready(&reqwest::Client::new(), &base).await?;
    let admin = disclosure::http::token(leerroute, &["--role", "admin"]).await?;
    let coordinator =
        disclosure::http::token(leerroute, &["--role", "coordinator", "--region", region]).await?;
    let national = json!({ "f": { "schoolYear": files::SCHOOL_YEAR }, "g": [] });
    let (_, body) = client.graphql(&admin, QUERY, &national).await?;
    let total = &body["data"]["pipelineStats"]["total"];
    checks.push(Check {
        name: "pipelineStats national total = generated roster".into(),
        passed: total["pupils"].as_u64() == Some(written.pupils)
            && total["openSignals"].as_u64() >= Some(written.year4_without),
        detail: format!(
            "pupils {} (generated {}), open signals {} (at least the {} fourth-year pupils without an application)",
            total["pupils"], written.pupils, total["openSignals"], written.year4_without
        ),
    });
    let queries: Vec<Query> = GROUPINGS
        .iter()
        .map(|g| Query::Graphql {
            name: format!("pipelineStats {g:?}").replace('"', ""),
            query: QUERY.to_owned(),
            variables: json!({ "f": { "regionCode": region, "schoolYear": files::SCHOOL_YEAR }, "g": g }),
        })
        .collect();
    progress(&format!(
        "pipeline: pipelineStats protected against exact, {} interleaved rounds",
        args.pipeline_rounds
    ));
    disclosure::interleaved(
        &client,
        &queries,
        &admin,
        &coordinator,
        args.pipeline_rounds,
    )
    .await
}

impl PipelineReport {
    /// The tables printed at the end of a run.
    pub fn table(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\npipeline: {} roster pupils, {} applications (generated in {:.1} s), LEERROUTE_TODAY={}",
            self.pupils,
            self.applications,
            self.generate_seconds,
            files::TODAY
        );
        let _ = writeln!(
            out,
            "| step | rows | seconds | rows/s | peak MB | cpu s | outcome |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |"
        );
        for s in &self.steps {
            let _ = writeln!(
                out,
                "| {} | {} | {:.2} | {:.0} | {:.0} | {:.1} | {} |",
                s.name,
                s.rows,
                s.seconds,
                s.rows_per_second,
                s.peak_rss_mb.unwrap_or(0.0),
                s.cpu_seconds.unwrap_or(0.0),
                s.outcome
            );
        }
        let _ = writeln!(
            out,
            "\npipelineStats, region {} (exact: admin with regionCode; protected: its coordinator), {} interleaved rounds",
            self.region, self.rounds
        );
        disclosure::timing_table(out, &self.timings);
    }
}
