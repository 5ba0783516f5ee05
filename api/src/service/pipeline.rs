//! `pipelineStats` (DESIGN.md 4b): the pipeline of a school year's pupils (years 3 and 4),
//! from per-pupil summary tables that every import, signal evaluation and API change keeps up to
//! date in its own transaction, with the disclosure control of section 4.
//!
//! - `pipeline_pupil`: one row per record with its 0/1 figures (applications made in the
//!   record's school year; an open signal of the person);
//! - `pipeline_application`: one row per (record, mbo school applied to that year) with the same
//!   figures over those applications only, for `MBO_SCHOOL` and `mboSchoolBrin`.
//!
//! The query (`pipeline_stats`) adds up these rows in SQL (`GROUP BY`), never loads pupils into
//! Rust.

use sea_orm::{ConnectionTrait, DbErr, Value};

use super::signals::Persons;
use crate::{
    db::{execute, statement},
    domain::{SchoolYear, pipeline::first_of_april},
};

/// The 0/1 figures of both summary tables but `applied`, in table order.
pub(super) const APPLICATION_MEASURES: [&str; 5] = [
    "applied_before_april",
    "offered",
    "not_admitted",
    "withdrawn",
    "enrolled",
];

/// Recomputes the summary rows of every record (or one person's).
pub async fn refresh(db: &impl ConnectionTrait, persons: Persons<'_>) -> Result<(), DbErr> {
    let (only, person) = persons.filter("pseudonym");
    let (only_s, person_s) = persons.filter("s.pseudonym");
    for table in ["pipeline_application", "pipeline_pupil"] {
        let delete = format!(
            "DELETE FROM {table} WHERE student_id IN (SELECT id FROM student WHERE TRUE{only})"
        );
        execute(db, &delete, person.clone()).await?;
    }
    years(db, &only, person).await?;
    let flag = |condition: &str| format!("MAX(CASE WHEN {condition} THEN 1 ELSE 0 END)");
    let per_application = [
        flag("a.applied_on < y.april"),
        flag("a.status = 'offered'"),
        flag("a.status = 'not_admitted'"),
        flag("a.status = 'withdrawn'"),
        flag("a.status = 'enrolled'"),
    ]
    .join(", ");
    let in_year =
        "a.pseudonym = s.pseudonym AND a.applied_on >= y.first_day AND a.applied_on <= y.last_day";
    // Grouped by the key alone (the other columns depend on it; PostgreSQL allows that for a
    // primary key): SQLite then aggregates in the scan's order, where the full list made it sort
    // a million rows on disk (18 s against 4 s).
    execute(
        db,
        &format!(
            "INSERT INTO pipeline_pupil (student_id, region_id, cohort, school_id, leerweg, leerlab_id, year, \
             applied, {measures}, open_signal) \
             SELECT s.id, s.region_id, s.cohort, s.school_id, s.leerweg, s.leerlab_id, s.year, \
             {applied}, {per_application}, \
             CASE WHEN EXISTS (SELECT 1 FROM signal g WHERE g.pseudonym = s.pseudonym AND g.status <> 'RESOLVED') THEN 1 ELSE 0 END \
             FROM student s JOIN pipeline_years y ON y.cohort = s.cohort \
             LEFT JOIN application a ON {in_year} WHERE TRUE{only_s} GROUP BY s.id",
            measures = APPLICATION_MEASURES.join(", "),
            applied = flag("a.id IS NOT NULL"),
        ),
        person_s.clone(),
    )
    .await?;
    execute(
        db,
        &format!(
            "INSERT INTO pipeline_application (student_id, mbo_school_id, {measures}) \
             SELECT s.id, a.school_id, {per_application} \
             FROM student s JOIN pipeline_years y ON y.cohort = s.cohort \
             JOIN application a ON {in_year} WHERE TRUE{only_s} GROUP BY s.id, a.school_id",
            measures = APPLICATION_MEASURES.join(", "),
        ),
        person_s,
    )
    .await?;
    execute(db, "DROP TABLE pipeline_years", vec![]).await?;
    Ok(())
}

/// `pipeline_years`: the first and last day and 1 April of every school year with records.
async fn years(db: &impl ConnectionTrait, only: &str, person: Vec<Value>) -> Result<(), DbErr> {
    execute(db, "DROP TABLE IF EXISTS pipeline_years", vec![]).await?;
    execute(
        db,
        "CREATE TEMPORARY TABLE pipeline_years (cohort INTEGER PRIMARY KEY, first_day DATE NOT NULL, \
         last_day DATE NOT NULL, april DATE NOT NULL)",
        vec![],
    )
    .await?;
    let cohorts = db
        .query_all_raw(statement(
            db.get_database_backend(),
            &format!("SELECT DISTINCT cohort FROM student WHERE TRUE{only}"),
            person,
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<i32>("", "cohort"))
        .collect::<Result<Vec<_>, DbErr>>()?;
    for chunk in cohorts.chunks(200) {
        let sql = format!(
            "INSERT INTO pipeline_years (cohort, first_day, last_day, april) VALUES {}",
            vec!["(?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let values = chunk
            .iter()
            .flat_map(|&c| {
                let year = SchoolYear(c);
                [
                    Value::from(c),
                    year.first_day().into(),
                    year.last_day().into(),
                    first_of_april(c).into(),
                ]
            })
            .collect();
        execute(db, &sql, values).await?;
    }
    Ok(())
}
