//! `leerroute rebuild`: every leaver's transition and every cohort's summary tables recomputed
//! from the pupil records, holding the import lock. Repairs what concurrent imports damaged
//! before imports were serialised (double-counted summary rows, transitions never found), and
//! is safe to run at any time: on a sound database it changes nothing. It also fills in the
//! record keys of pupil records that predate them (migration m20261202_000010).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::{
    lock,
    transitions::{self, Affected},
};
use crate::{
    audit,
    auth::Viewer,
    db::{self, placeholders},
    error::AppResult,
    service::disclosure::RecordKeys,
};

/// What a rebuild did.
#[derive(Clone, Debug, Default)]
pub struct Rebuilt {
    /// Leavers whose transition was recomputed (all of them).
    pub leavers: u64,
    /// Transitions that were wrong (inserted, corrected or deleted).
    pub transitions_changed: u64,
    /// Pupil records whose record key was missing and is now filled in.
    pub record_keys: u64,
    /// Cohorts whose summary tables were rebuilt.
    pub cohorts: usize,
}

/// Rebuilds transitions and summary tables in one transaction.
pub async fn run(
    db: &DatabaseConnection,
    viewer: &Viewer,
    keys: &RecordKeys,
) -> AppResult<Rebuilt> {
    let lock = lock::acquire(db, None).await?;
    let result = locked(db, viewer, keys).await;
    lock.release().await;
    result
}

async fn locked(db: &DatabaseConnection, viewer: &Viewer, keys: &RecordKeys) -> AppResult<Rebuilt> {
    let txn = db::begin_write(db).await?;
    let record_keys = fill_record_keys(&txn, keys).await?;
    let leavers = count(&txn, include_str!("sql/rebuild_count_leavers.sql")).await?;
    let derived = transitions::refresh(&txn, Affected::All).await?;
    // Cohorts that have summary rows but no leavers any more are cleared as well.
    let mut cohorts = derived.cohorts();
    for table in ["stats_vo_cube", "stats_mbo_cube"] {
        let sql = db::sql_template(
            include_str!("sql/rebuild_summary_cohorts.sql"),
            &[("table", table)],
        );
        for row in txn
            .query_all_raw(db::statement(txn.get_database_backend(), &sql, vec![]))
            .await?
        {
            cohorts.push(row.try_get("", "cohort")?);
        }
    }
    cohorts.sort_unstable();
    cohorts.dedup();
    crate::service::statistics::refresh_cohorts(&txn, &cohorts).await?;
    let rebuilt = Rebuilt {
        leavers,
        transitions_changed: derived.transitions_changed,
        record_keys,
        cohorts: cohorts.len(),
    };
    let target = format!(
        "Rebuild leavers={} transitionsChanged={} cohorts={}",
        rebuilt.leavers, rebuilt.transitions_changed, rebuilt.cohorts
    );
    audit::record_write(&txn, viewer, "rebuild", target).await?;
    txn.commit().await?;
    tracing::info!(
        leavers = rebuilt.leavers,
        transitions_changed = rebuilt.transitions_changed,
        cohorts = rebuilt.cohorts,
        "rebuild done"
    );
    Ok(rebuilt)
}

/// Gives every pupil record without a record key (`-1`) its stored key, a batch at a time; the
/// key needs the link secret, so SQL cannot compute it. Returns how many were filled.
async fn fill_record_keys(db: &impl ConnectionTrait, keys: &RecordKeys) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let mut filled = 0;
    loop {
        let rows = db
            .query_all_raw(db::statement(
                backend,
                include_str!("sql/records_without_key.sql"),
                vec![],
            ))
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut by_key: std::collections::BTreeMap<i16, Vec<sea_orm::Value>> = Default::default();
        for row in &rows {
            let id: i64 = row.try_get("", "id")?;
            let pseudonym: String = row.try_get("", "pseudonym")?;
            by_key
                .entry(keys.stored_key(&pseudonym))
                .or_default()
                .push(id.into());
        }
        for (key, ids) in by_key {
            let sql = db::sql_template(
                include_str!("sql/rebuild_set_record_key.sql"),
                &[("ids", &placeholders(ids.len()))],
            );
            let values = std::iter::once(key.into()).chain(ids).collect();
            db::execute(db, &sql, values).await?;
        }
        filled += rows.len() as u64;
    }
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> Result<u64, DbErr> {
    let row = db
        .query_one_raw(db::statement(db.get_database_backend(), sql, vec![]))
        .await?;
    let n: i64 = row
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or_default();
    Ok(n as u64)
}
