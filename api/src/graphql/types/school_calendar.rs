//! A school's calendar of one school year: its periods and holidays.

use async_graphql::Object;
use chrono::{DateTime, Utc};
use entity::school;

use super::{CalendarHoliday, CalendarPeriod, School};
use crate::{graphql::scalars::Date, service::planning::CalendarYear};

/// A school's calendar of one school year: its periods and holidays.
pub struct SchoolCalendar {
    pub school: school::Model,
    pub year: CalendarYear,
}

/// A school's calendar of one school year: its numbered periods and named holidays.
#[Object]
impl SchoolCalendar {
    /// The school.
    async fn school(&self) -> School {
        School(self.school.clone())
    }

    /// The school year, such as `2025-2026`.
    async fn school_year(&self) -> &str {
        &self.year.calendar.school_year
    }

    /// The periods, in order.
    async fn periods(&self) -> Vec<CalendarPeriod> {
        self.year
            .periods
            .iter()
            .map(|p| CalendarPeriod {
                number: i32::from(p.number),
                starts_on: Date(p.starts_on),
                ends_on: Date(p.ends_on),
            })
            .collect()
    }

    /// The holidays, in order of their first day.
    async fn holidays(&self) -> Vec<CalendarHoliday> {
        self.year
            .holidays
            .iter()
            .map(|h| CalendarHoliday {
                name: h.name.clone(),
                starts_on: Date(h.starts_on),
                ends_on: Date(h.ends_on),
            })
            .collect()
    }

    /// When the calendar was last set.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.year.calendar.updated_at
    }
}
