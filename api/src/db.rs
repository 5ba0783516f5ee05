//! Opening the database (SQLite or PostgreSQL) and small helpers for portable raw SQL.

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// Turns what a user typed into a URL sea-orm understands: a bare path means a SQLite file.
pub fn normalise_url(url: &str) -> String {
    if url.contains("://") || url.starts_with("sqlite:") {
        url.to_owned()
    } else {
        format!("sqlite://{url}")
    }
}

/// Whether `url` names a SQLite database.
pub fn is_sqlite(url: &str) -> bool {
    normalise_url(url).starts_with("sqlite:")
}

/// The file behind a SQLite URL, if it is a file (not `:memory:`).
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let url = normalise_url(url);
    let rest = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| path.into())
}

/// Opens a pool of the default size. SQLite gets WAL and a real pool so that readers never
/// wait for a writer, foreign keys on, and a busy timeout instead of immediate `SQLITE_BUSY`
/// errors.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with_pool(url, None).await
}

/// The pool size when none is configured. On PostgreSQL two connections per core, at least 4:
/// enough that a request waiting on the database seldom waits for a connection, few enough
/// that the database's own processes do not crowd the cores the service runs on (on a small
/// machine they share them; on 2 cores, 4 connections answered the catalogue query as fast as
/// 8 or 16, with a lower p99). SQLite keeps its 8 (readers of one file).
pub fn default_pool_size(url: &str) -> u32 {
    if is_sqlite(&normalise_url(url)) {
        8
    } else {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
        (2 * cores).max(4)
    }
}

/// As [`connect`], with at most `pool` connections.
pub async fn connect_with_pool(url: &str, pool: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    let pool = pool.unwrap_or_else(|| default_pool_size(url)).max(1);
    let url = normalise_url(url);
    let mut options = ConnectOptions::new(url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if is_sqlite(&url) {
        options
            .max_connections(pool)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30))
                    .pragma("cache_size", "-65536")
            });
    } else {
        options.max_connections(pool).min_connections(1);
    }
    Database::connect(options).await
}

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`), so two writers queue instead of failing when both upgrade a read lock.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A raw statement written with `?` placeholders, numbered `$1, $2, …` for PostgreSQL.
/// Our SQL never contains a literal `?`, so the rewrite is safe.
pub fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => number_placeholders(sql),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

fn number_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(ch);
        }
    }
    out
}

/// `?, ?, ?` with `n` placeholders, for `IN (…)` lists.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Runs a raw statement that returns no rows.
pub async fn execute(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    Ok(db
        .execute_raw(statement(backend, sql, values))
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_only() {
        let pg = statement(DbBackend::Postgres, "a = ? AND b IN (?, ?)", vec![]);
        assert_eq!(pg.sql, "a = $1 AND b IN ($2, $3)");
        let lite = statement(DbBackend::Sqlite, "a = ?", vec![]);
        assert_eq!(lite.sql, "a = ?");
    }

    #[test]
    fn bare_paths_are_sqlite_files() {
        assert_eq!(normalise_url("x.db"), "sqlite://x.db");
        assert_eq!(
            sqlite_path("sqlite://dir/x.db?mode=rwc"),
            Some("dir/x.db".into())
        );
        assert!(!is_sqlite("postgres://u@h/db"));
    }
}
