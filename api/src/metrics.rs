//! What `GET /metrics` reports (OpenMetrics 1.0, or the Prometheus text format on request):
//! GraphQL operations counted and timed per `operation` and `status`, imports per `kind` and
//! `outcome`, and the database pools' connections.
//!
//! Labels are bounded and never carry a token, a subject, a query text or pupil data:
//! `operation` is an operation's name (a GraphQL name of at most [`MAX_NAME`] characters, from a
//! document that validated) while fewer than [`MAX_OPERATIONS`] names have been seen, else
//! `other`; `status` is `ok` or the first error's code, one of a fixed list. The metrics are
//! the process's: one scrape target per replica.

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
    time::Duration,
};

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::{Registry, Unit},
};
use sea_orm::DatabaseConnection;

/// Distinct operation names that get a label of their own.
pub const MAX_OPERATIONS: usize = 200;
/// The longest operation name that gets a label of its own.
pub const MAX_NAME: usize = 64;

/// The error codes a `status` label may hold (DESIGN.md section 3, Errors); anything else is
/// `INTERNAL`.
const CODES: [&str; 10] = [
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
    "QUERY_TOO_COMPLEX",
    "RATE_LIMITED",
    "UNAVAILABLE",
    "PERSISTED_DOCUMENT_NOT_FOUND",
    "INTERNAL",
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ImportLabels {
    kind: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: String,
    state: String,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    operations: Family<OperationLabels, Counter>,
    operation_seconds: Histograms<OperationLabels>,
    imports: Family<ImportLabels, Counter>,
    import_seconds: Histograms<ImportLabels>,
    pool_connections: Family<PoolLabels, Gauge>,
    names: Mutex<HashSet<String>>,
}

fn latency_buckets() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

fn import_buckets() -> Histogram {
    // 100 ms to about 27 minutes.
    Histogram::new(exponential_buckets(0.1, 2.0, 15))
}

/// The metrics of this process.
pub fn global() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::default();
        let operations = Family::<OperationLabels, Counter>::default();
        let operation_seconds: Histograms<OperationLabels> =
            Family::new_with_constructor(latency_buckets);
        let imports = Family::<ImportLabels, Counter>::default();
        let import_seconds: Histograms<ImportLabels> = Family::new_with_constructor(import_buckets);
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "leerroute_graphql_operations",
            "GraphQL operations (each batch element and websocket operation), by operation name and status",
            operations.clone(),
        );
        registry.register_with_unit(
            "leerroute_graphql_operation_duration",
            "Time to answer a GraphQL operation, by operation name and status",
            Unit::Seconds,
            operation_seconds.clone(),
        );
        registry.register(
            "leerroute_imports",
            "Imports run by this process, by kind and outcome (done, refused, failed)",
            imports.clone(),
        );
        registry.register_with_unit(
            "leerroute_import_duration",
            "Time an import took, lock wait included, by kind and outcome",
            Unit::Seconds,
            import_seconds.clone(),
        );
        registry.register(
            "leerroute_db_pool_connections",
            "Database connections per pool: open, idle, in use, and the most the pool opens",
            pool_connections.clone(),
        );
        Metrics {
            registry,
            operations,
            operation_seconds,
            imports,
            import_seconds,
            pool_connections,
            names: Mutex::new(HashSet::new()),
        }
    }

    /// The `operation` label of an operation named `name`.
    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name.filter(|n| is_graphql_name(n)) else {
            return "other".to_owned();
        };
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if names.contains(name) {
            return name.to_owned();
        }
        if names.len() < MAX_OPERATIONS {
            names.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }

    /// Counts one GraphQL operation: its name (when it validated), its first error's code
    /// (`None`: it answered without error) and how long it took.
    pub fn operation(&self, name: Option<&str>, code: Option<&str>, took: Duration) {
        let status = match code {
            None => "ok",
            Some(code) => CODES
                .into_iter()
                .find(|known| *known == code)
                .unwrap_or("INTERNAL"),
        };
        let labels = OperationLabels {
            operation: self.operation_label(name),
            status: status.to_owned(),
        };
        self.operations.get_or_create(&labels).inc();
        self.operation_seconds
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// Counts one import of `kind` (`vo-leavers`, …) that ended in `outcome`.
    pub fn import(&self, kind: &'static str, outcome: &'static str, took: Duration) {
        let labels = ImportLabels {
            kind: kind.to_owned(),
            outcome: outcome.to_owned(),
        };
        self.imports.get_or_create(&labels).inc();
        self.import_seconds
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// The metrics as OpenMetrics 1.0 text, the pools read from `db` now.
    pub fn openmetrics(&self, db: &DatabaseConnection) -> String {
        for (pool, pool_use) in crate::db::pool_use(db) {
            for (state, value) in [
                ("open", pool_use.open),
                ("idle", pool_use.idle),
                ("in_use", pool_use.open.saturating_sub(pool_use.idle)),
                ("max", pool_use.max),
            ] {
                let labels = PoolLabels {
                    pool: pool.to_owned(),
                    state: state.to_owned(),
                };
                self.pool_connections
                    .get_or_create(&labels)
                    .set(i64::from(value));
            }
        }
        let mut text = String::new();
        if encode(&mut text, &self.registry).is_err() {
            text = "# EOF\n".to_owned();
        }
        text
    }
}

/// A GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`) of at most [`MAX_NAME`] characters.
fn is_graphql_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_NAME
        && chars
            .next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// OpenMetrics text as the Prometheus text format 0.0.4: no `# UNIT` lines and no `# EOF`, and
/// a counter family named by its samples (`…_total`).
pub fn to_prometheus_text(openmetrics: &str) -> String {
    let mut counters = HashSet::new();
    for line in openmetrics.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ")
            && let Some(name) = rest.strip_suffix(" counter")
        {
            counters.insert(name.to_owned());
        }
    }
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# TYPE ", "# HELP "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_graphql_names() {
        assert!(is_graphql_name("Dashboard_2"));
        assert!(!is_graphql_name("2x"));
        assert!(!is_graphql_name("a b"));
        assert!(!is_graphql_name(&"a".repeat(65)));
    }

    #[test]
    fn prometheus_text_names_counters_by_their_samples() {
        let om = "# HELP x_requests Requests.\n# TYPE x_requests counter\nx_requests_total 1\n# HELP d Time.\n# TYPE d_seconds histogram\n# UNIT d_seconds seconds\nd_seconds_count 0\n# EOF\n";
        let text = to_prometheus_text(om);
        assert_eq!(
            text,
            "# HELP x_requests_total Requests.\n# TYPE x_requests_total counter\nx_requests_total 1\n# HELP d Time.\n# TYPE d_seconds histogram\nd_seconds_count 0\n"
        );
    }
}
