//! A collaboration region and its schools and leerlabs.

use async_graphql::{Context, ID, Object, Value};
use entity::region;

use super::{Leerlab, School};
use crate::{
    error::AppResult,
    graphql::{
        connection::{Conn, from_page},
        context::{loader, selects},
        loaders::{LeerlabsOfRegion, SchoolsOfRegion},
        plain::PlainNode,
    },
    ids,
    service::{Page, PageArgs},
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

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "Region", self.0.id).await
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
            .load_one(SchoolsOfRegion(self.0.id, args, selects(ctx, "totalCount")))
            .await?
            .unwrap_or_else(Page::empty);
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
            .load_one(LeerlabsOfRegion(
                self.0.id,
                args,
                selects(ctx, "totalCount"),
            ))
            .await?
            .unwrap_or_else(Page::empty);
        Ok(from_page(
            page,
            args.after.is_some(),
            |l| l.id.to_string(),
            Leerlab,
        ))
    }
}

/// The fields of a region that need nothing but its row.
impl PlainNode for Region {
    const PLAIN: &'static [&'static str] = &["id", "code", "name"];

    fn plain_field(&self, name: &str) -> Option<Value> {
        let region = &self.0;
        Some(match name {
            "id" => Value::String(ids::encode("Region", region.id).0),
            "code" => Value::String(region.code.clone()),
            "name" => Value::String(region.name.clone()),
            _ => return None,
        })
    }
}
