//! A joint activity with its schools, leerlab, calendar conflicts and (scoped, audited) enrolments.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::activity;

use super::{ActivityConflict, ActivityEnrolment, Leerlab, Region, School};
use crate::{
    domain::activity::{ActivityKind, ActivityStatus},
    error::{AppError, AppResult},
    graphql::{
        context::{db, loader, open, viewer},
        loaders::{
            CalendarOfSchool, EnrolmentsOfActivity, LeerlabById, RegionById, SchoolById,
            SchoolsOfActivity,
        },
        scalars::Date,
    },
    ids,
    service::{planning::activity_days, pupils},
};

/// Something vo and mbo schools do together, hosted by one school of a region.
#[derive(Clone)]
pub struct Activity(pub activity::Model);

/// Something vo and mbo schools do together, hosted by one school of a region: a DRAFT until
/// published, then visible to everyone (also when CANCELLED).
#[Object]
impl Activity {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Activity", self.0.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "Activity", self.0.id).await
    }

    /// What kind of activity it is.
    async fn kind(&self) -> ActivityKind {
        self.0.kind
    }

    /// Title, as shown in portals and calendars.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What happens, for whom, and what to bring.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Where it takes place.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }

    /// DRAFT, PUBLISHED or CANCELLED.
    async fn status(&self) -> ActivityStatus {
        self.0.status
    }

    /// When it starts.
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }

    /// When it ends.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }

    /// How many pupils can take part.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }

    /// How many pupils are enrolled.
    async fn enrolled_count(&self) -> i32 {
        self.0.enrolled_count
    }

    /// Places still free.
    async fn places_left(&self) -> i32 {
        (self.0.capacity - self.0.enrolled_count).max(0)
    }

    /// Why it was cancelled; null unless CANCELLED.
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }

    /// When it was published; null for a draft.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// The region it belongs to.
    async fn region(&self, ctx: &Context<'_>) -> AppResult<Region> {
        loader(ctx)?
            .load_one(RegionById(self.0.region_id))
            .await?
            .map(Region)
            .ok_or_else(|| AppError::internal("activity without region"))
    }

    /// The school that organises it (always a participant too).
    async fn host_school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.0.host_school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("activity without host"))
    }

    /// The schools taking part, host included.
    async fn participating_schools(&self, ctx: &Context<'_>) -> AppResult<Vec<School>> {
        let loader = loader(ctx)?;
        let ids = loader
            .load_one(SchoolsOfActivity(self.0.id))
            .await?
            .unwrap_or_default();
        let schools = loader
            .load_many(ids.iter().map(|&id| SchoolById(id)))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|&id| schools.get(&SchoolById(id)).cloned().map(School))
            .collect())
    }

    /// The leerlab it belongs to, if any.
    async fn leerlab(&self, ctx: &Context<'_>) -> AppResult<Option<Leerlab>> {
        let Some(id) = self.0.leerlab_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(LeerlabById(id)).await?.map(Leerlab))
    }

    /// Participating schools (host included) for which a day of the activity is not in
    /// session, each with its first such day and the reason: the holiday, or outside the
    /// school's periods. Days are Dutch calendar days (Europe/Amsterdam).
    async fn conflicts(&self, ctx: &Context<'_>) -> AppResult<Vec<ActivityConflict>> {
        let loader = loader(ctx)?;
        let school_ids = loader
            .load_one(SchoolsOfActivity(self.0.id))
            .await?
            .unwrap_or_default();
        let calendars = loader
            .load_many(school_ids.iter().map(|&id| CalendarOfSchool(id)))
            .await?;
        let days = activity_days(self.0.starts_at, self.0.ends_at);
        let found: Vec<_> = school_ids
            .iter()
            .filter_map(|&id| {
                let calendar = calendars
                    .get(&CalendarOfSchool(id))
                    .cloned()
                    .unwrap_or_default();
                calendar
                    .first_conflict(&days)
                    .map(|(day, reason)| (id, day, reason))
            })
            .collect();
        let schools = loader
            .load_many(found.iter().map(|c| SchoolById(c.0)))
            .await?;
        Ok(found
            .into_iter()
            .filter_map(|(id, day, reason)| {
                let school = schools.get(&SchoolById(id)).cloned().map(School)?;
                Some(ActivityConflict {
                    school,
                    day: Date(day),
                    reason,
                })
            })
            .collect())
    }

    /// The enrolled pupils the caller may see, by the same rule as their own queries
    /// (`students`): the pupil themself, the staff their records reach, their current coach,
    /// admin; nobody else (coordinators see only `enrolledCount`). Each pupil shown is written
    /// to the audit log.
    async fn enrolments(&self, ctx: &Context<'_>) -> AppResult<Vec<ActivityEnrolment>> {
        let mut rows = loader(ctx)?
            .load_one(EnrolmentsOfActivity(self.0.id))
            .await?
            .unwrap_or_default();
        let ids = rows.check(|rows| {
            rows.iter()
                .map(|r| r.enrolment.student_id)
                .collect::<Vec<_>>()
        });
        // One statement per activity shown with its enrolments (a pupil page lists few).
        let visible = pupils::visible_among(db(ctx)?, viewer(ctx)?, &ids).await?;
        rows.retain(|row| visible.contains(&row.enrolment.student_id));
        Ok(open(ctx, rows)
            .await?
            .into_iter()
            .map(ActivityEnrolment)
            .collect())
    }
}
