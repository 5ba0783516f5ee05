//! On SQLite, the reads of pupil data are put on record in a journal file of their own
//! (`leerroute.db.audit-journal`) and moved into `audit_event` afterwards. SQLite has one write
//! lock per file: were reads recorded in the main file, every pupil read would wait for a
//! running import (which holds that lock for its whole transaction). The journal's own lock is
//! never held for more than one insert, so a read is on record at once and its response leaves.
//!
//! Rows move in the background (every second, when the main lock is free) and before
//! `auditEvents` answers. A move commits in the main file, then deletes what it moved from the
//! journal: a crash between the two records those reads twice, never not at all.
//! PostgreSQL needs none of this: its row locks do not block inserts into `audit_event`.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use entity::audit_event;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, SqlxSqliteConnector,
    sea_query::Query,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// A journalled read as stored.
#[derive(FromQueryResult)]
struct JournalRow {
    id: i64,
    at: chrono::DateTime<chrono::Utc>,
    request_id: String,
    subject: Option<String>,
    role: String,
    action: String,
    target: String,
}

/// Rows moved per transaction: one short hold of the main lock.
const MOVE_BATCH: u64 = 2000;

/// How often the background task moves what the journal holds.
const MOVE_EVERY: Duration = Duration::from_secs(1);

/// A journal file and the lock that keeps two movers from moving the same rows twice.
#[derive(Clone)]
pub struct Journal {
    pub db: DatabaseConnection,
    moving: Arc<tokio::sync::Mutex<()>>,
}

/// The journal of each SQLite file this process opened, by main file.
static JOURNALS: Mutex<Option<HashMap<PathBuf, Journal>>> = Mutex::new(None);

/// The journal beside `db`'s SQLite file (created with its table and mover on first use), or
/// `None` on PostgreSQL and in-memory databases.
pub async fn journal_of(db: &DatabaseConnection) -> Result<Option<Journal>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") {
        return Ok(None);
    }
    if let Some(journal) = known(&file) {
        return Ok(Some(journal));
    }
    let mut path = file.clone().into_os_string();
    path.push(".audit-journal");
    let options = SqliteConnectOptions::new()
        .filename(PathBuf::from(path))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .min_connections(0)
        .idle_timeout(Duration::from_secs(60))
        .connect_lazy_with(options);
    let journal = Journal {
        db: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
        moving: Arc::default(),
    };
    create_table(&journal.db).await?;
    let mut journals = JOURNALS
        .lock()
        .map_err(|_| DbErr::Custom("audit journal registry poisoned".into()))?;
    let journals = journals.get_or_insert_with(Default::default);
    if let Some(first) = journals.get(&file) {
        return Ok(Some(first.clone()));
    }
    journals.insert(file, journal.clone());
    tokio::spawn(move_in_background(db.clone(), journal.clone()));
    Ok(Some(journal))
}

fn known(file: &PathBuf) -> Option<Journal> {
    JOURNALS.lock().ok()?.as_ref()?.get(file).cloned()
}

/// The journal's table: `audit_event`'s columns, so the same rows go in and come out.
pub async fn create_table(journal: &DatabaseConnection) -> Result<(), DbErr> {
    journal
        .execute_unprepared(include_str!("sql/audit_journal_create.sql"))
        .await
        .map(|_| ())
}

async fn move_in_background(main: DatabaseConnection, journal: Journal) {
    loop {
        tokio::time::sleep(MOVE_EVERY).await;
        if let Err(err) = move_all(&main, &journal).await
            && !crate::error::is_unavailable(&err)
        {
            tracing::warn!(error = %err, "could not move audit records from the journal");
        }
    }
}

/// Moves every journalled read into `audit_event` (on SQLite; nothing to do elsewhere).
pub async fn drain(main: &DatabaseConnection) -> Result<(), DbErr> {
    match journal_of(main).await? {
        Some(journal) => move_all(main, &journal).await,
        None => Ok(()),
    }
}

async fn move_all(main: &DatabaseConnection, journal: &Journal) -> Result<(), DbErr> {
    let _moving = journal.moving.lock().await;
    let journal = &journal.db;
    loop {
        // As the journal holds them, the role as text: a row this version cannot read must
        // not hold up the rows behind it.
        let rows = audit_event::Entity::find()
            .order_by_asc(audit_event::Column::Id)
            .limit(MOVE_BATCH)
            .into_model::<JournalRow>()
            .all(journal)
            .await?;
        let Some(last) = rows.last().map(|r| r.id) else {
            return Ok(());
        };
        let moved = rows.len() as u64;
        let mut insert = Query::insert();
        insert.into_table(audit_event::Entity).columns([
            audit_event::Column::At,
            audit_event::Column::RequestId,
            audit_event::Column::Subject,
            audit_event::Column::Role,
            audit_event::Column::Action,
            audit_event::Column::Target,
        ]);
        for r in rows {
            insert.values_panic([
                r.at.into(),
                r.request_id.into(),
                r.subject.into(),
                r.role.into(),
                r.action.into(),
                r.target.into(),
            ]);
        }
        let txn = crate::db::begin_write(main).await?;
        txn.execute(&insert).await?;
        txn.commit().await?;
        audit_event::Entity::delete_many()
            .filter(audit_event::Column::Id.lte(last))
            .exec(journal)
            .await?;
        if moved < MOVE_BATCH {
            return Ok(());
        }
    }
}
