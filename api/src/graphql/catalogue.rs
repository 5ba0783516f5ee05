//! The public catalogue in GraphQL: regions, schools, programmes and people.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::{person, programme, region, school};

use super::{
    connection::{Conn, from_page},
    context::{db, loader, selects, viewer},
    leerlab::Leerlab,
    loaders::{
        CollegesOfSchool, LeerlabsOfRegion, ProgrammesOfSchool, RegionById, SchoolById,
        SchoolsOfRegion,
    },
    tri_state,
};
use crate::{
    auth::Role,
    domain::{Leerweg, PersonFunction, Profile, Sector},
    error::{AppError, AppResult},
    ids,
    service::{
        PageArgs,
        catalogue::{
            self as service, NewPerson, NewProgramme, NewSchool, ProgrammeFilter, SchoolChanges,
            SchoolFilter,
        },
    },
};

/// A collaboration region of vmbo schools and mbo institutions, such as Amsterdam.
pub struct Region(pub region::Model);

/// A collaboration region of vmbo schools and mbo institutions, such as Amsterdam.
#[Object]
impl Region {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Region", self.0.id)
    }

    /// Short code, such as `AMS`; use it to address the region from scripts.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name of the region.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The region's schools, vo and mbo, in order of registration.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn schools(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<School>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let page = loader(ctx)?
            .load_one(SchoolsOfRegion(self.0.id, args))
            .await?
            .unwrap_or_else(empty_page);
        Ok(from_page(
            page,
            args.after.is_some(),
            |s| s.id.to_string(),
            School,
        ))
    }

    /// The region's leerlabs, in order of registration.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn leerlabs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Leerlab>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let page = loader(ctx)?
            .load_one(LeerlabsOfRegion(self.0.id, args))
            .await?
            .unwrap_or_else(empty_page);
        Ok(from_page(
            page,
            args.after.is_some(),
            |l| l.id.to_string(),
            Leerlab,
        ))
    }
}

fn empty_page<T>() -> crate::service::Page<T> {
    crate::service::Page {
        items: Vec::new(),
        has_next: false,
        total: Some(0),
    }
}

/// A school: a vmbo school (sector VO) or an mbo institution or one of its colleges (sector MBO).
pub struct School(pub school::Model);

/// A school: a vmbo school (sector VO) or an mbo institution or one of its colleges (sector MBO).
#[Object]
impl School {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("School", self.0.id)
    }

    /// BRIN code: 2 digits and 2 letters, optionally 2 digits for a location.
    async fn brin(&self) -> &str {
        &self.0.brin
    }

    /// Name of the school.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// VO (secondary, including vmbo) or MBO (vocational).
    async fn sector(&self) -> Sector {
        Sector::from_db(&self.0.sector)
    }

    /// City of the school's main location.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// The region the school belongs to.
    async fn region(&self, ctx: &Context<'_>) -> AppResult<Region> {
        loader(ctx)?
            .load_one(RegionById(self.0.region_id))
            .await?
            .map(Region)
            .ok_or_else(|| AppError::internal("school without region"))
    }

    /// The institution this school is a college or location of (an ROC above its colleges).
    async fn parent(&self, ctx: &Context<'_>) -> AppResult<Option<School>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(SchoolById(parent)).await?.map(School))
    }

    /// The colleges or locations of this institution.
    async fn colleges(&self, ctx: &Context<'_>) -> AppResult<Vec<School>> {
        let rows = loader(ctx)?
            .load_one(CollegesOfSchool(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(School).collect())
    }

    /// The school's programmes: mbo qualifications, or vmbo leerweg and profiel combinations.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Programme>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let page = loader(ctx)?
            .load_one(ProgrammesOfSchool(self.0.id, args))
            .await?
            .unwrap_or_else(empty_page);
        Ok(from_page(
            page,
            args.after.is_some(),
            |p| p.id.to_string(),
            Programme,
        ))
    }
}

/// A programme: an mbo qualification (crebo and level) or a vmbo leerweg with its profiel.
pub struct Programme(pub programme::Model);

/// A programme: an mbo qualification (crebo and level) or a vmbo leerweg with its profiel.
#[Object]
impl Programme {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Programme", self.0.id)
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
        self.0.leerweg.as_deref().map(Leerweg::from_db)
    }

    /// vmbo only: the profiel.
    async fn profile(&self) -> Option<Profile> {
        self.0.profile.as_deref().map(Profile::from_db)
    }
}

/// A member of staff: teacher, LOB staff, project lead, coach or coordinator.
pub struct Person(pub person::Model);

/// A member of staff: teacher, LOB staff, project lead, coach or coordinator.
#[Object]
impl Person {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Person", self.0.id)
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
        PersonFunction::from_db(&self.0.function)
    }

    /// The school the person works for, if any.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<Option<School>> {
        let Some(id) = self.0.school_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(SchoolById(id)).await?.map(School))
    }
}

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

#[derive(Default)]
pub struct CatalogueQuery;

#[Object]
impl CatalogueQuery {
    /// All regions.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Region>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let page = service::list_regions(db(ctx)?, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |r| r.id.to_string(),
            Region,
        ))
    }

    /// One region by its code.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region's code, such as `AMS`.")] code: String,
    ) -> AppResult<Option<Region>> {
        Ok(service::region_by_code(db(ctx)?, &code).await?.map(Region))
    }

    /// Schools, filtered by region, sector, name or city.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn schools(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            SchoolFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<School>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let filter = SchoolFilter {
            region_code: filter.region_code,
            sector: filter.sector,
            name: filter.name,
            city: filter.city,
        };
        let page =
            service::list_schools(db(ctx)?, &filter, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |s| s.id.to_string(),
            School,
        ))
    }

    /// One school by its BRIN.
    async fn school(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school's BRIN, such as `25LH`.")] brin: String,
    ) -> AppResult<Option<School>> {
        Ok(service::school_by_brin(db(ctx)?, &brin).await?.map(School))
    }

    /// Programmes, filtered by school, sector or crebo.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            ProgrammeFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Programme>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let filter = ProgrammeFilter {
            school_brin: filter.school_brin,
            sector: filter.sector,
            crebo: filter.crebo,
        };
        let page =
            service::list_programmes(db(ctx)?, &filter, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |p| p.id.to_string(),
            Programme,
        ))
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

/// Result of `createRegion`.
#[derive(SimpleObject)]
pub struct CreateRegionPayload {
    /// The new region.
    pub region: Region,
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

/// Result of `createSchool`.
#[derive(SimpleObject)]
pub struct SchoolPayload {
    /// The school as it is now.
    pub school: School,
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

/// Result of `createProgramme`.
#[derive(SimpleObject)]
pub struct CreateProgrammePayload {
    /// The new programme.
    pub programme: Programme,
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

/// Result of `createPerson`.
#[derive(SimpleObject)]
pub struct CreatePersonPayload {
    /// The new person.
    pub person: Person,
}

#[derive(Default)]
pub struct CatalogueMutation;

#[Object]
impl CatalogueMutation {
    /// Creates a region (admin).
    async fn create_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `CreateRegionInput` is described.")] input: CreateRegionInput,
    ) -> AppResult<CreateRegionPayload> {
        let region =
            service::create_region(db(ctx)?, viewer(ctx)?, &input.code, &input.name).await?;
        Ok(CreateRegionPayload {
            region: Region(region),
        })
    }

    /// Adds a school to a region (coordinator of the region, admin).
    async fn create_school(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `CreateSchoolInput` is described.")] input: CreateSchoolInput,
    ) -> AppResult<SchoolPayload> {
        let new = NewSchool {
            region_code: input.region_code,
            brin: input.brin,
            name: input.name,
            sector: input.sector,
            city: input.city,
            parent_brin: input.parent_brin,
        };
        let school = service::create_school(db(ctx)?, viewer(ctx)?, new).await?;
        Ok(SchoolPayload {
            school: School(school),
        })
    }

    /// Changes a school's name, city or parent (coordinator of the region, admin).
    async fn update_school(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `UpdateSchoolInput` is described.")] input: UpdateSchoolInput,
    ) -> AppResult<SchoolPayload> {
        let changes = SchoolChanges {
            name: input.name,
            city: tri_state(input.city),
            parent_brin: tri_state(input.parent_brin),
        };
        let school = service::update_school(db(ctx)?, viewer(ctx)?, &input.brin, changes).await?;
        Ok(SchoolPayload {
            school: School(school),
        })
    }

    /// Adds a programme to a school (its staff, the region's coordinator, admin).
    async fn create_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `CreateProgrammeInput` is described.")]
        input: CreateProgrammeInput,
    ) -> AppResult<CreateProgrammePayload> {
        let new = NewProgramme {
            school_brin: input.school_brin,
            name: input.name,
            crebo: input.crebo,
            level: input.level,
            leerweg: input.leerweg,
            profile: input.profile,
        };
        let programme = service::create_programme(db(ctx)?, viewer(ctx)?, new).await?;
        Ok(CreateProgrammePayload {
            programme: Programme(programme),
        })
    }

    /// Registers a member of staff (their school's staff, a coordinator, admin).
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `CreatePersonInput` is described.")] input: CreatePersonInput,
    ) -> AppResult<CreatePersonPayload> {
        let new = NewPerson {
            name: input.name,
            email: input.email,
            function: input.function,
            school_brin: input.school_brin,
        };
        let person = service::create_person(db(ctx)?, viewer(ctx)?, new).await?;
        Ok(CreatePersonPayload {
            person: Person(person),
        })
    }
}
