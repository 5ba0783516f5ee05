//! The pipeline queries: `applications` (and, with signals, `signals`), scoped to the caller
//! and audited.

use async_graphql::{Context, Object};

use super::input::{ApplicationFilterInput, SignalFilterInput};
use crate::{
    error::AppResult,
    graphql::{
        connection::{Conn, from_page},
        context::{db, open, selects, viewer},
        types::{Application, Signal},
    },
    service::{
        PageArgs,
        applications::{self, ApplicationFilter},
        signals::{self, SignalFilter},
    },
};

#[derive(Default)]
pub struct PipelineQuery;

#[Object]
impl PipelineQuery {
    /// Applications to mbo the caller may read: vmbo staff those of their pupils, mbo staff
    /// those to their school, a student their own, a coach those of their pupils, rmc those of
    /// the pupils with a signal in its region. Audited.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            ApplicationFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Application>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = ApplicationFilter::from(filter.unwrap_or_default());
        let (db, viewer) = (db(ctx)?, viewer(ctx)?);
        let page =
            applications::list(db, viewer, &filter, args, selects(ctx, "totalCount")).await?;
        let page = open(ctx, page).await?;
        let persons = page.items.iter().map(|a| a.pseudonym.clone()).collect();
        let readable = applications::readable_persons(db, viewer, persons).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |a| a.id.to_string(),
            |model| Application {
                readable: readable.contains(&model.pseudonym),
                model,
            },
        ))
    }

    /// Signals the caller may read: vmbo staff those of their pupils, mbo staff those of pupils
    /// with an open application to or an enrolment at their school, a coach those of their
    /// pupils, rmc those of its region. Never students. Audited.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn signals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            SignalFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Signal>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = SignalFilter::from(filter.unwrap_or_default());
        let page = signals::list(
            db(ctx)?,
            viewer(ctx)?,
            &filter,
            args,
            selects(ctx, "totalCount"),
        )
        .await?;
        let page = open(ctx, page).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |s| s.id.to_string(),
            Signal,
        ))
    }
}
