//! Retention for `pipelineStats` (DESIGN.md 4b): what purged pupils counted in the pipeline of
//! their school years is kept in `stats_purged_pipeline` (migration m20261203_000016), so a
//! purge changes no published figure. Before the purge deletes pupils, [`keep`] adds their
//! summary rows up per group, once for each kind of live query (`mbo_scope`):
//!
//! - 0: the pupils themselves, for queries without an mbo school;
//! - 1: per mbo school applied to (null: no application), for `MBO_SCHOOL` and for an
//!   `mboSchoolBrin` without colleges;
//! - 2: per mbo school with colleges, each pupil once over the school and its colleges, for an
//!   `mboSchoolBrin` that names such a school (the colleges it had at the purge).
//!
//! [`groups`] reads the rows the live query of a plan stands for, grouped the same way.

use std::collections::BTreeMap;

use entity::school;
use sea_orm::{ConnectionTrait, EntityTrait, Value};

use super::{
    disclosure::Cell,
    pipeline_stats::{
        MEASURES, PipelineDimension, Plan, group_by, read_groups, select_list, source,
        sums_with_keys,
    },
};
use crate::{
    db::{execute, placeholders, sql_template},
    error::AppResult,
};

/// The pupil dimensions every kept row is grouped by.
const PUPIL_DIMENSIONS: &str =
    "p.region_id, p.cohort, p.school_id, p.leerweg, p.leerlab_id, p.year";

/// Adds what the pipeline rows of the records matching `records` (a condition on `s`, the
/// student, binding `values`) count to the kept aggregates.
pub async fn keep(db: &impl ConnectionTrait, records: &str, values: Vec<Value>) -> AppResult<()> {
    let base = Plan {
        conditions: vec![records.to_owned()],
        values,
        mbo_schools: None,
        exact: true,
        empty: false,
    };
    insert(db, &base, 0, false, "NULL").await?;
    insert(db, &base, 1, true, "m.mbo_school_id").await?;
    for (parent, family) in families(db).await? {
        let plan = Plan {
            mbo_schools: Some(family),
            ..base.clone()
        };
        insert(db, &plan, 2, false, &parent.to_string()).await?;
    }
    Ok(())
}

/// Every school with colleges: its id, and the ids of the school and its colleges (the school
/// first), as `mboSchoolBrin` filters on them.
async fn families(db: &impl ConnectionTrait) -> AppResult<BTreeMap<i64, Vec<i64>>> {
    let mut families: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for s in school::Entity::find().all(db).await? {
        if let Some(parent) = s.parent_id {
            families
                .entry(parent)
                .or_insert_with(|| vec![parent])
                .push(s.id);
        }
    }
    Ok(families)
}

/// One `INSERT … SELECT` of the live query of `plan`, grouped by every pupil dimension (and the
/// mbo school applied to, `per_school`), into rows of `scope`.
async fn insert(
    db: &impl ConnectionTrait,
    plan: &Plan,
    scope: i32,
    per_school: bool,
    mbo_school: &str,
) -> AppResult<()> {
    let (from, expressions, mut values) = source(plan, per_school);
    values.extend(plan.values.iter().cloned());
    let group = if per_school {
        format!("{PUPIL_DIMENSIONS}, m.mbo_school_id")
    } else {
        PUPIL_DIMENSIONS.to_owned()
    };
    let measures: Vec<String> = MEASURES.iter().map(|m| format!("{m}, {m}_keys")).collect();
    let sql = sql_template(
        include_str!("sql/pipeline_purged_keep.sql"),
        &[
            ("measures", &measures.join(", ")),
            ("PUPIL_DIMENSIONS", PUPIL_DIMENSIONS),
            ("scope", &scope.to_string()),
            ("mbo_school", mbo_school),
            ("sums", &sums_with_keys(&expressions, "s.record_key")),
            ("from", &from),
            ("conditions", &plan.conditions.join(" AND ")),
            ("group", &group),
        ],
    );
    execute(db, &sql, values).await?;
    Ok(())
}

/// The column of a dimension in `stats_purged_pipeline p`.
fn column(dimension: PipelineDimension) -> &'static str {
    match dimension {
        PipelineDimension::MboSchool => "p.mbo_school_id",
        other => other.column(),
    }
}

/// The kept aggregates the live query of `plan` grouped by `dims` stands for: `(raw key,
/// cells)` per group, keyed like the live rows.
pub(super) async fn groups(
    db: &impl ConnectionTrait,
    plan: &Plan,
    dims: &[PipelineDimension],
) -> AppResult<Vec<(Vec<Option<String>>, [Cell; 8])>> {
    let per_school = dims.contains(&PipelineDimension::MboSchool);
    let (scope, schools) = match (&plan.mbo_schools, per_school) {
        (schools, true) => (1, schools.clone()),
        (None, false) => (0, None),
        (Some(ids), false) if ids.len() == 1 => (1, Some(ids.clone())),
        (Some(ids), false) => (2, Some(ids[..1].to_vec())),
    };
    let sums: Vec<String> = MEASURES
        .iter()
        .map(|m| {
            format!(
                "CAST(COALESCE(SUM(p.{m}), 0) AS BIGINT) AS {m}, \
                 CAST(COALESCE(SUM(p.{m}_keys), 0) AS BIGINT) AS {m}_keys"
            )
        })
        .collect();
    let mut conditions = plan.conditions.clone();
    let mut values = plan.values.clone();
    conditions.push(format!("p.mbo_scope = {scope}"));
    if let Some(ids) = schools {
        conditions.push(format!(
            "p.mbo_school_id IN ({})",
            placeholders(ids.len().max(1))
        ));
        values.extend(ids.iter().map(|&id| Value::from(id)));
        if ids.is_empty() {
            values.push(Value::from(-1i64));
        }
    }
    let columns: Vec<&str> = dims.iter().map(|&d| column(d)).collect();
    let sql = sql_template(
        include_str!("sql/pipeline_purged_groups.sql"),
        &[
            ("select", &select_list(dims, column, &sums.join(", "))),
            ("conditions", &conditions.join(" AND ")),
            ("group_by", &group_by(&columns)),
        ],
    );
    read_groups(db, &sql, values, dims.len()).await
}
