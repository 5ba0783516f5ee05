//! Needs statistics: how many pupils named each need in their self-evaluations, per group,
//! with the scope and the cell-key protection of the transition statistics.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr};

use super::{
    disclosure::{Cell, Disclosure, key_sum},
    statistics::{Dimension, GroupKey, RawKey, StatsFilter, describe_keys, resolve},
};
use crate::{
    auth::Viewer,
    db::{sql_template, statement},
    domain::Need,
    error::AppResult,
};

vocabulary::documented! {
    /// A dimension to group needs by.
    pub enum NeedsDimension {
        /// The school year the pupil left vmbo.
        Cohort,
        /// The pupil's vmbo school.
        School,
        /// The pupil's leerlab (null key: none).
        Leerlab,
    }
}

impl NeedsDimension {
    fn column(self) -> &'static str {
        match self {
            NeedsDimension::Cohort => "s.cohort",
            NeedsDimension::School => "s.school_id",
            NeedsDimension::Leerlab => "s.leerlab_id",
        }
    }
}

/// The columns of a needs fact: the pupil's group, the need (null: evaluated at all), the count
/// and the sum of the counted pupils' stored record keys.
pub(crate) const PURGED_NEEDS: &str =
    "region_id, cohort, school_id, leerlab_id, need, pupils, pupils_keys";

/// One row per pupil who evaluated at all, in [`PURGED_NEEDS`] columns; `condition` narrows the
/// pupils (SQL over `s`, starting with `AND`, or empty).
pub(crate) fn pupil_respondents(condition: &str) -> String {
    sql_template(
        include_str!("sql/needs_pupil_respondents.sql"),
        &[("condition", condition)],
    )
}

/// One row per pupil and need named, in [`PURGED_NEEDS`] columns.
pub(crate) fn pupil_needs(condition: &str) -> String {
    sql_template(
        include_str!("sql/needs_pupil_needs.sql"),
        &[("condition", condition)],
    )
}

/// Filters of `needsStats`.
#[derive(Clone, Debug, Default)]
pub struct NeedsFilter {
    pub region_code: Option<String>,
    pub school_brin: Option<String>,
    pub leerlab_code: Option<String>,
    pub cohorts: Vec<String>,
}

/// A needs table: per group the pupils who evaluated (column 0) and, per need in [`Need::ALL`]
/// order, the pupils who named it; each count protected by its cell key (every pupil counted once).
pub async fn needs_stats(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &NeedsFilter,
    group_by: &[NeedsDimension],
    disclosure: &Disclosure,
) -> AppResult<(Vec<(GroupKey, Vec<Option<i64>>)>, Vec<Option<i64>>)> {
    let stats_filter = StatsFilter {
        region_code: filter.region_code.clone(),
        vo_school_brin: filter.school_brin.clone(),
        cohorts: filter.cohorts.clone(),
        leerlab_code: filter.leerlab_code.clone(),
        ..Default::default()
    };
    let resolved = resolve(db, viewer, &stats_filter).await?;
    let mut dims: Vec<NeedsDimension> = Vec::new();
    for d in group_by {
        if !dims.contains(d) {
            dims.push(*d);
        }
    }
    let mut groups: Vec<(RawKey, Vec<Cell>)> = Vec::new();
    if !resolved.empty {
        let conditions: Vec<String> = resolved
            .conditions
            .iter()
            .map(|c| format!("s.{c}"))
            .collect();
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("AND {}", conditions.join(" AND "))
        };
        let keys: Vec<String> = dims
            .iter()
            .enumerate()
            .map(|(i, d)| format!("CAST({} AS VARCHAR(64)) AS k{i}", d.column()))
            .collect();
        let group_cols: Vec<&str> = dims.iter().map(|d| d.column()).collect();
        let group_by_clause = |extra: &str| {
            let cols: Vec<&str> = group_cols
                .iter()
                .copied()
                .chain((!extra.is_empty()).then_some(extra))
                .collect();
            if cols.is_empty() {
                String::new()
            } else {
                format!("GROUP BY {}", cols.join(", "))
            }
        };
        let key_select = if keys.is_empty() {
            String::new()
        } else {
            format!("{}, ", keys.join(", "))
        };
        // One row per pupil (and need) counted, so the record keys add up once per pupil.
        let keys = key_sum("s.pupils_keys");
        // Purged pupils count through their groups' stored rows (`stats_purged_needs`).
        let (respondents, needs) = (pupil_respondents(""), pupil_needs(""));
        let (all, per_need) = (group_by_clause(""), group_by_clause("s.need"));
        let pieces = |name, query, group_by| {
            [
                ("key_select", key_select.as_str()),
                ("keys", keys.as_str()),
                (name, query),
                ("PURGED_NEEDS", PURGED_NEEDS),
                ("where_clause", where_clause.as_str()),
                ("group_by", group_by),
            ]
        };
        let respondents_sql = sql_template(
            include_str!("sql/needs_count_respondents.sql"),
            &pieces("respondents", &respondents, &all),
        );
        let needs_sql = sql_template(
            include_str!("sql/needs_count_needs.sql"),
            &pieces("needs", &needs, &per_need),
        );
        let backend = db.get_database_backend();
        let mut index: HashMap<RawKey, usize> = HashMap::new();
        for row in db
            .query_all_raw(statement(
                backend,
                &respondents_sql,
                resolved.values.clone(),
            ))
            .await?
        {
            let key = (0..dims.len())
                .map(|i| row.try_get::<Option<String>>("", &format!("k{i}")))
                .collect::<Result<RawKey, DbErr>>()?;
            let mut counts = vec![Cell::default(); 1 + Need::ALL.len()];
            counts[0] = Cell::new(row.try_get("", "n")?, row.try_get("", "k")?);
            index.insert(key.clone(), groups.len());
            groups.push((key, counts));
        }
        for row in db
            .query_all_raw(statement(backend, &needs_sql, resolved.values.clone()))
            .await?
        {
            let key = (0..dims.len())
                .map(|i| row.try_get::<Option<String>>("", &format!("k{i}")))
                .collect::<Result<RawKey, DbErr>>()?;
            let need: String = row.try_get("", "need")?;
            let Some(position) = Need::ALL.iter().position(|n| n.as_str() == need) else {
                continue;
            };
            if let Some(&g) = index.get(&key) {
                groups[g].1[1 + position] = Cell::new(row.try_get("", "n")?, row.try_get("", "k")?);
            }
        }
    }
    let as_stats_dims: Vec<Dimension> = dims
        .iter()
        .map(|d| match d {
            NeedsDimension::Cohort => Dimension::Cohort,
            NeedsDimension::School => Dimension::VoSchool,
            NeedsDimension::Leerlab => Dimension::Leerlab,
        })
        .collect();
    let raw_keys: Vec<RawKey> = groups.iter().map(|(k, _)| k.clone()).collect();
    let keys = describe_keys(db, &as_stats_dims, &raw_keys).await?;
    let width = 1 + Need::ALL.len();
    let total: Vec<Cell> = (0..width)
        .map(|m| groups.iter().map(|(_, cells)| cells[m]).sum())
        .collect();
    let publish = |cells: &[Cell]| -> Vec<Option<i64>> {
        cells
            .iter()
            .map(|cell| disclosure.publish(resolved.exact, *cell))
            .collect()
    };
    let mut rows: Vec<(GroupKey, Vec<Option<i64>>)> = keys
        .into_iter()
        .zip(&groups)
        .map(|(key, (_, cells))| (key, publish(cells)))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((rows, publish(&total)))
}
