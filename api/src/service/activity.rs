//! Joint activities: creating, changing, publishing and cancelling them, listing what a caller
//! may see, and pupils' enrolment and attendance.
//!
//! Drafts are visible only to those who may write the activity (staff of the host school, the
//! region's coordinator, admin); to everyone else a draft does not exist. Enrolment is safe
//! under concurrency: the place is taken by one conditional `UPDATE … WHERE enrolled_count <
//! capacity` in the transaction that inserts the enrolment, so two pupils can never both get
//! the last place.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use entity::{activity, activity_enrolment, activity_school, leerlab, region, school, student};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};

use super::{
    Page,
    catalogue::{can_manage_school, conflict_on_duplicate, require_region, require_school},
    leerlab::{partners_of, require_leerlab},
    optional_text, required_text,
};
use crate::{
    audit,
    auth::{Role, Viewer, policy::ensure},
    db,
    domain::activity::{ActivityKind, ActivityStatus, Attendance},
    error::{AppError, AppResult},
    ids,
    live::{ActivityPublished, Live},
};

/// Largest capacity of one activity.
const MAX_CAPACITY: i32 = 10_000;
/// Longest activity (a camp or excursion of a few days fits easily).
const MAX_DAYS: i64 = 31;
/// Most participating schools of one activity.
const MAX_SCHOOLS: usize = 50;

/// Whether `viewer` may change `activity` (and so see it as a draft).
pub fn may_write(viewer: &Viewer, activity: &activity::Model) -> bool {
    match viewer.role() {
        Role::Admin => true,
        Role::SchoolStaff => viewer.covers_school(activity.host_school_id),
        Role::Coordinator => viewer.covers_region(activity.region_id),
        _ => false,
    }
}

/// Whether `viewer` may know that `activity` exists.
pub fn may_see(viewer: &Viewer, activity: &activity::Model) -> bool {
    activity.status != ActivityStatus::Draft.as_str() || may_write(viewer, activity)
}

/// The activity with row id `id` if the viewer may see it; otherwise `NOT_FOUND` on `field`,
/// whether it is missing or a draft of someone else.
pub async fn require_visible(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    field: &str,
) -> AppResult<activity::Model> {
    activity::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| may_see(viewer, a))
        .ok_or_else(|| AppError::not_found_in(field, "no such activity"))
}

/// Filters of `activities(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    pub region_code: Option<String>,
    /// Activities this school takes part in (hosting included).
    pub school_brin: Option<String>,
    pub leerlab_code: Option<String>,
    pub kind: Option<ActivityKind>,
    /// Only activities that end after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Only activities that start before this moment.
    pub to: Option<DateTime<Utc>>,
    pub status: Option<ActivityStatus>,
}

/// Position in the list: the (startsAt, id) of the last activity seen.
pub type ActivityCursor = (DateTime<Utc>, i64);

/// The cursor text of an activity.
pub fn cursor_key(activity: &activity::Model) -> String {
    format!("{}:{}", activity.starts_at.timestamp_micros(), activity.id)
}

/// Reads a cursor made by [`cursor_key`].
pub fn parse_cursor(cursor: &str) -> AppResult<ActivityCursor> {
    let key = ids::decode_cursor(cursor)?;
    let bad = || AppError::bad_input("after", "not a cursor of this list");
    let (micros, id) = key.split_once(':').ok_or_else(bad)?;
    let at = DateTime::from_timestamp_micros(micros.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// Activities the viewer may see, ordered by start (then id).
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &ActivityFilter,
    first: u64,
    after: Option<ActivityCursor>,
    want_total: bool,
) -> AppResult<Page<activity::Model>> {
    let select = activity::Entity::find()
        .filter(visible_to(viewer))
        .filter(matching(filter));
    let total = match want_total {
        true => Some(select.clone().count(db).await? as i64),
        false => None,
    };
    let mut select = select;
    if let Some((at, id)) = after {
        select = select.filter(
            Condition::any().add(activity::Column::StartsAt.gt(at)).add(
                Condition::all()
                    .add(activity::Column::StartsAt.eq(at))
                    .add(activity::Column::Id.gt(id)),
            ),
        );
    }
    let items = select
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(activity::Column::Id)
        .limit(first + 1)
        .all(db)
        .await?;
    Ok(Page::from_fetch(items, first, total))
}

/// Published and cancelled activities for all; drafts only for those who may write them.
fn visible_to(viewer: &Viewer) -> Condition {
    let public = activity::Column::Status.ne(ActivityStatus::Draft.as_str());
    let own_drafts = match viewer.role() {
        Role::Admin => return Condition::all(),
        Role::Coordinator => viewer.region_id.map(|r| activity::Column::RegionId.eq(r)),
        Role::SchoolStaff => {
            Some(activity::Column::HostSchoolId.is_in(viewer.school_ids.iter().copied()))
        }
        _ => None,
    };
    let mut condition = Condition::any().add(public);
    if let Some(own) = own_drafts {
        condition = condition.add(own);
    }
    condition
}

fn matching(filter: &ActivityFilter) -> Condition {
    let mut condition = Condition::all();
    if let Some(code) = &filter.region_code {
        let regions = region::Entity::find()
            .select_only()
            .column(region::Column::Id)
            .filter(region::Column::Code.eq(code.trim()))
            .into_query();
        condition = condition.add(activity::Column::RegionId.in_subquery(regions));
    }
    if let Some(brin) = &filter.school_brin {
        let schools = school::Entity::find()
            .select_only()
            .column(school::Column::Id)
            .filter(school::Column::Brin.eq(brin.trim().to_uppercase()))
            .into_query();
        let activities = activity_school::Entity::find()
            .select_only()
            .column(activity_school::Column::ActivityId)
            .filter(activity_school::Column::SchoolId.in_subquery(schools))
            .into_query();
        condition = condition.add(activity::Column::Id.in_subquery(activities));
    }
    if let Some(code) = &filter.leerlab_code {
        let leerlabs = leerlab::Entity::find()
            .select_only()
            .column(leerlab::Column::Id)
            .filter(leerlab::Column::Code.eq(code.trim()))
            .into_query();
        condition = condition.add(activity::Column::LeerlabId.in_subquery(leerlabs));
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(activity::Column::Kind.eq(kind.as_str()));
    }
    if let Some(from) = filter.from {
        condition = condition.add(activity::Column::EndsAt.gt(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(activity::Column::StartsAt.lt(to));
    }
    if let Some(status) = filter.status {
        condition = condition.add(activity::Column::Status.eq(status.as_str()));
    }
    condition
}

/// Published and cancelled activities of a region for its calendar feed, from a year back on.
pub async fn feed(db: &DatabaseConnection, region_id: i64) -> AppResult<Vec<activity::Model>> {
    Ok(activity::Entity::find()
        .filter(activity::Column::RegionId.eq(region_id))
        .filter(activity::Column::Status.ne(ActivityStatus::Draft.as_str()))
        .filter(activity::Column::EndsAt.gt(Utc::now() - Duration::days(365)))
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(activity::Column::Id)
        .limit(5000)
        .all(db)
        .await?)
}

/// What `createActivity` takes.
#[derive(Clone, Debug)]
pub struct NewActivity {
    pub region_code: String,
    pub host_school_brin: String,
    pub participating_school_brins: Vec<String>,
    pub leerlab_code: Option<String>,
    pub kind: ActivityKind,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
}

/// `createActivity`: a new activity starts as a DRAFT.
pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: NewActivity,
) -> AppResult<activity::Model> {
    let region = require_region(db, input.region_code.trim(), "regionCode").await?;
    let host = require_school(db, &input.host_school_brin, "hostSchoolBrin").await?;
    ensure(can_manage_school(viewer, &host))?;
    if host.region_id != region.id {
        return Err(AppError::bad_input(
            "hostSchoolBrin",
            "the host school must be a school of the region",
        ));
    }
    let leerlab = match input
        .leerlab_code
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        Some(code) => Some(leerlab_of_region(db, code, region.id).await?),
        None => None,
    };
    let title = required_text("title", &input.title, 200)?;
    let description = optional_text("description", input.description.as_deref(), 4000)?;
    let location = optional_text("location", input.location.as_deref(), 200)?;
    check_times(input.starts_at, input.ends_at)?;
    check_capacity(input.capacity, 0)?;
    let schools = participants(
        db,
        region.id,
        leerlab.as_ref(),
        &host,
        &input.participating_school_brins,
    )
    .await?;

    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let created = activity::ActiveModel {
        region_id: Set(region.id),
        host_school_id: Set(host.id),
        leerlab_id: Set(leerlab.map(|l| l.id)),
        kind: Set(input.kind.as_str().to_owned()),
        title: Set(title),
        description: Set(description),
        location: Set(location),
        status: Set(ActivityStatus::Draft.as_str().to_owned()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        capacity: Set(input.capacity),
        enrolled_count: Set(0),
        cancel_reason: Set(None),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    replace_participants(&txn, created.id, &schools).await?;
    audit::record_write(&txn, viewer, "activity.create", target(&created)).await?;
    txn.commit().await?;
    Ok(created)
}

/// What `updateActivity` may change; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ActivityChanges {
    pub kind: Option<ActivityKind>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub capacity: Option<i32>,
    pub participating_school_brins: Option<Vec<String>>,
    pub leerlab_code: Option<Option<String>>,
}

/// `updateActivity`: a draft or published activity changes; a cancelled one stays as it was.
pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    changes: ActivityChanges,
) -> AppResult<activity::Model> {
    let current = require_writable(db, viewer, id).await?;
    let host = school::Entity::find_by_id(current.host_school_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("activity without host"))?;
    let mut next = current.clone();
    if let Some(code) = &changes.leerlab_code {
        next.leerlab_id = match code.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(code) => Some(leerlab_of_region(db, code, current.region_id).await?.id),
            None => None,
        };
    }
    if let Some(kind) = changes.kind {
        next.kind = kind.as_str().to_owned();
    }
    if let Some(title) = &changes.title {
        next.title = required_text("title", title, 200)?;
    }
    if let Some(description) = &changes.description {
        next.description = optional_text("description", description.as_deref(), 4000)?;
    }
    if let Some(location) = &changes.location {
        next.location = optional_text("location", location.as_deref(), 200)?;
    }
    next.starts_at = changes.starts_at.unwrap_or(next.starts_at);
    next.ends_at = changes.ends_at.unwrap_or(next.ends_at);
    check_times(next.starts_at, next.ends_at)?;
    next.capacity = changes.capacity.unwrap_or(next.capacity);
    let schools = match &changes.participating_school_brins {
        Some(brins) => {
            let leerlab = match next.leerlab_id {
                Some(id) => leerlab::Entity::find_by_id(id).one(db).await?,
                None => None,
            };
            Some(participants(db, current.region_id, leerlab.as_ref(), &host, brins).await?)
        }
        None => None,
    };

    let txn = db::begin_write(db).await?;
    // Re-read under the row lock: a concurrent enrolment or cancellation may have happened.
    let locked = lock(&txn, id).await?;
    if locked.status == ActivityStatus::Cancelled.as_str() {
        return Err(AppError::conflict("a cancelled activity cannot be changed"));
    }
    check_capacity(next.capacity, locked.enrolled_count)?;
    let mut active: activity::ActiveModel = locked.into();
    active.kind = Set(next.kind);
    active.title = Set(next.title);
    active.description = Set(next.description);
    active.location = Set(next.location);
    active.leerlab_id = Set(next.leerlab_id);
    active.starts_at = Set(next.starts_at);
    active.ends_at = Set(next.ends_at);
    active.capacity = Set(next.capacity);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    if let Some(schools) = schools {
        replace_participants(&txn, id, &schools).await?;
    }
    audit::record_write(&txn, viewer, "activity.update", target(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// `publishActivity`: DRAFT → PUBLISHED, announced to live subscribers at commit.
pub async fn publish(
    db: &DatabaseConnection,
    live: &Live,
    viewer: &Viewer,
    id: i64,
) -> AppResult<activity::Model> {
    require_writable(db, viewer, id).await?;
    let txn = db::begin_write(db).await?;
    let locked = lock(&txn, id).await?;
    if locked.status != ActivityStatus::Draft.as_str() {
        return Err(AppError::conflict("only a draft can be published"));
    }
    let now = Utc::now();
    let mut active: activity::ActiveModel = locked.into();
    active.status = Set(ActivityStatus::Published.as_str().to_owned());
    active.published_at = Set(Some(now));
    active.updated_at = Set(now);
    let published = active.update(&txn).await?;
    let event = ActivityPublished {
        activity_id: published.id,
        region_id: published.region_id,
    };
    live.announce(&txn, event).await?;
    audit::record_write(&txn, viewer, "activity.publish", target(&published)).await?;
    txn.commit().await?;
    live.committed(event);
    Ok(published)
}

/// `cancelActivity`: PUBLISHED → CANCELLED, with a reason that everyone sees.
pub async fn cancel(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    reason: &str,
) -> AppResult<activity::Model> {
    require_writable(db, viewer, id).await?;
    let reason = required_text("reason", reason, 2000)?;
    let txn = db::begin_write(db).await?;
    let locked = lock(&txn, id).await?;
    if locked.status != ActivityStatus::Published.as_str() {
        return Err(AppError::conflict(
            "only a published activity can be cancelled",
        ));
    }
    let mut active: activity::ActiveModel = locked.into();
    active.status = Set(ActivityStatus::Cancelled.as_str().to_owned());
    active.cancel_reason = Set(Some(reason));
    active.updated_at = Set(Utc::now());
    let cancelled = active.update(&txn).await?;
    audit::record_write(&txn, viewer, "activity.cancel", target(&cancelled)).await?;
    txn.commit().await?;
    Ok(cancelled)
}

/// `enrolInActivity`: a pupil takes a place. A student enrols themself; staff enrol pupils of
/// their own school; admin anyone. Refused with CONFLICT when the activity is full, not
/// published, or the pupil is already enrolled.
pub async fn enrol(
    db: &DatabaseConnection,
    viewer: &Viewer,
    activity_id: i64,
    student_id: i64,
) -> AppResult<(activity::Model, activity_enrolment::Model)> {
    let pupil = require_pupil_in_scope(db, viewer, student_id).await?;
    let activity = require_visible(db, viewer, activity_id, "activityId").await?;
    if !takes_part(db, &activity, pupil.school_id).await? {
        return Err(AppError::bad_input(
            "studentId",
            "the pupil's school does not take part in this activity",
        ));
    }
    let txn = db::begin_write(db).await?;
    let taken = db::execute(
        &txn,
        "UPDATE activity SET enrolled_count = enrolled_count + 1 \
         WHERE id = ? AND status = ? AND enrolled_count < capacity",
        vec![
            activity_id.into(),
            ActivityStatus::Published.as_str().into(),
        ],
    )
    .await?;
    if taken == 0 {
        return Err(why_no_place(&txn, activity_id).await);
    }
    let enrolment = activity_enrolment::ActiveModel {
        activity_id: Set(activity_id),
        student_id: Set(pupil.id),
        enrolled_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| conflict_on_duplicate(e, "the pupil is already enrolled".to_owned()))?;
    let target = format!("Activity:{activity_id}/{}", student_target(pupil.id));
    audit::record_write(&txn, viewer, "activity.enrol", target).await?;
    let activity = lock(&txn, activity_id).await?;
    txn.commit().await?;
    Ok((activity, enrolment))
}

/// Why the conditional UPDATE took no place: a CONFLICT that says so.
async fn why_no_place(txn: &impl ConnectionTrait, activity_id: i64) -> AppError {
    let current = match activity::Entity::find_by_id(activity_id).one(txn).await {
        Ok(Some(current)) => current,
        Ok(None) => return AppError::not_found_in("activityId", "no such activity"),
        Err(err) => return err.into(),
    };
    match ActivityStatus::from_db(&current.status) {
        ActivityStatus::Draft => AppError::conflict("the activity is not published yet"),
        ActivityStatus::Cancelled => AppError::conflict("the activity is cancelled"),
        ActivityStatus::Published => AppError::conflict("the activity is full"),
    }
}

/// What `recordAttendance` changes: attendance (staff) and/or reflection (the pupil).
#[derive(Clone, Debug, Default)]
pub struct AttendanceInput {
    pub attendance: Option<Attendance>,
    pub reflection: Option<String>,
}

/// `recordAttendance`: staff of the host school or of the pupil's school record presence; only
/// the pupil themself writes their reflection.
pub async fn record_attendance(
    db: &DatabaseConnection,
    viewer: &Viewer,
    activity_id: i64,
    student_id: i64,
    input: AttendanceInput,
) -> AppResult<(activity::Model, activity_enrolment::Model)> {
    if input.attendance.is_none() && input.reflection.is_none() {
        return Err(AppError::bad_input(
            "attendance",
            "give an attendance, a reflection or both",
        ));
    }
    let activity = require_visible(db, viewer, activity_id, "activityId").await?;
    let pupil = student::Entity::find_by_id(student_id).one(db).await?;
    let is_pupil = viewer.role() == Role::Student && viewer.student_id == Some(student_id);
    let is_staff = viewer.is_admin()
        || (viewer.role() == Role::SchoolStaff
            && (viewer.covers_school(activity.host_school_id)
                || pupil
                    .as_ref()
                    .is_some_and(|p| viewer.covers_school(p.school_id))));
    ensure((input.attendance.is_none() || is_staff) && (input.reflection.is_none() || is_pupil))?;
    let reflection = optional_text("reflection", input.reflection.as_deref(), 4000)?;
    if activity.status != ActivityStatus::Published.as_str() {
        return Err(AppError::conflict(
            "attendance is recorded for published activities only",
        ));
    }
    let enrolment = activity_enrolment::Entity::find()
        .filter(activity_enrolment::Column::ActivityId.eq(activity_id))
        .filter(activity_enrolment::Column::StudentId.eq(student_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_in("studentId", "the pupil is not enrolled"))?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let mut active: activity_enrolment::ActiveModel = enrolment.into();
    if let Some(attendance) = input.attendance {
        active.attendance = Set(Some(attendance.as_str().to_owned()));
        active.attendance_recorded_at = Set(Some(now));
    }
    if reflection.is_some() {
        active.reflection = Set(reflection);
        active.reflected_at = Set(Some(now));
    }
    let enrolment = active.update(&txn).await?;
    let target = format!("Activity:{activity_id}/{}", student_target(student_id));
    audit::record_write(&txn, viewer, "activity.attendance", target).await?;
    txn.commit().await?;
    Ok((activity, enrolment))
}

/// The pupil a viewer may enrol: themself (student), their own school's pupils (staff), anyone
/// (admin). Out of scope is FORBIDDEN whether or not the pupil exists.
async fn require_pupil_in_scope(
    db: &DatabaseConnection,
    viewer: &Viewer,
    student_id: i64,
) -> AppResult<student::Model> {
    if viewer.role() == Role::Student {
        ensure(viewer.student_id == Some(student_id))?;
    }
    let pupil = student::Entity::find_by_id(student_id).one(db).await?;
    match (viewer.role(), pupil) {
        (Role::Admin, None) => Err(AppError::not_found_in("studentId", "no such pupil")),
        (Role::Admin | Role::Student, Some(pupil)) => Ok(pupil),
        (Role::SchoolStaff, Some(pupil)) if viewer.covers_school(pupil.school_id) => Ok(pupil),
        _ => Err(AppError::Forbidden),
    }
}

/// Whether a school (or the institution it is a location of) takes part in the activity.
async fn takes_part(
    db: &impl ConnectionTrait,
    activity: &activity::Model,
    school_id: i64,
) -> AppResult<bool> {
    let school = school::Entity::find_by_id(school_id).one(db).await?;
    let candidates: Vec<i64> = school
        .map(|s| [Some(s.id), s.parent_id].into_iter().flatten().collect())
        .unwrap_or_default();
    let found = activity_school::Entity::find()
        .filter(activity_school::Column::ActivityId.eq(activity.id))
        .filter(activity_school::Column::SchoolId.is_in(candidates))
        .count(db)
        .await?;
    Ok(found > 0)
}

/// The activity if the viewer may write it: NOT_FOUND when they may not even see it,
/// FORBIDDEN when they may see but not change it.
async fn require_writable(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<activity::Model> {
    let activity = require_visible(db, viewer, id, "id").await?;
    ensure(may_write(viewer, &activity))?;
    Ok(activity)
}

/// Reads the activity inside a write transaction, locking its row on PostgreSQL (SQLite's
/// `BEGIN IMMEDIATE` already holds the database's write lock).
async fn lock(txn: &impl ConnectionTrait, id: i64) -> AppResult<activity::Model> {
    activity::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found_in("id", "no such activity"))
}

async fn leerlab_of_region(
    db: &impl ConnectionTrait,
    code: &str,
    region_id: i64,
) -> AppResult<leerlab::Model> {
    let leerlab = require_leerlab(db, code, "leerlabCode").await?;
    if leerlab.region_id != region_id {
        return Err(AppError::bad_input(
            "leerlabCode",
            "the leerlab belongs to another region",
        ));
    }
    Ok(leerlab)
}

fn check_times(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> AppResult<()> {
    if ends_at <= starts_at {
        return Err(AppError::bad_input(
            "endsAt",
            "`endsAt` must be after `startsAt`",
        ));
    }
    if ends_at - starts_at > Duration::days(MAX_DAYS) {
        return Err(AppError::bad_input(
            "endsAt",
            format!("an activity lasts at most {MAX_DAYS} days"),
        ));
    }
    Ok(())
}

fn check_capacity(capacity: i32, enrolled: i32) -> AppResult<()> {
    if !(1..=MAX_CAPACITY).contains(&capacity) {
        return Err(AppError::bad_input(
            "capacity",
            format!("capacity is 1 to {MAX_CAPACITY}"),
        ));
    }
    if capacity < enrolled {
        return Err(AppError::bad_input(
            "capacity",
            format!("{enrolled} pupils are already enrolled"),
        ));
    }
    Ok(())
}

/// The participating schools' ids, the host always among them. Each school must exist and be
/// of the region or a partner of the activity's leerlab.
async fn participants(
    db: &impl ConnectionTrait,
    region_id: i64,
    leerlab: Option<&leerlab::Model>,
    host: &school::Model,
    brins: &[String],
) -> AppResult<Vec<i64>> {
    const FIELD: &str = "participatingSchoolBrins";
    let wanted: HashSet<String> = brins.iter().map(|b| b.trim().to_uppercase()).collect();
    if wanted.len() > MAX_SCHOOLS {
        return Err(AppError::bad_input(
            FIELD,
            format!("at most {MAX_SCHOOLS} schools"),
        ));
    }
    let schools = school::Entity::find()
        .filter(school::Column::Brin.is_in(wanted.iter().cloned()))
        .all(db)
        .await?;
    if let Some(missing) = wanted
        .iter()
        .find(|b| !schools.iter().any(|s| &s.brin == *b))
    {
        return Err(AppError::not_found_in(
            FIELD,
            format!("no school with BRIN `{missing}`"),
        ));
    }
    let partners: Vec<i64> = match leerlab {
        Some(leerlab) => partners_of(db, leerlab.id)
            .await?
            .iter()
            .map(|p| p.school_id)
            .collect(),
        None => Vec::new(),
    };
    if let Some(outsider) = schools
        .iter()
        .find(|s| s.region_id != region_id && !partners.contains(&s.id))
    {
        return Err(AppError::bad_input(
            FIELD,
            format!(
                "`{}` is neither a school of the region nor a partner of the leerlab",
                outsider.brin
            ),
        ));
    }
    let mut ids: Vec<i64> = schools.iter().map(|s| s.id).collect();
    if !ids.contains(&host.id) {
        ids.insert(0, host.id);
    }
    Ok(ids)
}

async fn replace_participants(
    txn: &impl ConnectionTrait,
    activity_id: i64,
    school_ids: &[i64],
) -> AppResult<()> {
    activity_school::Entity::delete_many()
        .filter(activity_school::Column::ActivityId.eq(activity_id))
        .exec(txn)
        .await?;
    let rows = school_ids
        .iter()
        .map(|&school_id| activity_school::ActiveModel {
            activity_id: Set(activity_id),
            school_id: Set(school_id),
            ..Default::default()
        });
    activity_school::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

fn target(activity: &activity::Model) -> String {
    format!("Activity:{}", activity.id)
}

/// How the audit log names a pupil: by global id, as everywhere else.
pub fn student_target(student_id: i64) -> String {
    format!("Student:{}", ids::encode("Student", student_id).0)
}
