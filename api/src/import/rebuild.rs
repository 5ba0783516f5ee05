//! `leerroute rebuild`: every leaver's transition and every cohort's summary tables recomputed
//! from the pupil records, holding the import lock. Repairs what concurrent imports damaged
//! before imports were serialised (double-counted summary rows, transitions never found), and
//! is safe to run at any time: on a sound database it changes nothing.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::{
    lock,
    transitions::{self, Affected},
};
use crate::{audit, auth::Viewer, db, error::AppResult};

/// What a rebuild did.
#[derive(Clone, Debug, Default)]
pub struct Rebuilt {
    /// Leavers whose transition was recomputed (all of them).
    pub leavers: u64,
    /// Transitions that were wrong (inserted, corrected or deleted).
    pub transitions_changed: u64,
    /// Cohorts whose summary tables were rebuilt.
    pub cohorts: usize,
}

/// Rebuilds transitions and summary tables in one transaction.
pub async fn run(db: &DatabaseConnection, viewer: &Viewer) -> AppResult<Rebuilt> {
    let lock = lock::acquire(db, None).await?;
    let result = locked(db, viewer).await;
    lock.release().await;
    result
}

async fn locked(db: &DatabaseConnection, viewer: &Viewer) -> AppResult<Rebuilt> {
    let txn = db::begin_write(db).await?;
    let leavers = count(
        &txn,
        "SELECT COUNT(*) AS n FROM student WHERE status = 'LEFT'",
    )
    .await?;
    let derived = transitions::refresh(&txn, Affected::All).await?;
    // Cohorts that have summary rows but no leavers any more are cleared as well.
    let mut cohorts = derived.cohorts;
    for table in ["stats_vo_cube", "stats_mbo_cube"] {
        let sql = format!("SELECT DISTINCT cohort FROM {table}");
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
