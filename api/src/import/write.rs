//! From the staging table into place, for any [`Target`]: the checks that need the database
//! (duplicates within the file, records of another school) and the write itself, whose counts
//! come from the statements that wrote.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Value};

use super::{RowError, format::Target, stage};
use crate::db::{execute, placeholders, statement};

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
    execute(txn, "DROP TABLE IF EXISTS import_duplicate", vec![]).await?;
    execute(
        txn,
        "CREATE TEMPORARY TABLE import_duplicate (line BIGINT NOT NULL, first_line BIGINT NOT NULL)",
        vec![],
    )
    .await?;
    for chunk in candidates.chunks(stage::ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO import_duplicate (line, first_line) VALUES {}",
            vec!["(?, ?)"; chunk.len()].join(", ")
        );
        let values = chunk
            .iter()
            .flat_map(|&(line, first)| [Value::from(line as i64), Value::from(first as i64)])
            .collect();
        execute(txn, &sql, values).await?;
    }
    let joined = format!(
        "FROM import_duplicate c JOIN {stage} a ON a.line = c.line JOIN {stage} b ON b.line = c.first_line WHERE {}",
        same_identity(target, "a", "b"),
        stage = target.stage
    );
    let count = count(txn, &format!("SELECT COUNT(*) AS n {joined}"), vec![]).await?;
    let (column, what) = target.duplicate;
    let mut errors = Vec::new();
    if count > 0 {
        let sql = format!(
            "SELECT c.line AS line, c.first_line AS first_line {joined} ORDER BY c.line LIMIT {limit}"
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
    execute(txn, "DROP TABLE import_duplicate", vec![]).await?;
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
    let joined = format!(
        "FROM {stage} st JOIN {table} t ON {same} \
         JOIN school was ON was.id = t.{owner} JOIN school now ON now.id = st.{owner} \
         WHERE t.{owner} <> st.{owner} \
         AND (COALESCE(was.parent_id, was.id) <> COALESCE(now.parent_id, now.id){not_covered})",
        stage = target.stage,
        table = target.table,
        same = same_identity(target, "t", "st"),
    );
    let count = count(
        txn,
        &format!("SELECT COUNT(*) AS n {joined}"),
        values.clone(),
    )
    .await?;
    let mut errors = Vec::new();
    if count > 0 {
        let sql = format!("SELECT st.line AS line {joined} ORDER BY st.line LIMIT {limit}");
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
    let update = format!(
        "UPDATE {table} SET {set}, import_run = ?, updated_at = ? FROM {stage} st WHERE {same} AND ({changed})",
        table = target.table,
        stage = target.stage,
        set = set.join(", "),
        same = same_identity(target, target.table, "st"),
        changed = changed.join(" OR "),
    );
    let updated = execute(txn, &update, vec![run.into(), now.into()]).await?;
    let columns: Vec<&str> = target.columns.iter().map(|c| c.name).collect();
    let insert = format!(
        "INSERT INTO {table} ({columns}, import_run, updated_at) SELECT {staged}, ?, ? FROM {stage} st \
         WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})",
        table = target.table,
        stage = target.stage,
        columns = columns.join(", "),
        staged = columns
            .iter()
            .map(|c| format!("st.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        same = same_identity(target, "t", "st"),
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
