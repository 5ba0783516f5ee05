//! Retention (DESIGN.md 4b): `leerroute purge [--dry-run]` and its daily run in `serve`.
//!
//! - A *person* (every record of one pseudonym) is deleted with everything that belongs to them
//!   (applications and their history, enrolments, transitions, self-evaluations, activity
//!   enrolments, signals and their notes, coach history, linked identities, pipeline summary
//!   rows) `LEERROUTE_RETENTION_YEARS` (default 5) after 31 July of their last roster or leaver
//!   school year: on that day itself.
//! - Applications and enrolments without a vmbo record go the same number of years after their
//!   last status date (an enrolment still running without one: its `enrolled_on`).
//! - Audit events go when they are older than `LEERROUTE_AUDIT_RETENTION_DAYS` (default 730):
//!   those of a UTC date before today − days. On SQLite the journal of not yet moved reads
//!   ([`crate::audit_journal`]) is trimmed too.
//!
//! "Today" is `LEERROUTE_TODAY` or the date in Europe/Amsterdam ([`crate::clock`]). A purge is one
//! transaction holding the import lock, so it never interleaves with an import, a rebuild or a
//! signal evaluation, and nothing is ever half-deleted. Before deleting leavers it adds what they
//! count to `stats_purged_facts`, `stats_purged_needs` and `stats_purged_pipeline`, which every statistics path adds to
//! the live rows: admin's figures (and the cell keys of protected ones) for a purged cohort stay
//! exactly what they were. Deletes are plain `DELETE`s, so whatever watches deletes (the change
//! feed) sees them like any other.

use chrono::{Datelike, Months, NaiveDate, NaiveTime};
use entity::audit_event;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Value,
};

use super::{needs, pipeline_purged, statistics};
use crate::{
    audit,
    auth::Viewer,
    db::{self, execute},
    error::AppResult,
    import::lock,
};

/// How long data is kept.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Terms {
    /// Years after 31 July of a person's last school year (and after a status date).
    pub years: u32,
    /// Days an audit event is kept.
    pub audit_days: u32,
}

impl Default for Terms {
    fn default() -> Self {
        Terms {
            years: 5,
            audit_days: 730,
        }
    }
}

/// What a purge deleted (or, in a dry run, would delete): a count per kind, no pupil data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purged {
    pub today: NaiveDate,
    pub dry_run: bool,
    /// The last school year (as its first calendar year) whose persons are past their term.
    pub last_cohort: i32,
    /// Applications and enrolments without a vmbo record are past their term up to this day.
    pub status_until: NaiveDate,
    /// Audit events before this moment are past their term.
    pub audit_before: chrono::DateTime<chrono::Utc>,
    pub counts: Vec<(&'static str, u64)>,
}

impl Purged {
    /// The count of one kind (0 for an unknown kind).
    pub fn count(&self, kind: &str) -> u64 {
        self.counts
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }

    /// One line per kind, for the command line and the log.
    pub fn report(&self) -> String {
        let head = format!(
            "{} for {}: persons of school years up to {}-{}, applications and enrolments without a vmbo record up to {}, audit events before {}",
            if self.dry_run {
                "dry run, nothing deleted; would purge"
            } else {
                "purged"
            },
            self.today,
            self.last_cohort,
            self.last_cohort + 1,
            self.status_until,
            self.audit_before.date_naive()
        );
        let lines = self.counts.iter().map(|(kind, n)| format!("  {kind}: {n}"));
        std::iter::once(head)
            .chain(lines)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `kind=n` pairs, for the audit record.
    fn summary(&self) -> String {
        self.counts
            .iter()
            .map(|(kind, n)| format!("{}={n}", kind.replace(' ', "_")))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The persons past their term: every pseudonym whose latest record's school year (`cohort`,
/// its first calendar year) is at most the bound value.
const PERSONS: &str = include_str!("sql/retention_persons.sql");

/// The records of those persons.
fn students() -> String {
    db::sql_template(
        include_str!("sql/retention_records.sql"),
        &[("PERSONS", PERSONS)],
    )
}

/// One kind of deleted row: a table and the condition on it. `bound` says which value the
/// condition binds (the last cohort, or the last status date).
struct Kind {
    kind: &'static str,
    table: &'static str,
    condition: String,
    bound: Bound,
}

impl Kind {
    /// `template` (a statement over `{table}` and `{condition}`) for this kind.
    fn sql(&self, template: &str) -> String {
        db::sql_template(
            template,
            &[("table", self.table), ("condition", &self.condition)],
        )
    }
}

#[derive(Copy, Clone)]
enum Bound {
    Cohort,
    StatusDate,
}

/// Every deletion, children before parents (no foreign key is left dangling mid-way), persons
/// before the rows without a vmbo record (whose condition looks at the records that remain).
fn kinds() -> Vec<Kind> {
    let persons = || format!("pseudonym IN ({PERSONS})");
    let records = || format!("student_id IN ({})", students());
    let by_cohort = |kind, table, condition: String| Kind {
        kind,
        table,
        condition,
        bound: Bound::Cohort,
    };
    let by_status = |kind, table, condition: String| Kind {
        kind,
        table,
        condition,
        bound: Bound::StatusDate,
    };
    // An anti-join (not `NOT IN`, which PostgreSQL runs row by row once the pseudonyms
    // outgrow its memory for hashing).
    let orphan = |table: &str| {
        format!("NOT EXISTS (SELECT 1 FROM student s WHERE s.pseudonym = {table}.pseudonym)")
    };
    vec![
        by_cohort(
            "signal notes",
            "signal_note",
            format!("signal_id IN (SELECT id FROM signal WHERE {})", persons()),
        ),
        by_cohort("signals", "signal", persons()),
        by_cohort(
            "application statuses",
            "application_status",
            format!(
                "application_id IN (SELECT id FROM application WHERE {})",
                persons()
            ),
        ),
        by_cohort("applications", "application", persons()),
        by_cohort("pipeline summary rows", "pipeline_application", records()),
        by_cohort("pipeline summary rows", "pipeline_pupil", records()),
        by_cohort("transitions", "transition", records()),
        by_cohort("enrolments", "enrolment", persons()),
        by_cohort("evaluation needs", "self_evaluation_need", records()),
        by_cohort("evaluations", "self_evaluation", records()),
        by_cohort("activity enrolments", "activity_enrolment", records()),
        by_cohort("coach assignments", "coach_assignment", records()),
        by_cohort("identity links", "identity_link", records()),
        by_cohort("pupil records", "student", persons()),
        by_status(
            "application statuses",
            "application_status",
            format!(
                "application_id IN (SELECT id FROM application WHERE {} AND status_date <= ?)",
                orphan("application")
            ),
        ),
        by_status(
            "applications",
            "application",
            format!("{} AND status_date <= ?", orphan("application")),
        ),
        by_status(
            "enrolments",
            "enrolment",
            format!(
                "{} AND COALESCE(status_date, enrolled_on) <= ?",
                orphan("enrolment")
            ),
        ),
    ]
}

/// The last cohort whose persons are past their term on `today`: a school year `c-(c+1)` ends
/// on 31 July of `c + 1`, and its term on 31 July of `c + 1 + years`.
pub fn last_cohort(today: NaiveDate, years: u32) -> i32 {
    let years = i32::try_from(years).unwrap_or(i32::MAX / 2);
    let this_year_passed = (today.month(), today.day()) >= (7, 31);
    today.year() - years - if this_year_passed { 1 } else { 2 }
}

/// The last status date past its term on `today` (29 February counts from 28 February).
fn status_until(today: NaiveDate, years: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN)
}

/// The first moment of the oldest kept day of audit events.
fn audit_before(today: NaiveDate, days: u32) -> chrono::DateTime<chrono::Utc> {
    let day = today
        .checked_sub_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN);
    day.and_time(NaiveTime::MIN).and_utc()
}

/// Runs a purge for `viewer.today()` (a dry run only counts), holding the import lock.
pub async fn purge(
    db: &DatabaseConnection,
    viewer: &Viewer,
    terms: Terms,
    dry_run: bool,
) -> AppResult<Purged> {
    let today = viewer.today();
    let mut purged = Purged {
        today,
        dry_run,
        last_cohort: last_cohort(today, terms.years),
        status_until: status_until(today, terms.years),
        audit_before: audit_before(today, terms.audit_days),
        counts: Vec::new(),
    };
    let lock = lock::acquire(db, None).await?;
    let result = if dry_run {
        count(db, &mut purged).await
    } else {
        delete(db, viewer, &mut purged).await
    };
    lock.release().await;
    result.map(|()| purged)
}

fn bind(purged: &Purged, bound: Bound) -> Value {
    match bound {
        Bound::Cohort => purged.last_cohort.into(),
        Bound::StatusDate => purged.status_until.into(),
    }
}

fn add(counts: &mut Vec<(&'static str, u64)>, kind: &'static str, n: u64) {
    match counts.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, total)) => *total += n,
        None => counts.push((kind, n)),
    }
}

async fn persons(db: &impl ConnectionTrait, purged: &Purged) -> AppResult<u64> {
    let sql = db::sql_template(
        include_str!("sql/retention_count_persons.sql"),
        &[("PERSONS", PERSONS)],
    );
    let row = db
        .query_one_raw(db::statement(
            db.get_database_backend(),
            &sql,
            vec![purged.last_cohort.into()],
        ))
        .await?;
    let n: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    Ok(n as u64)
}

/// The dry run: the same conditions, counted. The rows without a vmbo record are counted as
/// they will be after the persons are gone (a person's own rows are counted with the person).
async fn count(db: &DatabaseConnection, purged: &mut Purged) -> AppResult<()> {
    let mut counts = vec![("persons", persons(db, purged).await?)];
    for kind in kinds() {
        let sql = kind.sql(include_str!("sql/retention_count_kind.sql"));
        let values = vec![bind(purged, kind.bound); sql.matches('?').count()];
        let row = db
            .query_one_raw(db::statement(db.get_database_backend(), &sql, values))
            .await?;
        let n: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
        add(&mut counts, kind.kind, n as u64);
    }
    let mut audit = audit_event::Entity::find()
        .filter(audit_event::Column::At.lt(purged.audit_before))
        .count(db)
        .await?;
    if let Some(journal) = crate::audit_journal::journal_of(db).await? {
        audit += audit_event::Entity::find()
            .filter(audit_event::Column::At.lt(purged.audit_before))
            .count(&journal.db)
            .await?;
    }
    add(&mut counts, "audit events", audit);
    purged.counts = counts;
    Ok(())
}

async fn delete(db: &DatabaseConnection, viewer: &Viewer, purged: &mut Purged) -> AppResult<()> {
    let txn = db::begin_write(db).await?;
    let mut counts = vec![("persons", persons(&txn, purged).await?)];
    keep_aggregates(&txn, purged.last_cohort).await?;
    for kind in kinds() {
        let sql = kind.sql(include_str!("sql/retention_delete_kind.sql"));
        let values = vec![bind(purged, kind.bound); sql.matches('?').count()];
        add(&mut counts, kind.kind, execute(&txn, &sql, values).await?);
    }
    let audit = audit_event::Entity::delete_many()
        .filter(audit_event::Column::At.lt(purged.audit_before))
        .exec(&txn)
        .await?
        .rows_affected;
    add(&mut counts, "audit events", audit);
    purged.counts = counts;
    audit::record_write(&txn, viewer, "purge", format!("Purge {}", purged.summary())).await?;
    txn.commit().await?;
    // The journal is a file of its own: trimmed after the main file committed (a crash between
    // the two leaves old reads there, which the next purge trims).
    if let Some(journal) = crate::audit_journal::journal_of(db).await? {
        let journalled = audit_event::Entity::delete_many()
            .filter(audit_event::Column::At.lt(purged.audit_before))
            .exec(&journal.db)
            .await?
            .rows_affected;
        add(&mut purged.counts, "audit events", journalled);
    }
    Ok(())
}

/// Adds what the persons past their term count in the statistics to the stored aggregates,
/// before their rows go: transition facts per group of every dimension, needs per group, the
/// pipeline per group ([`pipeline_purged`]).
async fn keep_aggregates(db: &impl ConnectionTrait, last_cohort: i32) -> AppResult<()> {
    let condition = format!("AND s.id IN ({})", students());
    let measures = statistics::fact_measures();
    let sums: Vec<String> = measures.iter().map(|m| format!("SUM({m})")).collect();
    let keys = statistics::FACT_KEYS;
    let facts = db::sql_template(
        include_str!("sql/retention_keep_facts.sql"),
        &[
            ("keys", keys),
            ("measures", &measures.join(", ")),
            ("sums", &sums.join(", ")),
            ("facts", &statistics::pupil_facts(&condition)),
        ],
    );
    execute(db, &facts, vec![last_cohort.into()]).await?;
    let groups = "region_id, cohort, school_id, leerlab_id, need";
    let needs = db::sql_template(
        include_str!("sql/retention_keep_needs.sql"),
        &[
            ("columns", needs::PURGED_NEEDS),
            ("groups", groups),
            ("respondents", &needs::pupil_respondents(&condition)),
            ("needs", &needs::pupil_needs(&condition)),
        ],
    );
    execute(db, &needs, vec![last_cohort.into(), last_cohort.into()]).await?;
    let records = format!("s.id IN ({})", students());
    pipeline_purged::keep(db, &records, vec![last_cohort.into()]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_school_year_is_past_its_term_on_31_july_five_years_after_it_ended() {
        // 2020-2021 ends 31 July 2021; its term is 31 July 2026.
        assert_eq!(last_cohort(day("2026-07-30"), 5), 2019);
        assert_eq!(last_cohort(day("2026-07-31"), 5), 2020);
        assert_eq!(last_cohort(day("2026-12-31"), 5), 2020);
        assert_eq!(last_cohort(day("2027-01-01"), 5), 2020);
        assert_eq!(last_cohort(day("2026-07-31"), 1), 2024);
    }

    #[test]
    fn status_dates_and_audit_days_count_back_from_today() {
        assert_eq!(status_until(day("2031-03-10"), 5), day("2026-03-10"));
        assert_eq!(status_until(day("2029-02-28"), 1), day("2028-02-28"));
        assert_eq!(
            audit_before(day("2026-12-31"), 730).date_naive(),
            day("2024-12-31")
        );
    }

    #[test]
    fn every_condition_is_balanced_and_binds_one_kind_of_value() {
        for kind in kinds() {
            let c = &kind.condition;
            assert_eq!(c.matches('(').count(), c.matches(')').count(), "{c}");
            assert!(c.contains('?'), "{c}");
        }
    }
}
