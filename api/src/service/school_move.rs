//! `updateSchool(input: {regionCode})`: a school (with its locations) moves to another region
//! (admin only). Its pupils' region follows (a pupil's region is their vmbo school's), and so
//! do the summary tables; the change feed hears of every record whose region changed, so the
//! old region's callers get a `DELETE` and the new region's an `UPSERT`.

use entity::school;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Value};

use super::changes::touch;
use crate::{
    auth::{Role, Viewer, policy::ensure},
    db::{execute, placeholders, sql_template, statement},
    error::{AppError, AppResult},
};

/// Checks that `viewer` may move `school` to `region_id`: admin only, and not a location on
/// its own (it moves with its institution).
pub fn check(viewer: &Viewer, school: &school::Model) -> AppResult<()> {
    ensure(viewer.role() == Role::Admin)?;
    if school.parent_id.is_some() {
        return Err(AppError::bad_input(
            "regionCode",
            "a location or college moves with its institution: move the institution",
        ));
    }
    Ok(())
}

/// Moves the school `id` and its locations to `region_id`, in `txn`.
pub async fn move_school(txn: &DatabaseTransaction, id: i64, region_id: i64) -> Result<(), DbErr> {
    let backend = txn.get_database_backend();
    let mut schools = vec![id];
    for row in txn
        .query_all_raw(statement(
            backend,
            include_str!("sql/school_move_locations.sql"),
            vec![id.into()],
        ))
        .await?
    {
        schools.push(row.try_get("", "id")?);
    }
    let list = placeholders(schools.len());
    let with_region = |first: Value| {
        let mut values = vec![first];
        values.extend(schools.iter().map(|&s| Value::from(s)));
        values
    };
    for table in ["school", "student", "pipeline_pupil", "stats_vo_cube"] {
        let column = if table == "school" { "id" } else { "school_id" };
        let sql = sql_template(
            include_str!("sql/school_move_set_region.sql"),
            &[("table", table), ("column", column), ("list", &list)],
        );
        execute(txn, &sql, with_region(region_id.into())).await?;
    }
    // The mbo side of the summary tables counts for the pupil's region.
    let mut cohorts = Vec::new();
    let sql = sql_template(
        include_str!("sql/school_move_cohorts.sql"),
        &[("list", &list)],
    );
    let values: Vec<Value> = schools.iter().map(|&s| Value::from(s)).collect();
    for row in txn.query_all_raw(statement(backend, &sql, values)).await? {
        cohorts.push(row.try_get::<i32>("", "cohort")?);
    }
    super::statistics::refresh_cohorts(txn, &cohorts).await?;
    let ids = schools
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let ids = [("ids", ids.as_str())];
    let pupils = sql_template(include_str!("sql/school_move_pupils.sql"), &ids);
    let pupils = [("pupils", pupils.as_str())];
    let of_schools = |table| {
        let template = include_str!("sql/school_move_rows_of_schools.sql");
        sql_template(template, &[("table", table), ids[0]])
    };
    for (ty, select) in [
        ("Programme", of_schools("programme")),
        ("Person", of_schools("person")),
        ("ImportRun", of_schools("import_run")),
        (
            "Application",
            sql_template(
                include_str!("sql/school_move_applications.sql"),
                &[ids[0], pupils[0]],
            ),
        ),
        (
            "Signal",
            sql_template(include_str!("sql/school_move_signals.sql"), &pupils),
        ),
    ] {
        touch(txn, ty, &select).await?;
    }
    Ok(())
}
