//! From the staging table into place, for any [`Target`]: the checks that need the database
//! (duplicates within the file, records of another school) and the write itself, whose counts
//! come from the statements that wrote.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Value};

use super::{RowError, format::Target, stage};
use crate::db::{drop_table, drop_table_if_exists, execute, placeholders, sql_template, statement};

/// What the write did.
#[derive(Copy, Clone, Debug, Default)]
pub struct Written {
    pub created: u64,
    pub updated: u64,
}

/// Row errors of one check, the first `limit` of them listed.
pub struct Found {
    pub errors: Vec<RowError>,
    pub count: u64,
}

/// `a.x = b.x AND …` over the identity.
fn same_identity(target: &Target, a: &str, b: &str) -> String {
    target
        .identity
        .iter()
        .map(|c| format!("{a}.{c} = {b}.{c}"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// `st.x, …` over the identity, for `ORDER BY`.
fn staged_identity(target: &Target) -> String {
    target
        .identity
        .iter()
        .map(|c| format!("st.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Confirms the duplicates the reader suspected (`(line, first line)` pairs of equal identity
/// fingerprints) by comparing the staged identities.
pub async fn duplicates(
    txn: &DatabaseTransaction,
    target: &Target,
    candidates: &[(u64, u64)],
    limit: usize,
) -> Result<Found, DbErr> {
    if candidates.is_empty() {
        return Ok(Found {
            errors: Vec::new(),
            count: 0,
        });
    }
    drop_table_if_exists(txn, "import_duplicate").await?;
    execute(txn, include_str!("sql/write_create_duplicates.sql"), vec![]).await?;
    for chunk in candidates.chunks(stage::ROWS_PER_INSERT) {
        let sql = sql_template(
            include_str!("sql/write_insert_duplicates.sql"),
            &[("rows", &vec!["(?, ?)"; chunk.len()].join(", "))],
        );
        let values = chunk
            .iter()
            .flat_map(|&(line, first)| [Value::from(line as i64), Value::from(first as i64)])
            .collect();
        execute(txn, &sql, values).await?;
    }
    let same = same_identity(target, "a", "b");
    let pieces = [("stage", target.stage), ("same", same.as_str())];
    let sql = sql_template(include_str!("sql/write_count_duplicates.sql"), &pieces);
    let count = count(txn, &sql, vec![]).await?;
    let (column, what) = target.duplicate;
    let mut errors = Vec::new();
    if count > 0 {
        let limit = limit.to_string();
        let sql = sql_template(
            include_str!("sql/write_list_duplicates.sql"),
            &[pieces[0], pieces[1], ("limit", &limit)],
        );
        for row in query(txn, &sql, vec![]).await? {
            let line: i64 = row.try_get("", "line")?;
            let first: i64 = row.try_get("", "first_line")?;
            errors.push(RowError::new(
                line as u64,
                column,
                format!("duplicate of line {first} ({what})"),
            ));
        }
    }
    drop_table(txn, "import_duplicate").await?;
    Ok(Found { errors, count })
}

/// Rows whose identity belongs to a record of another school (DESIGN.md section 4: an import
/// never moves a record to another school). A record may only move between the locations of one
/// institution, and for school staff only between schools their token covers (`allowed`).
pub async fn takeovers(
    txn: &DatabaseTransaction,
    target: &Target,
    allowed: Option<&[i64]>,
    limit: usize,
) -> Result<Found, DbErr> {
    let Some(owner) = target.owner else {
        return Ok(Found {
            errors: Vec::new(),
            count: 0,
        });
    };
    let mut values: Vec<Value> = Vec::new();
    let not_covered = match allowed {
        Some(ids) if !ids.is_empty() => {
            values.extend(ids.iter().map(|&id| Value::from(id)));
            format!(" OR t.{owner} NOT IN ({})", placeholders(ids.len()))
        }
        Some(_) => " OR TRUE".to_owned(),
        None => String::new(),
    };
    let same = same_identity(target, "t", "st");
    let pieces = [
        ("stage", target.stage),
        ("table", target.table),
        ("same", same.as_str()),
        ("owner", owner),
        ("not_covered", not_covered.as_str()),
    ];
    let sql = sql_template(include_str!("sql/write_count_takeovers.sql"), &pieces);
    let count = count(txn, &sql, values.clone()).await?;
    let mut errors = Vec::new();
    if count > 0 {
        let limit = limit.to_string();
        let mut pieces = pieces.to_vec();
        pieces.push(("limit", &limit));
        let sql = sql_template(include_str!("sql/write_list_takeovers.sql"), &pieces);
        for row in query(txn, &sql, values).await? {
            let line: i64 = row.try_get("", "line")?;
            errors.push(RowError::new(
                line as u64,
                "pgn",
                "this pupil has a record for this school year at another school, and an import \
                 never moves a record to another school (check the PGN)"
                    .to_owned(),
            ));
        }
    }
    Ok(Found { errors, count })
}

/// Writes the staged rows: changed records are updated, new identities inserted, identical
/// records left alone (so importing a file twice changes nothing). Written rows carry `run`.
/// The counts are the rows each statement wrote; imports are serialised, so nothing else writes
/// these tables in between.
pub async fn upsert(
    txn: &DatabaseTransaction,
    target: &Target,
    run: i64,
) -> Result<Written, DbErr> {
    let now = Utc::now();
    let set: Vec<String> = target
        .updated_columns()
        .map(|c| format!("{c} = st.{c}"))
        .collect();
    let changed: Vec<String> = target
        .compared
        .iter()
        .map(|c| format!("{table}.{c} IS DISTINCT FROM st.{c}", table = target.table))
        .collect();
    let update = sql_template(
        include_str!("sql/write_update_changed.sql"),
        &[
            ("table", target.table),
            ("stage", target.stage),
            ("set", &set.join(", ")),
            ("same", &same_identity(target, target.table, "st")),
            ("changed", &changed.join(" OR ")),
        ],
    );
    let updated = execute(txn, &update, vec![run.into(), now.into()]).await?;
    let columns: Vec<&str> = target.columns.iter().map(|c| c.name).collect();
    let staged = columns
        .iter()
        .map(|c| format!("st.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = sql_template(
        include_str!("sql/write_insert_new.sql"),
        &[
            ("table", target.table),
            ("stage", target.stage),
            ("columns", &columns.join(", ")),
            ("staged", &staged),
            ("same", &same_identity(target, "t", "st")),
            ("identity", &staged_identity(target)),
        ],
    );
    let created = execute(txn, &insert, vec![run.into(), now.into()]).await?;
    Ok(Written { created, updated })
}

async fn query(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    db.query_all_raw(statement(db.get_database_backend(), sql, values))
        .await
}

async fn count(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<u64, DbErr> {
    let row = db
        .query_one_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    let n: i64 = row
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or_default();
    Ok(n as u64)
}
