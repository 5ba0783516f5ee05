//! The current school year, as the service's clock (`LEERROUTE_TODAY`) sees it.

use async_graphql::SimpleObject;

use crate::{domain::SchoolYear, graphql::scalars::Date};

/// A school year (1 August to 31 July) and the service's today within it.
#[derive(SimpleObject)]
#[graphql(name = "SchoolYear")]
pub struct SchoolYearInfo {
    /// The school year as written in imports and filters, e.g. `2025-2026`.
    pub name: String,
    /// 1 August of its first calendar year.
    pub starts_on: Date,
    /// 31 July of its second calendar year.
    pub ends_on: Date,
    /// The service's today (`LEERROUTE_TODAY`, else today in Europe/Amsterdam).
    pub today: Date,
}

impl SchoolYearInfo {
    pub fn of(clock: &crate::clock::Clock) -> Self {
        let year: SchoolYear = clock.school_year();
        SchoolYearInfo {
            name: year.to_string(),
            starts_on: year.first_day().into(),
            ends_on: year.last_day().into(),
            today: clock.today().into(),
        }
    }
}
