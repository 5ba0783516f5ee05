//! Each leaver's transition (DESIGN.md section 4): the earliest enrolment whose `enrolled_on`
//! lies in the school year after leaving, with the flags statistics count. Kept in a narrow
//! table of its own, recomputed by an import for the leavers it may have changed, and by
//! `leerroute rebuild` for every leaver. A roster record (`IN_SCHOOL`) has no transition.

use sea_orm::{ConnectionTrait, DbErr};

use super::format::Derived;
use crate::db::{execute, statement};

/// Whose transitions to recompute.
#[derive(Copy, Clone, Debug)]
pub enum Affected {
    /// The leavers a vo-leavers run wrote.
    LeaversOfRun(i64),
    /// The leavers with an enrolment an mbo-enrolments run wrote.
    EnrolledInRun(i64),
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
        execute(db, &format!("DROP TABLE IF EXISTS {table}"), vec![]).await?;
    }
    execute(
        db,
        "CREATE TEMPORARY TABLE import_affected (student_id BIGINT PRIMARY KEY, cohort INTEGER NOT NULL, \
         region_id BIGINT NOT NULL)",
        vec![],
    )
    .await?;
    let (select, values) = match affected {
        Affected::LeaversOfRun(run) => (
            "SELECT id, cohort, region_id FROM student WHERE import_run = ?",
            vec![run.into()],
        ),
        Affected::EnrolledInRun(run) => (
            "SELECT id, cohort, region_id FROM student \
             WHERE pseudonym IN (SELECT pseudonym FROM enrolment WHERE import_run = ?)",
            vec![run.into()],
        ),
        Affected::All => ("SELECT id, cohort, region_id FROM student", vec![]),
    };
    execute(db, &format!("INSERT INTO import_affected {select}"), values).await?;
    analyze(db, "import_affected").await?;
    compute(db).await?;
    let changed = apply(db).await?;
    let cohort_regions = db
        .query_all_raw(statement(
            db.get_database_backend(),
            "SELECT DISTINCT cohort, region_id FROM import_affected",
            vec![],
        ))
        .await?
        .iter()
        .map(|row| Ok((row.try_get("", "cohort")?, row.try_get("", "region_id")?)))
        .collect::<Result<Vec<(i32, i64)>, DbErr>>()?;
    for table in ["import_affected", "import_transition"] {
        execute(db, &format!("DROP TABLE {table}"), vec![]).await?;
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
        "CREATE TEMPORARY TABLE import_transition (student_id BIGINT PRIMARY KEY, enrolment_id BIGINT NOT NULL, \
         school_id BIGINT NOT NULL, crebo VARCHAR(5) NOT NULL, level SMALLINT NOT NULL, enrolled_on DATE NOT NULL, \
         status VARCHAR(16) NOT NULL, status_date DATE, switched_first_year BOOLEAN NOT NULL, \
         dropped_out_first_year BOOLEAN NOT NULL, choice_matched BOOLEAN NOT NULL, level_vs_expected SMALLINT NOT NULL)",
        vec![],
    )
    .await?;
    let expected = "(CASE s.leerweg WHEN 'BB' THEN 2 WHEN 'KB' THEN 3 ELSE 4 END)";
    let fill = format!(
        "INSERT INTO import_transition SELECT {COLUMNS} FROM (\
           SELECT s.id AS student_id, e.id AS enrolment_id, e.school_id AS school_id, e.crebo AS crebo, e.level AS level, \
             e.enrolled_on AS enrolled_on, e.status AS status, e.status_date AS status_date, \
             (e.status = 'switched' AND e.status_days < 365) AS switched_first_year, \
             (e.status = 'dropped_out' AND e.status_days < 365) AS dropped_out_first_year, \
             COALESCE(e.crebo = s.choice_crebo, FALSE) AS choice_matched, \
             CASE WHEN e.level < {expected} THEN -1 WHEN e.level = {expected} THEN 0 ELSE 1 END AS level_vs_expected, \
             ROW_NUMBER() OVER (PARTITION BY s.id ORDER BY e.enrolled_on, e.id) AS rn \
           FROM import_affected a JOIN student s ON s.id = a.student_id AND s.status = 'LEFT' \
           JOIN enrolment e ON e.pseudonym = s.pseudonym AND e.enrolled_on >= s.window_start AND e.enrolled_on <= s.window_end\
         ) ranked WHERE rn = 1"
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
    let upsert = format!(
        "INSERT INTO transition ({COLUMNS}) SELECT {COLUMNS} FROM import_transition WHERE TRUE \
         ON CONFLICT (student_id) DO UPDATE SET {} WHERE {}",
        set.join(", "),
        changed.join(" OR ")
    );
    let written = execute(db, &upsert, vec![]).await?;
    Ok(removed + written)
}

/// Lets PostgreSQL's planner see how big a freshly filled temporary table is (it never analyses
/// temporary tables by itself, and guesses badly for a million rows).
pub async fn analyze(db: &impl ConnectionTrait, table: &str) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        execute(db, &format!("ANALYZE {table}"), vec![]).await?;
    }
    Ok(())
}
