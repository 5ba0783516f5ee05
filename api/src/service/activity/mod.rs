//! Joint activities: creating, changing, publishing and cancelling them, listing what a caller
//! may see, and pupils' enrolment and attendance.
//!
//! Drafts are visible only to those who may write the activity (staff of the host school, the
//! region's coordinator, admin); to everyone else a draft does not exist. Enrolment is safe
//! under concurrency: the place is taken by one conditional `UPDATE … WHERE enrolled_count <
//! capacity` in the transaction that inserts the enrolment, so two pupils can never both get
//! the last place.

mod enrolment;
mod lifecycle;

pub use enrolment::{AttendanceChanges, EnrolmentRow, enrol, record_attendance, withdraw};
pub use lifecycle::{ActivityChanges, NewActivity, cancel, create, delete, publish, update};

use chrono::{DateTime, Duration, Utc};
use entity::{activity, activity_school, leerlab, region, school};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::Page;
use crate::{
    auth::Viewer,
    domain::activity::{ActivityKind, ActivityStatus},
    error::{AppError, AppResult},
    ids,
};

pub use crate::auth::scope::activities::{may_see, may_write, visible_to};

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
        condition = condition.add(activity::Column::Kind.eq(kind));
    }
    if let Some(from) = filter.from {
        condition = condition.add(activity::Column::EndsAt.gt(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(activity::Column::StartsAt.lt(to));
    }
    if let Some(status) = filter.status {
        condition = condition.add(activity::Column::Status.eq(status));
    }
    condition
}

/// Published and cancelled activities of a region for its calendar feed, from a year back on.
pub async fn feed(db: &DatabaseConnection, region_id: i64) -> AppResult<Vec<activity::Model>> {
    Ok(activity::Entity::find()
        .filter(activity::Column::RegionId.eq(region_id))
        .filter(activity::Column::Status.ne(ActivityStatus::Draft))
        .filter(activity::Column::EndsAt.gt(Utc::now() - Duration::days(365)))
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(activity::Column::Id)
        .limit(5000)
        .all(db)
        .await?)
}

/// The activity with row id `id` as it is now, whoever may see it (a subscriber hears only of
/// published ones).
pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<activity::Model>> {
    Ok(activity::Entity::find_by_id(id).one(db).await?)
}
