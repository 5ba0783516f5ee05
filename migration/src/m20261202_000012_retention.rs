//! Retention (DESIGN.md 4b): pupil records are deleted after their term, but the statistics of
//! their cohorts keep their aggregates. Before a purge deletes pupils, it adds what they counted
//! to these tables, and every path that computes statistics from pupil rows (the summary tables'
//! refresh at import and `leerroute rebuild`, `transitionStats` groupings no summary table has,
//! `needsStats`) adds these rows to the live ones. No row here identifies a pupil: each is a
//! group's counts and the sums of the counted pupils' record keys (for the cell keys).
//!
//! - `stats_purged_facts`: transition statistics, per group of every dimension of the facts.
//! - `stats_purged_needs`: needs statistics, per (region, cohort, school, leerlab) and need;
//!   `need` is null for the row that counts the pupils who evaluated at all.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The stored measures of the summary tables (m20261128_000004, m20261202_000010).
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

fn facts() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(Alias::new("stats_purged_facts"))
        .col(big_integer(Alias::new("region_id")))
        .col(integer(Alias::new("cohort")))
        .col(big_integer(Alias::new("school_id")))
        .col(string_len(Alias::new("leerweg"), 2))
        .col(string_len(Alias::new("profile"), 8))
        .col(big_integer_null(Alias::new("leerlab_id")))
        .col(big_integer_null(Alias::new("transition_school_id")))
        .col(string_len_null(Alias::new("transition_crebo"), 5))
        .col(small_integer_null(Alias::new("transition_level")));
    for measure in MEASURES {
        table.col(big_integer(Alias::new(measure)));
    }
    for measure in MEASURES {
        table.col(big_integer(Alias::new(format!("{measure}_keys"))));
    }
    table.to_owned()
}

fn needs() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("stats_purged_needs"))
        .col(big_integer(Alias::new("region_id")))
        .col(integer(Alias::new("cohort")))
        .col(big_integer(Alias::new("school_id")))
        .col(big_integer_null(Alias::new("leerlab_id")))
        .col(string_len_null(Alias::new("need"), 32))
        .col(big_integer(Alias::new("pupils")))
        .col(big_integer(Alias::new("pupils_keys")))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(facts()).await?;
        manager.create_table(needs()).await?;
        create_indexes(
            manager,
            vec![
                index("stats_purged_facts", &["cohort"], false),
                index("stats_purged_needs", &["cohort"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["stats_purged_needs", "stats_purged_facts"]).await
    }
}
