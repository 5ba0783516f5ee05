//! Imports are serialised per database (DESIGN.md section 4), so two at once give the result of
//! one after the other, whichever process or replica runs them.
//!
//! - PostgreSQL: a session advisory lock, held on a connection of its own (named after the run,
//!   so that other processes can see which runs are alive) and released by closing it; a crash
//!   closes it too.
//! - SQLite: an exclusive lock on a file beside the database (`<file>.import-lock`), which every
//!   process on the machine shares. SQLite serialises writers anyway, but a second import would
//!   wait only `busy_timeout` for the first and then fail; the file lock waits as long as needed.
//!   An in-memory database falls back to a lock in this process.

use std::{collections::HashSet, sync::Arc};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, RuntimeErr,
    sqlx::{self, Connection, PgConnection},
};

use crate::db::statement;

/// The advisory lock key of imports ("LRIMPORT").
const IMPORT_KEY: i64 = 0x4c52_494d_504f_5254;
/// Connections holding the lock are named `leerroute-import-<run>`.
const APPLICATION_PREFIX: &str = "leerroute-import-";

/// The import lock of one database, held until [`ImportLock::release`] or drop.
pub struct ImportLock {
    held: Held,
}

enum Held {
    Postgres(PgConnection),
    File(#[allow(dead_code)] std::fs::File),
    Memory(#[allow(dead_code)] tokio::sync::OwnedMutexGuard<()>),
}

fn sqlx_error(error: sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(Arc::new(error)))
}

/// Waits until this process holds the import lock of `db`, on behalf of import run `run` (or of
/// other work that must not interleave with imports, such as `leerroute rebuild`).
pub async fn acquire(db: &DatabaseConnection, run: Option<i64>) -> Result<ImportLock, DbErr> {
    let name = match run {
        Some(run) => format!("{APPLICATION_PREFIX}{run}"),
        None => "leerroute-import-lock".to_owned(),
    };
    let held = match db.get_database_backend() {
        DbBackend::Postgres => {
            let options = db
                .get_postgres_connection_pool()
                .connect_options()
                .as_ref()
                .clone()
                .application_name(&name);
            let mut connection = PgConnection::connect_with(&options)
                .await
                .map_err(sqlx_error)?;
            sqlx::query(include_str!("sql/lock_advisory.sql"))
                .bind(IMPORT_KEY)
                .execute(&mut connection)
                .await
                .map_err(sqlx_error)?;
            Held::Postgres(connection)
        }
        _ => match sqlite_file(db).await? {
            Some(path) => Held::File(lock_file(path).await?),
            None => Held::Memory(memory_lock().lock_owned().await),
        },
    };
    Ok(ImportLock { held })
}

impl ImportLock {
    /// Releases the lock (after the import's commit or rollback).
    pub async fn release(self) {
        if let Held::Postgres(connection) = self.held {
            // Closing the session releases its advisory lock.
            let _ = connection.close().await;
        }
    }
}

/// Runs whose process holds or waits for the import lock right now, where the database can tell
/// (PostgreSQL); `None` on SQLite.
pub async fn live_runs(db: &DatabaseConnection) -> Result<Option<HashSet<i64>>, DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(None);
    }
    let rows = db
        .query_all_raw(statement(
            DbBackend::Postgres,
            include_str!("sql/lock_live_runs.sql"),
            vec![format!("{APPLICATION_PREFIX}%").into()],
        ))
        .await?;
    let runs = rows
        .iter()
        .filter_map(|row| row.try_get::<String>("", "application_name").ok())
        .filter_map(|name| name.strip_prefix(APPLICATION_PREFIX)?.parse().ok())
        .collect();
    Ok(Some(runs))
}

/// The main database file of a SQLite connection, if it is a file.
async fn sqlite_file(db: &DatabaseConnection) -> Result<Option<std::path::PathBuf>, DbErr> {
    let row = db
        .query_one_raw(statement(
            DbBackend::Sqlite,
            include_str!("sql/lock_sqlite_file.sql"),
            vec![],
        ))
        .await?;
    let file: Option<String> = row.map(|r| r.try_get("", "file")).transpose()?;
    Ok(file.filter(|f| !f.is_empty()).map(Into::into))
}

/// Opens `<database>.import-lock` and waits for its exclusive lock on a blocking thread.
async fn lock_file(database: std::path::PathBuf) -> Result<std::fs::File, DbErr> {
    let mut path = database.into_os_string();
    path.push(".import-lock");
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|e| DbErr::Custom(format!("import lock thread failed: {e}")))?
    .map_err(|e| DbErr::Custom(format!("cannot lock the import lock file: {e}")))
}

fn memory_lock() -> Arc<tokio::sync::Mutex<()>> {
    static LOCK: std::sync::OnceLock<Arc<tokio::sync::Mutex<()>>> = std::sync::OnceLock::new();
    LOCK.get_or_init(Default::default).clone()
}
