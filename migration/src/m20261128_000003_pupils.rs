//! Pupils and transitions: pseudonymised vmbo leavers, mbo enrolments, the transition of each
//! leaver (kept by the import in a narrow table of its own, so that a new enrolment file rewrites
//! small rows), the import runs, supercoach assignments and self-evaluations.
//!
//! No column holds a PGN: `pseudonym` is HMAC-SHA256 of it under `LEERROUTE_LINK_SECRET`.
//! `import_run` marks the rows an import inserted or changed, so that the work after the upsert
//! (transitions, summary tables) touches only those.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Student {
    Table,
    Id,
    Pseudonym,
    RegionId,
    SchoolId,
    Leerweg,
    Profile,
    SchoolYear,
    Cohort,
    ExamDate,
    ChoiceCrebo,
    ChoiceDate,
    ChoseBeforeExam,
    LeerlabId,
    WindowStart,
    WindowEnd,
    ImportRun,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Enrolment {
    Table,
    Id,
    Pseudonym,
    SchoolId,
    Crebo,
    Level,
    EnrolledOn,
    Status,
    StatusDate,
    StatusDays,
    ImportRun,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Transition {
    Table,
    StudentId,
    EnrolmentId,
    SchoolId,
    Crebo,
    Level,
    EnrolledOn,
    Status,
    StatusDate,
    SwitchedFirstYear,
    DroppedOutFirstYear,
    ChoiceMatched,
    LevelVsExpected,
}

#[derive(DeriveIden)]
enum ImportRun {
    Table,
    Id,
    Kind,
    Subject,
    StartedAt,
    Rows,
    Created,
    Updated,
    TransitionsChanged,
}

#[derive(DeriveIden)]
enum CoachAssignment {
    Table,
    Id,
    StudentId,
    PersonId,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum SelfEvaluation {
    Table,
    Id,
    StudentId,
    SubmittedAt,
    Wellbeing,
    StudySkills,
    LifeSkills,
    ChoiceCertainty,
    Needs,
    Comment,
    FollowUp,
    FollowUpBy,
    FollowUpAt,
}

#[derive(DeriveIden)]
enum SelfEvaluationNeed {
    Table,
    Id,
    EvaluationId,
    StudentId,
    Need,
}

#[derive(DeriveIden)]
enum School {
    Table,
}

#[derive(DeriveIden)]
enum Person {
    Table,
}

fn enrolment() -> TableCreateStatement {
    Table::create()
        .table(Enrolment::Table)
        .col(big_pk_auto(Enrolment::Id))
        .col(string_len(Enrolment::Pseudonym, 64))
        .col(big_integer(Enrolment::SchoolId))
        .col(string_len(Enrolment::Crebo, 5))
        .col(small_integer(Enrolment::Level))
        .col(date(Enrolment::EnrolledOn))
        .col(string_len(Enrolment::Status, 16))
        .col(date_null(Enrolment::StatusDate))
        .col(integer_null(Enrolment::StatusDays))
        .col(big_integer(Enrolment::ImportRun))
        .col(timestamp_with_time_zone(Enrolment::UpdatedAt))
        .foreign_key(&mut foreign_key(
            Enrolment::Table,
            Enrolment::SchoolId,
            School::Table,
            false,
        ))
        .to_owned()
}

/// `region_id` is derived from the school and `leerlab_id` is checked by the import (the only
/// writer of pupils), so neither has a foreign key that every bulk insert would pay for again.
fn student() -> TableCreateStatement {
    Table::create()
        .table(Student::Table)
        .col(big_pk_auto(Student::Id))
        .col(string_len(Student::Pseudonym, 64))
        .col(big_integer(Student::RegionId))
        .col(big_integer(Student::SchoolId))
        .col(string_len(Student::Leerweg, 2))
        .col(string_len(Student::Profile, 8))
        .col(string_len(Student::SchoolYear, 9))
        .col(integer(Student::Cohort))
        .col(date(Student::ExamDate))
        .col(string_len_null(Student::ChoiceCrebo, 5))
        .col(date_null(Student::ChoiceDate))
        .col(boolean(Student::ChoseBeforeExam))
        .col(big_integer_null(Student::LeerlabId))
        .col(date(Student::WindowStart))
        .col(date(Student::WindowEnd))
        .col(big_integer(Student::ImportRun))
        .col(timestamp_with_time_zone(Student::UpdatedAt))
        .foreign_key(&mut foreign_key(
            Student::Table,
            Student::SchoolId,
            School::Table,
            false,
        ))
        .to_owned()
}

/// The earliest enrolment in the school year after leaving, with the flags statistics count.
fn transition() -> TableCreateStatement {
    Table::create()
        .table(Transition::Table)
        .col(big_integer(Transition::StudentId).primary_key())
        .col(big_integer(Transition::EnrolmentId))
        .col(big_integer(Transition::SchoolId))
        .col(string_len(Transition::Crebo, 5))
        .col(small_integer(Transition::Level))
        .col(date(Transition::EnrolledOn))
        .col(string_len(Transition::Status, 16))
        .col(date_null(Transition::StatusDate))
        .col(boolean(Transition::SwitchedFirstYear))
        .col(boolean(Transition::DroppedOutFirstYear))
        .col(boolean(Transition::ChoiceMatched))
        .col(small_integer(Transition::LevelVsExpected))
        .foreign_key(&mut foreign_key(
            Transition::Table,
            Transition::StudentId,
            Student::Table,
            true,
        ))
        .to_owned()
}

fn import_run() -> TableCreateStatement {
    Table::create()
        .table(ImportRun::Table)
        .col(big_pk_auto(ImportRun::Id))
        .col(string_len(ImportRun::Kind, 16))
        .col(string_null(ImportRun::Subject))
        .col(timestamp_with_time_zone(ImportRun::StartedAt))
        .col(big_integer(ImportRun::Rows).default(0))
        .col(big_integer(ImportRun::Created).default(0))
        .col(big_integer(ImportRun::Updated).default(0))
        .col(big_integer(ImportRun::TransitionsChanged).default(0))
        .to_owned()
}

fn coach_assignment() -> TableCreateStatement {
    Table::create()
        .table(CoachAssignment::Table)
        .col(big_pk_auto(CoachAssignment::Id))
        .col(big_integer(CoachAssignment::StudentId))
        .col(big_integer(CoachAssignment::PersonId))
        .col(date(CoachAssignment::StartsOn))
        .col(date_null(CoachAssignment::EndsOn))
        .foreign_key(&mut foreign_key(
            CoachAssignment::Table,
            CoachAssignment::StudentId,
            Student::Table,
            true,
        ))
        .foreign_key(&mut foreign_key(
            CoachAssignment::Table,
            CoachAssignment::PersonId,
            Person::Table,
            false,
        ))
        .to_owned()
}

fn self_evaluation() -> TableCreateStatement {
    Table::create()
        .table(SelfEvaluation::Table)
        .col(big_pk_auto(SelfEvaluation::Id))
        .col(big_integer(SelfEvaluation::StudentId))
        .col(timestamp_with_time_zone(SelfEvaluation::SubmittedAt))
        .col(small_integer(SelfEvaluation::Wellbeing))
        .col(small_integer(SelfEvaluation::StudySkills))
        .col(small_integer(SelfEvaluation::LifeSkills))
        .col(small_integer(SelfEvaluation::ChoiceCertainty))
        .col(string(SelfEvaluation::Needs).default(""))
        .col(text_null(SelfEvaluation::Comment))
        .col(text_null(SelfEvaluation::FollowUp))
        .col(big_integer_null(SelfEvaluation::FollowUpBy))
        .col(timestamp_with_time_zone_null(SelfEvaluation::FollowUpAt))
        .foreign_key(&mut foreign_key(
            SelfEvaluation::Table,
            SelfEvaluation::StudentId,
            Student::Table,
            true,
        ))
        .foreign_key(&mut foreign_key(
            SelfEvaluation::Table,
            SelfEvaluation::FollowUpBy,
            Person::Table,
            false,
        ))
        .to_owned()
}

fn self_evaluation_need() -> TableCreateStatement {
    Table::create()
        .table(SelfEvaluationNeed::Table)
        .col(big_pk_auto(SelfEvaluationNeed::Id))
        .col(big_integer(SelfEvaluationNeed::EvaluationId))
        .col(big_integer(SelfEvaluationNeed::StudentId))
        .col(string_len(SelfEvaluationNeed::Need, 16))
        .foreign_key(&mut foreign_key(
            SelfEvaluationNeed::Table,
            SelfEvaluationNeed::EvaluationId,
            SelfEvaluation::Table,
            true,
        ))
        .foreign_key(&mut foreign_key(
            SelfEvaluationNeed::Table,
            SelfEvaluationNeed::StudentId,
            Student::Table,
            true,
        ))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            enrolment(),
            student(),
            transition(),
            import_run(),
            coach_assignment(),
            self_evaluation(),
            self_evaluation_need(),
        ] {
            manager.create_table(table).await?;
        }
        create_indexes(
            manager,
            vec![
                index(
                    "enrolment",
                    &["pseudonym", "school_id", "crebo", "enrolled_on"],
                    true,
                ),
                index("enrolment", &["school_id"], false),
                index("student", &["pseudonym", "school_year"], true),
                index("student", &["school_id", "cohort"], false),
                index("transition", &["school_id"], false),
                index("coach_assignment", &["student_id", "starts_on"], false),
                index("coach_assignment", &["person_id"], false),
                index("self_evaluation", &["student_id"], false),
                index("self_evaluation_need", &["evaluation_id"], false),
                index("self_evaluation_need", &["student_id", "need"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "self_evaluation_need",
                "self_evaluation",
                "coach_assignment",
                "import_run",
                "transition",
                "student",
                "enrolment",
            ],
        )
        .await
    }
}
