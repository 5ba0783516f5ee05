//! The staging table of one import: a temporary table inside the import's transaction, filled
//! in batches while the file is read, so that the checks and the write are set-based SQL.

use sea_orm::{DatabaseTransaction, DbErr, Value};

use super::{format::Target, transitions::analyze};
use crate::db::{drop_table, drop_table_if_exists, execute, sql_template};

/// Rows per multi-row INSERT (well under both databases' parameter limits).
pub const ROWS_PER_INSERT: usize = 500;

/// Creates the (empty) staging table of `target`.
pub async fn create(txn: &DatabaseTransaction, target: &Target) -> Result<(), DbErr> {
    let columns: Vec<String> = target
        .columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.sql_type))
        .collect();
    drop_table_if_exists(txn, target.stage).await?;
    let sql = sql_template(
        include_str!("sql/stage_create.sql"),
        &[("stage", target.stage), ("columns", &columns.join(", "))],
    );
    execute(txn, &sql, vec![]).await?;
    Ok(())
}

/// Adds checked rows (`line` first, then the staged values) to the staging table.
pub async fn insert(
    txn: &DatabaseTransaction,
    target: &Target,
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    let columns: Vec<&str> = std::iter::once("line")
        .chain(target.columns.iter().map(|c| c.name))
        .collect();
    let tuple = format!("({})", vec!["?"; columns.len()].join(", "));
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = sql_template(
            include_str!("sql/stage_insert.sql"),
            &[
                ("stage", target.stage),
                ("columns", &columns.join(", ")),
                ("rows", &vec![tuple.as_str(); chunk.len()].join(", ")),
            ],
        );
        let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
        execute(txn, &sql, values).await?;
    }
    Ok(())
}

/// Tells PostgreSQL's planner how big the filled staging table is.
pub async fn filled(txn: &DatabaseTransaction, target: &Target) -> Result<(), DbErr> {
    analyze(txn, target.stage).await
}

/// Drops the staging table before commit.
pub async fn drop(txn: &DatabaseTransaction, target: &Target) -> Result<(), DbErr> {
    drop_table(txn, target.stage).await
}
