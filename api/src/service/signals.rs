//! Signals (DESIGN.md 4b): the four rules that find pupils who may be lost between vmbo and mbo,
//! evaluated set-based in SQL for one day, and who may read and work on a signal.
//!
//! An evaluation computes the (person, kind) pairs whose condition holds today (`signal_due`),
//! then in this order: resolves unresolved signals whose condition no longer holds, wakes hand-
//! resolved ("dormant") signals whose condition has ended, raises a signal for every due pair
//! with neither an unresolved nor a dormant one, and points signals at the person's latest
//! record. A partial unique index allows one unresolved signal per (person, kind); full
//! evaluations hold the import lock, so replicas never race.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use entity::{application, enrolment, person, signal, signal_note, student};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Value,
    sea_query::SelectStatement,
};

use super::{
    Page, PageArgs,
    applications::{coached_records, persons_at},
    catalogue, page_by_id,
};
use crate::{
    audit,
    auth::{Role, Viewer, policy::ensure},
    db::{self, execute, statement},
    domain::pipeline::{ApplicationStatus, SignalKind, SignalStatus},
    error::{AppError, AppResult},
    import::lock,
    live::Live,
};

/// What an evaluation did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evaluated {
    /// Ids of the signals raised.
    pub raised: Vec<i64>,
    /// How many signals the rules resolved.
    pub resolved: u64,
}

/// Whose signals to evaluate.
#[derive(Clone, Copy, Debug)]
pub enum Persons<'a> {
    All,
    One(&'a str),
}

impl Persons<'_> {
    /// `AND {column} = ?` for one person, nothing for all; with its value.
    fn filter(&self, column: &str) -> (String, Vec<Value>) {
        match self {
            Persons::All => (String::new(), vec![]),
            Persons::One(p) => (format!(" AND {column} = ?"), vec![(*p).into()]),
        }
    }
}

/// The latest `cohort` whose pupils are past `month`/`day` of their school year's second
/// calendar year on `today` (1 April for `NO_APPLICATION`, 1 October after leaving for
/// `NOT_STARTED`): `cohort + 1 < year`, or `= year` once the day has come.
fn last_cohort_from(today: NaiveDate, month: u32, day: u32) -> i32 {
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, day).expect("a real day");
    if today >= this_year {
        today.year() - 1
    } else {
        today.year() - 2
    }
}

/// Evaluates the rules for `today` (for every person, or one) and applies the outcome.
pub async fn evaluate(
    db: &impl ConnectionTrait,
    persons: Persons<'_>,
    today: NaiveDate,
) -> Result<Evaluated, DbErr> {
    for table in ["signal_due", "signal_latest"] {
        execute(db, &format!("DROP TABLE IF EXISTS {table}"), vec![]).await?;
    }
    latest_records(db, persons).await?;
    due(db, today).await?;
    let outcome = apply(db, persons, today).await?;
    for table in ["signal_due", "signal_latest"] {
        execute(db, &format!("DROP TABLE {table}"), vec![]).await?;
    }
    Ok(outcome)
}

/// Every person's latest record (highest school year, then id): the record a signal is about.
async fn latest_records(db: &impl ConnectionTrait, persons: Persons<'_>) -> Result<(), DbErr> {
    let (only, values) = persons.filter("s.pseudonym");
    execute(
        db,
        &format!(
            "CREATE TEMPORARY TABLE signal_latest AS SELECT s.pseudonym AS pseudonym, s.id AS student_id, \
             s.cohort AS cohort, s.year AS year, s.status AS status, s.window_start AS window_start, \
             s.window_end AS window_end FROM student s WHERE NOT EXISTS (SELECT 1 FROM student o \
             WHERE o.pseudonym = s.pseudonym AND (o.cohort > s.cohort OR (o.cohort = s.cohort AND o.id > s.id))){only}"
        ),
        values,
    )
    .await?;
    crate::import::transitions::analyze(db, "signal_latest").await
}

/// Fills `signal_due` with the (person, kind) pairs whose condition holds on `today`.
async fn due(db: &impl ConnectionTrait, today: NaiveDate) -> Result<(), DbErr> {
    execute(
        db,
        "CREATE TEMPORARY TABLE signal_due (pseudonym VARCHAR(64) NOT NULL, kind VARCHAR(16) NOT NULL, \
         student_id BIGINT NOT NULL)",
        vec![],
    )
    .await?;
    let insert = |kind: &str, condition: &str| {
        format!(
            "INSERT INTO signal_due (pseudonym, kind, student_id) SELECT l.pseudonym, '{kind}', l.student_id \
             FROM signal_latest l WHERE {condition}"
        )
    };
    // NO_APPLICATION: year 4, from 1 April of the school year's second calendar year, no
    // application at all.
    execute(
        db,
        &insert(
            "NO_APPLICATION",
            "l.year = 4 AND l.cohort <= ? AND NOT EXISTS (SELECT 1 FROM application a WHERE a.pseudonym = l.pseudonym)",
        ),
        vec![last_cohort_from(today, 4, 1).into()],
    )
    .await?;
    // NO_ALTERNATIVE: 14 days after the latest refusal or withdrawal, no open application.
    // (One grouped pass over the applications instead of two lookups per person.)
    execute(
        db,
        "INSERT INTO signal_due (pseudonym, kind, student_id) SELECT l.pseudonym, 'NO_ALTERNATIVE', l.student_id \
         FROM signal_latest l JOIN (SELECT pseudonym, \
           MAX(CASE WHEN status IN ('not_admitted', 'withdrawn') THEN status_date END) AS closed_on, \
           MAX(CASE WHEN status IN ('received', 'intake_planned', 'offered', 'enrolled') THEN 1 ELSE 0 END) AS open \
           FROM application GROUP BY pseudonym) a ON a.pseudonym = l.pseudonym \
         WHERE a.open = 0 AND a.closed_on <= ?",
        vec![(today - Duration::days(14)).into()],
    )
    .await?;
    // NOT_STARTED: from 1 October of the year of leaving, offered or enrolled, yet no enrolment
    // that started between 1 August of that year and today.
    execute(
        db,
        &insert(
            "NOT_STARTED",
            "l.status = 'LEFT' AND l.cohort <= ? \
             AND EXISTS (SELECT 1 FROM application a WHERE a.pseudonym = l.pseudonym AND a.status IN ('offered', 'enrolled')) \
             AND NOT EXISTS (SELECT 1 FROM enrolment e WHERE e.pseudonym = l.pseudonym \
               AND e.enrolled_on >= l.window_start AND e.enrolled_on <= ?)",
        ),
        vec![last_cohort_from(today, 10, 1).into(), today.into()],
    )
    .await?;
    // DROPPED_OUT: an enrolment of the school year after leaving ended dropped_out within 365
    // days, and no later enrolment has started.
    execute(
        db,
        &insert(
            "DROPPED_OUT",
            "l.status = 'LEFT' AND EXISTS (SELECT 1 FROM enrolment e WHERE e.pseudonym = l.pseudonym \
               AND e.enrolled_on >= l.window_start AND e.enrolled_on <= l.window_end \
               AND e.status = 'dropped_out' AND e.status_days < 365 AND e.status_date <= ? \
               AND NOT EXISTS (SELECT 1 FROM enrolment n WHERE n.pseudonym = e.pseudonym \
                 AND n.enrolled_on > e.enrolled_on AND n.enrolled_on <= ?))",
        ),
        vec![today.into(), today.into()],
    )
    .await?;
    crate::import::transitions::analyze(db, "signal_due").await
}

/// Makes the stored signals agree with `signal_due`.
async fn apply(
    db: &impl ConnectionTrait,
    persons: Persons<'_>,
    today: NaiveDate,
) -> Result<Evaluated, DbErr> {
    let now = Utc::now();
    let (only, person) = persons.filter("signal.pseudonym");
    let not_due = "NOT EXISTS (SELECT 1 FROM signal_due d WHERE d.pseudonym = signal.pseudonym AND d.kind = signal.kind)";
    let mut values: Vec<Value> = vec![today.into(), now.into()];
    values.extend(person.clone());
    let resolved = execute(
        db,
        &format!(
            "UPDATE signal SET status = 'RESOLVED', resolved_on = ?, updated_at = ? \
             WHERE status <> 'RESOLVED' AND {not_due}{only}"
        ),
        values,
    )
    .await?;
    execute(
        db,
        &format!("UPDATE signal SET dormant = FALSE WHERE dormant AND {not_due}{only}"),
        person.clone(),
    )
    .await?;
    let before = max_id(db).await?;
    execute(
        db,
        "INSERT INTO signal (pseudonym, student_id, kind, status, raised_on, dormant, updated_at) \
         SELECT d.pseudonym, d.student_id, d.kind, 'OPEN', ?, FALSE, ? FROM signal_due d \
         WHERE NOT EXISTS (SELECT 1 FROM signal s WHERE s.pseudonym = d.pseudonym AND s.kind = d.kind \
           AND (s.status <> 'RESOLVED' OR s.dormant))",
        vec![today.into(), now.into()],
    )
    .await?;
    let raised = db
        .query_all_raw(statement(
            db.get_database_backend(),
            "SELECT id FROM signal WHERE id > ? ORDER BY id",
            vec![before.into()],
        ))
        .await?
        .iter()
        .map(|row| row.try_get("", "id"))
        .collect::<Result<Vec<i64>, DbErr>>()?;
    // Signals follow the person to their latest record (a roster row of a later year, say).
    execute(
        db,
        &format!(
            "UPDATE signal SET student_id = (SELECT l.student_id FROM signal_latest l WHERE l.pseudonym = signal.pseudonym) \
             WHERE EXISTS (SELECT 1 FROM signal_latest l WHERE l.pseudonym = signal.pseudonym \
             AND l.student_id <> signal.student_id){only}"
        ),
        person,
    )
    .await?;
    Ok(Evaluated { raised, resolved })
}

async fn max_id(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(statement(
            db.get_database_backend(),
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM signal",
            vec![],
        ))
        .await?;
    Ok(row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0))
}

/// Re-evaluates one person after a change through the API (an application recorded or moved),
/// and brings their pipeline summary rows up to date, in the change's transaction.
pub async fn after_person_change(
    db: &impl ConnectionTrait,
    pseudonym: &str,
    today: NaiveDate,
) -> Result<Evaluated, DbErr> {
    let evaluated = evaluate(db, Persons::One(pseudonym), today).await?;
    super::pipeline::refresh(db, Persons::One(pseudonym)).await?;
    Ok(evaluated)
}

/// The persons `rmc` of `region` reads (DESIGN.md 4b): those of its region (their latest
/// record's) with an `OPEN` or `IN_PROGRESS` signal, or one resolved in the last 90 days.
pub fn rmc_persons(region: i64, today: NaiveDate) -> SelectStatement {
    let in_region = student::Entity::find()
        .select_only()
        .column(student::Column::Id)
        .filter(student::Column::RegionId.eq(region))
        .into_query();
    signal::Entity::find()
        .select_only()
        .column(signal::Column::Pseudonym)
        .filter(signal::Column::StudentId.in_subquery(in_region))
        .filter(
            Condition::any()
                .add(signal::Column::Status.ne("RESOLVED"))
                .add(signal::Column::ResolvedOn.gte(today - Duration::days(90))),
        )
        .into_query()
}

/// Evaluates every person's signals inside an import's (or a refresh's) transaction, which
/// holds the import lock, and brings the pipeline summary up to date.
pub async fn refresh_in(db: &impl ConnectionTrait, today: NaiveDate) -> Result<Evaluated, DbErr> {
    let evaluated = evaluate(db, Persons::All, today).await?;
    super::pipeline::refresh(db, Persons::All).await?;
    Ok(evaluated)
}

/// `leerroute signals refresh`, the start of `serve` and its daily run: one evaluation holding
/// the import lock (so evaluations and imports never interleave), audited.
pub async fn refresh(
    db: &DatabaseConnection,
    viewer: &Viewer,
    live: &Live,
) -> AppResult<Evaluated> {
    let lock = lock::acquire(db, None).await?;
    let result = async {
        let txn = db::begin_write(db).await?;
        let evaluated = refresh_in(&txn, viewer.today()).await?;
        live.announce_signals(&txn, &evaluated.raised).await?;
        let target = format!(
            "Signals raised={} resolved={}",
            evaluated.raised.len(),
            evaluated.resolved
        );
        audit::record_write(&txn, viewer, "signals.refresh", target).await?;
        txn.commit().await?;
        live.committed_signals(&evaluated.raised);
        Ok::<_, AppError>(evaluated)
    }
    .await;
    lock.release().await;
    result
}

/// Persons with an open application to, or an enrolment at, one of `schools`: whose signals
/// mbo staff of those schools read.
fn persons_with_mbo_ties(schools: &[i64]) -> (SelectStatement, SelectStatement) {
    let applied = application::Entity::find()
        .select_only()
        .column(application::Column::Pseudonym)
        .filter(application::Column::SchoolId.is_in(schools.to_vec()))
        .filter(application::Column::Status.is_in(ApplicationStatus::OPEN))
        .into_query();
    let enrolled = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Pseudonym)
        .filter(enrolment::Column::SchoolId.is_in(schools.to_vec()))
        .into_query();
    (applied, enrolled)
}

/// The signals a caller may read, as a condition on `signal`; `None` for none (students never
/// read signals). vmbo staff: their pupils'; mbo staff: those of pupils with an open application
/// to, or an enrolment at, their school; a coach: their pupils'; rmc: those of the pupils in
/// its scope; admin: all.
pub fn scope(viewer: &Viewer, today: NaiveDate) -> Option<Condition> {
    let pseudonym = signal::Column::Pseudonym;
    match viewer.role() {
        Role::Admin => Some(Condition::all()),
        Role::SchoolStaff if !viewer.school_ids.is_empty() => {
            let (applied, enrolled) = persons_with_mbo_ties(&viewer.school_ids);
            Some(
                Condition::any()
                    .add(pseudonym.in_subquery(persons_at(&viewer.school_ids)))
                    .add(pseudonym.in_subquery(applied))
                    .add(pseudonym.in_subquery(enrolled)),
            )
        }
        Role::Coach => viewer.person_id.map(|person| {
            let records = coached_records(person, today);
            Condition::all().add(
                signal::Column::Pseudonym.in_subquery(
                    student::Entity::find()
                        .select_only()
                        .column(student::Column::Pseudonym)
                        .filter(student::Column::Id.in_subquery(records))
                        .into_query(),
                ),
            )
        }),
        Role::Rmc => viewer
            .region_id
            .map(|region| Condition::all().add(pseudonym.in_subquery(rmc_persons(region, today)))),
        _ => None,
    }
}

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
) -> AppResult<Page<signal::Model>> {
    let condition = filtered(db, viewer, filter).await?;
    let select = signal::Entity::find().filter(condition);
    page_by_id(db, select, signal::Column::Id, page, want_total).await
}

/// A raised signal for a `signalRaised` subscriber: the signal when the subscriber may read it
/// and it matches the subscription's filter, else `None`.
pub async fn raised_for(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &SignalFilter,
    id: i64,
) -> AppResult<Option<signal::Model>> {
    let condition = filtered(db, viewer, filter).await?;
    Ok(signal::Entity::find_by_id(id)
        .filter(condition)
        .one(db)
        .await?)
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
        condition = condition.add(signal::Column::Kind.eq(kind.as_str()));
    }
    if let Some(status) = filter.status {
        condition = condition.add(signal::Column::Status.eq(status.as_str()));
    }
    Ok(condition)
}

/// The signals of one person that the caller may read, oldest first.
pub async fn of_person(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    pseudonym: &str,
) -> AppResult<Vec<signal::Model>> {
    let Some(scope) = scope(viewer, viewer.today()) else {
        return Ok(Vec::new());
    };
    Ok(signal::Entity::find()
        .filter(signal::Column::Pseudonym.eq(pseudonym))
        .filter(scope)
        .all(db)
        .await?)
}

/// One signal the caller may read; out of scope and nonexistent look the same.
pub async fn get(db: &impl ConnectionTrait, viewer: &Viewer, id: i64) -> AppResult<signal::Model> {
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

/// Whether the caller may work on a signal: `rmc` of the pupil's region, staff of the pupil's
/// vmbo school, admin.
async fn may_write(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    found: &signal::Model,
) -> AppResult<bool> {
    Ok(match viewer.role() {
        Role::Admin => true,
        Role::Rmc => {
            let record = student::Entity::find_by_id(found.student_id)
                .one(db)
                .await?;
            record.is_some_and(|r| Some(r.region_id) == viewer.region_id)
        }
        Role::SchoolStaff => student::Entity::find()
            .filter(student::Column::Pseudonym.eq(found.pseudonym.as_str()))
            .filter(student::Column::SchoolId.is_in(viewer.school_ids.clone()))
            .one(db)
            .await?
            .is_some(),
        _ => false,
    })
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
    let found = get(db, viewer, id).await?;
    ensure(may_write(db, viewer, &found).await?)?;
    if SignalStatus::from_db(&found.status) == SignalStatus::Resolved {
        return Err(AppError::conflict(
            "the signal is resolved; a new one is raised if its condition returns",
        ));
    }
    let note = super::optional_text("note", changes.note.as_deref(), 4000)?;
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
        active.status = Set(status.as_str().to_owned());
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
    super::pipeline::refresh(&txn, Persons::One(&updated.pseudonym)).await?;
    audit::record_write(&txn, viewer, "signal.update", target(updated.id)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The audit-log target of a signal: its global id.
pub fn target(id: i64) -> String {
    format!("Signal:{}", crate::ids::encode("Signal", id).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_first_of_april_is_the_day_no_application_starts() {
        // 2025-2026 (cohort 2025): from 1 April 2026.
        assert_eq!(last_cohort_from(day("2026-03-31"), 4, 1), 2024);
        assert_eq!(last_cohort_from(day("2026-04-01"), 4, 1), 2025);
        assert_eq!(last_cohort_from(day("2026-12-31"), 4, 1), 2025);
    }

    #[test]
    fn the_first_of_october_after_leaving_is_the_day_not_started_starts() {
        // Left in the summer of 2026 (cohort 2025): from 1 October 2026.
        assert_eq!(last_cohort_from(day("2026-09-30"), 10, 1), 2024);
        assert_eq!(last_cohort_from(day("2026-10-01"), 10, 1), 2025);
    }
}
