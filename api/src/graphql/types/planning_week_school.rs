//! One school in one planning week.

use async_graphql::SimpleObject;

use super::School;

/// One school in one planning week.
#[derive(SimpleObject)]
pub struct PlanningWeekSchool {
    /// The school.
    pub school: School,
    /// The period containing the week's Monday; null when that Monday is not in session.
    pub period: Option<i32>,
    /// Whether the Monday is in session (in a period and in no holiday).
    pub in_session: bool,
    /// The holiday the Monday falls in, if any.
    pub holiday: Option<String>,
}
