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
    let old = "FROM change_entry WHERE (deleted = 1 OR moved = 1) AND deleted_on < ?";
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(db::statement(
            backend,
            &format!("SELECT COALESCE(MAX(version), 0) AS v {old}"),
            vec![cutoff.into()],
        ))
        .await?;
    let highest: i64 = row.map(|r| r.try_get("", "v")).transpose()?.unwrap_or(0);
    let pruned = execute(&txn, &format!("DELETE {old}"), vec![cutoff.into()]).await?;
    if highest > 0 {
        execute(
            &txn,
            "UPDATE change_meta SET pruned_version = ? WHERE id = 1 AND pruned_version < ?",
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
                "INSERT INTO change_pending (xid) VALUES (pg_current_xact_id()::text::bigint) \
                 ON CONFLICT DO NOTHING",
                vec![],
            )
            .await?;
            Ok("(-(pg_current_xact_id()::text::bigint))")
        }
        _ => {
            execute(
                txn,
                "UPDATE change_meta SET version = version + 1 WHERE id = 1",
                vec![],
            )
            .await?;
            Ok("(SELECT version FROM change_meta WHERE id = 1)")
        }
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
            "SELECT scope_checked_on AS d FROM change_meta WHERE id = 1",
            vec![],
        ))
        .await?;
    let last: Option<NaiveDate> = row.map(|r| r.try_get("", "d")).transpose()?.flatten();
    let last = last.unwrap_or(today - chrono::Duration::days(1));
    if last >= today {
        return Ok(());
    }
    let (from, to) = (last.succ_opt().unwrap_or(last), today);
    let mut persons = "SELECT pseudonym FROM signal WHERE status = 'RESOLVED' \
         AND resolved_on >= ? AND resolved_on <= ? \
         UNION SELECT st.pseudonym FROM coach_assignment c JOIN student st ON st.id = c.student_id \
         WHERE (c.starts_on >= ? AND c.starts_on <= ?) OR (c.ends_on >= ? AND c.ends_on <= ?)"
        .to_owned();
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
    if from <= august && august <= to {
        persons.push_str(&format!(
            " UNION SELECT pseudonym FROM application WHERE status_date < ? AND status NOT IN ({})",
            crate::domain::pipeline::ApplicationStatus::OPEN
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        values.push(august.into());
    }
    let version = take_version(txn).await?;
    for sql in change_triggers::bump_persons_at(&persons, version) {
        execute(txn, &sql, values.clone()).await?;
    }
    execute(
        txn,
        "UPDATE change_meta SET scope_checked_on = ? WHERE id = 1",
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
            let sql = format!("SET LOCAL {} = '{value}'", change_triggers::PAUSED_SETTING);
            execute(txn, &sql, vec![]).await?;
        }
        _ => {
            execute(
                txn,
                "UPDATE change_meta SET paused = ? WHERE id = 1",
                vec![i32::from(paused).into()],
            )
            .await?;
        }
    }
    Ok(())
}

/// Records in the feed, set-based and in the import's transaction, what import run `run` wrote
/// into `table` while the triggers were paused ([`change_triggers::import_sql`]). One version
/// for the whole import (PostgreSQL: stamped at commit, like the triggers' writes).
pub async fn stamp_import(txn: &impl ConnectionTrait, table: &str, run: i64) -> Result<(), DbErr> {
    let version = take_version(txn).await?;
    let d = dialect(txn.get_database_backend());
    for sql in change_triggers::import_sql(d, table, run, version) {
        execute(txn, &sql, vec![]).await?;
    }
    Ok(())
}

/// Records in the feed, set-based, the signals `ids` (a subquery) selects, which an evaluation
/// raised or changed while the triggers were paused ([`change_triggers::signals_sql`]).
pub async fn stamp_signals(txn: &impl ConnectionTrait, ids: &str) -> Result<(), DbErr> {
    let version = take_version(txn).await?;
    for sql in change_triggers::signals_sql(ids, version) {
        execute(txn, &sql, vec![]).await?;
    }
    Ok(())
}
