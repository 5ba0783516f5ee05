//! The activity queries: published and cancelled activities for everyone, drafts only for
//! those who may change them.

use async_graphql::{Context, ID, Object};
use entity::activity;

use super::input::ActivityFilterInput;
use crate::{
    error::AppResult,
    graphql::{
        connection::{Conn, from_page},
        context::{db, loader, selects, viewer},
        loaders::ActivityById,
        types::Activity,
    },
    ids,
    service::{
        PageArgs,
        activity::{self as service, ActivityFilter},
    },
};

#[derive(Default)]
pub struct ActivityQuery;

#[Object]
impl ActivityQuery {
    /// Activities, ordered by start: published and cancelled ones for everyone, drafts only for
    /// the host school's staff, the region's coordinator and admin.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters; all given filters must match.")] filter: Option<
            ActivityFilterInput,
        >,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> AppResult<Conn<Activity>> {
        let first = PageArgs::new(first, None)?.first;
        let after = after.as_deref().map(service::parse_cursor).transpose()?;
        let filter = ActivityFilter::from(filter.unwrap_or_default());
        let want_total = selects(ctx, "totalCount");
        let page = service::list(db(ctx)?, viewer(ctx)?, &filter, first, after, want_total).await?;
        Ok(from_page(
            page,
            after.is_some(),
            service::cursor_key,
            Activity,
        ))
    }

    /// One activity by its global id; null when there is none or the caller may not see it.
    async fn activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id of the activity.")] id: ID,
    ) -> AppResult<Option<Activity>> {
        let id = ids::decode_as(&id, "Activity", "id")?;
        Ok(visible_activity(ctx, id).await?.map(Activity))
    }
}

/// The activity if the caller may see it (a draft of someone else does not exist for them).
pub async fn visible_activity(ctx: &Context<'_>, id: i64) -> AppResult<Option<activity::Model>> {
    let viewer = viewer(ctx)?;
    let found = loader(ctx)?.load_one(ActivityById(id)).await?;
    Ok(found.filter(|a| service::may_see(viewer, a)))
}
