//! A pupil's step from vmbo to mbo, and how its level compares with the expected one.

use async_graphql::{Context, Enum, Object};
use entity::{student, transition};

use super::{School, Student};
use crate::{
    domain::EnrolmentStatus,
    error::{AppError, AppResult},
    graphql::{context::loader, loaders::SchoolById, scalars::Date},
};

/// How the mbo level a pupil started at compares with the inspectorate's "passend niveau"
/// (BB → 2, KB → 3, GL/TL → 4).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum LevelComparison {
    /// Started below the expected level.
    Below,
    /// Started at the expected level.
    At,
    /// Started above the expected level.
    Above,
}

/// A pupil's step from vmbo to mbo: their first enrolment in the school year after leaving.
pub struct Transition {
    pub student: student::Model,
    pub transition: transition::Model,
}

/// A pupil's step from vmbo to mbo: their first enrolment in the school year after leaving.
#[Object]
impl Transition {
    /// The pupil.
    async fn student(&self) -> Student {
        Student(self.student.clone())
    }

    /// The mbo school the pupil enrolled at.
    async fn mbo_school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.transition.school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("transition without school"))
    }

    /// Crebo of the programme.
    async fn crebo(&self) -> &str {
        &self.transition.crebo
    }

    /// mbo level of the programme.
    async fn level(&self) -> i32 {
        i32::from(self.transition.level)
    }

    /// Date of enrolment.
    async fn enrolled_on(&self) -> Date {
        Date(self.transition.enrolled_on)
    }

    /// What became of the enrolment.
    async fn status(&self) -> EnrolmentStatus {
        self.transition.status
    }

    /// When the status last changed (null while enrolled).
    async fn status_date(&self) -> Option<Date> {
        self.transition.status_date.map(Date)
    }

    /// Switched within 365 days of enrolling.
    async fn switched_in_first_year(&self) -> bool {
        self.transition.switched_first_year
    }

    /// Dropped out within 365 days of enrolling.
    async fn dropped_out_in_first_year(&self) -> bool {
        self.transition.dropped_out_first_year
    }

    /// The pupil started the programme they had chosen (crebo equals the choice).
    async fn choice_matched(&self) -> bool {
        self.transition.choice_matched
    }

    /// The level compared with the expected level of the pupil's leerweg.
    async fn level_compared_to_expected(&self) -> LevelComparison {
        match self.transition.level_vs_expected {
            ..0 => LevelComparison::Below,
            0 => LevelComparison::At,
            _ => LevelComparison::Above,
        }
    }
}
