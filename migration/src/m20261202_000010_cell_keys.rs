//! Cell keys for disclosure control (DESIGN.md section 4): every pupil record carries its record
//! key in stored (masked) form, and both summary tables carry, per measure, the sum of the stored
//! keys of the pupils it counts. A sum of keys adds up like a count, so a protected answer reads
//! the same rows as an exact one.
//!
//! `record_key` is -1 until the service, which holds the link secret, fills it in
//! (`leerroute rebuild`); imports write it with every record.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The stored measures of both summary tables (m20261128_000004); each gets a `<measure>_keys`.
const MEASURES: [&str; 9] = [
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

const CUBES: [&str; 2] = ["stats_vo_cube", "stats_mbo_cube"];

async fn add(manager: &SchemaManager<'_>, table: &str, mut column: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

async fn drop(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .drop_column(Alias::new(column))
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        add(
            manager,
            "student",
            small_integer(Alias::new("record_key"))
                .default(-1)
                .to_owned(),
        )
        .await?;
        for cube in CUBES {
            for measure in MEASURES {
                let column = big_integer(Alias::new(format!("{measure}_keys")))
                    .default(0)
                    .to_owned();
                add(manager, cube, column).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for cube in CUBES {
            for measure in MEASURES {
                drop(manager, cube, &format!("{measure}_keys")).await?;
            }
        }
        drop(manager, "student", "record_key").await
    }
}
