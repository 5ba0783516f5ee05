//! The baselines: what the same database does with the same data and no application logic.
//!
//! - Import: the CSV rows as they are (text, no checks, no pseudonyms), multi-row INSERTs in one
//!   transaction into one table with a unique index on the record's identity.
//! - Statistics: one `GROUP BY` over a flat table with one row per leaver and 0/1 columns for
//!   every count (`bench_flat`, made from `student` after the import).

use std::{
    path::Path,
    time::{Duration, Instant},
};

use leerroute::db::{execute, statement};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait, Value};

/// Rows per multi-row INSERT, as in the service's staging (`STAGE_ROWS_PER_INSERT`).
const ROWS_PER_INSERT: usize = 500;

/// A baseline load table: columns and the unique identity.
pub struct LoadTable {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub identity: &'static [&'static str],
}

pub const VO_TABLE: LoadTable = LoadTable {
    name: "bench_vo_load",
    columns: &[
        "pgn",
        "school_brin",
        "leerweg",
        "profiel",
        "school_year",
        "exam_date",
        "choice_crebo",
        "choice_date",
        "leerlab_code",
    ],
    identity: &["pgn", "school_year"],
};

pub const MBO_TABLE: LoadTable = LoadTable {
    name: "bench_mbo_load",
    columns: &[
        "pgn",
        "school_brin",
        "crebo",
        "level",
        "enrolled_on",
        "status",
        "status_date",
    ],
    identity: &["pgn", "school_brin", "crebo", "enrolled_on"],
};

/// Loads `file` into a fresh `table`; returns the rows and the time from opening the file to
/// commit. The table is dropped again afterwards (outside the timing).
pub async fn bulk_load(
    db: &DatabaseConnection,
    table: &LoadTable,
    file: &Path,
) -> Result<(u64, Duration), String> {
    let columns = table
        .columns
        .iter()
        .map(|c| format!("{c} VARCHAR(16)"))
        .collect::<Vec<_>>()
        .join(", ");
    let name = table.name;
    let setup = [
        format!("DROP TABLE IF EXISTS {name}"),
        format!("CREATE TABLE {name} ({columns})"),
        format!(
            "CREATE UNIQUE INDEX {name}_identity ON {name} ({})",
            table.identity.join(", ")
        ),
    ];
    for sql in &setup {
        execute(db, sql, vec![]).await.map_err(|e| e.to_string())?;
    }
    let started = Instant::now();
    let rows = load_rows(db, table, file).await?;
    let elapsed = started.elapsed();
    execute(db, &format!("DROP TABLE {name}"), vec![])
        .await
        .map_err(|e| e.to_string())?;
    Ok((rows, elapsed))
}

async fn load_rows(db: &DatabaseConnection, table: &LoadTable, file: &Path) -> Result<u64, String> {
    let mut reader = csv::Reader::from_path(file).map_err(|e| e.to_string())?;
    let width = table.columns.len();
    let tuple = format!("({})", vec!["?"; width].join(", "));
    let insert = |rows: usize| {
        format!(
            "INSERT INTO {} ({}) VALUES {}",
            table.name,
            table.columns.join(", "),
            vec![tuple.as_str(); rows].join(", ")
        )
    };
    let full_insert = insert(ROWS_PER_INSERT);
    let txn = db.begin().await.map_err(|e| e.to_string())?;
    let mut values: Vec<Value> = Vec::with_capacity(ROWS_PER_INSERT * width);
    let mut rows = 0u64;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| e.to_string())? {
        values.extend(record.iter().map(|field| {
            let text = (!field.is_empty()).then(|| field.to_owned());
            Value::from(text)
        }));
        rows += 1;
        if values.len() == ROWS_PER_INSERT * width {
            execute(&txn, &full_insert, std::mem::take(&mut values))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    if !values.is_empty() {
        let sql = insert(values.len() / width);
        execute(&txn, &sql, values)
            .await
            .map_err(|e| e.to_string())?;
    }
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok(rows)
}

/// Counts of one (school, cohort) group, in the order of the service's stored counts:
/// leavers, enrolled, switched, dropped_out, chose_before_exam, choice_matched, below, at, above.
pub type Counts = [i64; 9];

/// Makes `bench_flat` from the imported pupils and their transitions: one row per leaver.
pub async fn create_flat_table(db: &DatabaseConnection) -> Result<(), String> {
    let flag =
        |condition: &str, name: &str| format!("CASE WHEN {condition} THEN 1 ELSE 0 END AS {name}");
    let columns = [
        flag("t.student_id IS NOT NULL", "enrolled"),
        flag("t.switched_first_year", "switched"),
        flag("t.dropped_out_first_year", "dropped_out"),
        flag("s.chose_before_exam", "chose_before_exam"),
        flag("t.choice_matched", "choice_matched"),
        flag("t.level_vs_expected < 0", "below_expected"),
        flag("t.level_vs_expected = 0", "at_expected"),
        flag("t.level_vs_expected > 0", "above_expected"),
    ];
    let statements = [
        "DROP TABLE IF EXISTS bench_flat".to_owned(),
        format!(
            "CREATE TABLE bench_flat AS SELECT s.school_id AS school_id, s.cohort AS cohort, {} \
             FROM student s LEFT JOIN transition t ON t.student_id = s.id",
            columns.join(", ")
        ),
        "ANALYZE bench_flat".to_owned(),
    ];
    for sql in &statements {
        execute(db, sql, vec![]).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub async fn drop_flat_table(db: &DatabaseConnection) -> Result<(), String> {
    execute(db, "DROP TABLE IF EXISTS bench_flat", vec![])
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The baseline statistics query: every count per (school, cohort), straight from the flat table.
pub async fn flat_stats(db: &DatabaseConnection) -> Result<Vec<((i64, i32), Counts)>, String> {
    const SQL: &str = "SELECT school_id, cohort, COUNT(*) AS leavers, SUM(enrolled) AS enrolled, \
        SUM(switched) AS switched, SUM(dropped_out) AS dropped_out, \
        SUM(chose_before_exam) AS chose_before_exam, SUM(choice_matched) AS choice_matched, \
        SUM(below_expected) AS below_expected, SUM(at_expected) AS at_expected, \
        SUM(above_expected) AS above_expected \
        FROM bench_flat GROUP BY school_id, cohort";
    const NAMES: [&str; 9] = [
        "leavers",
        "enrolled",
        "switched",
        "dropped_out",
        "chose_before_exam",
        "choice_matched",
        "below_expected",
        "at_expected",
        "above_expected",
    ];
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), SQL, vec![]))
        .await
        .map_err(|e| e.to_string())?;
    rows.iter()
        .map(|row| {
            let school: i64 = row.try_get("", "school_id")?;
            let cohort: i32 = row.try_get("", "cohort")?;
            let mut counts = [0i64; 9];
            for (slot, name) in counts.iter_mut().zip(NAMES) {
                *slot = row.try_get("", name)?;
            }
            Ok(((school, cohort), counts))
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(|e| e.to_string())
}
