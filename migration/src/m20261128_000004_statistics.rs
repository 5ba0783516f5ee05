//! Summary tables of transition statistics, maintained by the import (per affected cohort), so
//! that `transitionStats` adds up a few thousand pre-aggregated rows instead of every pupil.
//!
//! - `stats_vo_cube`: per vo-side group (region, cohort, vo school, leerweg, profiel, leerlab);
//!   answers every query that groups and filters on vo-side dimensions only.
//! - `stats_full_cube`: the same plus the mbo side (mbo school, crebo, level); answers the rest.

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

fn cube(name: &str, with_mbo_side: bool) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(Alias::new(name))
        .col(big_integer(Alias::new("region_id")))
        .col(integer(Alias::new("cohort")))
        .col(big_integer(Alias::new("school_id")))
        .col(string_len(Alias::new("leerweg"), 2))
        .col(string_len(Alias::new("profile"), 8))
        .col(big_integer_null(Alias::new("leerlab_id")));
    if with_mbo_side {
        table
            .col(big_integer_null(Alias::new("transition_school_id")))
            .col(string_len_null(Alias::new("transition_crebo"), 5))
            .col(small_integer_null(Alias::new("transition_level")));
    }
    for measure in MEASURES {
        table.col(big_integer(Alias::new(measure)));
    }
    table.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(cube("stats_vo_cube", false)).await?;
        manager.create_table(cube("stats_full_cube", true)).await?;
        create_indexes(
            manager,
            vec![
                index("stats_vo_cube", &["region_id", "cohort"], false),
                index("stats_vo_cube", &["cohort"], false),
                index("stats_full_cube", &["region_id", "cohort"], false),
                index("stats_full_cube", &["cohort"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["stats_full_cube", "stats_vo_cube"]).await
    }
}
