//! An activity's life: created as a DRAFT, changed, PUBLISHED (announced to subscribers at
//! commit) and CANCELLED, each change with its audit record in its own transaction.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use entity::{activity, activity_school, leerlab, school};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect,
};

use super::{may_write, require_visible};
use crate::{
    audit,
    auth::{Viewer, policy::ensure},
    db,
    domain::activity::{ActivityKind, ActivityStatus},
    error::{AppError, AppResult},
    live::{ActivityPublished, Live},
    service::{
        catalogue::{can_manage_school, require_region, require_school},
        leerlab::{partners_of, require_leerlab},
        optional_text, required_text,
    },
};

/// Largest capacity of one activity.
const MAX_CAPACITY: i32 = 10_000;
/// Longest activity (a camp or excursion of a few days fits easily).
const MAX_DAYS: i64 = 31;
/// Most participating schools of one activity.
const MAX_SCHOOLS: usize = 50;

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
        kind: Set(input.kind),
        title: Set(title),
        description: Set(description),
        location: Set(location),
        status: Set(ActivityStatus::Draft),
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
        next.kind = kind;
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
    if locked.status == ActivityStatus::Cancelled {
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
    if locked.status != ActivityStatus::Draft {
        return Err(AppError::conflict("only a draft can be published"));
    }
    let now = Utc::now();
    let mut active: activity::ActiveModel = locked.into();
    active.status = Set(ActivityStatus::Published);
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
    if locked.status != ActivityStatus::Published {
        return Err(AppError::conflict(
            "only a published activity can be cancelled",
        ));
    }
    let mut active: activity::ActiveModel = locked.into();
    active.status = Set(ActivityStatus::Cancelled);
    active.cancel_reason = Set(Some(reason));
    active.updated_at = Set(Utc::now());
    let cancelled = active.update(&txn).await?;
    audit::record_write(&txn, viewer, "activity.cancel", target(&cancelled)).await?;
    txn.commit().await?;
    Ok(cancelled)
}

/// `deleteActivity`: removes a draft (a published or cancelled activity stays, `CONFLICT`).
/// The change feed records a `DELETE` (a tombstone, by the database's trigger).
pub async fn delete(db: &DatabaseConnection, viewer: &Viewer, id: i64) -> AppResult<()> {
    require_writable(db, viewer, id).await?;
    let txn = db::begin_write(db).await?;
    let locked = lock(&txn, id).await?;
    if locked.status != ActivityStatus::Draft {
        return Err(AppError::conflict(
            "only a draft can be deleted; cancel a published activity instead",
        ));
    }
    let target = target(&locked);
    activity::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record_write(&txn, viewer, "activity.delete", target).await?;
    txn.commit().await?;
    Ok(())
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
pub(super) async fn lock(txn: &impl ConnectionTrait, id: i64) -> AppResult<activity::Model> {
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
