//! A member of staff; the e-mail address only for callers with a token.

use async_graphql::{Context, ID, Object};
use entity::person;

use super::School;
use crate::{
    auth::Role,
    domain::PersonFunction,
    error::AppResult,
    graphql::{
        context::{loader, viewer},
        loaders::SchoolById,
    },
    ids,
};

/// A member of staff: teacher, LOB staff, project lead, coach or coordinator.
pub struct Person(pub person::Model);

/// A member of staff: teacher, LOB staff, project lead, coach or coordinator.
#[Object]
impl Person {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Person", self.0.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "Person", self.0.id).await
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Work e-mail address; null for callers without a token.
    async fn email(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        let anonymous = viewer(ctx)?.role() == Role::Anonymous;
        Ok(if anonymous {
            None
        } else {
            self.0.email.as_deref()
        })
    }

    /// What the person does.
    async fn function(&self) -> PersonFunction {
        self.0.function
    }

    /// The school the person works for, if any.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<Option<School>> {
        let Some(id) = self.0.school_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(SchoolById(id)).await?.map(School))
    }
}
