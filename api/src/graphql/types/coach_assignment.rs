//! A supercoach's assignment to a pupil.

use async_graphql::{Context, Object};
use entity::coach_assignment;

use super::Person;
use crate::{
    error::{AppError, AppResult},
    graphql::{context::loader, loaders::PersonById, scalars::Date},
};

/// A supercoach's assignment to a pupil.
pub struct CoachAssignment(pub coach_assignment::Model);

/// A supercoach's assignment to a pupil.
#[Object]
impl CoachAssignment {
    /// The coach.
    async fn coach(&self, ctx: &Context<'_>) -> AppResult<Person> {
        loader(ctx)?
            .load_one(PersonById(self.0.person_id))
            .await?
            .map(Person)
            .ok_or_else(|| AppError::internal("assignment without person"))
    }

    /// First day as the pupil's coach.
    async fn from(&self) -> Date {
        Date(self.0.starts_on)
    }

    /// Last day, null for the current coach.
    async fn until(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }
}
