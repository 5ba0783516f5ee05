//! `transitionStats` over HTTP against the real `leerroute serve`: sequential timed requests,
//! a short concurrent load, and `wrk` when it is installed. Every response body is checked:
//! HTTP 200 with GraphQL `errors` is a failure here, not a success.

use std::{
    collections::HashMap,
    path::Path,
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use serde::Serialize;
use serde_json::{Value, json};

use crate::baseline::Counts;

/// The measured query: every count of every (vo school, cohort) group and the total.
pub const QUERY: &str = "query BenchStats { transitionStats(groupBy: [VO_SCHOOL, COHORT]) { \
    minCellSize \
    rows { key { voSchoolBrin cohort } leavers enrolled notEnrolled retained switched droppedOut \
      choseBeforeExam choiceMatched belowExpectedLevel atExpectedLevel aboveExpectedLevel } \
    total { leavers enrolled notEnrolled retained switched droppedOut \
      choseBeforeExam choiceMatched belowExpectedLevel atExpectedLevel aboveExpectedLevel } } }";

/// The response fields that correspond to the stored counts, in [`Counts`] order.
const FIELDS: [&str; 9] = [
    "leavers",
    "enrolled",
    "switched",
    "droppedOut",
    "choseBeforeExam",
    "choiceMatched",
    "belowExpectedLevel",
    "atExpectedLevel",
    "aboveExpectedLevel",
];

/// A GraphQL endpoint and the admin token to call it with.
#[derive(Clone)]
pub struct Endpoint {
    pub url: String,
    pub token: String,
    pub client: reqwest::Client,
}

/// A free port on the loopback interface (closed again right away).
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// How long `serve` may take to start.
const READY_SECONDS: u64 = 1800;

/// Waits until `GET /readyz` answers 200: `serve` evaluates the signals before it listens,
/// which takes minutes at national scale.
pub async fn wait_ready(client: &reqwest::Client, base: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(READY_SECONDS);
    while Instant::now() < deadline {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "{base}/readyz did not answer within {READY_SECONDS} s"
    ))
}

impl Endpoint {
    /// One request; the time covers sending it and receiving the whole body.
    pub async fn request(&self) -> Result<(Duration, String), String> {
        let started = Instant::now();
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&json!({ "query": QUERY }))
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| format!("reading the body failed: {e}"))?;
        let elapsed = started.elapsed();
        if !status.is_success() {
            return Err(format!("HTTP {status}: {}", excerpt(&body)));
        }
        Ok((elapsed, body))
    }
}

fn excerpt(body: &str) -> &str {
    &body[..body.len().min(400)]
}

/// Checks a body: JSON, no `errors`, `data.transitionStats` with rows.
pub fn check_body(body: &str) -> Result<Value, String> {
    let value: Value =
        serde_json::from_str(body).map_err(|e| format!("not JSON ({e}): {}", excerpt(body)))?;
    if value.get("errors").is_some() {
        return Err(format!("GraphQL errors: {}", excerpt(body)));
    }
    let stats = &value["data"]["transitionStats"];
    if stats["rows"].as_array().is_none_or(|rows| rows.is_empty()) {
        return Err(format!("no rows in the answer: {}", excerpt(body)));
    }
    Ok(stats.clone())
}

/// The counts of a published row (admin: nothing is suppressed).
fn counts_of(row: &Value) -> Counts {
    std::array::from_fn(|i| row[FIELDS[i]].as_i64().unwrap_or(-1))
}

/// The answer as (BRIN, first year of the cohort) → counts, and the total.
pub fn parse_answer(stats: &Value) -> (HashMap<(String, i32), Counts>, Counts) {
    let rows = stats["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    let key = &row["key"];
                    let brin = key["voSchoolBrin"].as_str().unwrap_or_default().to_owned();
                    let cohort = key["cohort"]
                        .as_str()
                        .and_then(|c| c.get(..4))
                        .and_then(|y| y.parse().ok())
                        .unwrap_or(0);
                    ((brin, cohort), counts_of(row))
                })
                .collect()
        })
        .unwrap_or_default();
    (rows, counts_of(&stats["total"]))
}

/// Sequential requests: `warmup` untimed, then `runs` timed; every body checked.
pub async fn timed_requests(
    endpoint: &Endpoint,
    warmup: usize,
    runs: usize,
) -> Result<(Vec<Duration>, Value), String> {
    let mut answer = Value::Null;
    for _ in 0..warmup {
        let (_, body) = endpoint.request().await?;
        answer = check_body(&body)?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (elapsed, body) = endpoint.request().await?;
        answer = check_body(&body)?;
        times.push(elapsed);
    }
    Ok((times, answer))
}

/// What a load run found.
#[derive(Clone, Debug, Serialize)]
pub struct LoadResult {
    pub tool: String,
    pub concurrency: usize,
    pub seconds: f64,
    pub ok: u64,
    pub bad: u64,
    pub requests_per_second: f64,
    pub note: String,
}

/// `concurrency` clients in this process, each sending the query back to back for `duration`.
/// A good answer is HTTP 200 whose body starts with `{"data"` and holds no `"errors"`.
pub async fn load(endpoint: &Endpoint, concurrency: usize, duration: Duration) -> LoadResult {
    let ok = Arc::new(AtomicU64::new(0));
    let bad = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (endpoint, ok, bad) = (endpoint.clone(), ok.clone(), bad.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let good = matches!(endpoint.request().await,
                        Ok((_, body)) if body.starts_with("{\"data\"") && !body.contains("\"errors\""));
                    let counter = if good { &ok } else { &bad };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let (ok, bad) = (ok.load(Ordering::Relaxed), bad.load(Ordering::Relaxed));
    LoadResult {
        tool: "in-process (reqwest)".to_owned(),
        concurrency,
        seconds,
        ok,
        bad,
        requests_per_second: ok as f64 / seconds,
        note: String::new(),
    }
}

/// `wrk -t2 -cN -dSs` with a Lua script that posts the query and checks every body; `None`
/// when wrk is not installed.
pub fn wrk(
    endpoint: &Endpoint,
    concurrency: usize,
    duration: Duration,
    dir: &Path,
) -> Option<Result<LoadResult, String>> {
    Command::new("wrk").arg("--version").output().ok()?;
    Some(run_wrk(endpoint, concurrency, duration, dir))
}

fn run_wrk(
    endpoint: &Endpoint,
    concurrency: usize,
    duration: Duration,
    dir: &Path,
) -> Result<LoadResult, String> {
    let body = json!({ "query": QUERY }).to_string();
    let script = format!(
        r#"wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; bad = 0 end
function response(status, headers, body)
  if status == 200 and string.sub(body, 1, 7) == '{{"data"' and not string.find(body, '"errors"', 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  io.write(string.format("bench-bodies ok=%d bad=%d\n", o, b))
end
"#,
        token = endpoint.token
    );
    let path = dir.join("post.lua");
    std::fs::write(&path, script).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let seconds = duration.as_secs().max(1);
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{concurrency}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(&path)
        .arg(&endpoint.url)
        .output()
        .map_err(|e| format!("wrk failed to start: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    std::fs::write(dir.join("wrk.stdout"), &text).ok();
    let number_after = |prefix: &str| -> Option<f64> {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    };
    let (ok, bad) = text
        .lines()
        .find_map(|l| l.strip_prefix("bench-bodies "))
        .and_then(|rest| {
            let mut parts = rest.split_whitespace().filter_map(|p| p.split_once('='));
            let ok = parts.next()?.1.parse().ok()?;
            let bad = parts.next()?.1.parse().ok()?;
            Some((ok, bad))
        })
        .ok_or_else(|| format!("wrk printed no body counts:\n{text}"))?;
    // `Latency  avg  stdev  max  +/-stdev` from wrk's thread statistics.
    let latency: Vec<String> = text
        .lines()
        .find(|l| l.trim_start().starts_with("Latency "))
        .map(|l| l.split_whitespace().skip(1).map(str::to_owned).collect())
        .unwrap_or_default();
    let latency = match &latency[..] {
        [avg, stdev, max, ..] => format!("latency avg {avg}, stdev {stdev}, max {max}"),
        _ => String::new(),
    };
    Ok(LoadResult {
        tool: "wrk -t2".to_owned(),
        concurrency,
        seconds: seconds as f64,
        ok,
        bad,
        // wrk counts every response; report only the good ones per second.
        requests_per_second: ok as f64 / seconds as f64,
        note: format!(
            "(wrk's Requests/sec {}; {latency})",
            number_after("Requests/sec:").unwrap_or(0.0)
        ),
    })
}
