//! A statistics filter resolved into row ids and SQL conditions, after the scope checks of
//! DESIGN.md section 4: who may ask for which region's or school's figures, and who gets exact
//! counts.

use sea_orm::{ConnectionTrait, Value};

use super::StatsFilter;
use crate::{
    auth::{
        Viewer,
        scope::{self, statistics::StatisticsScope},
    },
    db::placeholders,
    domain::SchoolYear,
    error::{AppError, AppResult},
    service::{catalogue, leerlab::leerlab_by_code},
};

/// The filter as row ids, after scope checks.
pub(in crate::service) struct Resolved {
    pub(in crate::service) conditions: Vec<String>,
    pub(in crate::service) values: Vec<Value>,
    /// A code in the filter named nothing: the answer is empty.
    pub(in crate::service) empty: bool,
    /// The fact columns the conditions use (to pick a summary table that has them).
    pub(in crate::service) columns: Vec<&'static str>,
    /// The caller gets exact counts: admin, or school_staff whose filter names their own school
    /// (every pupil counted is one they may read).
    pub(in crate::service) exact: bool,
}

impl Resolved {
    fn new() -> Self {
        Resolved {
            conditions: Vec::new(),
            values: Vec::new(),
            empty: false,
            columns: Vec::new(),
            exact: false,
        }
    }

    fn add(&mut self, column: &'static str, condition: String, values: Vec<Value>) {
        self.columns.push(column);
        self.conditions.push(condition);
        self.values.extend(values);
    }

    fn equals(&mut self, column: &'static str, value: Value) {
        self.add(column, format!("{column} = ?"), vec![value]);
    }

    fn in_list(&mut self, column: &'static str, values: Vec<Value>) {
        if values.is_empty() {
            self.empty = true;
            return;
        }
        self.add(
            column,
            format!("{column} IN ({})", placeholders(values.len())),
            values,
        );
    }

    pub(super) fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }
}

/// Applies the statistics scope of DESIGN.md: coordinator, integration and rmc see their own region,
/// school_staff only statistics filtered to their own school, admin everything.
pub(in crate::service) async fn resolve(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &StatsFilter,
) -> AppResult<Resolved> {
    let mut resolved = Resolved::new();
    let region_id = match &filter.region_code {
        Some(code) => catalogue::region_by_code(db, code).await?.map(|r| r.id),
        None => None,
    };
    let vo = catalogue::school_with_locations(db, filter.vo_school_brin.as_deref()).await?;
    let mbo = catalogue::school_with_locations(db, filter.mbo_school_brin.as_deref()).await?;
    let named: Vec<&[i64]> = [&vo, &mbo]
        .into_iter()
        .flatten()
        .map(Vec::as_slice)
        .collect();
    let asked_region = filter.region_code.is_some().then_some(region_id);
    match scope::statistics::statistics(viewer, asked_region, &named)? {
        StatisticsScope::Everything | StatisticsScope::OwnSchool => resolved.exact = true,
        StatisticsScope::Region(home) => resolved.equals("region_id", home.into()),
    }
    if filter.region_code.is_some() {
        match region_id {
            Some(id) => resolved.equals("region_id", id.into()),
            None => resolved.empty = true,
        }
    }
    if let Some(ids) = vo {
        resolved.in_list("school_id", ids.into_iter().map(Value::from).collect());
    }
    if let Some(ids) = mbo {
        resolved.in_list(
            "transition_school_id",
            ids.into_iter().map(Value::from).collect(),
        );
    }
    if !filter.cohorts.is_empty() {
        let years = filter
            .cohorts
            .iter()
            .map(|c| {
                SchoolYear::parse(c).ok_or_else(|| {
                    AppError::bad_input(
                        "cohorts",
                        format!("`{c}` is not a school year like 2024-2025"),
                    )
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        resolved.in_list("cohort", years.iter().map(|y| Value::from(y.0)).collect());
    }
    if let Some(code) = &filter.leerlab_code {
        match leerlab_by_code(db, code).await? {
            Some(lab) => resolved.equals("leerlab_id", lab.id.into()),
            None => resolved.empty = true,
        }
    }
    if let Some(leerweg) = filter.leerweg {
        resolved.equals("leerweg", leerweg.into());
    }
    if let Some(level) = filter.level {
        if !(1..=4).contains(&level) {
            return Err(AppError::bad_input("level", "an mbo level is 1 to 4"));
        }
        resolved.equals("transition_level", level.into());
    }
    Ok(resolved)
}
