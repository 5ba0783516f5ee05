//! One entry of the audit log.

use async_graphql::Object;
use chrono::{DateTime, Utc};
use entity::audit_event;

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
        self.0.role.as_str()
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
