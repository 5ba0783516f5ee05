//! Transition and needs statistics (DESIGN.md section 4), computed in SQL and protected by cell
//! keys ([`super::disclosure`]).
//!
//! `transitionStats` reads the summary tables the import maintains (`stats_vo_cube` when every
//! grouping and filter is on the vmbo side, `stats_mbo_cube` when on the mbo side), so a
//! dashboard adds up pre-aggregated groups instead of every pupil; other combinations read the
//! leavers and their transitions themselves. Beside every count the tables keep the sum of the
//! stored record keys of the pupils counted, which is all a protected answer needs.

use std::{collections::HashMap, sync::LazyLock};

use entity::{leerlab, school};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Value};

use super::disclosure::{Cell, Disclosure, key_sum};
use crate::{
    auth::Viewer,
    db::{drop_table, drop_table_if_exists, execute, placeholders, sql_template, statement},
    domain::{Leerweg, Profile, SchoolYear},
    error::AppResult,
};

mod filter;
mod measure;

pub(super) use filter::{Resolved, resolve};
pub use measure::Measure;

vocabulary::documented! {
    /// A dimension to group transition statistics by.
    pub enum Dimension {
        /// The school year the pupil left vmbo.
        Cohort,
        /// The vmbo school the pupil left.
        VoSchool,
        /// The mbo school of the transition (null key: no transition).
        MboSchool,
        /// The vmbo leerweg.
        Leerweg,
        /// The vmbo profiel.
        Profile,
        /// The crebo of the transition (null key: no transition).
        Crebo,
        /// The mbo level of the transition (null key: no transition).
        Level,
        /// The leerlab the pupil took part in (null key: none).
        Leerlab,
    }
}

impl Dimension {
    fn column(self) -> &'static str {
        match self {
            Dimension::Cohort => "cohort",
            Dimension::VoSchool => "school_id",
            Dimension::MboSchool => "transition_school_id",
            Dimension::Leerweg => "leerweg",
            Dimension::Profile => "profile",
            Dimension::Crebo => "transition_crebo",
            Dimension::Level => "transition_level",
            Dimension::Leerlab => "leerlab_id",
        }
    }
}

/// Filters of `transitionStats`.
#[derive(Clone, Debug, Default)]
pub struct StatsFilter {
    pub region_code: Option<String>,
    pub vo_school_brin: Option<String>,
    pub mbo_school_brin: Option<String>,
    pub cohorts: Vec<String>,
    pub leerlab_code: Option<String>,
    pub leerweg: Option<Leerweg>,
    pub level: Option<i32>,
}

/// The key of a group; only grouped dimensions are set.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct GroupKey {
    pub cohort: Option<String>,
    pub vo_school_brin: Option<String>,
    pub mbo_school_brin: Option<String>,
    pub leerweg: Option<String>,
    pub profile: Option<String>,
    pub crebo: Option<String>,
    pub level: Option<i32>,
    pub leerlab_code: Option<String>,
}

/// One published row: counts in [`Measure::ALL`] order, `None` where hidden.
#[derive(Clone, Debug)]
pub struct StatsRow {
    pub key: GroupKey,
    pub values: Vec<Option<i64>>,
}

impl StatsRow {
    /// The published value of one measure.
    pub fn get(&self, measure: Measure) -> Option<i64> {
        self.values[measure as usize]
    }
}

/// A published table: the groups, their total, and the smallest count shown. Each row and the
/// total are protected on their own, so protected rows need not add up to the total.
#[derive(Clone, Debug)]
pub struct StatsTable {
    pub rows: Vec<StatsRow>,
    pub total: StatsRow,
    pub min_cell: i64,
}

/// `transitionStats(filter, groupBy)`: counts per group and their total, exact for admin and a
/// school's own staff, protected for everyone else.
pub async fn transition_stats(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &StatsFilter,
    group_by: &[Dimension],
    disclosure: &Disclosure,
) -> AppResult<StatsTable> {
    let mut dims: Vec<Dimension> = Vec::new();
    for d in group_by {
        if !dims.contains(d) {
            dims.push(*d);
        }
    }
    let resolved = resolve(db, viewer, filter).await?;
    let groups = if resolved.empty {
        Vec::new()
    } else {
        query_groups(db, &resolved, &dims).await?
    };
    let raw_keys: Vec<RawKey> = groups.iter().map(|(key, _)| key.clone()).collect();
    let keys = describe_keys(db, &dims, &raw_keys).await?;
    let mut total: Stored = [Cell::default(); 9];
    for (_, stored) in &groups {
        for (t, cell) in total.iter_mut().zip(stored) {
            *t = *t + *cell;
        }
    }
    let publish = |key: GroupKey, stored: &Stored| StatsRow {
        key,
        values: Measure::ALL
            .iter()
            .map(|m| disclosure.publish(resolved.exact, m.cell(stored)))
            .collect(),
    };
    let mut rows: Vec<StatsRow> = keys
        .into_iter()
        .zip(&groups)
        .map(|(key, (_, stored))| publish(key, stored))
        .collect();
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(StatsTable {
        rows,
        total: publish(GroupKey::default(), &total),
        min_cell: disclosure.min_cell(),
    })
}

/// A group's stored cells, in [`STORED`] order.
type Stored = [Cell; 9];

/// The counts the summary tables keep, each with the condition (over a leaver `s` and their
/// transition `t`) under which a leaver is counted. Each also has a `<name>_keys` column: the sum
/// of the stored record keys of the leavers counted.
const STORED: [(&str, &str); 9] = [
    ("leavers", "TRUE"),
    ("enrolled", "t.student_id IS NOT NULL"),
    ("switched", "t.switched_first_year"),
    ("dropped_out", "t.dropped_out_first_year"),
    ("chose_before_exam", "s.chose_before_exam"),
    ("choice_matched", "t.choice_matched"),
    ("below_expected", "t.level_vs_expected < 0"),
    ("at_expected", "t.level_vs_expected = 0"),
    ("above_expected", "t.level_vs_expected > 0"),
];

/// The stored columns, counts then key sums: `leavers, …, leavers_keys, …`.
fn stored_columns() -> Vec<String> {
    STORED
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .chain(STORED.iter().map(|(name, _)| format!("{name}_keys")))
        .collect()
}

/// Raw values of the grouped columns of one group.
pub(super) type RawKey = Vec<Option<String>>;

async fn query_groups(
    db: &impl ConnectionTrait,
    resolved: &Resolved,
    dims: &[Dimension],
) -> AppResult<Vec<(RawKey, Stored)>> {
    let table = source(resolved, dims);
    let columns: Vec<String> = dims
        .iter()
        .enumerate()
        .map(|(i, d)| format!("CAST({} AS VARCHAR(64)) AS k{i}", d.column()))
        .collect();
    let sums: Vec<String> = stored_columns()
        .iter()
        .map(|c| format!("{} AS {c}", key_sum(c)))
        .collect();
    let group: Vec<&str> = dims.iter().map(|d| d.column()).collect();
    let select: Vec<String> = columns.into_iter().chain(sums).collect();
    let sql = sql_template(
        include_str!("sql/statistics_groups.sql"),
        &[
            ("select", &select.join(", ")),
            ("table", table),
            ("where", &resolved.where_clause()),
            ("group_by", &super::pipeline_stats::group_by(&group)),
        ],
    );
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            &sql,
            resolved.values.clone(),
        ))
        .await?;
    let mut groups = Vec::with_capacity(rows.len());
    for row in rows {
        let key = (0..dims.len())
            .map(|i| row.try_get::<Option<String>>("", &format!("k{i}")))
            .collect::<Result<Vec<_>, DbErr>>()?;
        let mut stored: Stored = [Cell::default(); 9];
        for (cell, (name, _)) in stored.iter_mut().zip(STORED) {
            *cell = Cell::new(
                row.try_get("", name)?,
                row.try_get("", &format!("{name}_keys"))?,
            );
        }
        if stored[0].count > 0 {
            groups.push((key, stored));
        }
    }
    Ok(groups)
}

/// Turns stored keys (ids, start years) into the published ones (BRINs, codes, `2024-2025`).
pub(super) async fn describe_keys(
    db: &impl ConnectionTrait,
    dims: &[Dimension],
    keys: &[RawKey],
) -> AppResult<Vec<GroupKey>> {
    let brins: HashMap<String, String> = if dims
        .iter()
        .any(|d| matches!(d, Dimension::VoSchool | Dimension::MboSchool))
    {
        school::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id.to_string(), s.brin))
            .collect()
    } else {
        HashMap::new()
    };
    let codes: HashMap<String, String> = if dims.contains(&Dimension::Leerlab) {
        leerlab::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.id.to_string(), l.code))
            .collect()
    } else {
        HashMap::new()
    };
    Ok(keys
        .iter()
        .map(|raw| {
            let mut key = GroupKey::default();
            for (dim, value) in dims.iter().zip(raw) {
                let Some(value) = value else { continue };
                match dim {
                    Dimension::Cohort => {
                        key.cohort = value.parse().ok().map(|y| SchoolYear(y).to_string())
                    }
                    Dimension::VoSchool => key.vo_school_brin = brins.get(value).cloned(),
                    Dimension::MboSchool => key.mbo_school_brin = brins.get(value).cloned(),
                    Dimension::Leerweg => key.leerweg = Some(value.clone()),
                    Dimension::Profile => key.profile = Some(value.clone()),
                    Dimension::Crebo => key.crebo = Some(value.clone()),
                    Dimension::Level => key.level = value.parse().ok(),
                    Dimension::Leerlab => key.leerlab_code = codes.get(value).cloned(),
                }
            }
            key
        })
        .collect())
}

/// One row per leaver (roster records are not leavers) with the counts it contributes (0 or 1
/// each) and the stored record key under each count it contributes to, under the column names of
/// the summary tables: the statistics of any group are the sums of these over its leavers.
/// `condition` narrows the leavers (SQL over `s`, starting with `AND`, or empty).
pub(crate) fn pupil_facts(condition: &str) -> String {
    let measures: Vec<String> = STORED
        .iter()
        .map(|(name, condition)| {
            format!(
                "CASE WHEN {condition} THEN 1 ELSE 0 END AS {name}, \
                 CASE WHEN {condition} THEN s.record_key ELSE 0 END AS {name}_keys"
            )
        })
        .collect();
    sql_template(
        include_str!("sql/statistics_pupil_facts.sql"),
        &[("measures", &measures.join(", ")), ("condition", condition)],
    )
}

/// The dimension columns of the facts, in [`pupil_facts`] order.
pub(crate) const FACT_KEYS: &str = "region_id, cohort, school_id, leerweg, profile, leerlab_id, \
     transition_school_id, transition_crebo, transition_level";

/// The stored columns in [`pupil_facts`] order: each count, then its key sum.
pub(crate) fn fact_measures() -> Vec<String> {
    STORED
        .iter()
        .flat_map(|(name, _)| [(*name).to_owned(), format!("{name}_keys")])
        .collect()
}

/// The facts of every leaver, and the groups of the leavers a purge deleted
/// ([`super::retention`]): a purged cohort's statistics stay what they were, however often
/// they are computed again.
static FACTS: LazyLock<String> = LazyLock::new(|| {
    sql_template(
        include_str!("sql/statistics_facts.sql"),
        &[
            ("pupil_facts", &pupil_facts("")),
            ("FACT_KEYS", FACT_KEYS),
            ("measures", &fact_measures().join(", ")),
        ],
    )
});

/// The summary tables and the fact columns each one keeps.
const CUBES: [(&str, &[&str]); 2] = [
    (
        "stats_vo_cube",
        &[
            "region_id",
            "cohort",
            "school_id",
            "leerweg",
            "profile",
            "leerlab_id",
        ],
    ),
    (
        "stats_mbo_cube",
        &[
            "region_id",
            "cohort",
            "transition_school_id",
            "transition_crebo",
            "transition_level",
        ],
    ),
];

/// The smallest source that has every column a query groups or filters by: a summary table,
/// or else the facts themselves.
fn source(resolved: &Resolved, dims: &[Dimension]) -> &'static str {
    let facts: &'static str = FACTS.as_str();
    let mut needed = resolved
        .columns
        .iter()
        .copied()
        .chain(dims.iter().map(|d| d.column()));
    let needed: Vec<&str> = needed.by_ref().collect();
    CUBES
        .iter()
        .find(|(_, keys)| needed.iter().all(|c| keys.contains(c)))
        .map_or(facts, |(table, _)| table)
}

/// Recomputes the summary tables for `cohorts` from the leavers and their transitions.
pub async fn refresh_cohorts(db: &impl ConnectionTrait, cohorts: &[i32]) -> Result<(), DbErr> {
    let values = cohorts.iter().map(|c| Value::from(*c)).collect();
    let condition = format!("cohort IN ({})", placeholders(cohorts.len()));
    refresh_where(db, &condition, values).await
}

/// Recomputes the summary rows of these (cohort, region id) pairs: an import touches a few
/// regions of a cohort, and every summary row belongs to one region (a leaver's region is
/// their school's, which an import never changes).
pub async fn refresh_regions(db: &impl ConnectionTrait, pairs: &[(i32, i64)]) -> Result<(), DbErr> {
    let condition = vec!["(cohort = ? AND region_id = ?)"; pairs.len()].join(" OR ");
    let values = pairs
        .iter()
        .flat_map(|(cohort, region)| [Value::from(*cohort), Value::from(*region)])
        .collect();
    refresh_where(db, &format!("({condition})"), values).await
}

/// Recomputes the summary rows that match `condition` (on `cohort` and `region_id`). The facts
/// are gathered once (one join) and both tables are grouped from that copy.
async fn refresh_where(
    db: &impl ConnectionTrait,
    condition: &str,
    values: Vec<Value>,
) -> Result<(), DbErr> {
    if values.is_empty() {
        return Ok(());
    }
    drop_table_if_exists(db, "stats_facts").await?;
    let copy = sql_template(
        include_str!("sql/statistics_copy_facts.sql"),
        &[("facts", FACTS.as_str()), ("condition", condition)],
    );
    execute(db, &copy, values.clone()).await?;
    let stored = stored_columns();
    let sums: Vec<String> = stored.iter().map(|m| format!("SUM({m})")).collect();
    for (table, keys) in CUBES {
        let keys = keys.join(", ");
        let delete = sql_template(
            include_str!("sql/statistics_clear_cube.sql"),
            &[("table", table), ("condition", condition)],
        );
        execute(db, &delete, values.clone()).await?;
        let insert = sql_template(
            include_str!("sql/statistics_fill_cube.sql"),
            &[
                ("table", table),
                ("keys", &keys),
                ("stored", &stored.join(", ")),
                ("sums", &sums.join(", ")),
            ],
        );
        execute(db, &insert, vec![]).await?;
    }
    drop_table(db, "stats_facts").await
}

/// The `Profile` of a stored key, for GraphQL.
pub fn profile_of(key: &GroupKey) -> Option<Profile> {
    key.profile.as_deref().and_then(Profile::parse)
}

/// The `Leerweg` of a stored key, for GraphQL.
pub fn leerweg_of(key: &GroupKey) -> Option<Leerweg> {
    key.leerweg.as_deref().and_then(Leerweg::parse)
}
