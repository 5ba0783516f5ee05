//! The leerlab mutations and their payloads (coordinators of the region; a partner's staff
//! register their own leerroute with DUO).

use async_graphql::{Context, Object, SimpleObject};

use super::input::{
    AddLeerlabMemberInput, AddLeerlabPartnerInput, AddLeerlabTargetProgrammeInput,
    CreateLeerlabInput, RegisterLeerrouteInput, UpdateLeerlabInput,
};
use crate::{
    error::AppResult,
    graphql::{
        context::{db, viewer},
        types::{Leerlab, LeerlabMember, LeerlabPartner},
    },
    ids,
    service::leerlab as service,
};

/// Result of mutations that change a leerlab.
#[derive(SimpleObject)]
pub struct LeerlabPayload {
    /// The leerlab as it is now.
    pub leerlab: Leerlab,
}

/// Result of `addLeerlabPartner` and `registerLeerroute`.
#[derive(SimpleObject)]
pub struct LeerlabPartnerPayload {
    /// The leerlab.
    pub leerlab: Leerlab,
    /// The partner as it is now.
    pub partner: LeerlabPartner,
}

/// Result of `addLeerlabMember`.
#[derive(SimpleObject)]
pub struct LeerlabMemberPayload {
    /// The leerlab.
    pub leerlab: Leerlab,
    /// The new membership.
    pub member: LeerlabMember,
}

#[derive(Default)]
pub struct LeerlabMutation;

#[Object]
impl LeerlabMutation {
    /// Starts a leerlab in a region, status PLANNED (coordinator of the region, admin).
    async fn create_leerlab(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `CreateLeerlabInput` is described.")]
        input: CreateLeerlabInput,
    ) -> AppResult<LeerlabPayload> {
        let leerlab = service::create_leerlab(db(ctx)?, viewer(ctx)?, input.into()).await?;
        Ok(LeerlabPayload {
            leerlab: Leerlab(leerlab),
        })
    }

    /// Changes a leerlab (coordinator of the region, admin).
    async fn update_leerlab(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `UpdateLeerlabInput` is described.")]
        input: UpdateLeerlabInput,
    ) -> AppResult<LeerlabPayload> {
        let code = input.code.clone();
        let leerlab = service::update_leerlab(db(ctx)?, viewer(ctx)?, &code, input.into()).await?;
        Ok(LeerlabPayload {
            leerlab: Leerlab(leerlab),
        })
    }

    /// Adds a partner school (coordinator of the region, admin).
    async fn add_leerlab_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `AddLeerlabPartnerInput` is described.")]
        input: AddLeerlabPartnerInput,
    ) -> AppResult<LeerlabPartnerPayload> {
        let (leerlab, partner) = service::add_partner(
            db(ctx)?,
            viewer(ctx)?,
            &input.leerlab_code,
            &input.school_brin,
        )
        .await?;
        Ok(LeerlabPartnerPayload {
            leerlab: Leerlab(leerlab),
            partner: LeerlabPartner(partner),
        })
    }

    /// Removes a partner school (coordinator of the region, admin); the leerlab stays.
    async fn remove_leerlab_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The leerlab and the partner school that leaves.")]
        input: super::input::RemoveLeerlabPartnerInput,
    ) -> AppResult<LeerlabPayload> {
        let leerlab = crate::service::leerlab_partners::remove_partner(
            db(ctx)?,
            viewer(ctx)?,
            &input.leerlab_code,
            &input.school_brin,
        )
        .await?;
        Ok(LeerlabPayload {
            leerlab: Leerlab(leerlab),
        })
    }

    /// Puts a person on one of the leerlab's teams (coordinator of the region, admin).
    async fn add_leerlab_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `AddLeerlabMemberInput` is described.")]
        input: AddLeerlabMemberInput,
    ) -> AppResult<LeerlabMemberPayload> {
        let person_id = ids::decode_as(&input.person_id, "Person", "personId")?;
        let (leerlab, member) = service::add_member(
            db(ctx)?,
            viewer(ctx)?,
            &input.leerlab_code,
            person_id,
            input.team,
            input.role,
        )
        .await?;
        Ok(LeerlabMemberPayload {
            leerlab: Leerlab(leerlab),
            member: LeerlabMember(member),
        })
    }

    /// Adds an mbo programme the route leads to (coordinator of the region, admin).
    async fn add_leerlab_target_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to change; every field of `AddLeerlabTargetProgrammeInput` is described."
        )]
        input: AddLeerlabTargetProgrammeInput,
    ) -> AppResult<LeerlabPayload> {
        let programme_id = ids::decode_as(&input.programme_id, "Programme", "programmeId")?;
        let leerlab = service::add_target_programme(
            db(ctx)?,
            viewer(ctx)?,
            &input.leerlab_code,
            programme_id,
        )
        .await?;
        Ok(LeerlabPayload {
            leerlab: Leerlab(leerlab),
        })
    }

    /// Records that a partner registered the leerroute with DUO (that school's staff, coordinator, admin).
    async fn register_leerroute(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `RegisterLeerrouteInput` is described.")]
        input: RegisterLeerrouteInput,
    ) -> AppResult<LeerlabPartnerPayload> {
        let (leerlab, partner) = service::register_leerroute(
            db(ctx)?,
            viewer(ctx)?,
            &input.leerlab_code,
            &input.school_brin,
            input.registered_with_duo_on.0,
        )
        .await?;
        Ok(LeerlabPartnerPayload {
            leerlab: Leerlab(leerlab),
            partner: LeerlabPartner(partner),
        })
    }
}
