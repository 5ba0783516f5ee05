//! `setSchoolCalendar` and its payload.

use async_graphql::{Context, Object, SimpleObject};

use super::input::SetSchoolCalendarInput;
use crate::{
    error::AppResult,
    graphql::{
        context::{db, viewer},
        types::SchoolCalendar,
    },
    service::planning as service,
};

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
        let (school, year) = service::set_calendar(db(ctx)?, viewer(ctx)?, input.into()).await?;
        Ok(SchoolCalendarPayload {
            calendar: SchoolCalendar { school, year },
        })
    }
}
