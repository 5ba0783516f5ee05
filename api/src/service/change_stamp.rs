//! The write side of the change feed (DESIGN.md 4c) that no trigger covers: versions taken by
//! the service itself (a school's move, scope changes that only the date makes, imports), and
//! the pruning of old tombstones.

use chrono::NaiveDate;
use migration::change_triggers::{self, Dialect};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Value};

use crate::{
    db::{self, execute},
    error::AppResult,
};

/// Deletes the tombstones (and region departures) older than `days` before `today`, and
/// records the highest version pruned: a client behind it must start again from `"0"`.
/// Called at start and daily by `serve`, and by `purge`. Returns how many were pruned.
pub async fn prune(db: &DatabaseConnection, today: NaiveDate, days: u32) -> AppResult<u64> {
    let cutoff = today - chrono::Duration::days(i64::from(days));
    let txn = db::begin_write(db).await?;
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(db::statement(
            backend,
            include_str!("sql/change_stamp_highest_pruned.sql"),
            vec![cutoff.into()],
        ))
        .await?;
    let highest: i64 = row.map(|r| r.try_get("", "v")).transpose()?.unwrap_or(0);
    let prune = include_str!("sql/change_stamp_prune.sql");
    let pruned = execute(&txn, prune, vec![cutoff.into()]).await?;
    if highest > 0 {
        execute(
            &txn,
            include_str!("sql/change_stamp_set_pruned_version.sql"),
            vec![highest.into(), highest.into()],
        )
        .await?;
    }
    txn.commit().await?;
    Ok(pruned)
}

/// `serve`'s pruning: at start, then every day.
pub async fn daily(db: DatabaseConnection, clock: crate::clock::Clock, days: u32) {
    loop {
        match prune(&db, clock.today(), days).await {
            Ok(pruned) => tracing::info!(pruned, days, "change feed tombstones pruned"),
            Err(err) => tracing::warn!(error = %err.message(), "pruning the change feed failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
    }
}

fn dialect(backend: DbBackend) -> Dialect {
    match backend {
        DbBackend::Postgres => Dialect::Postgres,
        _ => Dialect::Sqlite,
    }
}

/// Takes a version for the writes of this transaction outside the triggers, and returns the
/// SQL expression that names it.
async fn take_version(txn: &impl ConnectionTrait) -> Result<&'static str, DbErr> {
    match txn.get_database_backend() {
        DbBackend::Postgres => {
            execute(
                txn,
                include_str!("sql/change_stamp_take_version_postgres.sql"),
                vec![],
            )
            .await?;
            Ok(include_str!("sql/change_stamp_version_postgres.sql"))
        }
        _ => {
            execute(
                txn,
                include_str!("sql/change_stamp_take_version_sqlite.sql"),
                vec![],
            )
            .await?;
            Ok(include_str!("sql/change_stamp_version_sqlite.sql"))
        }
    }
}

/// The feed version of a stamp outside the triggers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// A version of its own.
    New,
    /// The one this transaction took already (an import's stamp of its records): the signals
    /// of an import share it, so the person bumps skip the records the import stamped (on
    /// SQLite those were a million rewrites; PostgreSQL gives a transaction one version anyway).
    Taken,
}

/// The SQL expression of the version this transaction took already ([`Version::Taken`]).
fn taken_version(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => include_str!("sql/change_stamp_version_postgres.sql"),
        _ => include_str!("sql/change_stamp_version_sqlite.sql"),
    }
}

/// Records the records of type `ty` whose ids `ids` (a subquery) selects as changed, in their
/// current region (the old region hears a `DELETE`). For changes no trigger sees, such as the
/// programmes and staff of a school that moves region.
pub async fn touch(txn: &impl ConnectionTrait, ty: &str, ids: &str) -> Result<(), DbErr> {
    let Some(node) = change_triggers::node(ty) else {
        return Ok(());
    };
    let version = take_version(txn).await?;
    for sql in change_triggers::touch_sql(dialect(txn.get_database_backend()), node, ids, version) {
        execute(txn, &sql, vec![]).await?;
    }
    Ok(())
}

/// Records, for the days after the last check up to `today`, the scope changes that only the
/// date makes: an rmc scope that ends 91 days after a signal's resolution, a coach assignment
/// that starts or ends, and the reach of mbo staff that ends on 1 August for applications
/// closed the school year before. The persons concerned are touched (records, applications,
/// signals), so their callers hear an `UPSERT` or a `DELETE`.
pub async fn record_scope_by_date(
    txn: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<(), DbErr> {
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(db::statement(
            backend,
            include_str!("sql/change_stamp_scope_checked_on.sql"),
            vec![],
        ))
        .await?;
    let last: Option<NaiveDate> = row.map(|r| r.try_get("", "d")).transpose()?.flatten();
    let last = last.unwrap_or(today - chrono::Duration::days(1));
    if last >= today {
        return Ok(());
    }
    let (from, to) = (last.succ_opt().unwrap_or(last), today);
    let day = chrono::Duration::days(1);
    let mut values: Vec<Value> = vec![
        (from - chrono::Duration::days(91)).into(),
        (to - chrono::Duration::days(91)).into(),
        from.into(),
        to.into(),
        (from - day).into(),
        (to - day).into(),
    ];
    let august = crate::domain::SchoolYear::containing(today).first_day();
    let mut closed = String::new();
    if from <= august && august <= to {
        let open = crate::domain::pipeline::ApplicationStatus::OPEN
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        closed = db::sql_template(
            include_str!("sql/change_stamp_scope_closed_applications.sql"),
            &[("open", &open)],
        );
        values.push(august.into());
    }
    let persons = db::sql_template(
        include_str!("sql/change_stamp_scope_persons.sql"),
        &[("closed", &closed)],
    );
    let version = take_version(txn).await?;
    for sql in change_triggers::bump_persons_at(
        dialect(txn.get_database_backend()),
        &persons,
        version,
        &[],
    ) {
        execute(txn, &sql, values.clone()).await?;
    }
    execute(
        txn,
        include_str!("sql/change_stamp_set_scope_checked_on.sql"),
        vec![today.into()],
    )
    .await?;
    Ok(())
}

/// Pauses (`true`) or resumes the feed's triggers for the rest of this transaction: an import
/// writes many rows, and a row trigger each (SQLite) would cost more than the import itself.
/// While paused nothing is recorded; [`stamp_import`] then records the import's rows at once.
/// SQLite has one writer, so the flag is never seen by another transaction.
pub async fn pause(txn: &impl ConnectionTrait, paused: bool) -> Result<(), DbErr> {
    match txn.get_database_backend() {
        DbBackend::Postgres => {
            let value = if paused { "on" } else { "off" };
            let sql = db::sql_template(
                include_str!("sql/change_stamp_pause_postgres.sql"),
                &[
                    ("setting", change_triggers::PAUSED_SETTING),
                    ("value", value),
                ],
            );
            execute(txn, &sql, vec![]).await?;
        }
        _ => {
            execute(
                txn,
                include_str!("sql/change_stamp_pause_sqlite.sql"),
                vec![i32::from(paused).into()],
            )
            .await?;
        }
    }
    Ok(())
}

/// Records in the feed, set-based and in the import's transaction, what import run `run` wrote
/// into `table` while the triggers were paused, with `persons` (a subquery) the pseudonyms of
/// those records ([`change_triggers::import_sql`]). One version
/// for the whole import (PostgreSQL: stamped at commit, like the triggers' writes).
pub async fn stamp_import(
    txn: &impl ConnectionTrait,
    table: &str,
    run: i64,
    persons: &str,
) -> Result<(), DbErr> {
    let version = take_version(txn).await?;
    let d = dialect(txn.get_database_backend());
    for sql in change_triggers::import_sql(d, table, run, persons, version) {
        execute(txn, &sql, vec![]).await?;
    }
    Ok(())
}

/// Records in the feed, set-based, the signals `ids` (a subquery) selects, which an evaluation
/// raised or changed while the triggers were paused, and bumps the records of their persons
/// `persons` (a subquery of pseudonyms) ([`change_triggers::signals_sql`]).
pub async fn stamp_signals(
    txn: &impl ConnectionTrait,
    ids: &str,
    persons: &str,
    version: Version,
) -> Result<(), DbErr> {
    let shared = matches!(version, Version::Taken);
    let version = match version {
        Version::New => take_version(txn).await?,
        Version::Taken => taken_version(txn.get_database_backend()),
    };
    let d = dialect(txn.get_database_backend());
    for sql in change_triggers::signals_sql(d, ids, persons, version, shared) {
        execute(txn, &sql, vec![]).await?;
    }
    Ok(())
}
