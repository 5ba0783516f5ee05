//! The load generator of the read-path comparison: `concurrency` keep-alive clients in this
//! process POST the query back to back, and every response body is checked (HTTP 200 with
//! GraphQL `errors`, or with other data, is a bad answer, not a success). Each request's latency
//! runs from sending it to the last byte of its body.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::answer::{Answer, Shape, difference};

/// One server under load: where to POST what, and how to read its answer.
#[derive(Clone)]
pub struct Target {
    pub name: String,
    pub url: String,
    /// The JSON request body (`{"query": …}`).
    pub request: Vec<u8>,
    pub shape: Shape,
    /// The server's process, to read its CPU time (`None`: it runs inside the bench).
    pub pid: Option<i32>,
}

/// What the measured windows of one target found.
#[derive(Debug, Default, Serialize)]
pub struct Sample {
    pub ok: u64,
    pub bad: u64,
    pub seconds: f64,
    /// Latencies of the good answers, in milliseconds.
    #[serde(skip)]
    pub latencies_ms: Vec<f64>,
    /// CPU time over the measured windows: the server process, PostgreSQL's backends of the
    /// bench database, and this process (load generator; the json_agg endpoint runs here too).
    pub cpu: Cpu,
    /// The first bad answer, for the report.
    pub first_error: Option<String>,
}

impl Sample {
    pub fn requests_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.ok as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// The `q`-quantile (0..=1) of the good answers' latency, nearest rank.
    pub fn percentile_ms(&self, q: f64) -> f64 {
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return 0.0;
        }
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    /// CPU milliseconds per good answer of `seconds` CPU seconds.
    pub fn per_request_ms(&self, seconds: f64) -> f64 {
        if self.ok > 0 {
            seconds * 1000.0 / self.ok as f64
        } else {
            0.0
        }
    }

    /// Adds another window's (or worker's) answers to these.
    pub fn absorb(&mut self, other: Sample) {
        self.ok += other.ok;
        self.bad += other.bad;
        self.seconds += other.seconds;
        self.latencies_ms.extend(other.latencies_ms);
        self.cpu.add(&other.cpu);
        self.first_error = self.first_error.take().or(other.first_error);
    }
}

/// One request; its latency and body, or why it failed.
async fn send(client: &reqwest::Client, target: &Target) -> Result<(Duration, Vec<u8>), String> {
    let started = Instant::now();
    let response = client
        .post(&target.url)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(target.request.clone())
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("reading the body failed: {e}"))?;
    let elapsed = started.elapsed();
    if !status.is_success() {
        return Err(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ));
    }
    Ok((elapsed, body.to_vec()))
}

/// One checked request: the body when its data equals `expected`.
pub async fn checked(
    client: &reqwest::Client,
    target: &Target,
    expected: &Answer,
) -> Result<Vec<u8>, String> {
    let (_, body) = send(client, target).await?;
    let answer = target.shape.parse(&body)?;
    match difference(&answer, expected) {
        None => Ok(body),
        Some(why) => Err(why),
    }
}

/// Whether `body` is a good answer: byte-equal to a checked one, or holding the same data.
fn good(body: &[u8], reference: &[u8], shape: &Shape, expected: &Answer) -> Result<(), String> {
    if body == reference {
        return Ok(());
    }
    let answer = shape.parse(body)?;
    difference(&answer, expected).map_or(Ok(()), Err)
}

/// Load for `duration`: `concurrency` clients, each sending its next request when its previous
/// answer is in. `reference` is a checked body of this target.
pub async fn run(
    client: &reqwest::Client,
    target: &Target,
    reference: &[u8],
    expected: &Answer,
    concurrency: usize,
    duration: Duration,
) -> Sample {
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, target) = (client.clone(), target.clone());
            let (reference, expected) = (reference.to_vec(), expected.clone());
            tokio::spawn(async move {
                let mut sample = Sample::default();
                while Instant::now() < deadline {
                    let outcome = send(&client, &target).await.and_then(|(latency, body)| {
                        good(&body, &reference, &target.shape, &expected).map(|()| latency)
                    });
                    match outcome {
                        Ok(latency) => {
                            sample.ok += 1;
                            sample.latencies_ms.push(latency.as_secs_f64() * 1000.0);
                        }
                        Err(why) => {
                            sample.bad += 1;
                            sample.first_error.get_or_insert(why);
                        }
                    }
                }
                sample
            })
        })
        .collect();
    let mut total = Sample::default();
    for worker in workers {
        if let Ok(sample) = worker.await {
            total.absorb(sample);
        }
    }
    total.seconds = started.elapsed().as_secs_f64();
    total
}

/// CPU seconds spent, by whom.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cpu {
    pub server: Option<f64>,
    pub postgres: f64,
    pub bench: f64,
}

impl Cpu {
    fn add(&mut self, other: &Cpu) {
        self.server = match (self.server, other.server) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        self.postgres += other.postgres;
        self.bench += other.bench;
    }
}

/// User plus system CPU seconds of this process.
pub fn own_cpu_seconds() -> f64 {
    // SAFETY: rusage is plain old data; getrusage only writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a live local.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// User plus system CPU seconds of a process, from `/proc/PID/stat`.
pub fn cpu_seconds(pid: i32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some(ticks / per_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let sample = Sample {
            latencies_ms: (1..=100).rev().map(f64::from).collect(),
            ..Sample::default()
        };
        assert_eq!(sample.percentile_ms(0.5), 50.0);
        assert_eq!(sample.percentile_ms(0.99), 99.0);
        assert_eq!(sample.percentile_ms(1.0), 100.0);
    }

    #[test]
    fn own_cpu_time_is_read() {
        let pid = std::process::id() as i32;
        assert!(cpu_seconds(pid).is_some_and(|s| s >= 0.0));
    }
}
