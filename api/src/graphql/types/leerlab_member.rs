//! A person on one of a leerlab's teams.

use async_graphql::{Context, Object};
use entity::leerlab_member;

use super::Person;
use crate::{
    domain::Team,
    error::{AppError, AppResult},
    graphql::{context::loader, loaders::PersonById},
};

/// A person on one of a leerlab's teams.
pub struct LeerlabMember(pub leerlab_member::Model);

/// A person on one of a leerlab's teams.
#[Object]
impl LeerlabMember {
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Person> {
        loader(ctx)?
            .load_one(PersonById(self.0.person_id))
            .await?
            .map(Person)
            .ok_or_else(|| AppError::internal("member without person"))
    }

    /// Project team, steering group or development group.
    async fn team(&self) -> Team {
        self.0.team
    }

    /// Their role on the team, such as chair.
    async fn role(&self) -> Option<&str> {
        self.0.role.as_deref()
    }
}
