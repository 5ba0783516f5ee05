//! `pipelineStats` (DESIGN.md 4b) from the summary tables of [`super::pipeline`]. Each count goes
//! out with the sum of the stored record keys of the pupils it counts, for the cell-key method
//! of section 4.

use std::collections::HashMap;

use entity::{leerlab, school};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Value};

use super::{
    catalogue,
    disclosure::{Cell, Disclosure},
    pipeline::APPLICATION_MEASURES,
    pipeline_purged,
};
use crate::{
    auth::{
        Viewer,
        scope::{self, statistics::StatisticsScope},
    },
    db::{placeholders, sql_template, statement},
    domain::{Leerweg, SchoolYear},
    error::{AppError, AppResult},
};

vocabulary::documented! {
    /// A dimension to group `pipelineStats` by.
    pub enum PipelineDimension {
        /// The pupil's vmbo school.
        VoSchool,
        /// An mbo school applied to that school year (a pupil counts under each; null key: no
        /// application).
        MboSchool,
        /// The vmbo leerweg.
        Leerweg,
        /// The leerlab (null key: none).
        Leerlab,
        /// The vmbo year (3 or 4).
        Year,
    }
}

impl PipelineDimension {
    pub(super) fn column(self) -> &'static str {
        match self {
            PipelineDimension::VoSchool => "p.school_id",
            PipelineDimension::MboSchool => "m.mbo_school_id",
            PipelineDimension::Leerweg => "p.leerweg",
            PipelineDimension::Leerlab => "p.leerlab_id",
            PipelineDimension::Year => "p.year",
        }
    }
}

/// The filters of `pipelineStats`.
#[derive(Clone, Debug, Default)]
pub struct PipelineFilter {
    pub region_code: Option<String>,
    pub vo_school_brin: Option<String>,
    pub mbo_school_brin: Option<String>,
    pub school_year: String,
    pub year: Option<i32>,
}

/// The published key of a row: only the grouped dimensions are set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PipelineKey {
    pub vo_school_brin: Option<String>,
    pub mbo_school_brin: Option<String>,
    pub leerweg: Option<Leerweg>,
    pub leerlab_code: Option<String>,
    pub year: Option<i32>,
}

/// The figures of a row in [`MEASURES`] order; `None` where hidden.
pub type Figures = [Option<i64>; 8];

/// The figures, in the order of [`Figures`]: pupils, applied, appliedBeforeApril, offered,
/// notAdmitted, withdrawn, enrolled, openSignals.
pub const MEASURES: [&str; 8] = [
    "pupils",
    "applied",
    "applied_before_april",
    "offered",
    "not_admitted",
    "withdrawn",
    "enrolled",
    "open_signals",
];

#[derive(Clone, Debug)]
pub struct PipelineRow {
    pub key: PipelineKey,
    pub figures: Figures,
}

#[derive(Clone, Debug)]
pub struct PipelineTable {
    pub rows: Vec<PipelineRow>,
    pub total: PipelineRow,
    pub min_cell: i64,
}

/// What a query reads, after the caller's scope is applied.
#[derive(Clone)]
pub(super) struct Plan {
    pub(super) conditions: Vec<String>,
    pub(super) values: Vec<Value>,
    /// The mbo schools of `mboSchoolBrin` (with colleges), if given: the school first.
    pub(super) mbo_schools: Option<Vec<i64>>,
    pub(super) exact: bool,
    /// Nothing can match (an unknown code).
    pub(super) empty: bool,
}

/// Scope (DESIGN.md sections 3, 4 and 4b): admin exact; school staff only with a filter naming
/// their own school, exact only for vmbo staff whose `voSchoolBrin` is theirs; coordinator,
/// integration and rmc their own region, protected.
async fn plan(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &PipelineFilter,
) -> AppResult<Plan> {
    let year = SchoolYear::parse(&filter.school_year)
        .ok_or_else(|| AppError::bad_input("schoolYear", "not a school year like 2025-2026"))?;
    let mut plan = Plan {
        conditions: vec!["p.cohort = ?".to_owned()],
        values: vec![year.0.into()],
        mbo_schools: None,
        exact: viewer.is_admin(),
        empty: false,
    };
    let region = match &filter.region_code {
        Some(code) => Some(catalogue::region_by_code(db, code).await?.map(|r| r.id)),
        None => None,
    };
    let vo = catalogue::school_with_locations(db, filter.vo_school_brin.as_deref()).await?;
    let mbo = catalogue::school_with_locations(db, filter.mbo_school_brin.as_deref()).await?;
    let own = |ids: &Option<Vec<i64>>| {
        ids.as_ref()
            .and_then(|ids| ids.first())
            .is_some_and(|id| viewer.covers_school(*id))
    };
    let named: Vec<&[i64]> = [&vo, &mbo]
        .into_iter()
        .flatten()
        .map(Vec::as_slice)
        .collect();
    match scope::statistics::statistics(viewer, region, &named)? {
        StatisticsScope::Everything => {}
        StatisticsScope::Region(home) => {
            plan.conditions.push("p.region_id = ?".to_owned());
            plan.values.push(home.into());
        }
        StatisticsScope::OwnSchool => plan.exact = own(&vo),
    }
    if let Some(region) = region {
        match region {
            Some(id) => {
                plan.conditions.push("p.region_id = ?".to_owned());
                plan.values.push(id.into());
            }
            None => plan.empty = true,
        }
    }
    if let Some(ids) = vo {
        plan.empty |= ids.is_empty();
        plan.conditions.push(format!(
            "p.school_id IN ({})",
            placeholders(ids.len().max(1))
        ));
        plan.values.extend(ids.iter().map(|&id| Value::from(id)));
        if ids.is_empty() {
            plan.values.push(Value::from(-1i64));
        }
    }
    if let Some(ids) = mbo {
        plan.empty |= ids.is_empty();
        plan.mbo_schools = Some(ids);
    }
    if let Some(y) = filter.year {
        plan.conditions.push("p.year = ?".to_owned());
        plan.values.push(y.into());
    }
    Ok(plan)
}

/// The FROM clause and the expression of every measure (a 0/1 per joined row), for a query that
/// joins the per-school rows (`per_school`), the per-pupil rows of the filtered mbo schools, or
/// neither.
pub(super) fn source(plan: &Plan, per_school: bool) -> (String, [String; 8], Vec<Value>) {
    let mut values = Vec::new();
    let mut from = "pipeline_pupil p JOIN student s ON s.id = p.student_id".to_owned();
    let joined = per_school || plan.mbo_schools.is_some();
    if joined {
        let schools = match &plan.mbo_schools {
            Some(ids) => {
                values.extend(ids.iter().map(|&id| Value::from(id)));
                format!(
                    " WHERE mbo_school_id IN ({})",
                    placeholders(ids.len().max(1))
                )
            }
            None => String::new(),
        };
        if plan.mbo_schools.as_ref().is_some_and(|ids| ids.is_empty()) {
            values.push(Value::from(-1i64));
        }
        let rows = if per_school {
            sql_template(
                include_str!("sql/pipeline_stats_applications_per_school.sql"),
                &[("schools", &schools)],
            )
        } else {
            // Each pupil once, over their applications to the filtered schools.
            let maxes: Vec<String> = APPLICATION_MEASURES
                .iter()
                .map(|m| format!("MAX({m}) AS {m}"))
                .collect();
            sql_template(
                include_str!("sql/pipeline_stats_applications_per_pupil.sql"),
                &[("maxes", &maxes.join(", ")), ("schools", &schools)],
            )
        };
        let join = if plan.mbo_schools.is_some() {
            "JOIN"
        } else {
            "LEFT JOIN"
        };
        from.push_str(&format!(" {join} {rows} m ON m.student_id = p.student_id"));
    }
    let measure = |m: &str| {
        if joined {
            format!("COALESCE(m.{m}, 0)")
        } else {
            format!("p.{m}")
        }
    };
    let applied = if joined {
        "CASE WHEN m.student_id IS NULL THEN 0 ELSE 1 END".to_owned()
    } else {
        "p.applied".to_owned()
    };
    let expressions = [
        "1".to_owned(),
        applied,
        measure("applied_before_april"),
        measure("offered"),
        measure("not_admitted"),
        measure("withdrawn"),
        measure("enrolled"),
        "p.open_signal".to_owned(),
    ];
    (from, expressions, values)
}

/// Each figure and the sum of its pupils' record keys, as `{measure}` and `{measure}_keys`.
pub(super) fn sums_with_keys(expressions: &[String; 8], record_key: &str) -> String {
    expressions
        .iter()
        .zip(MEASURES)
        .map(|(e, m)| {
            format!(
                "CAST(COALESCE(SUM({e}), 0) AS BIGINT) AS {m}, \
                 CAST(COALESCE(SUM(({e}) * {record_key}), 0) AS BIGINT) AS {m}_keys"
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `SELECT` list of a grouped query: a key per dimension (`k0`, `k1`, …), then the sums.
pub(super) fn select_list(
    dims: &[PipelineDimension],
    column: impl Fn(PipelineDimension) -> &'static str,
    sums: &str,
) -> String {
    dims.iter()
        .enumerate()
        .map(|(i, &d)| format!("CAST({} AS VARCHAR(64)) AS k{i}, ", column(d)))
        .collect::<String>()
        + sums
}

/// ` GROUP BY` over `columns`, or nothing without any.
pub(super) fn group_by(columns: &[&str]) -> String {
    if columns.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", columns.join(", "))
    }
}

/// Runs a grouped query of [`select_list`]: `(raw key, cells)` per group.
pub(super) async fn read_groups(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
    keys: usize,
) -> AppResult<Vec<(Vec<Option<String>>, [Cell; 8])>> {
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let key = (0..keys)
            .map(|i| row.try_get::<Option<String>>("", &format!("k{i}")))
            .collect::<Result<Vec<_>, DbErr>>()?;
        let mut cells = [Cell::default(); 8];
        for (cell, m) in cells.iter_mut().zip(MEASURES) {
            *cell = Cell::new(row.try_get("", m)?, row.try_get("", &format!("{m}_keys"))?);
        }
        found.push((key, cells));
    }
    Ok(found)
}

/// Adds up the figures per group in SQL, the live rows and the kept aggregates of purged
/// pupils: `(raw key, cells)` per group that counts any pupil.
async fn groups(
    db: &impl ConnectionTrait,
    plan: &Plan,
    dims: &[PipelineDimension],
) -> AppResult<Vec<(Vec<Option<String>>, [Cell; 8])>> {
    let per_school = dims.contains(&PipelineDimension::MboSchool);
    let (from, expressions, mut values) = source(plan, per_school);
    let sums = sums_with_keys(&expressions, "s.record_key");
    let columns: Vec<&str> = dims.iter().map(|d| d.column()).collect();
    let sql = sql_template(
        include_str!("sql/pipeline_stats_groups.sql"),
        &[
            (
                "select",
                &select_list(dims, PipelineDimension::column, &sums),
            ),
            ("from", &from),
            ("conditions", &plan.conditions.join(" AND ")),
            ("group_by", &group_by(&columns)),
        ],
    );
    values.extend(plan.values.iter().cloned());
    let mut found = read_groups(db, &sql, values, dims.len()).await?;
    for (key, purged) in pipeline_purged::groups(db, plan, dims).await? {
        match found.iter_mut().find(|(k, _)| *k == key) {
            Some((_, cells)) => {
                for (cell, more) in cells.iter_mut().zip(purged) {
                    *cell = *cell + more;
                }
            }
            None => found.push((key, purged)),
        }
    }
    found.retain(|(_, cells)| cells[0].count > 0);
    Ok(found)
}

/// `pipelineStats`: rows per group (ordered by key), the total (each pupil once) and the
/// smallest count shown.
pub async fn pipeline_stats(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    disclosure: &Disclosure,
    filter: &PipelineFilter,
    dims: &[PipelineDimension],
) -> AppResult<PipelineTable> {
    let mut dims = dims.to_vec();
    dims.dedup();
    let plan = plan(db, viewer, filter).await?;
    let publish =
        |cells: &[Cell; 8]| -> Figures { cells.map(|cell| disclosure.publish(plan.exact, cell)) };
    let min_cell = disclosure.min_cell();
    if plan.empty {
        return Ok(PipelineTable {
            rows: Vec::new(),
            total: PipelineRow {
                key: PipelineKey::default(),
                figures: publish(&[Cell::default(); 8]),
            },
            min_cell,
        });
    }
    let total = groups(db, &plan, &[]).await?;
    let total = total
        .first()
        .map_or([Cell::default(); 8], |(_, cells)| *cells);
    let mut rows = Vec::new();
    if !dims.is_empty() {
        let found = groups(db, &plan, &dims).await?;
        let names = Names::load(db, &dims).await?;
        for (raw, cells) in found {
            rows.push(PipelineRow {
                key: names.key(&dims, &raw),
                figures: publish(&cells),
            });
        }
        rows.sort_by(|a, b| format!("{:?}", a.key).cmp(&format!("{:?}", b.key)));
    }
    Ok(PipelineTable {
        rows,
        total: PipelineRow {
            key: PipelineKey::default(),
            figures: publish(&total),
        },
        min_cell,
    })
}

/// BRINs and leerlab codes of stored ids, for the published keys.
struct Names {
    brins: HashMap<String, String>,
    codes: HashMap<String, String>,
}

impl Names {
    async fn load(db: &impl ConnectionTrait, dims: &[PipelineDimension]) -> AppResult<Self> {
        let mut names = Names {
            brins: HashMap::new(),
            codes: HashMap::new(),
        };
        if dims.iter().any(|d| {
            matches!(
                d,
                PipelineDimension::VoSchool | PipelineDimension::MboSchool
            )
        }) {
            for s in school::Entity::find().all(db).await? {
                names.brins.insert(s.id.to_string(), s.brin);
            }
        }
        if dims.contains(&PipelineDimension::Leerlab) {
            for l in leerlab::Entity::find().all(db).await? {
                names.codes.insert(l.id.to_string(), l.code);
            }
        }
        Ok(names)
    }

    fn key(&self, dims: &[PipelineDimension], raw: &[Option<String>]) -> PipelineKey {
        let mut key = PipelineKey::default();
        for (dim, value) in dims.iter().zip(raw) {
            let Some(value) = value else { continue };
            match dim {
                PipelineDimension::VoSchool => key.vo_school_brin = self.brins.get(value).cloned(),
                PipelineDimension::MboSchool => {
                    key.mbo_school_brin = self.brins.get(value).cloned()
                }
                PipelineDimension::Leerweg => key.leerweg = Leerweg::parse(value),
                PipelineDimension::Leerlab => key.leerlab_code = self.codes.get(value).cloned(),
                PipelineDimension::Year => key.year = value.parse().ok(),
            }
        }
        key
    }
}
