//! Where the CPU time of a measured window goes: the server process, the PostgreSQL backends
//! of the bench database (found in `pg_stat_activity`, read from `/proc`: the server runs on
//! this machine), and this process. On two cores, these shares decide the throughput.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use super::load::{Cpu, cpu_seconds, own_cpu_seconds};

/// A reading of the CPU counters.
pub struct Reading {
    server: Option<f64>,
    backends: HashMap<i32, f64>,
    bench: f64,
}

impl Reading {
    /// What was spent between `before` and this reading (a backend that started in between
    /// counts from zero).
    pub fn since(&self, before: &Reading) -> Cpu {
        let postgres = self
            .backends
            .iter()
            .map(|(pid, now)| now - before.backends.get(pid).copied().unwrap_or(0.0))
            .sum();
        Cpu {
            server: self.server.zip(before.server).map(|(now, then)| now - then),
            postgres,
            bench: self.bench - before.bench,
        }
    }
}

/// A connection to the bench database that lists its backends.
pub struct Meter {
    db: DatabaseConnection,
}

impl Meter {
    pub async fn connect(url: &str) -> Result<Meter, String> {
        let db = Database::connect(url)
            .await
            .map_err(|e| format!("cannot connect to {url}: {e}"))?;
        Ok(Meter { db })
    }

    /// Reads the counters of the server `pid`, the backends and this process.
    pub async fn read(&self, pid: Option<i32>) -> Reading {
        let sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()";
        let pids: Vec<i32> = self
            .db
            .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| r.try_get("", "pid").ok())
                    .collect()
            })
            .unwrap_or_default();
        Reading {
            server: pid.and_then(cpu_seconds),
            backends: pids
                .into_iter()
                .filter_map(|p| cpu_seconds(p).map(|s| (p, s)))
                .collect(),
            bench: own_cpu_seconds(),
        }
    }

    pub async fn close(self) {
        self.db.close().await.ok();
    }
}
