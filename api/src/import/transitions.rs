//! Each leaver's transition (DESIGN.md section 4): the earliest enrolment whose `enrolled_on`
//! lies in the school year after leaving, with the flags statistics count. Kept in a narrow
//! table of its own, recomputed by an import for the leavers it may have changed, and by
//! `leerroute rebuild` for every leaver. A roster record (`IN_SCHOOL`) has no transition.

use sea_orm::{ConnectionTrait, DbErr};

use super::format::Derived;
use crate::db::{drop_table, drop_table_if_exists, execute, sql_template, statement};

/// Whose transitions to recompute.
#[derive(Copy, Clone, Debug)]
pub enum Affected {
    /// The leavers a vo-leavers run wrote.
    LeaversOfRun(i64),
    /// The leavers among the persons an mbo-enrolments import listed in `import_persons` (the
    /// persons of the enrolments it wrote): looked up from that list, 6.8 s -> 5.2 s at 1M.
    PersonsOfImport,
    /// Every leaver (`leerroute rebuild`).
    All,
}

/// The columns of `transition`, in table order.
const COLUMNS: &str = "student_id, enrolment_id, school_id, crebo, level, enrolled_on, status, status_date, \
    switched_first_year, dropped_out_first_year, choice_matched, level_vs_expected";

/// Recomputes the transitions of `affected`; returns how many changed (inserted, updated or
/// deleted) and the (cohort, region) pairs of the leavers looked at.
pub async fn refresh(db: &impl ConnectionTrait, affected: Affected) -> Result<Derived, DbErr> {
    for table in ["import_affected", "import_transition"] {
        drop_table_if_exists(db, table).await?;
    }
    execute(
        db,
        include_str!("sql/transitions_create_affected.sql"),
        vec![],
    )
    .await?;
    let (insert, values) = match affected {
        Affected::LeaversOfRun(run) => (
            include_str!("sql/transitions_affected_leavers_of_run.sql"),
            vec![run.into()],
        ),
        Affected::PersonsOfImport => (
            include_str!("sql/transitions_affected_persons_of_import.sql"),
            vec![],
        ),
        Affected::All => (include_str!("sql/transitions_affected_all.sql"), vec![]),
    };
    execute(db, insert, values).await?;
    analyze(db, "import_affected").await?;
    compute(db).await?;
    let changed = apply(db).await?;
    let cohort_regions = db
        .query_all_raw(statement(
            db.get_database_backend(),
            include_str!("sql/transitions_cohort_regions.sql"),
            vec![],
        ))
        .await?
        .iter()
        .map(|row| Ok((row.try_get("", "cohort")?, row.try_get("", "region_id")?)))
        .collect::<Result<Vec<(i32, i64)>, DbErr>>()?;
    for table in ["import_affected", "import_transition"] {
        drop_table(db, table).await?;
    }
    Ok(Derived {
        transitions_changed: changed,
        cohort_regions,
    })
}

/// Fills `import_transition` with the transition every affected leaver should have.
async fn compute(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    execute(
        db,
        include_str!("sql/transitions_create_computed.sql"),
        vec![],
    )
    .await?;
    let expected = "(CASE s.leerweg WHEN 'BB' THEN 2 WHEN 'KB' THEN 3 ELSE 4 END)";
    let fill = sql_template(
        include_str!("sql/transitions_compute.sql"),
        &[("COLUMNS", COLUMNS), ("expected", expected)],
    );
    execute(db, &fill, vec![]).await?;
    analyze(db, "import_transition").await
}

/// Makes `transition` agree with `import_transition` for the affected leavers; returns how many
/// rows that changed.
async fn apply(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let removed = execute(
        db,
        include_str!("sql/transitions_drop_vanished.sql"),
        vec![],
    )
    .await?;
    let columns: Vec<&str> = COLUMNS.split(", ").skip(1).collect();
    let set: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let changed: Vec<String> = columns
        .iter()
        .map(|c| format!("transition.{c} IS DISTINCT FROM excluded.{c}"))
        .collect();
    let upsert = sql_template(
        include_str!("sql/transitions_upsert.sql"),
        &[
            ("COLUMNS", COLUMNS),
            ("set", &set.join(", ")),
            ("changed", &changed.join(" OR ")),
        ],
    );
    let written = execute(db, &upsert, vec![]).await?;
    Ok(removed + written)
}

/// Lets PostgreSQL's planner see how big a freshly filled temporary table is (it never analyses
/// temporary tables by itself, and guesses badly for a million rows).
pub async fn analyze(db: &impl ConnectionTrait, table: &str) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let sql = sql_template(
            include_str!("sql/transitions_analyze.sql"),
            &[("table", table)],
        );
        execute(db, &sql, vec![]).await?;
    }
    Ok(())
}
