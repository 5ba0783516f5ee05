//! A school's part in a leerlab.

use async_graphql::{Context, Object};
use entity::leerlab_partner;

use super::School;
use crate::{
    domain::PartnerRole,
    error::{AppError, AppResult},
    graphql::{context::loader, loaders::SchoolById, scalars::Date},
};

/// A school's part in a leerlab.
pub struct LeerlabPartner(pub leerlab_partner::Model);

/// A school's part in a leerlab.
#[Object]
impl LeerlabPartner {
    /// The partner school.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.0.school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("partner without school"))
    }

    /// VO or MBO, following the school's sector.
    async fn role(&self) -> PartnerRole {
        self.0.role
    }

    /// When this school registered the leerroute with DUO; null if it has not.
    async fn registered_with_duo_on(&self) -> Option<Date> {
        self.0.registered_with_duo_on.map(Date)
    }
}
