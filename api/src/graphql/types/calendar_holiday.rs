//! A named holiday of a school year.

use async_graphql::SimpleObject;

use crate::graphql::scalars::Date;

/// A named holiday (vakantie) of a school year.
#[derive(SimpleObject)]
pub struct CalendarHoliday {
    /// Name, such as `herfstvakantie`.
    pub name: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
}
