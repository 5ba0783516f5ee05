//! The SQL of an import, portable between SQLite and PostgreSQL: a temporary staging table per
//! import, duplicate detection on it, one upsert into the real table, and the recomputation of
//! the transitions the import may have changed.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Value};

use entity::import_run;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

use super::{ImportKind, ImportSummary, RowError};
use crate::db::{execute, statement};

/// Rows per multi-row INSERT into the staging table (well under both databases' parameter limits).
pub const STAGE_ROWS_PER_INSERT: usize = 500;

const VO_STAGE: &str = "import_vo_stage";
const MBO_STAGE: &str = "import_mbo_stage";

/// The staging table of an import kind.
pub fn stage_table(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::VoLeavers => VO_STAGE,
        ImportKind::MboEnrolments => MBO_STAGE,
    }
}

fn stage_columns(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::VoLeavers => {
            "line, pseudonym, region_id, school_id, leerweg, profile, school_year, cohort, exam_date, \
             choice_crebo, choice_date, chose_before_exam, leerlab_id, window_start, window_end, fingerprint"
        }
        ImportKind::MboEnrolments => {
            "line, pseudonym, school_id, crebo, level, enrolled_on, status, status_date, status_days, fingerprint"
        }
    }
}

/// Creates the (empty) staging table inside the import's transaction.
pub async fn create_stage(txn: &DatabaseTransaction, kind: ImportKind) -> Result<(), DbErr> {
    let definition = match kind {
        ImportKind::VoLeavers => {
            "line BIGINT NOT NULL, pseudonym VARCHAR(64) NOT NULL, region_id BIGINT NOT NULL, school_id BIGINT NOT NULL, \
             leerweg VARCHAR(2) NOT NULL, profile VARCHAR(8) NOT NULL, school_year VARCHAR(9) NOT NULL, cohort INTEGER NOT NULL, \
             exam_date DATE NOT NULL, choice_crebo VARCHAR(5), choice_date DATE, chose_before_exam BOOLEAN NOT NULL, \
             leerlab_id BIGINT, window_start DATE NOT NULL, window_end DATE NOT NULL, fingerprint BIGINT NOT NULL"
        }
        ImportKind::MboEnrolments => {
            "line BIGINT NOT NULL, pseudonym VARCHAR(64) NOT NULL, school_id BIGINT NOT NULL, crebo VARCHAR(5) NOT NULL, \
             level SMALLINT NOT NULL, enrolled_on DATE NOT NULL, status VARCHAR(16) NOT NULL, status_date DATE, status_days INTEGER, fingerprint BIGINT NOT NULL"
        }
    };
    let table = stage_table(kind);
    execute(txn, &format!("DROP TABLE IF EXISTS {table}"), vec![]).await?;
    execute(
        txn,
        &format!("CREATE TEMPORARY TABLE {table} ({definition})"),
        vec![],
    )
    .await?;
    Ok(())
}

/// On PostgreSQL, gives the import's transaction room to sort and hash in memory (its joins and
/// window run over a whole file at once). On SQLite, keeps the import connection's page caches
/// small (16 MB each), so that a large file costs disk, not memory; measured no slower.
pub async fn tune(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        execute(txn, "SET LOCAL work_mem = '256MB'", vec![]).await?;
    } else {
        execute(txn, "PRAGMA cache_size = -16384", vec![]).await?;
        execute(txn, "PRAGMA temp.cache_size = -16384", vec![]).await?;
    }
    Ok(())
}

/// Lets PostgreSQL's planner see how big a freshly filled temporary table is (it never analyses
/// temporary tables by itself, and guesses badly for a million rows).
pub async fn analyze(txn: &DatabaseTransaction, table: &str) -> Result<(), DbErr> {
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        execute(txn, &format!("ANALYZE {table}"), vec![]).await?;
    }
    Ok(())
}

/// Inserts checked rows into the staging table in multi-row statements.
pub async fn stage_rows(
    txn: &DatabaseTransaction,
    kind: ImportKind,
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    let columns = stage_columns(kind);
    for chunk in rows.chunks(STAGE_ROWS_PER_INSERT) {
        let width = chunk[0].len();
        let tuple = format!("({})", vec!["?"; width].join(", "));
        let sql = format!(
            "INSERT INTO {} ({columns}) VALUES {}",
            stage_table(kind),
            vec![tuple.as_str(); chunk.len()].join(", ")
        );
        let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
        execute(txn, &sql, values).await?;
    }
    Ok(())
}

/// Rows whose identity already appeared earlier in the same file (at most `limit`), and how many there are.
pub async fn duplicates(
    txn: &DatabaseTransaction,
    kind: ImportKind,
    limit: usize,
) -> Result<(Vec<RowError>, u64), DbErr> {
    let (identity, column) = match kind {
        ImportKind::VoLeavers => ("pseudonym, school_year", "pgn"),
        ImportKind::MboEnrolments => ("pseudonym, school_id, crebo, enrolled_on", "pgn"),
    };
    let ranked = format!(
        "SELECT line, MIN(line) OVER (PARTITION BY {identity}) AS first_line FROM {}",
        stage_table(kind)
    );
    // Distinct fingerprints (one integer column) tell cheaply that there is no duplicate; only
    // when two rows share one are the full identities ranked.
    let table = stage_table(kind);
    let quick = format!("SELECT COUNT(*) - COUNT(DISTINCT fingerprint) AS n FROM {table}");
    if count(txn, &quick, vec![]).await? == 0 {
        return Ok((Vec::new(), 0));
    }
    let exact = format!("SELECT COUNT(*) AS n FROM ({ranked}) ranked WHERE line <> first_line");
    let count = count(txn, &exact, vec![]).await?;
    if count == 0 {
        return Ok((Vec::new(), 0));
    }
    let backend = txn.get_database_backend();
    let list_sql = format!(
        "SELECT line, first_line FROM ({ranked}) ranked WHERE line <> first_line ORDER BY line LIMIT {limit}"
    );
    let what = match kind {
        ImportKind::VoLeavers => "the same pupil and school_year",
        ImportKind::MboEnrolments => "the same pupil, school_brin, crebo and enrolled_on",
    };
    let mut errors = Vec::new();
    for row in txn
        .query_all_raw(statement(backend, &list_sql, vec![]))
        .await?
    {
        let line: i64 = row.try_get("", "line")?;
        let first: i64 = row.try_get("", "first_line")?;
        errors.push(RowError::new(
            line as u64,
            column,
            format!("duplicate of line {first} ({what})"),
        ));
    }
    Ok((errors, count as u64))
}

/// Records the start of an import run (inside its transaction) and returns the run's id; the
/// rows the run inserts or changes carry it in `import_run`.
pub async fn start_run(
    txn: &DatabaseTransaction,
    kind: ImportKind,
    subject: Option<String>,
) -> Result<i64, DbErr> {
    let run = import_run::ActiveModel {
        kind: Set(kind.name().to_owned()),
        subject: Set(subject),
        started_at: Set(Utc::now()),
        rows: Set(0),
        created: Set(0),
        updated: Set(0),
        transitions_changed: Set(0),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(run.id)
}

/// Stores what the run did.
pub async fn finish_run(
    txn: &DatabaseTransaction,
    run: i64,
    summary: &ImportSummary,
) -> Result<(), DbErr> {
    let counts = [
        summary.rows,
        summary.created,
        summary.updated,
        summary.transitions_changed,
    ]
    .map(|n| Value::from(n as i64));
    let mut values = counts.to_vec();
    values.push(run.into());
    execute(txn, "UPDATE import_run SET rows = ?, created = ?, updated = ?, transitions_changed = ? WHERE id = ?", values).await?;
    Ok(())
}

/// What an upsert did.
pub struct Upserted {
    pub created: u64,
    pub updated: u64,
}

async fn count(txn: &DatabaseTransaction, sql: &str, values: Vec<Value>) -> Result<i64, DbErr> {
    let row = txn
        .query_one_raw(statement(txn.get_database_backend(), sql, values))
        .await?;
    row.map(|r| r.try_get("", "n"))
        .transpose()
        .map(Option::unwrap_or_default)
}

/// Moves the staged rows into the real table: new identities are inserted, changed ones updated,
/// identical ones left alone (so importing a file twice changes nothing). Written rows carry `run`.
pub async fn upsert(
    txn: &DatabaseTransaction,
    kind: ImportKind,
    run: i64,
) -> Result<Upserted, DbErr> {
    let (table, upsert_sql) = match kind {
        ImportKind::VoLeavers => (
            "student",
            format!(
                "INSERT INTO student (pseudonym, region_id, school_id, leerweg, profile, school_year, cohort, exam_date, choice_crebo, \
                 choice_date, chose_before_exam, leerlab_id, window_start, window_end, import_run, updated_at) \
                 SELECT pseudonym, region_id, school_id, leerweg, profile, school_year, cohort, exam_date, choice_crebo, choice_date, \
                 chose_before_exam, leerlab_id, window_start, window_end, ?, ? FROM {VO_STAGE} WHERE TRUE \
                 ON CONFLICT (pseudonym, school_year) DO UPDATE SET region_id = excluded.region_id, school_id = excluded.school_id, \
                 leerweg = excluded.leerweg, profile = excluded.profile, cohort = excluded.cohort, exam_date = excluded.exam_date, \
                 choice_crebo = excluded.choice_crebo, choice_date = excluded.choice_date, chose_before_exam = excluded.chose_before_exam, \
                 leerlab_id = excluded.leerlab_id, window_start = excluded.window_start, window_end = excluded.window_end, \
                 import_run = excluded.import_run, updated_at = excluded.updated_at \
                 WHERE {}",
                changed(
                    "student",
                    &[
                        "school_id",
                        "leerweg",
                        "profile",
                        "exam_date",
                        "choice_crebo",
                        "choice_date",
                        "leerlab_id"
                    ]
                )
            ),
        ),
        ImportKind::MboEnrolments => (
            "enrolment",
            format!(
                "INSERT INTO enrolment (pseudonym, school_id, crebo, level, enrolled_on, status, status_date, status_days, import_run, updated_at) \
                 SELECT pseudonym, school_id, crebo, level, enrolled_on, status, status_date, status_days, ?, ? FROM {MBO_STAGE} WHERE TRUE \
                 ON CONFLICT (pseudonym, school_id, crebo, enrolled_on) DO UPDATE SET level = excluded.level, status = excluded.status, \
                 status_date = excluded.status_date, status_days = excluded.status_days, import_run = excluded.import_run, \
                 updated_at = excluded.updated_at \
                 WHERE {}",
                changed("enrolment", &["level", "status", "status_date"])
            ),
        ),
    };
    // Imports never delete, so the rows added are the growth of the table.
    let count_sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let before = count(txn, &count_sql, vec![]).await?;
    let affected = execute(txn, &upsert_sql, vec![run.into(), Utc::now().into()]).await?;
    let created = (count(txn, &count_sql, vec![]).await? - before) as u64;
    Ok(Upserted {
        created,
        updated: affected.saturating_sub(created),
    })
}

/// `table.a IS DISTINCT FROM excluded.a OR …`: update only what really changed.
fn changed(table: &str, columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("{table}.{c} IS DISTINCT FROM excluded.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Recomputes the transition of every leaver this run changed (vo file) or whose enrolments it
/// changed (mbo file): the earliest enrolment whose `enrolled_on` lies in the school year after
/// leaving (DESIGN.md section 4), with the flags statistics count. Returns how many transitions
/// changed and the cohorts of the leavers it looked at.
pub async fn refresh_transitions(
    txn: &DatabaseTransaction,
    kind: ImportKind,
    run: i64,
) -> Result<(u64, Vec<i32>), DbErr> {
    for table in ["import_affected", "import_transition"] {
        execute(txn, &format!("DROP TABLE IF EXISTS {table}"), vec![]).await?;
    }
    execute(txn, "CREATE TEMPORARY TABLE import_affected (student_id BIGINT PRIMARY KEY, cohort INTEGER NOT NULL)", vec![]).await?;
    let affected = match kind {
        ImportKind::VoLeavers => {
            "INSERT INTO import_affected SELECT id, cohort FROM student WHERE import_run = ?"
        }
        ImportKind::MboEnrolments => {
            "INSERT INTO import_affected SELECT id, cohort FROM student \
             WHERE pseudonym IN (SELECT pseudonym FROM enrolment WHERE import_run = ?)"
        }
    };
    execute(txn, affected, vec![run.into()]).await?;
    analyze(txn, "import_affected").await?;
    execute(
        txn,
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
           FROM import_affected a JOIN student s ON s.id = a.student_id \
           JOIN enrolment e ON e.pseudonym = s.pseudonym AND e.enrolled_on >= s.window_start AND e.enrolled_on <= s.window_end\
         ) ranked WHERE rn = 1"
    );
    execute(txn, &fill, vec![]).await?;
    analyze(txn, "import_transition").await?;
    let removed = execute(
        txn,
        "DELETE FROM transition WHERE student_id IN (SELECT student_id FROM import_affected) \
         AND NOT EXISTS (SELECT 1 FROM import_transition t WHERE t.student_id = transition.student_id)",
        vec![],
    )
    .await?;
    let set: Vec<String> = COLUMNS
        .split(", ")
        .skip(1)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let columns: Vec<&str> = COLUMNS.split(", ").skip(1).collect();
    let upsert = format!(
        "INSERT INTO transition ({COLUMNS}) SELECT {COLUMNS} FROM import_transition WHERE TRUE \
         ON CONFLICT (student_id) DO UPDATE SET {} WHERE {}",
        set.join(", "),
        changed("transition", &columns)
    );
    let written = execute(txn, &upsert, vec![]).await?;
    let backend = txn.get_database_backend();
    let cohorts = txn
        .query_all_raw(statement(
            backend,
            "SELECT DISTINCT cohort FROM import_affected",
            vec![],
        ))
        .await?
        .iter()
        .map(|row| row.try_get("", "cohort"))
        .collect::<Result<Vec<i32>, DbErr>>()?;
    for table in ["import_affected", "import_transition"] {
        execute(txn, &format!("DROP TABLE {table}"), vec![]).await?;
    }
    Ok((removed + written, cohorts))
}

/// The columns of `transition`, in table order.
const COLUMNS: &str = "student_id, enrolment_id, school_id, crebo, level, enrolled_on, status, status_date, \
    switched_first_year, dropped_out_first_year, choice_matched, level_vs_expected";

/// Drops the staging table before commit.
pub async fn drop_stage(txn: &DatabaseTransaction, kind: ImportKind) -> Result<(), DbErr> {
    execute(txn, &format!("DROP TABLE {}", stage_table(kind)), vec![]).await?;
    Ok(())
}
