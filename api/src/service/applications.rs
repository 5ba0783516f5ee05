//! Applications to mbo (DESIGN.md 4b): who may read which, the API's writes, and the history of
//! every status an application has had.
//!
//! Scope lives in the SQL, as for pupils: every query on `application` carries the rule of
//! [`applications`](crate::auth::scope::applications), so an application out of scope is never
//! loaded and "not yours" looks like "does not exist".

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use entity::{application, application_status, student};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use super::{Page, PageArgs, catalogue, page_by_id, signals};
use crate::{
    audit::{self, Sealed},
    auth::{
        Role, Viewer,
        policy::ensure,
        scope::{applications as scope, persons_at, records_applications_of},
    },
    db,
    domain::{
        SchoolYear, Sector,
        pipeline::{ApplicationSource, ApplicationStatus},
        valid_crebo, valid_pgn,
    },
    error::{AppError, AppResult, is_unique_violation},
    live::Live,
    pseudonym::Pseudonymiser,
};

/// Which of `persons` (pseudonyms) the caller may read a record of: for `Application.student`,
/// which is null, without an error, where the caller may not read the pupil.
pub async fn readable_persons(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    mut persons: Vec<String>,
) -> AppResult<HashSet<String>> {
    persons.sort();
    persons.dedup();
    let Some(scope) = crate::auth::scope::students(viewer, viewer.today()) else {
        return Ok(HashSet::new());
    };
    if persons.is_empty() {
        return Ok(HashSet::new());
    }
    let found: Vec<String> = student::Entity::find()
        .select_only()
        .column(student::Column::Pseudonym)
        .distinct()
        .filter(student::Column::Pseudonym.is_in(persons))
        .filter(scope)
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// Filters of `applications(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct ApplicationFilter {
    /// The mbo school applied to, or the applicant's vmbo school.
    pub school_brin: Option<String>,
    /// The school year in which the application was made.
    pub school_year: Option<String>,
    pub status: Option<ApplicationStatus>,
}

pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &ApplicationFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Sealed<Page<application::Model>>> {
    let mut condition =
        Condition::all().add(scope(viewer, viewer.today()).ok_or(AppError::Forbidden)?);
    if let Some(brin) = &filter.school_brin {
        let school = catalogue::school_by_brin(db, brin)
            .await?
            .map_or(-1, |s| s.id);
        condition = condition.add(
            Condition::any()
                .add(application::Column::SchoolId.eq(school))
                .add(application::Column::Pseudonym.in_subquery(persons_at(&[school]))),
        );
    }
    if let Some(text) = &filter.school_year {
        let year = SchoolYear::parse(text)
            .ok_or_else(|| AppError::bad_input("schoolYear", "not a school year like 2024-2025"))?;
        condition = condition
            .add(application::Column::AppliedOn.gte(year.first_day()))
            .add(application::Column::AppliedOn.lte(year.last_day()));
    }
    if let Some(status) = filter.status {
        condition = condition.add(application::Column::Status.eq(status));
    }
    let select = application::Entity::find().filter(condition);
    let page = page_by_id(db, select, application::Column::Id, page, want_total).await?;
    Ok(Sealed::new(page))
}

/// One application the caller may read; out of scope and nonexistent look the same.
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Sealed<application::Model>> {
    let found = application::Entity::find_by_id(id)
        .filter(scope(viewer, viewer.today()).ok_or(AppError::Forbidden)?)
        .one(db)
        .await?;
    match found {
        Some(found) => Ok(Sealed::new(found)),
        None if viewer.is_admin() => Err(AppError::not_found("no such application")),
        None => Err(AppError::Forbidden),
    }
}

/// What `recordApplication` is given.
pub struct NewApplication {
    pub pgn: String,
    pub school_brin: String,
    pub crebo: String,
    pub level: i32,
    pub applied_on: NaiveDate,
    pub status: Option<ApplicationStatus>,
    pub status_date: Option<NaiveDate>,
}

/// `status_date` lies between `applied_on` and today (DESIGN.md 4b).
fn check_status_date(applied_on: NaiveDate, date: NaiveDate, today: NaiveDate) -> AppResult<()> {
    if date < applied_on {
        return Err(AppError::bad_input(
            "statusDate",
            "before the application's appliedOn",
        ));
    }
    if date > today {
        return Err(AppError::bad_input("statusDate", "after today"));
    }
    Ok(())
}

/// `recordApplication`: mbo staff of that school (or admin) record an application that reached
/// them. The PGN is pseudonymised at once and never repeated; the first status goes into the
/// history (source `API`).
pub async fn record(
    db: &DatabaseConnection,
    viewer: &Viewer,
    link_secret: &str,
    input: NewApplication,
    live: &Live,
) -> AppResult<application::Model> {
    ensure(matches!(viewer.role(), Role::Admin | Role::SchoolStaff))?;
    let school = catalogue::school_by_brin(db, &input.school_brin)
        .await?
        .filter(|s| s.sector == Sector::Mbo)
        .ok_or_else(|| AppError::not_found_in("schoolBrin", "no mbo school has this BRIN"))?;
    ensure(records_applications_of(viewer, school.id))?;
    if !valid_pgn(&input.pgn) {
        return Err(AppError::bad_input(
            "pgn",
            "not a valid PGN (BSN or onderwijsnummer: 9 digits passing the eleven test)",
        ));
    }
    if !valid_crebo(&input.crebo) {
        return Err(AppError::bad_input("crebo", "not a crebo code of 5 digits"));
    }
    if !(1..=4).contains(&input.level) {
        return Err(AppError::bad_input("level", "not an mbo level 1 to 4"));
    }
    let today = viewer.today();
    if input.applied_on > today {
        return Err(AppError::bad_input("appliedOn", "after today"));
    }
    let status = input.status.unwrap_or(ApplicationStatus::Received);
    let status_date = input.status_date.unwrap_or(today);
    check_status_date(input.applied_on, status_date, today)?;
    let pseudonym = Pseudonymiser::new(link_secret).pseudonym(&input.pgn);
    let txn = db::begin_write(db).await?;
    let created = application::ActiveModel {
        pseudonym: Set(pseudonym),
        school_id: Set(school.id),
        crebo: Set(input.crebo),
        level: Set(input.level as i16),
        applied_on: Set(input.applied_on),
        status: Set(status),
        status_date: Set(status_date),
        import_run: Set(0),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict(
                "this pupil already has an application to this school, crebo and appliedOn",
            )
        } else {
            e.into()
        }
    })?;
    add_history(&txn, &created, ApplicationSource::Api, viewer.subject()).await?;
    let evaluated = signals::after_person_change(&txn, &created.pseudonym, today).await?;
    live.announce_signals(&txn, &evaluated.raised).await?;
    audit::record_write(&txn, viewer, "application.record", target(created.id)).await?;
    txn.commit().await?;
    live.committed_signals(&evaluated.raised);
    Ok(created)
}

/// `updateApplicationStatus`: mbo staff of the application's school (or admin) move it to a new
/// status. Leaving `enrolled` is refused (`CONFLICT`); the change goes into the history.
pub async fn update_status(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    status: ApplicationStatus,
    status_date: Option<NaiveDate>,
    live: &Live,
) -> AppResult<application::Model> {
    ensure(matches!(viewer.role(), Role::Admin | Role::SchoolStaff))?;
    let found = application::Entity::find_by_id(id).one(db).await?;
    let current = match found {
        Some(found) if records_applications_of(viewer, found.school_id) => found,
        None if viewer.is_admin() => return Err(AppError::not_found("no such application")),
        _ => return Err(AppError::Forbidden),
    };
    let today = viewer.today();
    let status_date = status_date.unwrap_or(today);
    check_status_date(current.applied_on, status_date, today)?;
    let was = current.status;
    if was == ApplicationStatus::Enrolled && status != ApplicationStatus::Enrolled {
        return Err(AppError::conflict(
            "the pupil is enrolled; an enrolled application does not change status",
        ));
    }
    if was == status && current.status_date == status_date {
        return Ok(current);
    }
    let txn = db::begin_write(db).await?;
    let mut active: application::ActiveModel = current.into();
    active.status = Set(status);
    active.status_date = Set(status_date);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    add_history(&txn, &updated, ApplicationSource::Api, viewer.subject()).await?;
    let evaluated = signals::after_person_change(&txn, &updated.pseudonym, today).await?;
    live.announce_signals(&txn, &evaluated.raised).await?;
    audit::record_write(&txn, viewer, "application.status", target(updated.id)).await?;
    txn.commit().await?;
    live.committed_signals(&evaluated.raised);
    Ok(updated)
}

async fn add_history(
    db: &impl ConnectionTrait,
    application: &application::Model,
    source: ApplicationSource,
    subject: Option<String>,
) -> AppResult<()> {
    application_status::ActiveModel {
        application_id: Set(application.id),
        status: Set(application.status),
        status_date: Set(application.status_date),
        at: Set(Utc::now()),
        source: Set(source),
        subject: Set(subject),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// After an mbo-applications import: a history row for every application of the run whose
/// status (or status date) is not the last one in its history, by the run's uploader. Set-based
/// (the last status of every application in one grouped join), so that its plan stays linear
/// whatever the planner knows of a freshly filled table.
pub async fn record_imported_statuses(
    db: &impl ConnectionTrait,
    run: i64,
) -> Result<u64, sea_orm::DbErr> {
    for table in ["application", "application_status"] {
        crate::import::transitions::analyze(db, table).await?;
    }
    db::execute(
        db,
        include_str!("sql/application_history_after_import.sql"),
        vec![
            Utc::now().into(),
            ApplicationSource::Import.into(),
            run.into(),
            run.into(),
        ],
    )
    .await
}

/// The audit-log target of an application: its global id, nothing that identifies the pupil.
pub fn target(id: i64) -> String {
    format!("Application:{}", crate::ids::encode("Application", id).0)
}
