//! Summary tables of transition statistics, maintained by the import (per affected cohort), so
//! that `transitionStats` adds up a few thousand pre-aggregated groups instead of every pupil.
//!
//! - `stats_vo_cube`: per vmbo-side group (region, cohort, vo school, leerweg, profiel, leerlab);
//!   answers every query that groups and filters on those only, the Verbinder's usual question.
//! - `stats_mbo_cube`: per mbo-side group (region, cohort, mbo school, crebo, level); answers the
//!   mbo schools' questions. Anything else reads the pupils themselves.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Counts kept per group; they are the measures of DESIGN.md section 4.
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

fn cube(name: &str, keys: Vec<ColumnDef>) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(Alias::new(name))
        .col(big_integer(Alias::new("region_id")))
        .col(integer(Alias::new("cohort")));
    for mut key in keys {
        table.col(&mut key);
    }
    for measure in MEASURES {
        table.col(big_integer(Alias::new(measure)));
    }
    table.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let vo_keys = vec![
            big_integer(Alias::new("school_id")),
            string_len(Alias::new("leerweg"), 2),
            string_len(Alias::new("profile"), 8),
            big_integer_null(Alias::new("leerlab_id")),
        ];
        let mbo_keys = vec![
            big_integer_null(Alias::new("transition_school_id")),
            string_len_null(Alias::new("transition_crebo"), 5),
            small_integer_null(Alias::new("transition_level")),
        ];
        manager.create_table(cube("stats_vo_cube", vo_keys)).await?;
        manager
            .create_table(cube("stats_mbo_cube", mbo_keys))
            .await?;
        create_indexes(
            manager,
            vec![
                index("stats_vo_cube", &["region_id", "cohort"], false),
                index("stats_vo_cube", &["cohort"], false),
                index("stats_mbo_cube", &["region_id", "cohort"], false),
                index("stats_mbo_cube", &["cohort"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["stats_mbo_cube", "stats_vo_cube"]).await
    }
}
