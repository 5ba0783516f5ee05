//! Retention for `pipelineStats` (DESIGN.md 4b): like `stats_purged_facts` (m20261202_000012),
//! the pipeline of a purged school year keeps its aggregates. Before a purge deletes pupils it
//! adds what their pipeline summary rows count to this table, and `pipelineStats` adds its rows
//! to the live ones. No row identifies a pupil: each is a group's counts and the sums of the
//! counted pupils' record keys (for the cell keys).
//!
//! `mbo_scope` says which live query a row stands in for:
//! - 0: the pupils themselves (`mbo_school_id` null);
//! - 1: per mbo school applied to (`MBO_SCHOOL`, or an `mboSchoolBrin` without colleges); a
//!   null `mbo_school_id` counts the pupils without an application;
//! - 2: per mbo school with colleges, each pupil once over the school and its colleges (an
//!   `mboSchoolBrin` that names such a school).

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The figures of `pipelineStats`, in the order of its measures.
const MEASURES: [&str; 8] = [
    "pupils",
    "applied",
    "applied_before_april",
    "offered",
    "not_admitted",
    "withdrawn",
    "enrolled",
    "open_signals",
];

fn purged_pipeline() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(Alias::new("stats_purged_pipeline"))
        .col(big_integer(Alias::new("region_id")))
        .col(integer(Alias::new("cohort")))
        .col(big_integer(Alias::new("school_id")))
        .col(string_len(Alias::new("leerweg"), 2))
        .col(big_integer_null(Alias::new("leerlab_id")))
        .col(small_integer(Alias::new("year")))
        .col(small_integer(Alias::new("mbo_scope")))
        .col(big_integer_null(Alias::new("mbo_school_id")));
    for measure in MEASURES {
        table.col(big_integer(Alias::new(measure)));
    }
    for measure in MEASURES {
        table.col(big_integer(Alias::new(format!("{measure}_keys"))));
    }
    table.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(purged_pipeline()).await?;
        create_indexes(
            manager,
            vec![index(
                "stats_purged_pipeline",
                &["cohort", "mbo_scope"],
                false,
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["stats_purged_pipeline"]).await
    }
}
