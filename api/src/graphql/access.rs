//! Who am I (`viewer`) and who did what (`auditEvents`, admin only).

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::audit_event;

use super::{
    catalogue::{Region, School},
    connection::{Conn, from_page},
    context::{db, selects, viewer},
    loaders::{RegionById, SchoolById},
};
use crate::{
    auth::Role,
    error::AppResult,
    service::{
        PageArgs,
        audit_log::{self, AuditFilter},
    },
};

/// The caller, as their token describes them.
#[derive(SimpleObject)]
#[graphql(name = "Viewer")]
pub struct ViewerInfo {
    /// The caller's role; ANONYMOUS without a token.
    pub role: Role,
    /// The token's subject (`sub`).
    pub subject: Option<String>,
    /// The region a coordinator or integration token is scoped to.
    pub region: Option<Region>,
    /// The school a school_staff or student token is scoped to.
    pub school: Option<School>,
}

/// One entry of the audit log: who did what, on which object, and when.
pub struct AuditEvent(pub audit_event::Model);

/// One entry of the audit log: who did what, on which object, and when.
#[Object]
impl AuditEvent {
    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// The token subject that did it.
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    /// The role the subject acted in.
    async fn role(&self) -> &str {
        &self.0.role
    }

    /// What was done, such as `student.read` or `school.create`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The object it was done to, such as `Student:U3R1ZGVudDox` or `School:25LH`.
    async fn target(&self) -> &str {
        &self.0.target
    }

    /// The request it happened in (matches the `x-request-id` response header and the log).
    async fn request_id(&self) -> &str {
        &self.0.request_id
    }
}

/// Filters of `auditEvents`; all given filters must match.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Only events of this token subject.
    pub subject: Option<String>,
    /// Only events with this action.
    pub action: Option<String>,
    /// Only events at or after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Only events before this moment.
    pub to: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The caller: role, subject and scope of the token sent (ANONYMOUS without one).
    async fn viewer(&self, ctx: &Context<'_>) -> AppResult<ViewerInfo> {
        let viewer = viewer(ctx)?;
        let loader = super::context::loader(ctx)?;
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
        let filter = filter.unwrap_or_default();
        let filter = AuditFilter {
            subject: filter.subject,
            action: filter.action,
            from: filter.from,
            to: filter.to,
        };
        let page = audit_log::list(db(ctx)?, &filter, args, selects(ctx, "totalCount")).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |e| e.id.to_string(),
            AuditEvent,
        ))
    }
}
