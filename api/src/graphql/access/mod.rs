//! Who am I (`viewer`) and who did what (`auditEvents`, admin only).

mod input;
mod query;

pub use query::AccessQuery;
