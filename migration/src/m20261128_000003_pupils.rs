//! Pupils and transitions: pseudonymised vmbo leavers (with their transition kept up to date by
//! the import), mbo enrolments, supercoach assignments and self-evaluations.
//!
//! No column holds a PGN: `pseudonym` is HMAC-SHA256 of it under `LEERROUTE_LINK_SECRET`.

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
    EnrolmentId,
    TransitionSchoolId,
    TransitionCrebo,
    TransitionLevel,
    TransitionEnrolledOn,
    TransitionStatus,
    TransitionStatusDate,
    SwitchedFirstYear,
    DroppedOutFirstYear,
    ChoiceMatched,
    LevelVsExpected,
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
    UpdatedAt,
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
enum Region {
    Table,
}

#[derive(DeriveIden)]
enum School {
    Table,
}

#[derive(DeriveIden)]
enum Leerlab {
    Table,
}

#[derive(DeriveIden)]
enum Person {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
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
                    .col(timestamp_with_time_zone(Enrolment::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        Enrolment::Table,
                        Enrolment::SchoolId,
                        School::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
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
                    .col(big_integer_null(Student::EnrolmentId))
                    .col(big_integer_null(Student::TransitionSchoolId))
                    .col(string_len_null(Student::TransitionCrebo, 5))
                    .col(small_integer_null(Student::TransitionLevel))
                    .col(date_null(Student::TransitionEnrolledOn))
                    .col(string_len_null(Student::TransitionStatus, 16))
                    .col(date_null(Student::TransitionStatusDate))
                    .col(boolean(Student::SwitchedFirstYear).default(false))
                    .col(boolean(Student::DroppedOutFirstYear).default(false))
                    .col(boolean(Student::ChoiceMatched).default(false))
                    .col(small_integer_null(Student::LevelVsExpected))
                    .col(timestamp_with_time_zone(Student::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        Student::Table,
                        Student::RegionId,
                        Region::Table,
                        false,
                    ))
                    .foreign_key(&mut foreign_key(
                        Student::Table,
                        Student::SchoolId,
                        School::Table,
                        false,
                    ))
                    .foreign_key(&mut foreign_key(
                        Student::Table,
                        Student::LeerlabId,
                        Leerlab::Table,
                        false,
                    ))
                    .foreign_key(&mut foreign_key(
                        Student::Table,
                        Student::TransitionSchoolId,
                        School::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
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
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
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
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
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
                    .to_owned(),
            )
            .await?;
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
                index("student", &["region_id", "cohort"], false),
                index("student", &["transition_school_id"], false),
                index("student", &["leerlab_id"], false),
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
                "student",
                "enrolment",
            ],
        )
        .await
    }
}
