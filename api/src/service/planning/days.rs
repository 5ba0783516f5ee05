//! Days in session: whether a school is in session on a day, the Dutch days an activity
//! touches, and the weeks `planningWeeks` lists. Pure functions, tested without a database.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entity::{school_calendar_holiday, school_calendar_period};

use crate::error::{AppError, AppResult};

/// Most weeks one `planningWeeks` call covers (two school years).
pub const MAX_PLANNING_WEEKS: i64 = 106;

/// The periods and holidays of one school, over every school year that is set.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    pub periods: Vec<school_calendar_period::Model>,
    pub holidays: Vec<school_calendar_holiday::Model>,
}

/// What a school does on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayStatus {
    /// In session, in this period.
    InSession { period: i16 },
    /// In this holiday (whether or not inside a period).
    Holiday { name: String },
    /// Outside every period (or no calendar is set for the day's school year).
    OutsidePeriods,
}

impl Calendar {
    /// Whether `day` is in session, and if not, why.
    pub fn day(&self, day: NaiveDate) -> DayStatus {
        if let Some(holiday) = self
            .holidays
            .iter()
            .find(|h| h.starts_on <= day && day <= h.ends_on)
        {
            return DayStatus::Holiday {
                name: holiday.name.clone(),
            };
        }
        match self
            .periods
            .iter()
            .find(|p| p.starts_on <= day && day <= p.ends_on)
        {
            Some(period) => DayStatus::InSession {
                period: period.number,
            },
            None => DayStatus::OutsidePeriods,
        }
    }

    /// The first of `days` that is not in session, with a reason that names the holiday or
    /// says the day is outside the school's periods.
    pub fn first_conflict(&self, days: &[NaiveDate]) -> Option<(NaiveDate, String)> {
        days.iter().find_map(|&day| match self.day(day) {
            DayStatus::InSession { .. } => None,
            DayStatus::Holiday { name } => Some((day, format!("{day} falls in {name}"))),
            DayStatus::OutsidePeriods => {
                Some((day, format!("{day} is outside the school's periods")))
            }
        })
    }
}

/// The Dutch calendar days an activity touches, from its start to its end (an end at midnight
/// does not touch the next day).
pub fn activity_days(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Vec<NaiveDate> {
    let local = |at: DateTime<Utc>| at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    let first = local(starts_at);
    let last = local(ends_at - Duration::seconds(1)).max(first);
    first.iter_days().take_while(|d| *d <= last).collect()
}

/// The Mondays in `[from, to]`, at most [`MAX_PLANNING_WEEKS`] of them.
pub fn mondays(from: NaiveDate, to: NaiveDate) -> AppResult<Vec<NaiveDate>> {
    if to < from {
        return Err(AppError::bad_input("to", "`to` must not be before `from`"));
    }
    let offset = (7 - from.weekday().num_days_from_monday()) % 7;
    // Checked: near the end of the calendar there may be no next Monday.
    let weeks: Vec<NaiveDate> = (0..)
        .map_while(|w| from.checked_add_signed(Duration::days(i64::from(offset) + 7 * w)))
        .take_while(|monday| *monday <= to)
        .take(MAX_PLANNING_WEEKS as usize + 1)
        .collect();
    if weeks.len() as i64 > MAX_PLANNING_WEEKS {
        return Err(AppError::bad_input(
            "to",
            format!("at most {MAX_PLANNING_WEEKS} weeks at a time"),
        ));
    }
    Ok(weeks)
}

/// The ISO week of a date, written like `2025-W36`.
pub fn iso_week(day: NaiveDate) -> String {
    let week = day.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn calendar() -> Calendar {
        let period = |number, starts_on, ends_on| school_calendar_period::Model {
            id: 0,
            calendar_id: 0,
            school_id: 0,
            number,
            starts_on,
            ends_on,
        };
        Calendar {
            periods: vec![
                period(1, d(2025, 8, 25), d(2025, 11, 7)),
                period(2, d(2025, 11, 10), d(2026, 1, 30)),
            ],
            holidays: vec![school_calendar_holiday::Model {
                id: 0,
                calendar_id: 0,
                school_id: 0,
                name: "herfstvakantie".into(),
                starts_on: d(2025, 10, 18),
                ends_on: d(2025, 10, 26),
            }],
        }
    }

    #[test]
    fn holidays_beat_periods_and_gaps_are_outside() {
        let c = calendar();
        assert_eq!(c.day(d(2025, 9, 1)), DayStatus::InSession { period: 1 });
        assert_eq!(
            c.day(d(2025, 10, 20)),
            DayStatus::Holiday {
                name: "herfstvakantie".into()
            }
        );
        assert_eq!(c.day(d(2025, 11, 8)), DayStatus::OutsidePeriods);
        assert_eq!(c.day(d(2025, 11, 10)), DayStatus::InSession { period: 2 });
        let (day, reason) = c
            .first_conflict(&[d(2025, 10, 17), d(2025, 10, 18)])
            .unwrap();
        assert_eq!(day, d(2025, 10, 18));
        assert!(reason.contains("herfstvakantie"));
    }

    #[test]
    fn activity_days_are_dutch_days() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 23:30 UTC on 1 September is already 2 September in Amsterdam (CEST).
        assert_eq!(
            activity_days(at("2025-09-01T23:30:00Z"), at("2025-09-02T01:00:00Z")),
            vec![d(2025, 9, 2)]
        );
        // Ending at local midnight does not touch the next day.
        assert_eq!(
            activity_days(at("2025-09-01T08:00:00Z"), at("2025-09-02T22:00:00Z")),
            vec![d(2025, 9, 1), d(2025, 9, 2)]
        );
    }

    #[test]
    fn weeks_and_their_names() {
        assert_eq!(iso_week(d(2025, 9, 1)), "2025-W36");
        assert_eq!(iso_week(d(2026, 12, 28)), "2026-W53");
        let weeks = mondays(d(2025, 9, 2), d(2025, 9, 22)).unwrap();
        assert_eq!(weeks, vec![d(2025, 9, 8), d(2025, 9, 15), d(2025, 9, 22)]);
        assert!(mondays(d(2025, 9, 2), d(2025, 9, 1)).is_err());
        assert!(mondays(d(2025, 1, 1), d(2028, 1, 1)).is_err());
    }
}
