//! The staging table of one import: a temporary table inside the import's transaction, filled
//! in batches while the file is read, so that the checks and the write are set-based SQL.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Value};

use super::{format::Target, transitions::analyze};
use crate::db::{drop_table, drop_table_if_exists, execute, sql_template};

/// Rows per multi-row INSERT (well under both databases' parameter limits).
pub const ROWS_PER_INSERT: usize = 500;

/// Creates the (empty) staging table of `target`.
pub async fn create(txn: &DatabaseTransaction, target: &Target) -> Result<(), DbErr> {
    create_named(txn, target, target.stage).await
}

/// Creates an empty table with the staging table's columns under `name`.
async fn create_named(txn: &DatabaseTransaction, target: &Target, name: &str) -> Result<(), DbErr> {
    let columns: Vec<String> = target
        .columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.sql_type))
        .collect();
    drop_table_if_exists(txn, name).await?;
    let sql = sql_template(
        include_str!("sql/stage_create.sql"),
        &[("stage", name), ("columns", &columns.join(", "))],
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

/// Readies the filled staging table for the checks and the write. On SQLite its rows are put in
/// identity order: the file's order is random against the records' unique index, and every
/// record an import then looked up or updated was a page the cache had just dropped (a re-import
/// of a million leavers: 6.7 s for its UPDATE in file order). PostgreSQL hashes the join
/// instead, and is told how big the table is.
pub async fn filled(txn: &DatabaseTransaction, target: &Target) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Sqlite {
        sort(txn, target).await?;
    }
    analyze(txn, target.stage).await
}

async fn sort(txn: &DatabaseTransaction, target: &Target) -> Result<(), DbErr> {
    let sorted = format!("{}_sorted", target.stage);
    create_named(txn, target, &sorted).await?;
    let identity = target.identity.join(", ");
    let pieces = [
        ("sorted", sorted.as_str()),
        ("stage", target.stage),
        ("identity", identity.as_str()),
    ];
    execute(
        txn,
        &sql_template(include_str!("sql/stage_sort_fill.sql"), &pieces),
        vec![],
    )
    .await?;
    drop_table(txn, target.stage).await?;
    let rename = sql_template(include_str!("sql/stage_sort_rename.sql"), &pieces[..2]);
    execute(txn, &rename, vec![]).await?;
    Ok(())
}

/// Drops the staging table before commit.
pub async fn drop(txn: &DatabaseTransaction, target: &Target) -> Result<(), DbErr> {
    drop_table(txn, target.stage).await
}
