//! `importRuns` and `importRun`: following imports (admin: every run; school staff: their
//! school's).

use async_graphql::{Context, ID, Object};

use super::input::ImportRunFilterInput;
use crate::{
    error::AppResult,
    graphql::{
        connection::{Conn, from_page},
        context::{db, selects, viewer},
        types::ImportRun,
    },
    ids,
    service::{PageArgs, catalogue, import_runs},
};

#[derive(Default)]
pub struct ImportQuery;

#[Object]
impl ImportQuery {
    /// Import runs, newest first: admin sees every run, school staff the runs uploaded for their
    /// school. Poll a run's `status` to follow a large import.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn import_runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            ImportRunFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<ImportRun>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let db = db(ctx)?;
        let filter = filter.unwrap_or_default();
        // An unknown BRIN matches no run.
        let school_id = match &filter.school_brin {
            Some(brin) => Some(
                catalogue::school_by_brin(db, brin)
                    .await?
                    .map_or(-1, |school| school.id),
            ),
            None => None,
        };
        let filter = filter.into_filter(school_id);
        let page =
            import_runs::list(db, viewer(ctx)?, &filter, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |r| r.id.to_string(),
            ImportRun,
        ))
    }

    /// One import run by its global id (`FORBIDDEN` when it is not the caller's).
    async fn import_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's global id, as returned in `ImportRun.id`.")] id: ID,
    ) -> AppResult<ImportRun> {
        let row = ids::decode_as(&id, "ImportRun", "id")?;
        Ok(ImportRun(
            import_runs::get(db(ctx)?, viewer(ctx)?, row).await?,
        ))
    }
}
