//! `viewer` (anyone) and `auditEvents` (admin).

use std::sync::OnceLock;

use async_graphql::{
    Context, Object,
    parser::{
        parse_schema,
        types::{TypeKind, TypeSystemDefinition},
    },
};

use super::input::AuditEventFilter;
use crate::{
    auth::policy,
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
            scopes: policy::scopes(viewer.role(), root_fields()),
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

/// The root fields of the schema, (operation type, name) in the order of the SDL; read once
/// from the SDL, so the scopes always list exactly what the schema has.
fn root_fields() -> impl Iterator<Item = (&'static str, &'static str)> {
    static FIELDS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let fields = FIELDS.get_or_init(|| {
        let Ok(document) = parse_schema(crate::graphql::sdl()) else {
            return Vec::new();
        };
        let mut fields = Vec::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else {
                continue;
            };
            let operation = match definition.node.name.node.as_str() {
                "Query" => "Query",
                "Mutation" => "Mutation",
                "Subscription" => "Subscription",
                _ => continue,
            };
            if let TypeKind::Object(object) = definition.node.kind {
                for field in object.fields {
                    fields.push((operation, field.node.name.node.to_string()));
                }
            }
        }
        fields
    });
    fields
        .iter()
        .map(|(operation, name)| (*operation, name.as_str()))
}
