//! The load generator the HTTP benches share: `concurrency` clients on
//! keep-alive connections asking for a list of paths for a while, what
//! each phase measured (latencies, errors, the process's CPU time), and
//! the table and ratios they print against `/health/live` of the same run.

use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Figures {
    pub requests: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// CPU time of the whole process (server and load generator) per
    /// request; on a shared machine steadier than the rate.
    pub cpu_per_request: Option<Duration>,
}

/// CPU time this process has used so far (Linux only: `/proc/self/stat`,
/// user + system, in clock ticks of 10 ms).
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// What one phase of load measured, before it is summed with the other
/// phases of the same kind.
#[derive(Default)]
pub struct Sample {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
    cpu: Option<Duration>,
}

impl Sample {
    pub fn add(&mut self, other: Sample) {
        self.cpu = if self.elapsed.is_zero() {
            other.cpu
        } else {
            self.cpu.zip(other.cpu).map(|(a, b)| a + b)
        };
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        self.elapsed += other.elapsed;
    }

    pub fn figures(mut self) -> Figures {
        self.latencies.sort();
        let requests = self.latencies.len();
        Figures {
            requests,
            errors: self.errors,
            per_second: requests as f64 / self.elapsed.as_secs_f64(),
            p50: percentile(&self.latencies, 0.50),
            p99: percentile(&self.latencies, 0.99),
            cpu_per_request: self
                .cpu
                .filter(|_| requests > 0)
                .map(|c| c / requests as u32),
        }
    }
}

/// `concurrency` clients, each with its own keep-alive connection, asking
/// for `paths` in turn for `duration`.
pub async fn load(
    client: &reqwest::Client,
    base: &str,
    paths: Arc<Vec<String>>,
    token: Option<&str>,
    concurrency: usize,
    duration: Duration,
) -> Sample {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let cpu_before = process_cpu();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let base = base.to_owned();
        let paths = Arc::clone(&paths);
        let token = token.map(str::to_owned);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            let mut i = worker;
            while Instant::now() < deadline {
                let path = &paths[i % paths.len()];
                i += concurrency;
                let mut request = client.get(format!("{base}{path}"));
                if let Some(t) = &token {
                    request = request.bearer_auth(t);
                }
                let sent = Instant::now();
                match request.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(sent.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut sample = Sample::default();
    for task in tasks {
        let (l, e) = task.await.expect("load task");
        sample.latencies.extend(l);
        sample.errors += e;
    }
    sample.elapsed = started.elapsed();
    sample.cpu = process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    sample
}

/// [`load`] of `/health/live`: the ceiling each figure is set against.
pub async fn load_live(
    client: &reqwest::Client,
    base: &str,
    concurrency: usize,
    duration: Duration,
) -> Sample {
    let paths = Arc::new(vec!["/health/live".to_owned()]);
    load(client, base, paths, None, concurrency, duration).await
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The figures of each kind of request, one line each under a heading.
pub fn print_table<'a>(rows: impl IntoIterator<Item = (&'a str, &'a Figures)>) {
    println!(
        "{:<36} {:>10} {:>8} {:>10} {:>10} {:>12}",
        "", "req/s", "errors", "p50", "p99", "cpu/request"
    );
    for (name, f) in rows {
        println!(
            "{:<36} {:>10.0} {:>8} {:>10} {:>10} {:>12}   ({} requests)",
            name,
            f.per_second,
            f.errors,
            ms(f.p50),
            ms(f.p99),
            f.cpu_per_request.map_or_else(
                || "-".to_owned(),
                |c| format!("{:.0} µs", c.as_secs_f64() * 1e6)
            ),
            f.requests
        );
    }
}

/// `name`'s rate as a share of `/health/live`'s, its p99 and its target.
pub fn print_ratio(name: &str, target: &str, f: &Figures, live: &Figures) {
    println!(
        "ratio: {name} reaches {:.1}% of the /health/live rate, p99 {} ({target})",
        100.0 * f.per_second / live.per_second,
        ms(f.p99)
    );
}
