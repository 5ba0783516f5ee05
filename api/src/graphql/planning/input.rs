//! The input of `setSchoolCalendar`, and its conversion into the service's own types.

use async_graphql::InputObject;

use crate::{
    graphql::scalars::Date,
    service::planning::{NewCalendar, NewHoliday, NewPeriod},
};

/// One period of `setSchoolCalendar`.
#[derive(InputObject)]
pub struct CalendarPeriodInput {
    /// 1 to n, in the order of the periods' dates.
    pub number: i32,
    /// First day.
    pub starts_on: Date,
    /// Last day (not before the first).
    pub ends_on: Date,
}

/// One holiday of `setSchoolCalendar`.
#[derive(InputObject)]
pub struct CalendarHolidayInput {
    /// Name, such as `kerstvakantie`.
    pub name: String,
    /// First day.
    pub starts_on: Date,
    /// Last day (not before the first).
    pub ends_on: Date,
}

/// Input of `setSchoolCalendar`: the whole year; setting a year again replaces it.
#[derive(InputObject)]
pub struct SetSchoolCalendarInput {
    /// BRIN of the school.
    pub school_brin: String,
    /// The school year, such as `2025-2026` (1 August to 31 July).
    pub school_year: String,
    /// The periods: numbered 1..n, not overlapping, inside the school year.
    pub periods: Vec<CalendarPeriodInput>,
    /// The holidays, inside the school year; they may fall inside a period.
    pub holidays: Vec<CalendarHolidayInput>,
}

impl From<CalendarPeriodInput> for NewPeriod {
    fn from(p: CalendarPeriodInput) -> Self {
        NewPeriod {
            number: p.number,
            starts_on: p.starts_on.0,
            ends_on: p.ends_on.0,
        }
    }
}

impl From<CalendarHolidayInput> for NewHoliday {
    fn from(h: CalendarHolidayInput) -> Self {
        NewHoliday {
            name: h.name,
            starts_on: h.starts_on.0,
            ends_on: h.ends_on.0,
        }
    }
}

impl From<SetSchoolCalendarInput> for NewCalendar {
    fn from(input: SetSchoolCalendarInput) -> Self {
        NewCalendar {
            school_brin: input.school_brin,
            school_year: input.school_year,
            periods: input.periods.into_iter().map(NewPeriod::from).collect(),
            holidays: input.holidays.into_iter().map(NewHoliday::from).collect(),
        }
    }
}
