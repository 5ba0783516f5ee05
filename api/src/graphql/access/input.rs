//! The filter of `auditEvents`, and its conversion into the service's own type.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};

use crate::service::audit_log::AuditFilter;

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

impl From<AuditEventFilter> for AuditFilter {
    fn from(f: AuditEventFilter) -> Self {
        AuditFilter {
            subject: f.subject,
            action: f.action,
            from: f.from,
            to: f.to,
        }
    }
}
