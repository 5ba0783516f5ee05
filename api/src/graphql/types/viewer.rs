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
    /// What the token may do: every root field it may call, as `query:<field>`,
    /// `mutation:<field>` or `subscription:<field>` (rows are scoped further by `region` and
    /// `school`). Like Ed-Fi's token info, so a script can check its token before it runs.
    pub scopes: Vec<String>,
}
