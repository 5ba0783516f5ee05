//! Before the step (DESIGN.md section 4b): pupils of years 3 and 4, their applications to mbo
//! with every status they had, the signals that a pupil may be lost with their notes, and the
//! per-pupil summary that `pipelineStats` adds up.
//!
//! A roster pupil is a `student` row with `status = 'IN_SCHOOL'`; the leaver columns that
//! existed before (`exam_date` is NOT NULL, and SQLite cannot relax a column in place) hold
//! placeholders for them that no reader shows: the API answers null until a leaver row
//! arrives. Rows from before this migration are leavers in year 4.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Student {
    Table,
    Year,
    Status,
}

#[derive(DeriveIden)]
enum Application {
    Table,
    Id,
    Pseudonym,
    SchoolId,
    Crebo,
    Level,
    AppliedOn,
    Status,
    StatusDate,
    ImportRun,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApplicationStatus {
    Table,
    Id,
    ApplicationId,
    Status,
    StatusDate,
    At,
    Source,
    Subject,
}

#[derive(DeriveIden)]
enum Signal {
    Table,
    Id,
    Pseudonym,
    StudentId,
    Kind,
    Status,
    RaisedOn,
    ResolvedOn,
    AssigneeId,
    Dormant,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SignalNote {
    Table,
    Id,
    SignalId,
    At,
    Author,
    Text,
}

#[derive(DeriveIden)]
enum PipelinePupil {
    Table,
    StudentId,
    RegionId,
    Cohort,
    SchoolId,
    Leerweg,
    LeerlabId,
    Year,
    Applied,
    AppliedBeforeApril,
    Offered,
    NotAdmitted,
    Withdrawn,
    Enrolled,
    OpenSignal,
}

#[derive(DeriveIden)]
enum PipelineApplication {
    Table,
    StudentId,
    MboSchoolId,
    AppliedBeforeApril,
    Offered,
    NotAdmitted,
    Withdrawn,
    Enrolled,
}

#[derive(DeriveIden)]
enum School {
    Table,
}

#[derive(DeriveIden)]
enum Person {
    Table,
}

/// One application of a (pseudonymised) pupil to an mbo programme; its current status.
fn application() -> TableCreateStatement {
    Table::create()
        .table(Application::Table)
        .col(big_pk_auto(Application::Id))
        .col(string_len(Application::Pseudonym, 64))
        .col(big_integer(Application::SchoolId))
        .col(string_len(Application::Crebo, 5))
        .col(small_integer(Application::Level))
        .col(date(Application::AppliedOn))
        .col(string_len(Application::Status, 16))
        .col(date(Application::StatusDate))
        .col(big_integer(Application::ImportRun))
        .col(timestamp_with_time_zone(Application::UpdatedAt))
        .foreign_key(&mut foreign_key(
            Application::Table,
            Application::SchoolId,
            School::Table,
            false,
        ))
        .to_owned()
}

/// Every status an application has had, the first included (who, when, from where).
fn application_status() -> TableCreateStatement {
    Table::create()
        .table(ApplicationStatus::Table)
        .col(big_pk_auto(ApplicationStatus::Id))
        .col(big_integer(ApplicationStatus::ApplicationId))
        .col(string_len(ApplicationStatus::Status, 16))
        .col(date(ApplicationStatus::StatusDate))
        .col(timestamp_with_time_zone(ApplicationStatus::At))
        .col(string_len(ApplicationStatus::Source, 8))
        .col(string_null(ApplicationStatus::Subject))
        .foreign_key(&mut foreign_key(
            ApplicationStatus::Table,
            ApplicationStatus::ApplicationId,
            Application::Table,
            true,
        ))
        .to_owned()
}

/// A signal on a person (`pseudonym`); `student_id` is the person's latest record, kept by the
/// evaluation. `dormant`: resolved by hand while its condition still holds, which keeps the
/// rules from raising it again until the condition has ended once.
fn signal() -> TableCreateStatement {
    Table::create()
        .table(Signal::Table)
        .col(big_pk_auto(Signal::Id))
        .col(string_len(Signal::Pseudonym, 64))
        .col(big_integer(Signal::StudentId))
        .col(string_len(Signal::Kind, 16))
        .col(string_len(Signal::Status, 16))
        .col(date(Signal::RaisedOn))
        .col(date_null(Signal::ResolvedOn))
        .col(big_integer_null(Signal::AssigneeId))
        .col(boolean(Signal::Dormant).default(false))
        .col(timestamp_with_time_zone(Signal::UpdatedAt))
        .foreign_key(&mut foreign_key(
            Signal::Table,
            Signal::StudentId,
            Alias::new("student"),
            true,
        ))
        .foreign_key(&mut foreign_key(
            Signal::Table,
            Signal::AssigneeId,
            Person::Table,
            false,
        ))
        .to_owned()
}

fn signal_note() -> TableCreateStatement {
    Table::create()
        .table(SignalNote::Table)
        .col(big_pk_auto(SignalNote::Id))
        .col(big_integer(SignalNote::SignalId))
        .col(timestamp_with_time_zone(SignalNote::At))
        .col(string(SignalNote::Author))
        .col(text(SignalNote::Text))
        .foreign_key(&mut foreign_key(
            SignalNote::Table,
            SignalNote::SignalId,
            Signal::Table,
            true,
        ))
        .to_owned()
}

/// One row per roster record (years 3 and 4) with the 0/1 figures it adds to `pipelineStats`.
fn pipeline_pupil() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(PipelinePupil::Table)
        .col(big_integer(PipelinePupil::StudentId).primary_key())
        .col(big_integer(PipelinePupil::RegionId))
        .col(integer(PipelinePupil::Cohort))
        .col(big_integer(PipelinePupil::SchoolId))
        .col(string_len(PipelinePupil::Leerweg, 2))
        .col(big_integer_null(PipelinePupil::LeerlabId))
        .col(small_integer(PipelinePupil::Year));
    for measure in [
        PipelinePupil::Applied,
        PipelinePupil::AppliedBeforeApril,
        PipelinePupil::Offered,
        PipelinePupil::NotAdmitted,
        PipelinePupil::Withdrawn,
        PipelinePupil::Enrolled,
        PipelinePupil::OpenSignal,
    ] {
        table.col(small_integer(measure));
    }
    table
        .foreign_key(&mut foreign_key(
            PipelinePupil::Table,
            PipelinePupil::StudentId,
            Alias::new("student"),
            true,
        ))
        .to_owned()
}

/// One row per (roster record, mbo school applied to in that school year), for `MBO_SCHOOL`.
fn pipeline_application() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(PipelineApplication::Table)
        .col(big_integer(PipelineApplication::StudentId))
        .col(big_integer(PipelineApplication::MboSchoolId));
    for measure in [
        PipelineApplication::AppliedBeforeApril,
        PipelineApplication::Offered,
        PipelineApplication::NotAdmitted,
        PipelineApplication::Withdrawn,
        PipelineApplication::Enrolled,
    ] {
        table.col(small_integer(measure));
    }
    table
        .primary_key(
            Index::create()
                .col(PipelineApplication::StudentId)
                .col(PipelineApplication::MboSchoolId),
        )
        .foreign_key(&mut foreign_key(
            PipelineApplication::Table,
            PipelineApplication::StudentId,
            Alias::new("student"),
            true,
        ))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for mut column in [
            small_integer(Student::Year).default(4).to_owned(),
            string_len(Student::Status, 9).default("LEFT").to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Student::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            application(),
            application_status(),
            signal(),
            signal_note(),
            pipeline_pupil(),
            pipeline_application(),
        ] {
            manager.create_table(table).await?;
        }
        create_indexes(
            manager,
            vec![
                index(
                    "application",
                    &["pseudonym", "school_id", "crebo", "applied_on"],
                    true,
                ),
                index("application", &["school_id"], false),
                index("application", &["import_run"], false),
                index("application_status", &["application_id"], false),
                index("signal", &["pseudonym", "kind"], false),
                index("signal", &["student_id"], false),
                index("signal_note", &["signal_id"], false),
                index("pipeline_pupil", &["region_id", "cohort"], false),
                index("pipeline_pupil", &["cohort"], false),
                index("pipeline_application", &["mbo_school_id"], false),
                index("student", &["pseudonym", "status"], false),
            ],
        )
        .await?;
        // At most one unresolved signal per (person, kind): a partial unique index, which
        // SQLite and PostgreSQL both accept in this form.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_signal_unresolved ON signal (pseudonym, kind) \
                 WHERE status <> 'RESOLVED'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "pipeline_application",
                "pipeline_pupil",
                "signal_note",
                "signal",
                "application_status",
                "application",
            ],
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_student_pseudonym_status")
                    .table(Student::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Student::Year, Student::Status] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Student::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
