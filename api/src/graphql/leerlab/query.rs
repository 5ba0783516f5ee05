//! The leerlab queries, public to everyone.

use async_graphql::{Context, Object};

use super::input::LeerlabFilterInput;
use crate::{
    error::AppResult,
    graphql::{
        connection::{Conn, from_page},
        context::{db, selects},
        types::Leerlab,
    },
    service::{
        PageArgs,
        leerlab::{self as service, LeerlabFilter},
    },
};

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
        let filter = LeerlabFilter::from(filter.unwrap_or_default());
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
