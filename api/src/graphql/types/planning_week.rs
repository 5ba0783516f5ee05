//! One ISO week of `planningWeeks`: each school's period on its Monday.

use async_graphql::SimpleObject;

use super::PlanningWeekSchool;
use crate::graphql::scalars::Date;

/// One ISO week with, for each school asked for, the period it is in on the week's Monday.
#[derive(SimpleObject)]
pub struct PlanningWeek {
    /// The ISO week, such as `2025-W36`.
    pub week: String,
    /// The week's Monday.
    pub monday: Date,
    /// Each school asked for, in the order asked.
    pub schools: Vec<PlanningWeekSchool>,
    /// Whether the Monday is in session for every school.
    pub all_in_session: bool,
}
