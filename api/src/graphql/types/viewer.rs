//! The caller, as their token describes them.

use async_graphql::SimpleObject;

use super::{Region, School};
use crate::auth::Role;

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
