//! Who reads and works on signals: `signals(filter:)`, a person's signals, one signal, and
//! `updateSignal`, each within the caller's scope ([`crate::auth::scope::signals`]).

use chrono::Utc;
use entity::{application, person, signal, signal_note, student};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use crate::{
    audit::{self, Sealed},
    auth::{
        Viewer,
        policy::ensure,
        scope::{may_work_on_signal, persons_at, signals as scope},
    },
    db,
    domain::pipeline::{SignalKind, SignalStatus},
    error::{AppError, AppResult},
    service::{Page, PageArgs, catalogue, page_by_id},
};

/// Filters of `signals(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct SignalFilter {
    pub region_code: Option<String>,
    /// The pupil's vmbo school, or an mbo school the pupil applied to.
    pub school_brin: Option<String>,
    pub kind: Option<SignalKind>,
    pub status: Option<SignalStatus>,
}

pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &SignalFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Sealed<Page<signal::Model>>> {
    let condition = filtered(db, viewer, filter).await?;
    let select = signal::Entity::find().filter(condition);
    let page = page_by_id(db, select, signal::Column::Id, page, want_total).await?;
    Ok(Sealed::new(page))
}

/// A raised signal for a `signalRaised` subscriber: the signal when the subscriber may read it
/// and it matches the subscription's filter, else `None`.
pub async fn raised_for(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &SignalFilter,
    id: i64,
) -> AppResult<Sealed<Option<signal::Model>>> {
    let condition = filtered(db, viewer, filter).await?;
    let found = signal::Entity::find_by_id(id)
        .filter(condition)
        .one(db)
        .await?;
    Ok(Sealed::new(found))
}

/// The caller's scope and a filter, as one condition on `signal`.
async fn filtered(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &SignalFilter,
) -> AppResult<Condition> {
    let mut condition =
        Condition::all().add(scope(viewer, viewer.today()).ok_or(AppError::Forbidden)?);
    if let Some(code) = &filter.region_code {
        let region = catalogue::region_by_code(db, code)
            .await?
            .map_or(-1, |r| r.id);
        let in_region = student::Entity::find()
            .select_only()
            .column(student::Column::Id)
            .filter(student::Column::RegionId.eq(region))
            .into_query();
        condition = condition.add(signal::Column::StudentId.in_subquery(in_region));
    }
    if let Some(brin) = &filter.school_brin {
        let school = catalogue::school_by_brin(db, brin)
            .await?
            .map_or(-1, |s| s.id);
        let applied = application::Entity::find()
            .select_only()
            .column(application::Column::Pseudonym)
            .filter(application::Column::SchoolId.eq(school))
            .into_query();
        condition = condition.add(
            Condition::any()
                .add(signal::Column::Pseudonym.in_subquery(persons_at(&[school])))
                .add(signal::Column::Pseudonym.in_subquery(applied)),
        );
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(signal::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        condition = condition.add(signal::Column::Status.eq(status));
    }
    Ok(condition)
}

/// The signals of one person that the caller may read, oldest first.
pub async fn of_person(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    pseudonym: &str,
) -> AppResult<Sealed<Vec<signal::Model>>> {
    let Some(scope) = scope(viewer, viewer.today()) else {
        return Ok(Sealed::new(Vec::new()));
    };
    let found = signal::Entity::find()
        .filter(signal::Column::Pseudonym.eq(pseudonym))
        .filter(scope)
        .all(db)
        .await?;
    Ok(Sealed::new(found))
}

/// One signal the caller may read; out of scope and nonexistent look the same.
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Sealed<signal::Model>> {
    Ok(Sealed::new(find(db, viewer, id).await?))
}

/// [`get`] for `updateSignal`, which hands out only the signal it wrote.
async fn find(db: &impl ConnectionTrait, viewer: &Viewer, id: i64) -> AppResult<signal::Model> {
    let found = signal::Entity::find_by_id(id)
        .filter(scope(viewer, viewer.today()).ok_or(AppError::Forbidden)?)
        .one(db)
        .await?;
    match found {
        Some(found) => Ok(found),
        None if viewer.is_admin() => Err(AppError::not_found("no such signal")),
        None => Err(AppError::Forbidden),
    }
}

/// What `updateSignal` changes.
#[derive(Clone, Debug, Default)]
pub struct SignalChanges {
    pub status: Option<SignalStatus>,
    pub assignee_id: Option<i64>,
    pub note: Option<String>,
}

/// `updateSignal`: status, assignee and/or a note. A `RESOLVED` signal is `CONFLICT`; resolving
/// by hand sets `resolvedOn` to today and keeps the rules from raising it again while its
/// condition holds without a break.
pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    changes: SignalChanges,
) -> AppResult<signal::Model> {
    let found = find(db, viewer, id).await?;
    ensure(may_work_on_signal(db, viewer, &found).await?)?;
    if found.status == SignalStatus::Resolved {
        return Err(AppError::conflict(
            "the signal is resolved; a new one is raised if its condition returns",
        ));
    }
    let note = crate::service::optional_text("note", changes.note.as_deref(), 4000)?;
    if let Some(assignee) = changes.assignee_id
        && person::Entity::find_by_id(assignee)
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::not_found_in("assigneeId", "no such person"));
    }
    let txn = db::begin_write(db).await?;
    let mut active: signal::ActiveModel = found.clone().into();
    if let Some(status) = changes.status {
        active.status = Set(status);
        if status == SignalStatus::Resolved {
            active.resolved_on = Set(Some(viewer.today()));
            active.dormant = Set(true);
        }
    }
    if let Some(assignee) = changes.assignee_id {
        active.assignee_id = Set(Some(assignee));
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    if let Some(text) = note {
        signal_note::ActiveModel {
            signal_id: Set(updated.id),
            at: Set(Utc::now()),
            author: Set(viewer
                .subject()
                .unwrap_or_else(|| viewer.role().as_str().to_owned())),
            text: Set(text),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    crate::service::pipeline::refresh(&txn, super::Persons::One(&updated.pseudonym)).await?;
    audit::record_write(&txn, viewer, "signal.update", target(updated.id)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The audit-log target of a signal: its global id.
pub fn target(id: i64) -> String {
    format!("Signal:{}", crate::ids::encode("Signal", id).0)
}
