//! Imports that stay in proportion to their file at national scale:
//! - `signal_meta.evaluated_on`: the day for which every person's signals were last evaluated.
//!   The rules depend only on a person's own records and the date, so once everyone was
//!   evaluated for today, an import re-evaluates only the persons it wrote.
//! - `import_run` indexes on `student` and `enrolment` (`application` has one since 000013):
//!   the work after an import's write finds the run's rows through them instead of reading
//!   every record.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("signal_meta"))
                    .col(integer(Alias::new("id")).primary_key())
                    .col(date_null(Alias::new("evaluated_on")))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("INSERT INTO signal_meta (id, evaluated_on) VALUES (1, NULL)")
            .await?;
        create_indexes(
            manager,
            vec![
                index("student", &["import_run"], false),
                index("enrolment", &["import_run"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            ("enrolment", "ix_enrolment_import_run"),
            ("student", "ix_student_import_run"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        drop_tables(manager, &["signal_meta"]).await
    }
}
