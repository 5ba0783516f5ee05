//! The life of an import run, recorded in `import_run` so that it can be followed from another
//! request or process: `queued` when the file has arrived, `running` once it holds the import
//! lock, then `done` (committed with the data), `refused` (the row errors, never a cell's value)
//! or `failed`. A run whose process died is marked `failed` by the next import.

use chrono::Utc;
use entity::import_run;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, sea_query::Expr,
};

use super::{ImportKind, ImportSummary, RowError, lock};
use crate::auth::{Role, Viewer};

pub use vocabulary::RunStatus;

/// Records a new run of `kind` for `viewer` (committed at once, so it can be followed) and
/// returns its id.
pub async fn queue(
    db: &DatabaseConnection,
    kind: ImportKind,
    viewer: &Viewer,
) -> Result<i64, DbErr> {
    let school_id = (viewer.role() == Role::SchoolStaff)
        .then_some(viewer.school_id)
        .flatten();
    let run = import_run::ActiveModel {
        kind: Set(kind),
        subject: Set(viewer.subject()),
        started_at: Set(Utc::now()),
        status: Set(RunStatus::Queued),
        school_id: Set(school_id),
        owner: Set(this_process()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(run.id)
}

/// Marks `run` as running (it holds the import lock), and every other run that cannot be alive
/// as failed: a `running` one (only the lock holder runs), or a `queued` one whose process is
/// gone.
pub async fn start(db: &DatabaseConnection, run: i64) -> Result<(), DbErr> {
    set_status(db, run, RunStatus::Running).await?;
    let live = lock::live_runs(db).await?;
    let others = import_run::Entity::find()
        .filter(import_run::Column::Id.ne(run))
        .filter(import_run::Column::Status.is_in([RunStatus::Queued, RunStatus::Running]))
        .all(db)
        .await?;
    // A run just queued may not have opened its lock connection yet.
    let settled = Utc::now() - chrono::Duration::seconds(60);
    for other in others {
        let dead = other.status == RunStatus::Running
            || match &live {
                Some(live) => other.started_at < settled && !live.contains(&other.id),
                None => other.owner.as_deref().is_some_and(|o| !process_alive(o)),
            };
        if dead {
            tracing::warn!(run = other.id, "import run interrupted; marked failed");
            finish_with(db, other.id, RunStatus::Failed).await?;
        }
    }
    Ok(())
}

/// Stores what a successful run did, inside the import's transaction (so the run is `done`
/// exactly when its data is committed), with the cohorts whose summary tables it refreshed.
pub async fn done(
    txn: &impl ConnectionTrait,
    run: i64,
    summary: &ImportSummary,
    cohorts: &[i32],
) -> Result<(), DbErr> {
    let cohorts: Vec<String> = cohorts.iter().map(|y| format!("{y}-{}", y + 1)).collect();
    import_run::Entity::update_many()
        .col_expr(import_run::Column::Status, Expr::value("done"))
        .col_expr(import_run::Column::Rows, Expr::value(summary.rows as i64))
        .col_expr(
            import_run::Column::Created,
            Expr::value(summary.created as i64),
        )
        .col_expr(
            import_run::Column::Updated,
            Expr::value(summary.updated as i64),
        )
        .col_expr(
            import_run::Column::Unchanged,
            Expr::value(summary.unchanged as i64),
        )
        .col_expr(
            import_run::Column::TransitionsChanged,
            Expr::value(summary.transitions_changed as i64),
        )
        .col_expr(import_run::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(import_run::Column::Cohorts, Expr::value(cohorts.join(",")))
        .filter(import_run::Column::Id.eq(run))
        .exec(txn)
        .await?;
    Ok(())
}

/// The cohorts (first calendar year of a school year) whose statistics `run` may have changed:
/// those whose summary tables it refreshed (`derived`), those of the pupil records it wrote,
/// and the school years of the applications it wrote.
pub async fn touched_cohorts(
    txn: &impl ConnectionTrait,
    run: i64,
    derived: &[i32],
) -> Result<Vec<i32>, DbErr> {
    use sea_orm::sea_query::Value;
    let backend = txn.get_database_backend();
    let mut cohorts = derived.to_vec();
    let rows = txn
        .query_all_raw(crate::db::statement(
            backend,
            include_str!("sql/runs_cohorts_of_run.sql"),
            vec![Value::from(run)],
        ))
        .await?;
    for row in rows {
        cohorts.push(row.try_get("", "cohort")?);
    }
    let span = txn
        .query_one_raw(crate::db::statement(
            backend,
            include_str!("sql/runs_application_span.sql"),
            vec![Value::from(run)],
        ))
        .await?;
    if let Some(row) = span {
        let lo: Option<chrono::NaiveDate> = row.try_get("", "lo")?;
        let hi: Option<chrono::NaiveDate> = row.try_get("", "hi")?;
        if let (Some(lo), Some(hi)) = (lo, hi) {
            let (lo, hi) = (
                crate::domain::SchoolYear::containing(lo).0,
                crate::domain::SchoolYear::containing(hi).0,
            );
            cohorts.extend(lo..=hi);
        }
    }
    cohorts.sort_unstable();
    cohorts.dedup();
    Ok(cohorts)
}

/// Records that the file was refused: how many rows, and the listed row errors.
pub async fn refused(
    db: &DatabaseConnection,
    run: i64,
    rows: u64,
    errors: &[RowError],
    count: u64,
) -> Result<(), DbErr> {
    let listed = serde_json::to_string(errors).unwrap_or_else(|_| "[]".to_owned());
    import_run::Entity::update_many()
        .col_expr(import_run::Column::Status, Expr::value(RunStatus::Refused))
        .col_expr(import_run::Column::Rows, Expr::value(rows as i64))
        .col_expr(import_run::Column::ErrorCount, Expr::value(count as i64))
        .col_expr(import_run::Column::Errors, Expr::value(listed))
        .col_expr(import_run::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(import_run::Column::Id.eq(run))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that the run failed (an internal error, or it was interrupted).
pub async fn failed(db: &DatabaseConnection, run: i64) -> Result<(), DbErr> {
    finish_with(db, run, RunStatus::Failed).await
}

async fn set_status(db: &DatabaseConnection, run: i64, status: RunStatus) -> Result<(), DbErr> {
    import_run::Entity::update_many()
        .col_expr(import_run::Column::Status, Expr::value(status))
        .filter(import_run::Column::Id.eq(run))
        .exec(db)
        .await?;
    Ok(())
}

async fn finish_with(db: &DatabaseConnection, run: i64, status: RunStatus) -> Result<(), DbErr> {
    import_run::Entity::update_many()
        .col_expr(import_run::Column::Status, Expr::value(status))
        .col_expr(import_run::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(import_run::Column::Id.eq(run))
        .exec(db)
        .await?;
    Ok(())
}

/// This process, as `pid:<pid>:<start time>` (Linux; the start time tells a reused pid apart).
fn this_process() -> Option<String> {
    let pid = std::process::id();
    start_time(pid).map(|start| format!("pid:{pid}:{start}"))
}

/// Whether the process an owner string names still runs. Unknown formats count as alive.
fn process_alive(owner: &str) -> bool {
    let mut parts = owner.split(':');
    let (Some("pid"), Some(pid), Some(start)) = (parts.next(), parts.next(), parts.next()) else {
        return true;
    };
    match pid.parse() {
        Ok(pid) => start_time(pid).as_deref() == Some(start),
        Err(_) => true,
    }
}

/// Field 22 of `/proc/<pid>/stat`: when the process started, in clock ticks since boot.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces: count after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_made_up_one_is_not() {
        let me = this_process().expect("Linux /proc");
        assert!(process_alive(&me));
        assert!(!process_alive(&format!("{me}0")));
        assert!(process_alive("something else"));
    }
}
