//! An index `student(cohort, region_id)`: an import refreshes the summary tables only for the
//! (cohort, region) pairs of the leavers it touched, and reads just those leavers' facts.

use sea_orm_migration::prelude::*;

use crate::util::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(
            manager,
            vec![index("student", &["cohort", "region_id"], false)],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_student_cohort_region_id")
                    .table(Alias::new("student"))
                    .to_owned(),
            )
            .await
    }
}
