//! A leerlab: the vo + mbo partnership with its partners, teams, targets and legal status.

use async_graphql::{Context, ID, Object};
use entity::leerlab;

use super::{LeerlabMember, LeerlabPartner, Programme, Region};
use crate::{
    domain::{LeerlabKind, LeerlabStatus, LegalInstrument},
    error::{AppError, AppResult},
    graphql::{
        context::loader,
        loaders::{
            MembersOfLeerlab, PartnersOfLeerlab, ProgrammeById, RegionById, TargetsOfLeerlab,
        },
        scalars::Date,
    },
    ids,
};

/// A vo + mbo partnership developing a continuous route, such as IJburg College with ROC van Amsterdam.
pub struct Leerlab(pub leerlab::Model);

/// A vo + mbo partnership developing a continuous route, such as IJburg College with ROC van Amsterdam.
#[Object]
impl Leerlab {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Leerlab", self.0.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "Leerlab", self.0.id).await
    }

    /// Short unique code; use it to address the leerlab from scripts and CSV files.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name of the leerlab.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Leerlijn, doorlopende or geïntegreerde leerroute.
    async fn kind(&self) -> LeerlabKind {
        self.0.kind
    }

    /// Planned, running or ended.
    async fn status(&self) -> LeerlabStatus {
        self.0.status
    }

    /// What the leerlab works on, such as LOB or a sector.
    async fn focus(&self) -> Option<&str> {
        self.0.focus.as_deref()
    }

    /// Which pupils take part, such as all third-year TL pupils.
    async fn target_group(&self) -> Option<&str> {
        self.0.target_group.as_deref()
    }

    /// When the leerlab starts (or started).
    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }

    /// The region the leerlab belongs to.
    async fn region(&self, ctx: &Context<'_>) -> AppResult<Region> {
        loader(ctx)?
            .load_one(RegionById(self.0.region_id))
            .await?
            .map(Region)
            .ok_or_else(|| AppError::internal("leerlab without region"))
    }

    /// The schools taking part, with their role and DUO registration.
    async fn partners(&self, ctx: &Context<'_>) -> AppResult<Vec<LeerlabPartner>> {
        let rows = loader(ctx)?
            .load_one(PartnersOfLeerlab(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(LeerlabPartner).collect())
    }

    /// The people on the leerlab's teams.
    async fn members(&self, ctx: &Context<'_>) -> AppResult<Vec<LeerlabMember>> {
        let rows = loader(ctx)?
            .load_one(MembersOfLeerlab(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(LeerlabMember).collect())
    }

    /// The mbo programmes the route leads to.
    async fn target_programmes(&self, ctx: &Context<'_>) -> AppResult<Vec<Programme>> {
        let loader = loader(ctx)?;
        let links = loader
            .load_one(TargetsOfLeerlab(self.0.id))
            .await?
            .unwrap_or_default();
        let programmes = loader
            .load_many(links.iter().map(|l| ProgrammeById(l.programme_id)))
            .await?;
        Ok(links
            .iter()
            .filter_map(|l| {
                programmes
                    .get(&ProgrammeById(l.programme_id))
                    .cloned()
                    .map(Programme)
            })
            .collect())
    }

    /// When both boards signed the cooperation agreement (the basis of every legal instrument).
    async fn agreement_signed_on(&self) -> Option<Date> {
        self.0.agreement_signed_on.map(Date)
    }

    /// The agreement's overstapoptie: how a pupil who stops still reaches a startkwalificatie.
    async fn transfer_option(&self) -> Option<&str> {
        self.0.transfer_option.as_deref()
    }

    /// The legal instruments of the Wet doorlopende leerroutes in use.
    async fn instruments(&self) -> Vec<LegalInstrument> {
        self.0.instruments.0.clone()
    }
}
