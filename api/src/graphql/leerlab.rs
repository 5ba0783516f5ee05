//! Leerlabs in GraphQL: the partnership, its partners, teams, target programmes and legal status.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::{leerlab, leerlab_member, leerlab_partner};

use super::{
    catalogue::{Person, Programme, Region, School},
    connection::{Conn, from_page},
    context::{db, loader, selects, viewer},
    loaders::{
        MembersOfLeerlab, PartnersOfLeerlab, PersonById, ProgrammeById, RegionById, SchoolById,
        TargetsOfLeerlab,
    },
    scalars::Date,
    tri_state,
};
use crate::{
    domain::{
        LeerlabKind, LeerlabStatus, LegalInstrument, PartnerRole, Team, instruments_from_text,
    },
    error::{AppError, AppResult},
    ids,
    service::{
        PageArgs,
        leerlab::{self as service, LeerlabChanges, LeerlabFilter, NewLeerlab},
    },
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
        LeerlabKind::from_db(&self.0.kind)
    }

    /// Planned, running or ended.
    async fn status(&self) -> LeerlabStatus {
        LeerlabStatus::from_db(&self.0.status)
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
        instruments_from_text(&self.0.instruments)
    }
}

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
        PartnerRole::from_db(&self.0.role)
    }

    /// When this school registered the leerroute with DUO; null if it has not.
    async fn registered_with_duo_on(&self) -> Option<Date> {
        self.0.registered_with_duo_on.map(Date)
    }
}

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
        Team::from_db(&self.0.team)
    }

    /// Their role on the team, such as chair.
    async fn role(&self) -> Option<&str> {
        self.0.role.as_deref()
    }
}

/// Filters of `leerlabs`; all given filters must match.
#[derive(InputObject, Default)]
pub struct LeerlabFilterInput {
    /// Only leerlabs of this region.
    pub region_code: Option<String>,
    /// Only leerlabs of this kind.
    pub kind: Option<LeerlabKind>,
    /// Only leerlabs with this status.
    pub status: Option<LeerlabStatus>,
}

#[derive(Default)]
pub struct LeerlabQuery;

#[Object]
impl LeerlabQuery {
    /// Leerlabs, filtered by region, kind or status.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn leerlabs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            LeerlabFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Leerlab>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let filter = LeerlabFilter {
            region_code: filter.region_code,
            kind: filter.kind,
            status: filter.status,
        };
        let page =
            service::list_leerlabs(db(ctx)?, &filter, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |l| l.id.to_string(),
            Leerlab,
        ))
    }

    /// One leerlab by its code.
    async fn leerlab(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The leerlab's code.")] code: String,
    ) -> AppResult<Option<Leerlab>> {
        Ok(service::leerlab_by_code(db(ctx)?, &code)
            .await?
            .map(Leerlab))
    }
}

/// Input of `createLeerlab`.
#[derive(InputObject)]
pub struct CreateLeerlabInput {
    /// Code of the leerlab's region.
    pub region_code: String,
    /// Short unique code.
    pub code: String,
    /// Name of the leerlab.
    pub name: String,
    /// Leerlijn, doorlopende or geïntegreerde leerroute.
    pub kind: LeerlabKind,
    /// What the leerlab works on.
    pub focus: Option<String>,
    /// Which pupils take part.
    pub target_group: Option<String>,
    /// When it starts.
    pub starts_on: Option<Date>,
}

/// Result of mutations that change a leerlab.
#[derive(SimpleObject)]
pub struct LeerlabPayload {
    /// The leerlab as it is now.
    pub leerlab: Leerlab,
}

/// Input of `updateLeerlab`: omitted fields stay as they are; `null` clears a field.
#[derive(InputObject)]
pub struct UpdateLeerlabInput {
    /// Code of the leerlab to change.
    pub code: String,
    /// New name.
    pub name: Option<String>,
    /// New status; RUNNING needs a VO and an MBO partner.
    pub status: Option<LeerlabStatus>,
    /// What the leerlab works on.
    pub focus: MaybeUndefined<String>,
    /// Which pupils take part.
    pub target_group: MaybeUndefined<String>,
    /// When it starts.
    pub starts_on: MaybeUndefined<Date>,
    /// When both boards signed the cooperation agreement.
    pub agreement_signed_on: MaybeUndefined<Date>,
    /// The agreement's overstapoptie.
    pub transfer_option: MaybeUndefined<String>,
    /// The legal instruments in use (replaces the list); needs a registered leerroute.
    pub instruments: Option<Vec<LegalInstrument>>,
}

/// Input of `addLeerlabPartner`.
#[derive(InputObject)]
pub struct AddLeerlabPartnerInput {
    /// Code of the leerlab.
    pub leerlab_code: String,
    /// BRIN of the school joining; its role follows its sector.
    pub school_brin: String,
}

/// Result of `addLeerlabPartner` and `registerLeerroute`.
#[derive(SimpleObject)]
pub struct LeerlabPartnerPayload {
    /// The leerlab.
    pub leerlab: Leerlab,
    /// The partner as it is now.
    pub partner: LeerlabPartner,
}

/// Input of `addLeerlabMember`.
#[derive(InputObject)]
pub struct AddLeerlabMemberInput {
    /// Code of the leerlab.
    pub leerlab_code: String,
    /// Global id of the person (see `createPerson`).
    pub person_id: ID,
    /// The team they join.
    pub team: Team,
    /// Their role on the team, such as chair.
    pub role: Option<String>,
}

/// Result of `addLeerlabMember`.
#[derive(SimpleObject)]
pub struct LeerlabMemberPayload {
    /// The leerlab.
    pub leerlab: Leerlab,
    /// The new membership.
    pub member: LeerlabMember,
}

/// Input of `addLeerlabTargetProgramme`.
#[derive(InputObject)]
pub struct AddLeerlabTargetProgrammeInput {
    /// Code of the leerlab.
    pub leerlab_code: String,
    /// Global id of an mbo programme of a partner.
    pub programme_id: ID,
}

/// Input of `registerLeerroute`.
#[derive(InputObject)]
pub struct RegisterLeerrouteInput {
    /// Code of the leerlab (a leerroute with a signed agreement).
    pub leerlab_code: String,
    /// BRIN of the partner school that registered.
    pub school_brin: String,
    /// When it registered the leerroute with DUO.
    pub registered_with_duo_on: Date,
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
        let new = NewLeerlab {
            region_code: input.region_code,
            code: input.code,
            name: input.name,
            kind: input.kind,
            focus: input.focus,
            target_group: input.target_group,
            starts_on: input.starts_on.map(|d| d.0),
        };
        let leerlab = service::create_leerlab(db(ctx)?, viewer(ctx)?, new).await?;
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
        let changes = LeerlabChanges {
            name: input.name,
            status: input.status,
            focus: tri_state(input.focus),
            target_group: tri_state(input.target_group),
            starts_on: tri_state(input.starts_on).map(|d| d.map(|d| d.0)),
            agreement_signed_on: tri_state(input.agreement_signed_on).map(|d| d.map(|d| d.0)),
            transfer_option: tri_state(input.transfer_option),
            instruments: input.instruments,
        };
        let leerlab = service::update_leerlab(db(ctx)?, viewer(ctx)?, &input.code, changes).await?;
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
