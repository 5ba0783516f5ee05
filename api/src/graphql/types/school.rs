//! A school: vmbo school, mbo institution or one of its colleges.

use async_graphql::{Context, ID, InputType, Object, Value};
use entity::school;

use super::{Programme, Region};
use crate::{
    domain::Sector,
    error::{AppError, AppResult},
    graphql::{
        connection::{Conn, from_page},
        context::{loader, selects},
        loaders::{CollegesOfSchool, ProgrammesOfSchool, RegionById, SchoolById},
        plain::PlainNode,
    },
    ids,
    service::{Page, PageArgs},
};

/// A school: a vmbo school (sector VO) or an mbo institution or one of its colleges (sector MBO).
pub struct School(pub school::Model);

/// A school: a vmbo school (sector VO) or an mbo institution or one of its colleges (sector MBO).
#[Object]
impl School {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("School", self.0.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "School", self.0.id).await
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
        self.0.sector
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
            .load_one(ProgrammesOfSchool(
                self.0.id,
                args,
                selects(ctx, "totalCount"),
            ))
            .await?
            .unwrap_or_else(Page::empty);
        Ok(from_page(
            page,
            args.after.is_some(),
            |p| p.id.to_string(),
            Programme,
        ))
    }
}

/// The fields of a school that need nothing but its row (the catalogue's pages of schools).
impl PlainNode for School {
    const PLAIN: &'static [&'static str] = &["id", "brin", "name", "sector", "city"];

    fn plain_field(&self, name: &str) -> Option<Value> {
        let school = &self.0;
        Some(match name {
            "id" => Value::String(ids::encode("School", school.id).0),
            "brin" => Value::String(school.brin.clone()),
            "name" => Value::String(school.name.clone()),
            "sector" => school.sector.to_value(),
            "city" => school.city.clone().map_or(Value::Null, Value::String),
            _ => return None,
        })
    }
}
