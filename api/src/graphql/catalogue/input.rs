//! The inputs of the catalogue's queries and mutations, and their conversion into the
//! service's own types.

use async_graphql::{InputObject, MaybeUndefined};

use crate::{
    domain::{Leerweg, PersonFunction, Profile, Sector},
    graphql::tri_state,
    service::catalogue::{
        NewPerson, NewProgramme, NewSchool, PersonFilter, ProgrammeFilter, SchoolChanges,
        SchoolFilter,
    },
};

/// Filters of `schools`; all given filters must match.
#[derive(InputObject, Default)]
pub struct SchoolFilterInput {
    /// Only schools of this region.
    pub region_code: Option<String>,
    /// Only vo or only mbo schools.
    pub sector: Option<Sector>,
    /// Part of the name, case-insensitive.
    pub name: Option<String>,
    /// Part of the city, case-insensitive.
    pub city: Option<String>,
}

/// Filters of `programmes`; all given filters must match.
#[derive(InputObject, Default)]
pub struct ProgrammeFilterInput {
    /// Only programmes of this school.
    pub school_brin: Option<String>,
    /// Only mbo or only vmbo programmes.
    pub sector: Option<Sector>,
    /// Only programmes with this crebo code.
    pub crebo: Option<String>,
}

/// Filters of `people`; all given filters must match.
#[derive(InputObject, Default)]
pub struct PersonFilterInput {
    /// Only staff of this school.
    pub school_brin: Option<String>,
    /// Only staff of the schools of this region.
    pub region_code: Option<String>,
    /// Part of the name, case-insensitive.
    pub name: Option<String>,
    /// Only people with this function (`COACH` to find a pupil's supercoach).
    pub function: Option<PersonFunction>,
}

impl From<PersonFilterInput> for PersonFilter {
    fn from(f: PersonFilterInput) -> Self {
        PersonFilter {
            school_brin: f.school_brin,
            region_code: f.region_code,
            name: f.name,
            function: f.function,
        }
    }
}

/// Input of `createRegion`.
#[derive(InputObject)]
pub struct CreateRegionInput {
    /// Short unique code: letters, digits, `-` or `_`.
    pub code: String,
    /// Name of the region.
    pub name: String,
}

/// Input of `createSchool`.
#[derive(InputObject)]
pub struct CreateSchoolInput {
    /// Code of the school's region.
    pub region_code: String,
    /// Unique BRIN code.
    pub brin: String,
    /// Name of the school.
    pub name: String,
    /// VO or MBO.
    pub sector: Sector,
    /// City of the main location.
    pub city: Option<String>,
    /// BRIN of the institution this school is a college or location of (same region and sector).
    pub parent_brin: Option<String>,
}

/// Input of `updateSchool`: omitted fields stay as they are; `null` clears `city` or `parentBrin`.
#[derive(InputObject)]
pub struct UpdateSchoolInput {
    /// BRIN of the school to change.
    pub brin: String,
    /// New name.
    pub name: Option<String>,
    /// New city.
    pub city: MaybeUndefined<String>,
    /// New parent institution.
    pub parent_brin: MaybeUndefined<String>,
    /// Code of the region the school (with its locations) moves to; admin only.
    pub region_code: Option<String>,
}

/// Input of `createProgramme`.
#[derive(InputObject)]
pub struct CreateProgrammeInput {
    /// BRIN of the school that offers it.
    pub school_brin: String,
    /// Name of the programme.
    pub name: String,
    /// mbo: 5-digit crebo code.
    pub crebo: Option<String>,
    /// mbo: level 1 to 4.
    pub level: Option<i32>,
    /// vmbo: leerweg.
    pub leerweg: Option<Leerweg>,
    /// vmbo: profiel.
    pub profile: Option<Profile>,
}

/// Input of `createPerson`.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// Full name.
    pub name: String,
    /// Work e-mail address (unique).
    pub email: Option<String>,
    /// What the person does.
    pub function: PersonFunction,
    /// BRIN of the school the person works for.
    pub school_brin: Option<String>,
}

impl From<SchoolFilterInput> for SchoolFilter {
    fn from(f: SchoolFilterInput) -> Self {
        SchoolFilter {
            region_code: f.region_code,
            sector: f.sector,
            name: f.name,
            city: f.city,
        }
    }
}

impl From<ProgrammeFilterInput> for ProgrammeFilter {
    fn from(f: ProgrammeFilterInput) -> Self {
        ProgrammeFilter {
            school_brin: f.school_brin,
            sector: f.sector,
            crebo: f.crebo,
        }
    }
}

impl From<CreateSchoolInput> for NewSchool {
    fn from(input: CreateSchoolInput) -> Self {
        NewSchool {
            region_code: input.region_code,
            brin: input.brin,
            name: input.name,
            sector: input.sector,
            city: input.city,
            parent_brin: input.parent_brin,
        }
    }
}

impl From<UpdateSchoolInput> for SchoolChanges {
    fn from(input: UpdateSchoolInput) -> Self {
        SchoolChanges {
            name: input.name,
            city: tri_state(input.city),
            parent_brin: tri_state(input.parent_brin),
            region_code: input.region_code,
        }
    }
}

impl From<CreateProgrammeInput> for NewProgramme {
    fn from(input: CreateProgrammeInput) -> Self {
        NewProgramme {
            school_brin: input.school_brin,
            name: input.name,
            crebo: input.crebo,
            level: input.level,
            leerweg: input.leerweg,
            profile: input.profile,
        }
    }
}

impl From<CreatePersonInput> for NewPerson {
    fn from(input: CreatePersonInput) -> Self {
        NewPerson {
            name: input.name,
            email: input.email,
            function: input.function,
            school_brin: input.school_brin,
        }
    }
}
