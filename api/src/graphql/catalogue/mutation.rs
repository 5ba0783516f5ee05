//! The catalogue's mutations and their payloads: regions (admin), schools (coordinators),
//! programmes and people (a school's staff, coordinators).

use async_graphql::{Context, Object, SimpleObject};

use super::input::{
    CreatePersonInput, CreateProgrammeInput, CreateRegionInput, CreateSchoolInput,
    UpdateSchoolInput,
};
use crate::{
    error::AppResult,
    graphql::{
        context::{db, viewer},
        types::{Person, Programme, Region, School},
    },
    service::catalogue as service,
};

/// Result of `createRegion`.
#[derive(SimpleObject)]
pub struct CreateRegionPayload {
    /// The new region.
    pub region: Region,
}

/// Result of `createSchool`.
#[derive(SimpleObject)]
pub struct SchoolPayload {
    /// The school as it is now.
    pub school: School,
}

/// Result of `createProgramme`.
#[derive(SimpleObject)]
pub struct CreateProgrammePayload {
    /// The new programme.
    pub programme: Programme,
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
        let school = service::create_school(db(ctx)?, viewer(ctx)?, input.into()).await?;
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
        let brin = input.brin.clone();
        let school = service::update_school(db(ctx)?, viewer(ctx)?, &brin, input.into()).await?;
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
        let programme = service::create_programme(db(ctx)?, viewer(ctx)?, input.into()).await?;
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
        let person = service::create_person(db(ctx)?, viewer(ctx)?, input.into()).await?;
        Ok(CreatePersonPayload {
            person: Person(person),
        })
    }
}
