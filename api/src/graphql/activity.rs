//! Joint activities in GraphQL: the activity with its schools, leerlab, calendar conflicts and
//! (pupil data, scoped and audited) enrolments; the queries, the mutations of its life cycle
//! and enrolment, and the `activityPublished` subscription.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::activity;
use futures::{Stream, StreamExt};
use sea_orm::EntityTrait;
use tokio::sync::broadcast::error::RecvError;

use super::{
    activity_loaders::{
        CalendarOfSchool, EnrolmentRow, EnrolmentsOfActivity, SchoolsOfActivity, StudentsOfCoach,
    },
    catalogue::{Region, School},
    connection::{Conn, from_page},
    context::{db, loader, selects, viewer},
    leerlab::Leerlab,
    loaders::{LeerlabById, RegionById, SchoolById},
    scalars::Date,
    tri_state,
};
use crate::{
    audit::{self, AuditTrail},
    auth::{Role, Viewer},
    domain::activity::{ActivityKind, ActivityStatus, Attendance},
    error::{AppError, AppResult},
    ids,
    live::Live,
    service::{
        PageArgs,
        activity::{
            self as service, ActivityChanges, ActivityFilter, AttendanceInput, NewActivity,
            student_target,
        },
        calendar::activity_days,
        catalogue::require_region,
    },
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

    /// What kind of activity it is.
    async fn kind(&self) -> ActivityKind {
        ActivityKind::from_db(&self.0.kind)
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
        ActivityStatus::from_db(&self.0.status)
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

    /// The enrolled pupils the caller may see: a pupil themself, staff of the pupil's school,
    /// the pupil's coach, admin; nobody else (coordinators see only `enrolledCount`). Each
    /// pupil shown is written to the audit log.
    async fn enrolments(&self, ctx: &Context<'_>) -> AppResult<Vec<ActivityEnrolment>> {
        let viewer = viewer(ctx)?;
        let loader = loader(ctx)?;
        let coached = match (viewer.role(), viewer.person_id) {
            (Role::Admin | Role::SchoolStaff | Role::Student, _) => Vec::new(),
            (Role::Coach, Some(person)) => loader
                .load_one(StudentsOfCoach(person))
                .await?
                .unwrap_or_default(),
            _ => return Ok(Vec::new()),
        };
        let visible: Vec<EnrolmentRow> = loader
            .load_one(EnrolmentsOfActivity(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .filter(|row| may_see_pupil(viewer, row, &coached))
            .collect();
        let targets = visible
            .iter()
            .map(|r| student_target(r.enrolment.student_id));
        note_reads(ctx, targets.collect()).await?;
        Ok(visible.into_iter().map(ActivityEnrolment).collect())
    }
}

fn may_see_pupil(viewer: &Viewer, row: &EnrolmentRow, coached: &[i64]) -> bool {
    let student = row.enrolment.student_id;
    match viewer.role() {
        Role::Admin => true,
        Role::SchoolStaff => viewer.covers_school(row.student_school_id),
        Role::Student => viewer.student_id == Some(student),
        Role::Coach => coached.contains(&student),
        _ => false,
    }
}

/// Notes reads of pupil data in the request's audit trail. A websocket has no request end at
/// which the trail is written, so there the reads are written at once.
async fn note_reads(ctx: &Context<'_>, targets: Vec<String>) -> AppResult<()> {
    const ACTION: &str = "activity.enrolment.read";
    match ctx.data_opt::<Arc<AuditTrail>>() {
        Some(trail) => targets.into_iter().for_each(|t| trail.read(ACTION, t)),
        None => {
            for target in targets {
                audit::record_write(db(ctx)?, viewer(ctx)?, ACTION, target).await?;
            }
        }
    }
    Ok(())
}

/// A participating school for which the activity falls outside its time in session.
#[derive(SimpleObject)]
pub struct ActivityConflict {
    /// The school.
    pub school: School,
    /// The first day of the activity that is not in session for the school.
    pub day: Date,
    /// Why: the holiday it falls in, or that it is outside the school's periods.
    pub reason: String,
}

/// A pupil's place in an activity, with attendance and their own reflection. Pupil data.
pub struct ActivityEnrolment(EnrolmentRow);

/// A pupil's place in an activity, with attendance and their own reflection. Pupil data: shown
/// only to those who may see the pupil, and every read is audited.
#[Object]
impl ActivityEnrolment {
    /// Global id of the pupil (a Student).
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.0.enrolment.student_id)
    }

    /// When the pupil enrolled.
    async fn enrolled_at(&self) -> DateTime<Utc> {
        self.0.enrolment.enrolled_at
    }

    /// PRESENT or ABSENT; null until recorded.
    async fn attendance(&self) -> Option<Attendance> {
        self.0
            .enrolment
            .attendance
            .as_deref()
            .map(Attendance::from_db)
    }

    /// When the attendance was recorded.
    async fn attendance_recorded_at(&self) -> Option<DateTime<Utc>> {
        self.0.enrolment.attendance_recorded_at
    }

    /// The pupil's own reflection on the activity.
    async fn reflection(&self) -> Option<&str> {
        self.0.enrolment.reflection.as_deref()
    }
}

/// Filters of `activities`; all given filters must match.
#[derive(InputObject, Default)]
pub struct ActivityFilterInput {
    /// Only activities of this region.
    pub region_code: Option<String>,
    /// Only activities this school takes part in (hosting included).
    pub school_brin: Option<String>,
    /// Only activities of this leerlab.
    pub leerlab_code: Option<String>,
    /// Only activities of this kind.
    pub kind: Option<ActivityKind>,
    /// Only activities that end after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Only activities that start before this moment.
    pub to: Option<DateTime<Utc>>,
    /// Only activities with this status (drafts only as far as the caller may see them).
    pub status: Option<ActivityStatus>,
}

#[derive(Default)]
pub struct ActivityQuery;

#[Object]
impl ActivityQuery {
    /// Activities, ordered by start: published and cancelled ones for everyone, drafts only for
    /// the host school's staff, the region's coordinator and admin.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters; all given filters must match.")] filter: Option<
            ActivityFilterInput,
        >,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> AppResult<Conn<Activity>> {
        let first = PageArgs::new(first, None)?.first;
        let after = after.as_deref().map(service::parse_cursor).transpose()?;
        let filter = filter.unwrap_or_default();
        let filter = ActivityFilter {
            region_code: filter.region_code,
            school_brin: filter.school_brin,
            leerlab_code: filter.leerlab_code,
            kind: filter.kind,
            from: filter.from,
            to: filter.to,
            status: filter.status,
        };
        let want_total = selects(ctx, "totalCount");
        let page = service::list(db(ctx)?, viewer(ctx)?, &filter, first, after, want_total).await?;
        Ok(from_page(
            page,
            after.is_some(),
            service::cursor_key,
            Activity,
        ))
    }

    /// One activity by its global id; null when there is none or the caller may not see it.
    async fn activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id of the activity.")] id: ID,
    ) -> AppResult<Option<Activity>> {
        let id = ids::decode_as(&id, "Activity", "id")?;
        Ok(visible_activity(ctx, id).await?.map(Activity))
    }
}

/// The activity if the caller may see it (a draft of someone else does not exist for them).
pub async fn visible_activity(ctx: &Context<'_>, id: i64) -> AppResult<Option<activity::Model>> {
    let viewer = viewer(ctx)?;
    let found = loader(ctx)?
        .load_one(super::activity_loaders::ActivityById(id))
        .await?;
    Ok(found.filter(|a| service::may_see(viewer, a)))
}

/// Input of `createActivity`.
#[derive(InputObject)]
pub struct CreateActivityInput {
    /// Code of the region.
    pub region_code: String,
    /// BRIN of the school that organises it (a school of the region).
    pub host_school_brin: String,
    /// BRINs of the schools taking part: schools of the region or partners of the leerlab.
    /// The host takes part whether or not it is listed.
    pub participating_school_brins: Vec<String>,
    /// Code of the leerlab it belongs to (of the same region), if any.
    pub leerlab_code: Option<String>,
    /// What kind of activity it is.
    pub kind: ActivityKind,
    /// Title.
    pub title: String,
    /// What happens, for whom, and what to bring.
    pub description: Option<String>,
    /// Where it takes place.
    pub location: Option<String>,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends (after `startsAt`, at most 31 days later).
    pub ends_at: DateTime<Utc>,
    /// How many pupils can take part (at least 1).
    pub capacity: i32,
}

/// Input of `updateActivity`: omitted fields stay as they are; `null` clears a field.
#[derive(InputObject)]
pub struct UpdateActivityInput {
    /// Global id of the activity.
    pub id: ID,
    /// New kind.
    pub kind: Option<ActivityKind>,
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New location.
    pub location: MaybeUndefined<String>,
    /// New start.
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
    /// New capacity; not below the number enrolled.
    pub capacity: Option<i32>,
    /// The participating schools (replaces the list; the host always takes part).
    pub participating_school_brins: Option<Vec<String>>,
    /// The leerlab (of the same region); null detaches it.
    pub leerlab_code: MaybeUndefined<String>,
}

/// Input of `publishActivity`.
#[derive(InputObject)]
pub struct PublishActivityInput {
    /// Global id of the draft to publish.
    pub id: ID,
}

/// Input of `cancelActivity`.
#[derive(InputObject)]
pub struct CancelActivityInput {
    /// Global id of the published activity to cancel.
    pub id: ID,
    /// Why it is cancelled; shown to everyone.
    pub reason: String,
}

/// Input of `enrolInActivity`.
#[derive(InputObject)]
pub struct EnrolInActivityInput {
    /// Global id of the published activity.
    pub activity_id: ID,
    /// Global id of the pupil (a student enrols themself; staff their own school's pupils).
    pub student_id: ID,
}

/// Input of `recordAttendance`.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// Global id of the activity.
    pub activity_id: ID,
    /// Global id of the enrolled pupil.
    pub student_id: ID,
    /// Whether the pupil came (staff of the host school or of the pupil's school).
    pub attendance: Option<Attendance>,
    /// The pupil's reflection (only the pupil themself).
    pub reflection: Option<String>,
}

/// Result of mutations that change an activity.
#[derive(SimpleObject)]
pub struct ActivityPayload {
    /// The activity as it is now.
    pub activity: Activity,
}

/// Result of `enrolInActivity` and `recordAttendance`.
#[derive(SimpleObject)]
pub struct ActivityEnrolmentPayload {
    /// The activity as it is now.
    pub activity: Activity,
    /// The enrolment as it is now.
    pub enrolment: ActivityEnrolment,
}

fn live<'a>(ctx: &'a Context<'_>) -> AppResult<&'a Arc<Live>> {
    ctx.data_opt::<Arc<Live>>()
        .ok_or_else(|| AppError::internal("live broker missing from the GraphQL context"))
}

fn payload(activity: activity::Model) -> ActivityPayload {
    ActivityPayload {
        activity: Activity(activity),
    }
}

fn enrolment_payload(
    (activity, enrolment): (activity::Model, entity::activity_enrolment::Model),
    student_school_id: i64,
) -> ActivityEnrolmentPayload {
    ActivityEnrolmentPayload {
        activity: Activity(activity),
        enrolment: ActivityEnrolment(EnrolmentRow {
            enrolment,
            student_school_id,
        }),
    }
}

#[derive(Default)]
pub struct ActivityMutation;

#[Object]
impl ActivityMutation {
    /// Plans an activity as a DRAFT (staff of the host school, the region's coordinator, admin).
    async fn create_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity to plan.")] input: CreateActivityInput,
    ) -> AppResult<ActivityPayload> {
        let new = NewActivity {
            region_code: input.region_code,
            host_school_brin: input.host_school_brin,
            participating_school_brins: input.participating_school_brins,
            leerlab_code: input.leerlab_code,
            kind: input.kind,
            title: input.title,
            description: input.description,
            location: input.location,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            capacity: input.capacity,
        };
        Ok(payload(service::create(db(ctx)?, viewer(ctx)?, new).await?))
    }

    /// Changes a draft or published activity (those who may create it).
    async fn update_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity and what changes.")] input: UpdateActivityInput,
    ) -> AppResult<ActivityPayload> {
        let id = ids::decode_as(&input.id, "Activity", "id")?;
        let changes = ActivityChanges {
            kind: input.kind,
            title: input.title,
            description: tri_state(input.description),
            location: tri_state(input.location),
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            capacity: input.capacity,
            participating_school_brins: input.participating_school_brins,
            leerlab_code: tri_state(input.leerlab_code),
        };
        Ok(payload(
            service::update(db(ctx)?, viewer(ctx)?, id, changes).await?,
        ))
    }

    /// Publishes a draft: everyone sees it, pupils may enrol, and `activityPublished`
    /// subscribers of its region hear of it.
    async fn publish_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to publish.")] input: PublishActivityInput,
    ) -> AppResult<ActivityPayload> {
        let id = ids::decode_as(&input.id, "Activity", "id")?;
        let published = service::publish(db(ctx)?, live(ctx)?, viewer(ctx)?, id).await?;
        Ok(payload(published))
    }

    /// Cancels a published activity, with a reason that everyone sees.
    async fn cancel_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity and why it is cancelled.")] input: CancelActivityInput,
    ) -> AppResult<ActivityPayload> {
        let id = ids::decode_as(&input.id, "Activity", "id")?;
        let cancelled = service::cancel(db(ctx)?, viewer(ctx)?, id, &input.reason).await?;
        Ok(payload(cancelled))
    }

    /// Enrols a pupil of a participating school in a published activity; CONFLICT when it is
    /// full, cancelled or the pupil is already enrolled.
    async fn enrol_in_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity and the pupil.")] input: EnrolInActivityInput,
    ) -> AppResult<ActivityEnrolmentPayload> {
        let activity_id = ids::decode_as(&input.activity_id, "Activity", "activityId")?;
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let result = service::enrol(db(ctx)?, viewer(ctx)?, activity_id, student_id).await?;
        let school = enrolled_school(ctx, student_id).await?;
        Ok(enrolment_payload(result, school))
    }

    /// Records whether an enrolled pupil came (staff of the host school or of the pupil's
    /// school) and/or the pupil's own reflection (the pupil themself).
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity, the pupil, and what to record.")]
        input: RecordAttendanceInput,
    ) -> AppResult<ActivityEnrolmentPayload> {
        let activity_id = ids::decode_as(&input.activity_id, "Activity", "activityId")?;
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let changes = AttendanceInput {
            attendance: input.attendance,
            reflection: input.reflection,
        };
        let result =
            service::record_attendance(db(ctx)?, viewer(ctx)?, activity_id, student_id, changes)
                .await?;
        let school = enrolled_school(ctx, student_id).await?;
        Ok(enrolment_payload(result, school))
    }
}

async fn enrolled_school(ctx: &Context<'_>, student_id: i64) -> AppResult<i64> {
    Ok(entity::student::Entity::find_by_id(student_id)
        .one(db(ctx)?)
        .await?
        .map_or(0, |s| s.school_id))
}

#[derive(Default)]
pub struct ActivitySubscription;

/// Live updates, over graphql-transport-ws at `GET /graphql/ws` (the token goes in the
/// `connection_init` payload).
// Named `Subscription`: its fields resolve with this type as their parent, and the access
// policy knows their rules by the root type's name.
#[Subscription(name = "Subscription")]
impl ActivitySubscription {
    /// Activities of a region as they are published, on whichever replica that happens.
    async fn activity_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Code of the region whose publications to receive.")] region_code: String,
    ) -> async_graphql::Result<impl Stream<Item = Activity>> {
        let db = db(ctx)?.clone();
        let region = require_region(&db, region_code.trim(), "regionCode").await?;
        let receiver = live(ctx)?.subscribe().await;
        let events = futures::stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => return Some((event, receiver)),
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a slow subscriber missed publications");
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        Ok(events
            .filter(move |event| std::future::ready(event.region_id == region.id))
            .filter_map(move |event| {
                let db = db.clone();
                async move {
                    // Read it fresh: the subscriber sees the activity as it is now.
                    activity::Entity::find_by_id(event.activity_id)
                        .one(&db)
                        .await
                        .ok()
                        .flatten()
                        .map(Activity)
                }
            }))
    }
}
