//! School calendars and joint planning (DESIGN.md section 5): storing a school's periods and
//! holidays per school year, and deciding whether a day is in session for a school.
//!
//! A day is *in session* when it lies in one of the school's periods and in none of its
//! holidays; [`days`] decides that, purely, so it is tested without a database.

mod days;

pub use days::{Calendar, DayStatus, MAX_PLANNING_WEEKS, activity_days, iso_week, mondays};

use chrono::{NaiveDate, Utc};
use entity::{school, school_calendar, school_calendar_holiday, school_calendar_period};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, sea_query::OnConflict,
};

use super::{
    catalogue::{can_manage_school, require_school},
    required_text,
};
use crate::{
    audit,
    auth::{Viewer, policy::ensure},
    db,
    domain::SchoolYear,
    error::{AppError, AppResult},
};

/// Most periods a school year may have.
const MAX_PERIODS: usize = 12;
/// Most holidays a school year may have.
const MAX_HOLIDAYS: usize = 40;
/// Most schools one `planningWeeks` call compares.
const MAX_PLANNING_SCHOOLS: usize = 20;

/// One period of `setSchoolCalendar`.
#[derive(Clone, Debug)]
pub struct NewPeriod {
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// One holiday of `setSchoolCalendar`.
#[derive(Clone, Debug)]
pub struct NewHoliday {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// What `setSchoolCalendar` takes.
#[derive(Clone, Debug)]
pub struct NewCalendar {
    pub school_brin: String,
    pub school_year: String,
    pub periods: Vec<NewPeriod>,
    pub holidays: Vec<NewHoliday>,
}

/// A school's calendar of one school year, as stored.
#[derive(Clone, Debug)]
pub struct CalendarYear {
    pub calendar: school_calendar::Model,
    pub periods: Vec<school_calendar_period::Model>,
    pub holidays: Vec<school_calendar_holiday::Model>,
}

/// `setSchoolCalendar`: replaces the school's calendar of one year as a whole, in one transaction.
pub async fn set_calendar(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: NewCalendar,
) -> AppResult<(school::Model, CalendarYear)> {
    let school = require_school(db, &input.school_brin, "schoolBrin").await?;
    ensure(can_manage_school(viewer, &school))?;
    let year = SchoolYear::parse(input.school_year.trim())
        .ok_or_else(|| AppError::bad_input("schoolYear", "a school year looks like `2025-2026`"))?;
    check_periods(year, &input.periods)?;
    let holidays = check_holidays(year, &input.holidays)?;

    let txn = db::begin_write(db).await?;
    let calendar = upsert_calendar(&txn, school.id, year).await?;
    school_calendar_period::Entity::delete_many()
        .filter(school_calendar_period::Column::CalendarId.eq(calendar.id))
        .exec(&txn)
        .await?;
    school_calendar_holiday::Entity::delete_many()
        .filter(school_calendar_holiday::Column::CalendarId.eq(calendar.id))
        .exec(&txn)
        .await?;
    let periods = input
        .periods
        .iter()
        .map(|p| school_calendar_period::ActiveModel {
            calendar_id: Set(calendar.id),
            school_id: Set(school.id),
            number: Set(p.number as i16),
            starts_on: Set(p.starts_on),
            ends_on: Set(p.ends_on),
            ..Default::default()
        });
    school_calendar_period::Entity::insert_many(periods)
        .exec_without_returning(&txn)
        .await?;
    if !holidays.is_empty() {
        let rows = holidays
            .into_iter()
            .map(|h| school_calendar_holiday::ActiveModel {
                calendar_id: Set(calendar.id),
                school_id: Set(school.id),
                name: Set(h.name),
                starts_on: Set(h.starts_on),
                ends_on: Set(h.ends_on),
                ..Default::default()
            });
        school_calendar_holiday::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    let target = format!("School:{}/{year}", school.brin);
    audit::record_write(&txn, viewer, "calendar.set", target).await?;
    let stored = calendar_year(&txn, school.id, year).await?;
    txn.commit().await?;
    let stored = stored.ok_or_else(|| AppError::internal("calendar vanished while set"))?;
    Ok((school, stored))
}

/// Creates the year's calendar row, or touches it; on PostgreSQL the upsert also locks the row,
/// so two replacements of one year queue instead of mixing their periods.
async fn upsert_calendar(
    txn: &impl ConnectionTrait,
    school_id: i64,
    year: SchoolYear,
) -> AppResult<school_calendar::Model> {
    let row = school_calendar::ActiveModel {
        school_id: Set(school_id),
        school_year: Set(year.to_string()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    school_calendar::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                school_calendar::Column::SchoolId,
                school_calendar::Column::SchoolYear,
            ])
            .update_column(school_calendar::Column::UpdatedAt)
            .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    school_calendar::Entity::find()
        .filter(school_calendar::Column::SchoolId.eq(school_id))
        .filter(school_calendar::Column::SchoolYear.eq(year.to_string()))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("calendar row missing after upsert"))
}

/// The schools named, in the order named, in one query.
pub async fn schools_to_compare(
    db: &impl ConnectionTrait,
    brins: &[String],
) -> AppResult<Vec<school::Model>> {
    if brins.is_empty() || brins.len() > MAX_PLANNING_SCHOOLS {
        return Err(AppError::bad_input(
            "schoolBrins",
            format!("give 1 to {MAX_PLANNING_SCHOOLS} schools"),
        ));
    }
    let wanted: Vec<String> = brins.iter().map(|b| b.trim().to_uppercase()).collect();
    let found = school::Entity::find()
        .filter(school::Column::Brin.is_in(wanted.iter().cloned()))
        .all(db)
        .await?;
    wanted
        .iter()
        .map(|brin| {
            found
                .iter()
                .find(|s| &s.brin == brin)
                .cloned()
                .ok_or_else(|| {
                    AppError::not_found_in("schoolBrins", format!("no school with BRIN `{brin}`"))
                })
        })
        .collect()
}

/// The calendar of one school and year, if it was set.
pub async fn calendar_year(
    db: &impl ConnectionTrait,
    school_id: i64,
    year: SchoolYear,
) -> AppResult<Option<CalendarYear>> {
    let Some(calendar) = school_calendar::Entity::find()
        .filter(school_calendar::Column::SchoolId.eq(school_id))
        .filter(school_calendar::Column::SchoolYear.eq(year.to_string()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let periods = school_calendar_period::Entity::find()
        .filter(school_calendar_period::Column::CalendarId.eq(calendar.id))
        .order_by_asc(school_calendar_period::Column::Number)
        .all(db)
        .await?;
    let holidays = school_calendar_holiday::Entity::find()
        .filter(school_calendar_holiday::Column::CalendarId.eq(calendar.id))
        .order_by_asc(school_calendar_holiday::Column::StartsOn)
        .all(db)
        .await?;
    Ok(Some(CalendarYear {
        calendar,
        periods,
        holidays,
    }))
}

/// Periods are numbered 1..n in order of their dates, do not overlap, and lie in the school year.
fn check_periods(year: SchoolYear, periods: &[NewPeriod]) -> AppResult<()> {
    if periods.is_empty() || periods.len() > MAX_PERIODS {
        return Err(AppError::bad_input(
            "periods",
            format!("a school year has 1 to {MAX_PERIODS} periods"),
        ));
    }
    for (i, period) in periods.iter().enumerate() {
        check_range(
            year,
            &format!("periods[{i}]"),
            period.starts_on,
            period.ends_on,
        )?;
    }
    let mut sorted: Vec<&NewPeriod> = periods.iter().collect();
    sorted.sort_by_key(|p| p.starts_on);
    for (i, period) in sorted.iter().enumerate() {
        if period.number != i as i32 + 1 {
            return Err(AppError::bad_input(
                "periods",
                "periods are numbered 1 to n in the order of their dates",
            ));
        }
        if i > 0 && period.starts_on <= sorted[i - 1].ends_on {
            return Err(AppError::bad_input(
                "periods",
                format!("period {} overlaps period {}", period.number, i),
            ));
        }
    }
    Ok(())
}

/// Holidays have a name and lie in the school year; they may fall inside a period.
fn check_holidays(year: SchoolYear, holidays: &[NewHoliday]) -> AppResult<Vec<NewHoliday>> {
    if holidays.len() > MAX_HOLIDAYS {
        return Err(AppError::bad_input(
            "holidays",
            format!("at most {MAX_HOLIDAYS} holidays a year"),
        ));
    }
    holidays
        .iter()
        .enumerate()
        .map(|(i, holiday)| {
            let field = format!("holidays[{i}]");
            check_range(year, &field, holiday.starts_on, holiday.ends_on)?;
            Ok(NewHoliday {
                name: required_text(&format!("{field}.name"), &holiday.name, 100)?,
                ..holiday.clone()
            })
        })
        .collect()
}

/// `startsOn ≤ endsOn`, both inside the school year (1 August to 31 July).
fn check_range(
    year: SchoolYear,
    field: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> AppResult<()> {
    if starts_on < year.first_day() || starts_on > year.last_day() {
        return Err(AppError::bad_input(
            format!("{field}.startsOn"),
            format!("{starts_on} is not in school year {year}"),
        ));
    }
    if ends_on < year.first_day() || ends_on > year.last_day() {
        return Err(AppError::bad_input(
            format!("{field}.endsOn"),
            format!("{ends_on} is not in school year {year}"),
        ));
    }
    if ends_on < starts_on {
        return Err(AppError::bad_input(
            format!("{field}.endsOn"),
            "`endsOn` must not be before `startsOn`",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_must_be_numbered_in_order_without_overlap() {
        let year = SchoolYear(2025);
        let p = |number, starts_on, ends_on| NewPeriod {
            number,
            starts_on,
            ends_on,
        };
        assert!(check_periods(year, &[p(1, d(2025, 8, 25), d(2025, 11, 7))]).is_ok());
        assert!(
            check_periods(
                year,
                &[
                    p(2, d(2025, 8, 25), d(2025, 11, 7)),
                    p(1, d(2025, 11, 10), d(2026, 1, 30))
                ]
            )
            .is_err()
        );
        assert!(
            check_periods(
                year,
                &[
                    p(1, d(2025, 8, 25), d(2025, 11, 10)),
                    p(2, d(2025, 11, 10), d(2026, 1, 30))
                ]
            )
            .is_err()
        );
        assert!(check_periods(year, &[p(1, d(2025, 7, 25), d(2025, 11, 7))]).is_err());
    }
}
