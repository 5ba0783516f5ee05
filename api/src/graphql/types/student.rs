//! A pupil record (pseudonymised): school, track, choice, transition, coach and evaluations.

use async_graphql::{Context, ID, Object};
use entity::student;

use super::{CoachAssignment, Leerlab, Person, School, SelfEvaluation, Transition};
use crate::{
    domain::{Leerweg, Profile},
    error::{AppError, AppResult},
    graphql::{
        context::{audit, loader, viewer},
        loaders::{
            CoachAssignmentsOfStudent, EvaluationsOfStudent, LeerlabById, PersonById, SchoolById,
            TransitionOfStudent,
        },
        scalars::Date,
    },
    ids,
    service::pupils::student_target,
};

/// A pupil who left a vmbo school in a school year (pseudonymised: no name, no PGN).
pub struct Student(pub student::Model);

/// A pupil who left a vmbo school in a school year (pseudonymised: no name, no PGN).
#[Object]
impl Student {
    /// Opaque global id (Relay). A student's token carries it as `sub`.
    pub async fn id(&self) -> ID {
        ids::encode("Student", self.0.id)
    }

    /// The vmbo school the pupil left (for mbo staff: the pupil's vmbo background).
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

    /// The school year in which the pupil left vmbo, such as `2024-2025` (their cohort).
    async fn school_year(&self) -> &str {
        &self.0.school_year
    }

    /// Date of the pupil's final exam.
    async fn exam_date(&self) -> Date {
        Date(self.0.exam_date)
    }

    /// The crebo of the mbo programme the pupil chose, if known.
    async fn choice_crebo(&self) -> Option<&str> {
        self.0.choice_crebo.as_deref()
    }

    /// When the pupil made that choice.
    async fn choice_date(&self) -> Option<Date> {
        self.0.choice_date.map(Date)
    }

    /// Whether the pupil chose before their exam (the leerlab's aim: choose early).
    async fn chose_before_exam(&self) -> bool {
        self.0.chose_before_exam
    }

    /// The leerlab the pupil took part in.
    async fn leerlab(&self, ctx: &Context<'_>) -> AppResult<Option<Leerlab>> {
        let Some(id) = self.0.leerlab_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(LeerlabById(id)).await?.map(Leerlab))
    }

    /// The pupil's step to mbo: the earliest enrolment in the school year after leaving; null if none.
    async fn transition(&self, ctx: &Context<'_>) -> AppResult<Option<Transition>> {
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
}
