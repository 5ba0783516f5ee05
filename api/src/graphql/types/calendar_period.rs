//! A numbered period of a school year.

use async_graphql::SimpleObject;

use crate::graphql::scalars::Date;

/// A numbered period of a school year.
#[derive(SimpleObject)]
pub struct CalendarPeriod {
    /// 1 for the first period of the year, and so on.
    pub number: i32,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
}
