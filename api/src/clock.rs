//! The service's "today": the one place every date rule asks for the current day.
//!
//! Signals, retention, status dates set through the API and the demo all compare against
//! [`Clock::today`]. `LEERROUTE_TODAY` fixes it (demos, tests); otherwise it is today's date in
//! Europe/Amsterdam, where the schools are, not in UTC. Timestamps (audit, `updated_at`) stay
//! wall-clock and do not come from here.

use chrono::{NaiveDate, Utc};

use crate::domain::SchoolYear;

/// Where "today" comes from. Cheap to copy; built once from the configuration.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    fixed: Option<NaiveDate>,
}

impl Clock {
    /// A clock that follows the calendar in Europe/Amsterdam.
    pub fn system() -> Self {
        Clock { fixed: None }
    }

    /// A clock that always says `today` (`LEERROUTE_TODAY`).
    pub fn fixed(today: NaiveDate) -> Self {
        Clock { fixed: Some(today) }
    }

    /// `fixed` when given, else the system clock.
    pub fn from_setting(today: Option<NaiveDate>) -> Self {
        Clock { fixed: today }
    }

    /// Today's date for every date rule of the service.
    pub fn today(&self) -> NaiveDate {
        self.fixed.unwrap_or_else(|| {
            Utc::now()
                .with_timezone(&chrono_tz::Europe::Amsterdam)
                .date_naive()
        })
    }

    /// The school year today falls in.
    pub fn school_year(&self) -> SchoolYear {
        SchoolYear::containing(self.today())
    }

    /// Whether `LEERROUTE_TODAY` fixed the date.
    pub fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_says_its_date_and_its_school_year() {
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 7, 31).unwrap());
        assert_eq!(clock.today().to_string(), "2026-07-31");
        assert_eq!(clock.school_year().to_string(), "2025-2026");
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 8, 1).unwrap());
        assert_eq!(clock.school_year().to_string(), "2026-2027");
    }

    #[test]
    fn the_system_clock_is_amsterdam_not_utc() {
        let amsterdam = Utc::now()
            .with_timezone(&chrono_tz::Europe::Amsterdam)
            .date_naive();
        let today = Clock::system().today();
        // Around midnight the two reads may straddle a day; never more.
        assert!((today - amsterdam).num_days().abs() <= 1);
    }
}
