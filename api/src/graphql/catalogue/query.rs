//! The catalogue's queries: regions, schools and programmes, public to everyone; people, for
//! staff tokens.

use async_graphql::{Context, Object};

use super::input::{PersonFilterInput, ProgrammeFilterInput, SchoolFilterInput};
use crate::{
    error::AppResult,
    graphql::{
        connection::{Conn, from_page},
        context::{db, selects},
        types::{Person, Programme, Region, School},
    },
    service::{
        PageArgs,
        catalogue::{self as service, PersonFilter, ProgrammeFilter, SchoolFilter},
    },
};

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
        let filter = SchoolFilter::from(filter.unwrap_or_default());
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
        let filter = ProgrammeFilter::from(filter.unwrap_or_default());
        let page =
            service::list_programmes(db(ctx)?, &filter, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |p| p.id.to_string(),
            Programme,
        ))
    }

    /// Staff, filtered by school, region, name or function: how a school finds the person id of
    /// a coach (`assignCoach`) or a coordinator a team member. For staff tokens only (not
    /// anonymous, not pupils); e-mail addresses as `Person.email` has them.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            PersonFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Person>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = PersonFilter::from(filter.unwrap_or_default());
        let page =
            service::list_people(db(ctx)?, &filter, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |p| p.id.to_string(),
            Person,
        ))
    }
}
