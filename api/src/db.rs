//! Opening the database (SQLite or PostgreSQL) and small helpers for portable raw SQL.

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, RuntimeErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
    Value,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// How long one attempt to reach the database may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

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

/// As [`connect`], with at most `pool` connections. Errors never carry the URL's password.
pub async fn connect_with_pool(url: &str, pool: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    open_pool(url, pool).await.map_err(|err| {
        DbErr::Conn(RuntimeErr::Internal(without_password(
            &err.to_string(),
            url,
        )))
    })
}

async fn open_pool(url: &str, pool: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    let pool = pool.unwrap_or_else(|| default_pool_size(url)).max(1);
    let url = normalise_url(url);
    if !is_sqlite(&url) {
        probe_postgres(&url).await?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(CONNECT_TIMEOUT)
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

/// One connection tried before the pool is built: a pool retries until its acquire timeout and
/// then says only "timed out", while one attempt fails at once with the reason ("connection
/// refused", "password authentication failed", an unknown host).
async fn probe_postgres(url: &str) -> Result<(), DbErr> {
    use sea_orm::sqlx::{Connection, postgres::PgConnection};
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(url)).await {
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            Ok(())
        }
        Ok(Err(err)) => Err(DbErr::Conn(RuntimeErr::Internal(err.to_string()))),
        Err(_) => Err(DbErr::Conn(RuntimeErr::Internal(format!(
            "no answer from the database server within {} s",
            CONNECT_TIMEOUT.as_secs()
        )))),
    }
}

/// `message` with the password of `url` (as typed, and as the normalised URL) replaced by `***`.
pub fn without_password(message: &str, url: &str) -> String {
    let mut message = message.to_owned();
    if let Some(password) = password_of(url).filter(|p| !p.is_empty()) {
        message = message.replace(password, "***");
    }
    message
}

/// The password of `scheme://user:password@host/…`, if it has one.
fn password_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?']).next()?;
    let (credentials, _) = authority.rsplit_once('@')?;
    credentials.split_once(':').map(|(_, password)| password)
}

/// Refuses a SQLite database this process cannot write to (a read-only file, directory or
/// `mode=ro`): otherwise the service would start "ready" and fail every write. A `DELETE` that
/// matches nothing still needs SQLite's write lock, so it is refused exactly when writes are; a
/// lock held by another writer (an import in progress) is no refusal.
pub async fn ensure_writable(db: &DatabaseConnection) -> Result<(), String> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let probe = execute(
        db,
        include_str!("sql/db_write_probe.sql"),
        vec!["(write probe)".into()],
    )
    .await;
    match probe {
        // Busy or locked: another process (an import) is writing, so the file is writable.
        Err(err) if crate::error::is_unavailable(&err) => Ok(()),
        other => other.map(|_| ()),
    }
    .map_err(|err| {
        format!("the SQLite database cannot be written ({err}); leerroute needs write access to the file, its directory and its -wal and -shm files")
    })
}

/// After a bulk write (the demo seed, an import): on SQLite the write-ahead log is copied into
/// the database file, so that a copy of the `.db` alone holds the data; on PostgreSQL the planner
/// gets fresh statistics (autovacuum analyses only after a while, and plans the imported tables'
/// joins as if they were empty until then). Failures are logged, never fatal.
pub async fn after_bulk_write(db: &DatabaseConnection) {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => include_str!("sql/db_after_bulk_write_sqlite.sql"),
        _ => include_str!("sql/db_after_bulk_write_postgres.sql"),
    };
    if let Err(err) = db.execute_unprepared(sql).await {
        tracing::warn!(error = %err, statement = sql, "could not tidy up after a bulk write");
    }
}

/// Connections that hold SQLite write transactions, per database file. SQLite runs one writer at
/// a time, so writers queued behind a long one (an import) gain nothing from a connection each:
/// they wait for one of these few instead of taking every connection of the readers' pool.
const SQLITE_WRITERS: u32 = 2;

/// How long a SQLite write waits for the lock before it answers `UNAVAILABLE` (retry later): a
/// short write holds it for milliseconds; behind an import, waiting longer would not help.
const SQLITE_WRITE_BUSY: Duration = Duration::from_secs(5);

/// The writers' pools of the SQLite files this process opened, by file.
static SQLITE_WRITER_POOLS: std::sync::Mutex<
    Option<std::collections::HashMap<std::path::PathBuf, DatabaseConnection>>,
> = std::sync::Mutex::new(None);

/// The writers' pool beside `db`'s pool (SQLite files only).
fn sqlite_writers(db: &DatabaseConnection) -> Option<DatabaseConnection> {
    use sea_orm::{SqlxSqliteConnector, sqlx::sqlite::SqlitePoolOptions};
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let options = db.get_sqlite_connection_pool().connect_options();
    let file = options.get_filename().to_path_buf();
    if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") {
        return None;
    }
    let mut pools = SQLITE_WRITER_POOLS.lock().ok()?;
    let pools = pools.get_or_insert_with(Default::default);
    let writers = pools.entry(file).or_insert_with(|| {
        let pool = SqlitePoolOptions::new()
            .max_connections(SQLITE_WRITERS)
            .min_connections(0)
            // A writer queued this long behind others answers UNAVAILABLE too.
            .acquire_timeout(Duration::from_secs(10))
            .idle_timeout(Duration::from_secs(60))
            // Temporary tables (an import's staged file, the signals' work tables) in a file
            // behind the page cache: the bundled SQLite keeps them in memory, which took a
            // 1M-row import to 438 MB.
            .connect_lazy_with(
                (*options)
                    .clone()
                    .busy_timeout(SQLITE_WRITE_BUSY)
                    .pragma("temp_store", "FILE"),
            );
        SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)
    });
    Some(writers.clone())
}

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`), so two writers queue instead of failing when both upgrade a read lock,
/// on a connection of the writers' pool ([`SQLITE_WRITERS`]), so waiting writers never take the
/// readers' connections.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let writers = sqlite_writers(db);
    writers
        .as_ref()
        .unwrap_or(db)
        .begin_with_options(TransactionOptions {
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

/// The text of a `.sql` template with each `{name}` filled by its piece from `pieces`, in one
/// pass (a piece's own braces are never filled again). Pieces are fixed SQL only: a table, a
/// column, a fragment with `?` binds; a user's value is always a bind, never a piece. Panics on
/// a placeholder left unfilled and on a piece the template does not name: a mistake of ours, which
/// must not silently drop a condition.
pub fn sql_template(template: &str, pieces: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut used = vec![false; pieces.len()];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let found = (!name.is_empty() && after[name_len..].starts_with('}'))
            .then(|| pieces.iter().position(|(n, _)| *n == name))
            .flatten();
        match found {
            Some(i) => {
                used[i] = true;
                out.push_str(pieces[i].1);
                rest = &after[name_len + 1..];
            }
            None => {
                assert!(
                    name.is_empty() || !after[name_len..].starts_with('}'),
                    "SQL template placeholder {{{name}}} is not filled"
                );
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    for ((name, _), used) in pieces.iter().zip(used) {
        assert!(used, "SQL template has no placeholder {{{name}}}");
    }
    out
}

/// Runs a raw statement that returns no rows. At trace level (`RUST_LOG=leerroute::db=trace`)
/// logs how long it took, with the start of its code, to find a slow one in an import.
pub async fn execute(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let started = std::time::Instant::now();
    let rows = db
        .execute_raw(statement(backend, sql, values))
        .await?
        .rows_affected();
    if tracing::enabled!(tracing::Level::TRACE) {
        let code = sql.lines().filter(|l| !l.trim_start().starts_with("--"));
        let code: String = code
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(140)
            .collect();
        let seconds = started.elapsed().as_secs_f64();
        tracing::trace!(seconds, rows, code, "statement done");
    }
    Ok(rows)
}

/// Drops a work table (a temporary table of an import, an evaluation or a refresh).
pub async fn drop_table(db: &impl ConnectionTrait, table: &str) -> Result<(), DbErr> {
    let sql = sql_template(include_str!("sql/db_drop_table.sql"), &[("table", table)]);
    execute(db, &sql, vec![]).await.map(|_| ())
}

/// Drops a work table that a failed earlier run may have left behind.
pub async fn drop_table_if_exists(db: &impl ConnectionTrait, table: &str) -> Result<(), DbErr> {
    let sql = sql_template(
        include_str!("sql/db_drop_table_if_exists.sql"),
        &[("table", table)],
    );
    execute(db, &sql, vec![]).await.map(|_| ())
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
    fn templates_fill_every_named_placeholder_once() {
        let sql = sql_template(
            "SELECT {col} FROM {table} WHERE x = ?{only} AND {col} > 0",
            &[("table", "t"), ("col", "c"), ("only", " AND y = {col}")],
        );
        assert_eq!(sql, "SELECT c FROM t WHERE x = ? AND y = {col} AND c > 0");
        assert_eq!(
            sql_template("SELECT '{}', '{a,b}'", &[]),
            "SELECT '{}', '{a,b}'"
        );
    }

    /// Every `.sql` file: its comments hold no `?` (they would be counted and numbered as
    /// binds) and no braces (a piece's name), and it holds one statement.
    #[test]
    fn sql_files_keep_binds_and_pieces_out_of_their_comments() {
        let mut files = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut checked = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.extension().is_none_or(|e| e != "sql") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().filter(|l| l.trim_start().starts_with("--")) {
                assert!(
                    !line.contains(['?', '{', '}']),
                    "{}: {line}",
                    path.display()
                );
            }
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect();
            assert!(
                !code.contains(';'),
                "{}: more than one statement",
                path.display()
            );
            assert!(text.ends_with('\n'), "{}: no final newline", path.display());
            checked += 1;
        }
        assert!(checked > 100, "only {checked} .sql files found");
    }

    #[test]
    #[should_panic(expected = "is not filled")]
    fn templates_refuse_an_unfilled_placeholder() {
        sql_template("SELECT {col} FROM {table}", &[("col", "c")]);
    }

    #[test]
    #[should_panic(expected = "has no placeholder")]
    fn templates_refuse_a_piece_they_do_not_name() {
        sql_template("SELECT c FROM t", &[("only", "")]);
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

    #[test]
    fn passwords_are_hidden() {
        let url = "postgres://leerroute:s3cr%40t@db.example:5432/lr";
        assert_eq!(
            without_password(&format!("cannot reach '{url}'"), url),
            "cannot reach 'postgres://leerroute:***@db.example:5432/lr'"
        );
        assert_eq!(password_of("postgres://u@h/db"), None);
        assert_eq!(password_of("x.db"), None);
    }
}

/// How many connections a pool holds and how many of them are idle.
#[derive(Clone, Copy, Debug)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// The use of `db`'s pools, by name: `main`, and on SQLite `writers` as well.
pub fn pool_use(db: &DatabaseConnection) -> Vec<(&'static str, PoolUse)> {
    fn of<D: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<D>) -> PoolUse {
        PoolUse {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        }
    }
    match db.get_database_backend() {
        DbBackend::Postgres => vec![("main", of(db.get_postgres_connection_pool()))],
        DbBackend::Sqlite => {
            let mut pools = vec![("main", of(db.get_sqlite_connection_pool()))];
            if let Some(writers) = sqlite_writers(db) {
                pools.push(("writers", of(writers.get_sqlite_connection_pool())));
            }
            pools
        }
        _ => Vec::new(),
    }
}
