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
    db::{drop_table, drop_table_if_exists, execute, sql_template, statement},
    domain::{SchoolYear, pipeline::first_of_april},
};

/// The tables whose rows the summary counts (besides signals): an import into another (an mbo
/// enrolment file) changes it only through the signals it changes.
pub const SOURCES: [&str; 2] = ["student", "application"];

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
        let delete = sql_template(
            include_str!("sql/pipeline_clear.sql"),
            &[("table", table), ("only", &only)],
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
    let measures = APPLICATION_MEASURES.join(", ");
    // Grouped by the key alone (the other columns depend on it; PostgreSQL allows that for a
    // primary key): SQLite then aggregates in the scan's order, where the full list made it sort
    // a million rows on disk (18 s against 4 s).
    execute(
        db,
        &sql_template(
            include_str!("sql/pipeline_fill_pupils.sql"),
            &[
                ("measures", &measures),
                ("applied", &flag("a.id IS NOT NULL")),
                ("per_application", &per_application),
                ("only_s", &only_s),
            ],
        ),
        person_s.clone(),
    )
    .await?;
    execute(
        db,
        &sql_template(
            include_str!("sql/pipeline_fill_applications.sql"),
            &[
                ("measures", &measures),
                ("per_application", &per_application),
                ("only_s", &only_s),
            ],
        ),
        person_s,
    )
    .await?;
    drop_table(db, "pipeline_years").await
}

/// `pipeline_years`: the first and last day and 1 April of every school year with records.
async fn years(db: &impl ConnectionTrait, only: &str, person: Vec<Value>) -> Result<(), DbErr> {
    drop_table_if_exists(db, "pipeline_years").await?;
    execute(db, include_str!("sql/pipeline_create_years.sql"), vec![]).await?;
    let cohorts = db
        .query_all_raw(statement(
            db.get_database_backend(),
            &sql_template(include_str!("sql/pipeline_cohorts.sql"), &[("only", only)]),
            person,
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<i32>("", "cohort"))
        .collect::<Result<Vec<_>, DbErr>>()?;
    for chunk in cohorts.chunks(200) {
        let sql = sql_template(
            include_str!("sql/pipeline_insert_years.sql"),
            &[("rows", &vec!["(?, ?, ?, ?)"; chunk.len()].join(", "))],
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
