//! Import runs that can be followed: a run is recorded when the file arrives (`queued`), and
//! says whether it is `running`, `done`, `refused` (with the listed row errors, which never
//! hold a cell's value) or `failed`; with the school whose staff uploaded it and every count.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ImportRun {
    Table,
    Status,
    Unchanged,
    ErrorCount,
    Errors,
    SchoolId,
    FinishedAt,
    Owner,
}

/// The new columns; runs recorded before this migration were all completed imports.
fn columns() -> Vec<ColumnDef> {
    vec![
        string_len(ImportRun::Status, 16).default("done").to_owned(),
        big_integer(ImportRun::Unchanged).default(0).to_owned(),
        big_integer(ImportRun::ErrorCount).default(0).to_owned(),
        text_null(ImportRun::Errors),
        big_integer_null(ImportRun::SchoolId),
        timestamp_with_time_zone_null(ImportRun::FinishedAt),
        string_len_null(ImportRun::Owner, 64),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for mut column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImportRun::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        create_indexes(
            manager,
            vec![
                index("import_run", &["status"], false),
                index("import_run", &["school_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_import_run_status", "ix_import_run_school_id"] {
            manager
                .drop_index(Index::drop().name(name).table(ImportRun::Table).to_owned())
                .await?;
        }
        for column in [
            ImportRun::Status,
            ImportRun::Unchanged,
            ImportRun::ErrorCount,
            ImportRun::Errors,
            ImportRun::SchoolId,
            ImportRun::FinishedAt,
            ImportRun::Owner,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImportRun::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
