//! The SQL of an import, portable between SQLite and PostgreSQL: a temporary staging table per
//! import, duplicate detection on it, one upsert into the real table, and the recomputation of
//! the transitions the import may have changed.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Value};

use super::{ImportKind, RowError};
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
             choice_crebo, choice_date, chose_before_exam, leerlab_id, window_start, window_end"
        }
        ImportKind::MboEnrolments => {
            "line, pseudonym, school_id, crebo, level, enrolled_on, status, status_date, status_days"
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
             leerlab_id BIGINT, window_start DATE NOT NULL, window_end DATE NOT NULL"
        }
        ImportKind::MboEnrolments => {
            "line BIGINT NOT NULL, pseudonym VARCHAR(64) NOT NULL, school_id BIGINT NOT NULL, crebo VARCHAR(5) NOT NULL, \
             level SMALLINT NOT NULL, enrolled_on DATE NOT NULL, status VARCHAR(16) NOT NULL, status_date DATE, status_days INTEGER"
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
    let backend = txn.get_database_backend();
    let count_sql = format!("SELECT COUNT(*) AS n FROM ({ranked}) ranked WHERE line <> first_line");
    let count: i64 = txn
        .query_one_raw(statement(backend, &count_sql, vec![]))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    if count == 0 {
        return Ok((Vec::new(), 0));
    }
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

/// What an upsert did.
pub struct Upserted {
    pub created: u64,
    pub updated: u64,
}

/// Moves the staged rows into the real table: new identities are inserted, changed ones updated,
/// identical ones left alone (so importing a file twice changes nothing).
pub async fn upsert(txn: &DatabaseTransaction, kind: ImportKind) -> Result<Upserted, DbErr> {
    let now: Value = Utc::now().into();
    let (created_sql, upsert_sql) = match kind {
        ImportKind::VoLeavers => (
            format!(
                "SELECT COUNT(*) AS n FROM {VO_STAGE} s WHERE NOT EXISTS (SELECT 1 FROM student t WHERE t.pseudonym = s.pseudonym AND t.school_year = s.school_year)"
            ),
            format!(
                "INSERT INTO student (pseudonym, region_id, school_id, leerweg, profile, school_year, cohort, exam_date, choice_crebo, \
                 choice_date, chose_before_exam, leerlab_id, window_start, window_end, switched_first_year, dropped_out_first_year, \
                 choice_matched, updated_at) \
                 SELECT pseudonym, region_id, school_id, leerweg, profile, school_year, cohort, exam_date, choice_crebo, choice_date, \
                 chose_before_exam, leerlab_id, window_start, window_end, FALSE, FALSE, FALSE, ? FROM {VO_STAGE} WHERE TRUE \
                 ON CONFLICT (pseudonym, school_year) DO UPDATE SET region_id = excluded.region_id, school_id = excluded.school_id, \
                 leerweg = excluded.leerweg, profile = excluded.profile, cohort = excluded.cohort, exam_date = excluded.exam_date, \
                 choice_crebo = excluded.choice_crebo, choice_date = excluded.choice_date, chose_before_exam = excluded.chose_before_exam, \
                 leerlab_id = excluded.leerlab_id, window_start = excluded.window_start, window_end = excluded.window_end, \
                 updated_at = excluded.updated_at \
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
            format!(
                "SELECT COUNT(*) AS n FROM {MBO_STAGE} s WHERE NOT EXISTS (SELECT 1 FROM enrolment t WHERE t.pseudonym = s.pseudonym AND t.school_id = s.school_id AND t.crebo = s.crebo AND t.enrolled_on = s.enrolled_on)"
            ),
            format!(
                "INSERT INTO enrolment (pseudonym, school_id, crebo, level, enrolled_on, status, status_date, status_days, updated_at) \
                 SELECT pseudonym, school_id, crebo, level, enrolled_on, status, status_date, status_days, ? FROM {MBO_STAGE} WHERE TRUE \
                 ON CONFLICT (pseudonym, school_id, crebo, enrolled_on) DO UPDATE SET level = excluded.level, status = excluded.status, \
                 status_date = excluded.status_date, status_days = excluded.status_days, updated_at = excluded.updated_at \
                 WHERE {}",
                changed("enrolment", &["level", "status", "status_date"])
            ),
        ),
    };
    let backend = txn.get_database_backend();
    let created: i64 = txn
        .query_one_raw(statement(backend, &created_sql, vec![]))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    let affected = execute(txn, &upsert_sql, vec![now]).await?;
    Ok(Upserted {
        created: created as u64,
        updated: affected.saturating_sub(created as u64),
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

/// Recomputes the transition of every leaver whose pseudonym is in this import's staging table:
/// the earliest enrolment whose `enrolled_on` lies in the school year after leaving (DESIGN.md
/// section 4), with the flags statistics count. Only rows that change are written.
pub async fn refresh_transitions(
    txn: &DatabaseTransaction,
    kind: ImportKind,
) -> Result<u64, DbErr> {
    execute(txn, "DROP TABLE IF EXISTS import_transition", vec![]).await?;
    execute(
        txn,
        "CREATE TEMPORARY TABLE import_transition (student_id BIGINT PRIMARY KEY, enrolment_id BIGINT, school_id BIGINT, \
         crebo VARCHAR(5), level SMALLINT, enrolled_on DATE, status VARCHAR(16), status_date DATE, switched BOOLEAN NOT NULL, \
         dropped_out BOOLEAN NOT NULL, choice_matched BOOLEAN NOT NULL, level_vs_expected SMALLINT)",
        vec![],
    )
    .await?;
    let expected = "(CASE s.leerweg WHEN 'BB' THEN 2 WHEN 'KB' THEN 3 ELSE 4 END)";
    let fill = format!(
        "INSERT INTO import_transition SELECT student_id, enrolment_id, school_id, crebo, level, enrolled_on, status, status_date, \
         switched, dropped_out, choice_matched, level_vs_expected FROM (\
           SELECT s.id AS student_id, e.id AS enrolment_id, e.school_id AS school_id, e.crebo AS crebo, e.level AS level, \
             e.enrolled_on AS enrolled_on, e.status AS status, e.status_date AS status_date, \
             COALESCE(e.status = 'switched' AND e.status_days < 365, FALSE) AS switched, \
             COALESCE(e.status = 'dropped_out' AND e.status_days < 365, FALSE) AS dropped_out, \
             COALESCE(e.crebo = s.choice_crebo, FALSE) AS choice_matched, \
             CASE WHEN e.level IS NULL THEN NULL WHEN e.level < {expected} THEN -1 WHEN e.level = {expected} THEN 0 ELSE 1 END AS level_vs_expected, \
             ROW_NUMBER() OVER (PARTITION BY s.id ORDER BY e.enrolled_on, e.id) AS rn \
           FROM student s LEFT JOIN enrolment e ON e.pseudonym = s.pseudonym \
             AND e.enrolled_on >= s.window_start AND e.enrolled_on <= s.window_end \
           WHERE s.pseudonym IN (SELECT pseudonym FROM {})\
         ) ranked WHERE rn = 1",
        stage_table(kind)
    );
    execute(txn, &fill, vec![]).await?;
    let pairs = [
        ("enrolment_id", "enrolment_id"),
        ("transition_school_id", "school_id"),
        ("transition_crebo", "crebo"),
        ("transition_level", "level"),
        ("transition_enrolled_on", "enrolled_on"),
        ("transition_status", "status"),
        ("transition_status_date", "status_date"),
        ("switched_first_year", "switched"),
        ("dropped_out_first_year", "dropped_out"),
        ("choice_matched", "choice_matched"),
        ("level_vs_expected", "level_vs_expected"),
    ];
    let set: Vec<String> = pairs
        .iter()
        .map(|(to, from)| format!("{to} = t.{from}"))
        .collect();
    let differs: Vec<String> = pairs
        .iter()
        .map(|(to, from)| format!("student.{to} IS DISTINCT FROM t.{from}"))
        .collect();
    let update = format!(
        "UPDATE student SET {} FROM import_transition t WHERE student.id = t.student_id AND ({})",
        set.join(", "),
        differs.join(" OR ")
    );
    let changed = execute(txn, &update, vec![]).await?;
    execute(txn, "DROP TABLE import_transition", vec![]).await?;
    Ok(changed)
}

/// Drops the staging table before commit.
pub async fn drop_stage(txn: &DatabaseTransaction, kind: ImportKind) -> Result<(), DbErr> {
    execute(txn, &format!("DROP TABLE {}", stage_table(kind)), vec![]).await?;
    Ok(())
}
