//! The planning queries: `planningWeeks` and `schoolCalendar` (a school's staff, coordinators),
//! `currentSchoolYear` (anyone).

use async_graphql::{Context, Object};
use entity::school;

use crate::{
    domain::SchoolYear,
    error::{AppError, AppResult},
    graphql::{
        context::{clock, db, loader},
        loaders::CalendarOfSchool,
        scalars::Date,
        types::{PlanningWeek, PlanningWeekSchool, School, SchoolCalendar, SchoolYearInfo},
    },
    service::{
        catalogue::require_school,
        planning::{self as service, DayStatus, iso_week, mondays},
    },
};

#[derive(Default)]
pub struct PlanningQuery;

#[Object]
impl PlanningQuery {
    /// The school year the service's today falls in (anyone; follows `LEERROUTE_TODAY`), so that
    /// dashboards and scripts agree with the signal rules on what "this year" is.
    async fn current_school_year(&self, ctx: &Context<'_>) -> AppResult<SchoolYearInfo> {
        Ok(SchoolYearInfo::of(clock(ctx)?))
    }

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
        let schools = service::schools_to_compare(db(ctx)?, &school_brins).await?;
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
