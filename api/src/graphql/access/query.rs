//! `viewer` (anyone) and `auditEvents` (admin).

use async_graphql::{Context, Object};

use super::input::AuditEventFilter;
use crate::{
    error::AppResult,
    graphql::{
        connection::{Conn, from_page},
        context::{db, loader, selects, viewer},
        loaders::{RegionById, SchoolById},
        types::{AuditEvent, Region, School, ViewerInfo},
    },
    service::{
        PageArgs,
        audit_log::{self, AuditFilter},
    },
};

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The caller: role, subject and scope of the token sent (ANONYMOUS without one).
    async fn viewer(&self, ctx: &Context<'_>) -> AppResult<ViewerInfo> {
        let viewer = viewer(ctx)?;
        let loader = loader(ctx)?;
        let region = match viewer.region_id {
            Some(id) => loader.load_one(RegionById(id)).await?.map(Region),
            None => None,
        };
        let school = match viewer.school_id {
            Some(id) => loader.load_one(SchoolById(id)).await?.map(School),
            None => None,
        };
        Ok(ViewerInfo {
            role: viewer.role(),
            subject: viewer.subject(),
            region,
            school,
        })
    }

    /// The audit log, newest first (admin only).
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            AuditEventFilter,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<AuditEvent>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = AuditFilter::from(filter.unwrap_or_default());
        let page = audit_log::list(db(ctx)?, &filter, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |e| e.id.to_string(),
            AuditEvent,
        ))
    }
}
