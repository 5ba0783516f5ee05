//! The database a run works on: a SQLite file in a temporary folder, or a fresh PostgreSQL
//! database on a given server that is dropped at the end (unless `--keep`).

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

/// Where the data of one run lives.
pub struct BenchDatabase {
    pub url: String,
    pub backend: DbBackend,
    /// The server URL and database name, to drop it afterwards.
    postgres: Option<(String, String)>,
}

impl BenchDatabase {
    /// A SQLite file `bench.db` in `dir`.
    pub fn sqlite(dir: &Path) -> BenchDatabase {
        BenchDatabase {
            url: format!("sqlite://{}", dir.join("bench.db").display()),
            backend: DbBackend::Sqlite,
            postgres: None,
        }
    }

    /// A new database `leerroute_bench_<pid>` on the server of `server_url`, optionally with
    /// `log_min_duration_statement` set on it (diagnostics).
    pub async fn postgres(
        server_url: &str,
        log_min_duration_ms: Option<u64>,
    ) -> Result<BenchDatabase, String> {
        let name = format!("leerroute_bench_{}", std::process::id());
        Self::postgres_named(server_url, &name, log_min_duration_ms).await
    }

    /// A new database `name` on the server of `server_url` (dropped first if it exists).
    pub async fn postgres_named(
        server_url: &str,
        name: &str,
        log_min_duration_ms: Option<u64>,
    ) -> Result<BenchDatabase, String> {
        let admin = Database::connect(server_url)
            .await
            .map_err(|e| format!("cannot connect to {server_url}: {e}"))?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await
            .and(
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await,
            )
            .map_err(|e| format!("cannot create database {name}: {e}"))?;
        if let Some(ms) = log_min_duration_ms {
            admin
                .execute_unprepared(&format!(
                    "ALTER DATABASE {name} SET log_min_duration_statement = {ms}"
                ))
                .await
                .map_err(|e| format!("cannot set log_min_duration_statement: {e}"))?;
        }
        admin.close().await.ok();
        Ok(BenchDatabase {
            url: with_database(server_url, name),
            backend: DbBackend::Postgres,
            postgres: Some((server_url.to_owned(), name.to_owned())),
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            DbBackend::Postgres => "postgres",
            _ => "sqlite",
        }
    }

    /// Drops the PostgreSQL database (every connection to it must be closed).
    pub async fn drop_database(&self) -> Result<(), String> {
        let Some((server, name)) = &self.postgres else {
            return Ok(());
        };
        let admin = Database::connect(server.as_str())
            .await
            .map_err(|e| format!("cannot connect to {server}: {e}"))?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .map_err(|e| format!("cannot drop database {name}: {e}"))?;
        admin.close().await.ok();
        Ok(())
    }

    /// The SQLite file, for reporting its size.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        leerroute::db::sqlite_path(&self.url)
    }
}

/// `SELECT sqlite_version()` or `SHOW server_version`.
pub async fn server_version(db: &DatabaseConnection) -> String {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "SELECT current_setting('server_version') AS v",
        _ => "SELECT sqlite_version() AS v",
    };
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await;
    match row {
        Ok(Some(row)) => row.try_get::<String>("", "v").unwrap_or_default(),
        _ => String::new(),
    }
}

/// Size of the database on disk, in MB.
pub async fn size_mb(db: &DatabaseConnection, bench: &BenchDatabase) -> f64 {
    if let Some(file) = bench.sqlite_file() {
        let mut bytes = 0;
        for suffix in ["", "-wal"] {
            let mut path = file.clone().into_os_string();
            path.push(suffix);
            bytes += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        }
        return bytes as f64 / 1e6;
    }
    let sql = "SELECT pg_database_size(current_database()) AS n";
    match db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
    {
        Ok(Some(row)) => row.try_get::<i64>("", "n").unwrap_or(0) as f64 / 1e6,
        _ => 0.0,
    }
}

/// `postgres://u@h:p/x?opts` with the database replaced by `name`.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:55432/postgres", "x"),
            "postgres://postgres@127.0.0.1:55432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
