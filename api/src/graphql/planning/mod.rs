//! Planning across period systems in GraphQL: a school's calendar (`setSchoolCalendar`,
//! `schoolCalendar`) and `planningWeeks`, which lays several schools' periods side by side.

mod input;
mod mutation;
mod query;

pub use mutation::PlanningMutation;
pub use query::PlanningQuery;
