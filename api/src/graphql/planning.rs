//! Planning across period systems in GraphQL: a school's calendar (`setSchoolCalendar`,
//! `schoolCalendar`) and `planningWeeks`, which lays several schools' periods side by side.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::school;

use super::{
    activity_loaders::CalendarOfSchool,
    catalogue::School,
    context::{db, loader, viewer},
    scalars::Date,
};
use crate::{
    domain::SchoolYear,
    error::{AppError, AppResult},
    service::{
        calendar::{
            self as service, CalendarYear, DayStatus, HolidayInput, NewCalendar, PeriodInput,
            iso_week, mondays,
        },
        catalogue::require_school,
    },
};

/// Most schools one `planningWeeks` call compares.
const MAX_PLANNING_SCHOOLS: usize = 20;

/// A school's calendar of one school year: its periods and holidays.
pub struct SchoolCalendar {
    school: school::Model,
    year: CalendarYear,
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

/// One school in one planning week.
#[derive(SimpleObject)]
pub struct PlanningWeekSchool {
    /// The school.
    pub school: School,
    /// The period containing the week's Monday; null when that Monday is not in session.
    pub period: Option<i32>,
    /// Whether the Monday is in session (in a period and in no holiday).
    pub in_session: bool,
    /// The holiday the Monday falls in, if any.
    pub holiday: Option<String>,
}

#[derive(Default)]
pub struct PlanningQuery;

#[Object]
impl PlanningQuery {
    /// For each ISO week whose Monday lies in `[from, to]` (at most 106 weeks), each school's
    /// period on that Monday and whether all schools are in session then.
    async fn planning_weeks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "BRINs of the schools to compare (1 to 20), in the order to show them.")]
        school_brins: Vec<String>,
        #[graphql(
            desc = "First day of the range; the first week is the one of the first Monday on or after it."
        )]
        from: Date,
        #[graphql(desc = "Last day of the range (a Monday on it is included).")] to: Date,
    ) -> AppResult<Vec<PlanningWeek>> {
        let weeks = mondays(from.0, to.0)?;
        let schools = require_schools(ctx, &school_brins).await?;
        let calendars = loader(ctx)?
            .load_many(schools.iter().map(|s| CalendarOfSchool(s.id)))
            .await?;
        Ok(weeks
            .into_iter()
            .map(|monday| {
                let rows: Vec<PlanningWeekSchool> = schools
                    .iter()
                    .map(|school| {
                        let calendar = calendars.get(&CalendarOfSchool(school.id));
                        let status = calendar.map_or(DayStatus::OutsidePeriods, |c| c.day(monday));
                        week_school(school, status)
                    })
                    .collect();
                PlanningWeek {
                    week: iso_week(monday),
                    monday: Date(monday),
                    all_in_session: rows.iter().all(|r| r.in_session),
                    schools: rows,
                }
            })
            .collect())
    }

    /// A school's calendar of one school year; null when it has not been set.
    async fn school_calendar(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "BRIN of the school.")] school_brin: String,
        #[graphql(desc = "The school year, such as `2025-2026`.")] school_year: String,
    ) -> AppResult<Option<SchoolCalendar>> {
        let school = require_school(db(ctx)?, &school_brin, "schoolBrin").await?;
        let year = parse_year(&school_year)?;
        let found = service::calendar_year(db(ctx)?, school.id, year).await?;
        Ok(found.map(|year| SchoolCalendar { school, year }))
    }
}

fn week_school(school: &school::Model, status: DayStatus) -> PlanningWeekSchool {
    let (period, holiday) = match status {
        DayStatus::InSession { period } => (Some(i32::from(period)), None),
        DayStatus::Holiday { name } => (None, Some(name)),
        DayStatus::OutsidePeriods => (None, None),
    };
    PlanningWeekSchool {
        school: School(school.clone()),
        in_session: period.is_some(),
        period,
        holiday,
    }
}

fn parse_year(text: &str) -> AppResult<SchoolYear> {
    SchoolYear::parse(text.trim())
        .ok_or_else(|| AppError::bad_input("schoolYear", "a school year looks like `2025-2026`"))
}

/// The schools named, in the order named, in one query.
async fn require_schools(ctx: &Context<'_>, brins: &[String]) -> AppResult<Vec<school::Model>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if brins.is_empty() || brins.len() > MAX_PLANNING_SCHOOLS {
        return Err(AppError::bad_input(
            "schoolBrins",
            format!("give 1 to {MAX_PLANNING_SCHOOLS} schools"),
        ));
    }
    let wanted: Vec<String> = brins.iter().map(|b| b.trim().to_uppercase()).collect();
    let found = school::Entity::find()
        .filter(school::Column::Brin.is_in(wanted.iter().cloned()))
        .all(db(ctx)?)
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

/// Result of `setSchoolCalendar`.
#[derive(SimpleObject)]
pub struct SchoolCalendarPayload {
    /// The calendar as it is now.
    pub calendar: SchoolCalendar,
}

#[derive(Default)]
pub struct PlanningMutation;

#[Object]
impl PlanningMutation {
    /// Sets a school's periods and holidays of one school year, replacing what was set
    /// (the school's staff, the region's coordinator, admin).
    async fn set_school_calendar(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school, the year and its whole calendar.")]
        input: SetSchoolCalendarInput,
    ) -> AppResult<SchoolCalendarPayload> {
        let new = NewCalendar {
            school_brin: input.school_brin,
            school_year: input.school_year,
            periods: input
                .periods
                .into_iter()
                .map(|p| PeriodInput {
                    number: p.number,
                    starts_on: p.starts_on.0,
                    ends_on: p.ends_on.0,
                })
                .collect(),
            holidays: input
                .holidays
                .into_iter()
                .map(|h| HolidayInput {
                    name: h.name,
                    starts_on: h.starts_on.0,
                    ends_on: h.ends_on.0,
                })
                .collect(),
        };
        let (school, year) = service::set_calendar(db(ctx)?, viewer(ctx)?, new).await?;
        Ok(SchoolCalendarPayload {
            calendar: SchoolCalendar { school, year },
        })
    }
}
