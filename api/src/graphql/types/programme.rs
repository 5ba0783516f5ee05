//! A programme of a school: an mbo qualification or a vmbo leerweg with its profiel.

use async_graphql::{Context, ID, Object};
use entity::programme;

use super::School;
use crate::{
    domain::{Leerweg, Profile},
    error::{AppError, AppResult},
    graphql::{context::loader, loaders::SchoolById},
    ids,
};

/// A programme: an mbo qualification (crebo and level) or a vmbo leerweg with its profiel.
pub struct Programme(pub programme::Model);

/// A programme: an mbo qualification (crebo and level) or a vmbo leerweg with its profiel.
#[Object]
impl Programme {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Programme", self.0.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "Programme", self.0.id).await
    }

    /// The school that offers it.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.0.school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("programme without school"))
    }

    /// Name, such as `Sport en Bewegen`.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// mbo only: the 5-digit crebo code of the qualification.
    async fn crebo(&self) -> Option<&str> {
        self.0.crebo.as_deref()
    }

    /// mbo only: the level, 1 (Entree) to 4.
    async fn level(&self) -> Option<i32> {
        self.0.level.map(i32::from)
    }

    /// vmbo only: the leerweg.
    async fn leerweg(&self) -> Option<Leerweg> {
        self.0.leerweg
    }

    /// vmbo only: the profiel.
    async fn profile(&self) -> Option<Profile> {
        self.0.profile
    }
}
