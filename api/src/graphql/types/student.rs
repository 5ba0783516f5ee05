//! A pupil record (pseudonymised): school, track, year and status, choice, transition, coach,
//! evaluations and activity enrolments. The leaver fields are null while the pupil is `IN_SCHOOL`.

use async_graphql::{Context, ID, Object};
use entity::student;

use super::{
    ActivityEnrolment, CoachAssignment, Leerlab, Person, School, SelfEvaluation, Transition,
};
use crate::{
    domain::{Leerweg, Profile, pipeline::StudentStatus},
    error::{AppError, AppResult},
    graphql::{
        context::{audit, loader, viewer},
        loaders::{
            CoachAssignmentsOfStudent, EnrolmentsOfStudent, EvaluationsOfStudent, LeerlabById,
            PersonById, SchoolById, TransitionOfStudent,
        },
        scalars::Date,
    },
    ids,
    service::{activity::EnrolmentRow, pupils::student_target},
};

/// A pupil's record at a vmbo school in one school year (pseudonymised: no name, no PGN).
pub struct Student(pub student::Model);

impl Student {
    /// Whether a leaver row exists: only then do the leaver fields mean anything.
    fn has_left(&self) -> bool {
        StudentStatus::from_db(&self.0.status) == StudentStatus::Left
    }
}

/// A pupil's record at a vmbo school in one school year, from year 3 until a year after leaving
/// (pseudonymised: no name, no PGN). The records of one PGN are one person. The leaver fields
/// (`examDate`, `choice*`, `transition`) are null while the pupil is `IN_SCHOOL`.
#[Object]
impl Student {
    /// Opaque global id (Relay). A student's token carries it as `sub`.
    pub async fn id(&self) -> ID {
        ids::encode("Student", self.0.id)
    }

    /// The pupil's vmbo school (for mbo staff: the pupil's vmbo background).
    async fn school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.0.school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("student without school"))
    }

    /// The vmbo track.
    async fn leerweg(&self) -> Leerweg {
        Leerweg::from_db(&self.0.leerweg)
    }

    /// The vmbo profiel.
    async fn profile(&self) -> Profile {
        Profile::from_db(&self.0.profile)
    }

    /// The school year of this record, such as `2024-2025`; for a leaver, the year they left
    /// (their cohort).
    async fn school_year(&self) -> &str {
        &self.0.school_year
    }

    /// The vmbo year of this record: 3 or 4 (a leaver without a roster row: 4).
    async fn year(&self) -> i32 {
        i32::from(self.0.year)
    }

    /// `IN_SCHOOL` until a leaver row exists for this school year, then `LEFT`.
    async fn status(&self) -> StudentStatus {
        StudentStatus::from_db(&self.0.status)
    }

    /// Date of the pupil's final exam; null while `IN_SCHOOL`.
    async fn exam_date(&self) -> Option<Date> {
        self.has_left().then_some(Date(self.0.exam_date))
    }

    /// The crebo of the mbo programme the pupil chose, if known; null while `IN_SCHOOL`.
    async fn choice_crebo(&self) -> Option<&str> {
        self.0.choice_crebo.as_deref().filter(|_| self.has_left())
    }

    /// When the pupil made that choice; null while `IN_SCHOOL`.
    async fn choice_date(&self) -> Option<Date> {
        self.0.choice_date.filter(|_| self.has_left()).map(Date)
    }

    /// Whether the pupil chose before their exam (the leerlab's aim: choose early); null while
    /// `IN_SCHOOL`.
    async fn chose_before_exam(&self) -> Option<bool> {
        self.has_left().then_some(self.0.chose_before_exam)
    }

    /// The leerlab the pupil took part in.
    async fn leerlab(&self, ctx: &Context<'_>) -> AppResult<Option<Leerlab>> {
        let Some(id) = self.0.leerlab_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(LeerlabById(id)).await?.map(Leerlab))
    }

    /// The pupil's step to mbo: the earliest enrolment in the school year after leaving; null if
    /// none, and while `IN_SCHOOL`.
    async fn transition(&self, ctx: &Context<'_>) -> AppResult<Option<Transition>> {
        if !self.has_left() {
            return Ok(None);
        }
        let Some(transition) = loader(ctx)?
            .load_one(TransitionOfStudent(self.0.id))
            .await?
        else {
            return Ok(None);
        };
        audit(ctx)?.read("transition.read", student_target(self.0.id));
        Ok(Some(Transition {
            student: self.0.clone(),
            transition,
        }))
    }

    /// The pupil's current supercoach.
    async fn coach(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        let today = viewer(ctx)?.today();
        let assignments = loader(ctx)?
            .load_one(CoachAssignmentsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        let current = assignments
            .iter()
            .find(|a| a.starts_on <= today && a.ends_on.is_none_or(|end| end >= today));
        let Some(current) = current else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(PersonById(current.person_id))
            .await?
            .map(Person))
    }

    /// Every supercoach the pupil has had, oldest first.
    async fn coach_history(&self, ctx: &Context<'_>) -> AppResult<Vec<CoachAssignment>> {
        let assignments = loader(ctx)?
            .load_one(CoachAssignmentsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(assignments.into_iter().map(CoachAssignment).collect())
    }

    /// The pupil's self-evaluations, oldest first.
    async fn evaluations(&self, ctx: &Context<'_>) -> AppResult<Vec<SelfEvaluation>> {
        let rows = loader(ctx)?
            .load_one(EvaluationsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        if !rows.is_empty() {
            audit(ctx)?.read("evaluation.read", student_target(self.0.id));
        }
        Ok(rows.into_iter().map(SelfEvaluation).collect())
    }

    /// The activities this record is enrolled in, oldest enrolment first. Audited.
    async fn activity_enrolments(&self, ctx: &Context<'_>) -> AppResult<Vec<ActivityEnrolment>> {
        let rows = loader(ctx)?
            .load_one(EnrolmentsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        if !rows.is_empty() {
            audit(ctx)?.read("activity.enrolment.read", student_target(self.0.id));
        }
        Ok(rows
            .into_iter()
            .map(|enrolment| {
                ActivityEnrolment(EnrolmentRow {
                    enrolment,
                    student_school_id: self.0.school_id,
                })
            })
            .collect())
    }
}
