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
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use crate::{
    audit,
    auth::Viewer,
    db::{self, execute, sql_template, statement},
    error::{AppError, AppResult},
    import::lock,
    live::Live,
    service::change_stamp::{self, Version},
};

pub mod persons;
mod work;

pub use persons::Persons;
pub use work::{SignalChanges, SignalFilter, get, list, of_person, raised_for, target, update};

/// What an evaluation did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evaluated {
    /// Ids of the signals raised.
    pub raised: Vec<i64>,
    /// How many signals the rules resolved.
    pub resolved: u64,
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
    version: Version,
) -> Result<Evaluated, DbErr> {
    for table in ["signal_due", "signal_latest"] {
        db::drop_table_if_exists(db, table).await?;
    }
    latest_records(db, persons).await?;
    due(db, persons, today).await?;
    let outcome = apply(db, persons, today, version).await?;
    for table in ["signal_due", "signal_latest"] {
        db::drop_table(db, table).await?;
    }
    Ok(outcome)
}

/// Every person's latest record (highest school year, then id): the record a signal is about.
async fn latest_records(db: &impl ConnectionTrait, persons: Persons<'_>) -> Result<(), DbErr> {
    let (only, values) = persons.filter("s.pseudonym");
    execute(
        db,
        &sql_template(
            include_str!("sql/signals_latest_records.sql"),
            &[("only", &only)],
        ),
        values,
    )
    .await?;
    // Every later statement looks a person up here (most as a correlated subquery per signal):
    // without an index SQLite scans the table for each, minutes at 20,000 pupils.
    execute(db, include_str!("sql/signals_latest_index.sql"), vec![]).await?;
    crate::import::transitions::analyze(db, "signal_latest").await
}

/// Fills `signal_due` with the (person, kind) pairs whose condition holds on `today`.
async fn due(
    db: &impl ConnectionTrait,
    persons: Persons<'_>,
    today: NaiveDate,
) -> Result<(), DbErr> {
    execute(db, include_str!("sql/signals_create_due.sql"), vec![]).await?;
    // NO_APPLICATION: year 4, from 1 April of the school year's second calendar year, no
    // application at all.
    execute(
        db,
        include_str!("sql/signals_due_no_application.sql"),
        vec![last_cohort_from(today, 4, 1).into()],
    )
    .await?;
    // NO_ALTERNATIVE: 14 days after the latest refusal or withdrawal, no open application.
    // (One grouped pass over the applications instead of two lookups per person.)
    let (only, mut values) = persons.filter("pseudonym");
    values.push((today - Duration::days(14)).into());
    execute(
        db,
        &sql_template(
            include_str!("sql/signals_due_no_alternative.sql"),
            &[("only", &only)],
        ),
        values,
    )
    .await?;
    // NOT_STARTED: from 1 October of the year of leaving, offered or enrolled, yet no enrolment
    // that started between 1 August of that year and today.
    execute(
        db,
        include_str!("sql/signals_due_not_started.sql"),
        vec![last_cohort_from(today, 10, 1).into(), today.into()],
    )
    .await?;
    // DROPPED_OUT: an enrolment of the school year after leaving ended dropped_out within 365
    // days, and no later enrolment has started.
    let (only, mut values) = persons.filter("e.pseudonym");
    values.extend([today.into(), today.into()]);
    execute(
        db,
        &sql_template(
            include_str!("sql/signals_due_dropped_out.sql"),
            &[("only", &only)],
        ),
        values,
    )
    .await?;
    execute(db, include_str!("sql/signals_due_index.sql"), vec![]).await?;
    crate::import::transitions::analyze(db, "signal_due").await
}

/// Makes the stored signals agree with `signal_due`.
async fn apply(
    db: &impl ConnectionTrait,
    persons: Persons<'_>,
    today: NaiveDate,
    version: Version,
) -> Result<Evaluated, DbErr> {
    let now = Utc::now();
    let (only, person) = persons.filter("signal.pseudonym");
    let only = [("only", only.as_str())];
    // The feed's row triggers are paused while the signals change (at a million signals they
    // took most of an import); `signal_changed` collects what changed, stamped at the end.
    db::drop_table_if_exists(db, "signal_changed").await?;
    execute(db, include_str!("sql/signals_create_changed.sql"), vec![]).await?;
    change_stamp::pause(db, true).await?;
    execute(
        db,
        &sql_template(include_str!("sql/signals_changed_no_longer_due.sql"), &only),
        person.clone(),
    )
    .await?;
    let resolved = execute(
        db,
        include_str!("sql/signals_resolve.sql"),
        vec![today.into(), now.into()],
    )
    .await?;
    execute(
        db,
        &sql_template(include_str!("sql/signals_wake_dormant.sql"), &only),
        person,
    )
    .await?;
    let before = max_id(db).await?;
    execute(
        db,
        include_str!("sql/signals_raise.sql"),
        vec![today.into(), now.into()],
    )
    .await?;
    let raised = raised_since(db, before).await?;
    execute(
        db,
        include_str!("sql/signals_changed_raised.sql"),
        vec![before.into()],
    )
    .await?;
    follow_latest(db, before).await?;
    change_stamp::pause(db, false).await?;
    changed_persons(db).await?;
    change_stamp::stamp_signals(
        db,
        include_str!("sql/signals_changed_ids.sql"),
        &persons::of_list("signal_persons"),
        version,
    )
    .await?;
    db::drop_table(db, "signal_changed").await?;
    Ok(Evaluated { raised, resolved })
}

/// Signals follow their person to their latest record (a roster row of a later year, say).
/// Those raised by this evaluation (ids above `before`) point at it already.
async fn follow_latest(db: &impl ConnectionTrait, before: i64) -> Result<(), DbErr> {
    db::drop_table_if_exists(db, "signal_moved").await?;
    let create = include_str!("sql/signals_create_moved.sql");
    execute(db, create, vec![before.into()]).await?;
    execute(db, include_str!("sql/signals_changed_moved.sql"), vec![]).await?;
    execute(db, include_str!("sql/signals_follow_latest.sql"), vec![]).await?;
    db::drop_table(db, "signal_moved").await
}

/// `signal_persons`: the persons whose signals this evaluation changed. It outlives the
/// evaluation, for the pipeline summary's refresh ([`refresh_in`]); the next evaluation on this
/// connection replaces it.
async fn changed_persons(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let select = include_str!("sql/signals_select_changed_persons.sql");
    persons::list(db, "signal_persons", select, vec![]).await
}

/// The ids of the signals above `before`, read a page at a time: a million rows in one result
/// took 160 MB, their ids alone take 8.
async fn raised_since(db: &impl ConnectionTrait, before: i64) -> Result<Vec<i64>, DbErr> {
    const PAGE: i64 = 10_000;
    let mut ids = Vec::new();
    loop {
        let after = ids.last().copied().unwrap_or(before);
        let page = db
            .query_all_raw(statement(
                db.get_database_backend(),
                include_str!("sql/signals_raised_since.sql"),
                vec![after.into(), PAGE.into()],
            ))
            .await?;
        for row in &page {
            ids.push(row.try_get("", "id")?);
        }
        if (page.len() as i64) < PAGE {
            return Ok(ids);
        }
    }
}

async fn max_id(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(statement(
            db.get_database_backend(),
            include_str!("sql/signals_max_id.sql"),
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
    let evaluated = evaluate(db, Persons::One(pseudonym), today, Version::New).await?;
    db::drop_table(db, "signal_persons").await?;
    super::pipeline::refresh(db, Persons::One(pseudonym)).await?;
    Ok(evaluated)
}

/// Evaluates the signals inside an import's (or a refresh's) transaction, which holds the
/// import lock, and brings the pipeline summary up to date.
///
/// The rules depend only on a person's own records and the date, and every change through the
/// API re-evaluates its person. So once every person was evaluated for `today`, evaluating only
/// the persons whose records changed (an import's) gives what evaluating everyone would: a small
/// import stays small in a national database. On a new day everyone is evaluated.
/// `Persons::OfImport` means an import's transaction, whose records the feed has stamped: the
/// signals are stamped at that version too.
pub async fn refresh_in(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    changed: Persons<'_>,
) -> Result<Evaluated, DbErr> {
    let most = changed.are_most(db).await?;
    let persons = if evaluated_on(db).await? == Some(today) && !most {
        changed
    } else {
        Persons::All
    };
    let started = std::time::Instant::now();
    // An import's transaction stamped its records already: the signals share that version.
    let version = if matches!(changed, Persons::OfImport { .. }) {
        Version::Taken
    } else {
        Version::New
    };
    let evaluated = evaluate(db, persons, today, version).await?;
    let evaluated_in = started.elapsed().as_secs_f64();
    super::pipeline::refresh(db, persons::pipeline_persons(db, changed, most).await?).await?;
    for table in ["pipeline_persons", "signal_persons"] {
        db::drop_table_if_exists(db, table).await?;
    }
    tracing::debug!(
        everyone = matches!(persons, Persons::All),
        evaluated_in,
        pipeline_summary_in = started.elapsed().as_secs_f64() - evaluated_in,
        "signals evaluated"
    );
    if matches!(persons, Persons::All) {
        execute(
            db,
            include_str!("sql/signals_set_evaluated_on.sql"),
            vec![today.into()],
        )
        .await?;
    }
    super::changes::record_scope_by_date(db, today).await?;
    Ok(evaluated)
}

/// The day of the last evaluation of every person.
async fn evaluated_on(db: &impl ConnectionTrait) -> Result<Option<NaiveDate>, DbErr> {
    let row = db
        .query_one_raw(statement(
            db.get_database_backend(),
            include_str!("sql/signals_evaluated_on.sql"),
            vec![],
        ))
        .await?;
    Ok(row.map(|r| r.try_get("", "d")).transpose()?.flatten())
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
        let evaluated = refresh_in(&txn, viewer.today(), Persons::All).await?;
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
