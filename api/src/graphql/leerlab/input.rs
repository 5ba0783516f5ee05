//! The inputs of the leerlab queries and mutations, and their conversion into the service's
//! own types.

use async_graphql::{ID, InputObject, MaybeUndefined};

use crate::{
    domain::{LeerlabKind, LeerlabStatus, LegalInstrument, Team},
    graphql::{scalars::Date, tri_state},
    service::leerlab::{LeerlabChanges, LeerlabFilter, NewLeerlab},
};

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

/// Input of `removeLeerlabPartner`.
#[derive(InputObject)]
pub struct RemoveLeerlabPartnerInput {
    /// Code of the leerlab.
    pub leerlab_code: String,
    /// BRIN of the partner school that leaves.
    pub school_brin: String,
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

impl From<LeerlabFilterInput> for LeerlabFilter {
    fn from(f: LeerlabFilterInput) -> Self {
        LeerlabFilter {
            region_code: f.region_code,
            kind: f.kind,
            status: f.status,
        }
    }
}

impl From<CreateLeerlabInput> for NewLeerlab {
    fn from(input: CreateLeerlabInput) -> Self {
        NewLeerlab {
            region_code: input.region_code,
            code: input.code,
            name: input.name,
            kind: input.kind,
            focus: input.focus,
            target_group: input.target_group,
            starts_on: input.starts_on.map(|d| d.0),
        }
    }
}

impl From<UpdateLeerlabInput> for LeerlabChanges {
    fn from(input: UpdateLeerlabInput) -> Self {
        LeerlabChanges {
            name: input.name,
            status: input.status,
            focus: tri_state(input.focus),
            target_group: tri_state(input.target_group),
            starts_on: tri_state(input.starts_on).map(|d| d.map(|d| d.0)),
            agreement_signed_on: tri_state(input.agreement_signed_on).map(|d| d.map(|d| d.0)),
            transfer_option: tri_state(input.transfer_option),
            instruments: input.instruments,
        }
    }
}
