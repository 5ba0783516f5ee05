//! Reading the audit log (admin only; the policy table enforces it).

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::{Page, PageArgs};
use crate::error::AppResult;

/// Filters of `auditEvents(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub subject: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Audit events, newest first; the cursor is the id of the last event seen.
pub async fn list(
    db: &DatabaseConnection,
    filter: &AuditFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Page<audit_event::Model>> {
    // Reads journalled on SQLite are moved in first; behind an import, what is there is shown.
    if let Err(err) = crate::audit_journal::drain(db).await {
        tracing::warn!(error = %err, "audit records still in the journal are not listed yet");
    }
    let mut condition = Condition::all();
    if let Some(subject) = &filter.subject {
        condition = condition.add(audit_event::Column::Subject.eq(subject.as_str()));
    }
    if let Some(action) = &filter.action {
        condition = condition.add(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(from) = filter.from {
        condition = condition.add(audit_event::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(audit_event::Column::At.lt(to));
    }
    let select = audit_event::Entity::find().filter(condition);
    let total = if want_total {
        Some(select.clone().count(db).await? as i64)
    } else {
        None
    };
    let mut select = select;
    if let Some(after) = page.after {
        select = select.filter(audit_event::Column::Id.lt(after));
    }
    let rows = select
        .order_by_desc(audit_event::Column::Id)
        .limit(page.first + 1)
        .all(db)
        .await?;
    Ok(Page::from_fetch(rows, page.first, total))
}
