//! The CSV of `GET /export/transition-stats.csv`: the same statistics as `transitionStats`, for
//! integration scripts and scheduled jobs. Same token, same scope, same protected values (the
//! cell keys of the same pupils): a hidden count is an empty field.
//!
//! Query parameters mirror the GraphQL arguments: `regionCode`, `voSchoolBrin`, `mboSchoolBrin`,
//! `cohorts`, `leerlabCode`, `leerweg`, `level`, `groupBy`; lists repeat the parameter or use commas.

use sea_orm::DatabaseConnection;

use crate::{
    auth::{Viewer, policy},
    domain::Leerweg,
    error::AppError,
    service::{
        disclosure::Disclosure,
        statistics::{self, Dimension, GroupKey, Measure, StatsFilter, StatsRow},
    },
};

const DIMENSIONS: [(Dimension, &str, &str); 8] = [
    (Dimension::Cohort, "COHORT", "cohort"),
    (Dimension::VoSchool, "VO_SCHOOL", "vo_school_brin"),
    (Dimension::MboSchool, "MBO_SCHOOL", "mbo_school_brin"),
    (Dimension::Leerweg, "LEERWEG", "leerweg"),
    (Dimension::Profile, "PROFILE", "profile"),
    (Dimension::Crebo, "CREBO", "crebo"),
    (Dimension::Level, "LEVEL", "level"),
    (Dimension::Leerlab, "LEERLAB", "leerlab_code"),
];

/// The CSV of `transitionStats` for `viewer`, filtered and grouped by the query parameters.
pub async fn transition_stats_csv(
    db: &DatabaseConnection,
    viewer: &Viewer,
    params: &[(String, String)],
    disclosure: &Disclosure,
) -> Result<String, AppError> {
    policy::check_root_field(viewer, "Query", "transitionStats")?;
    let (filter, dims) = parse(params)?;
    let table = statistics::transition_stats(db, viewer, &filter, &dims, disclosure).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = vec!["row"];
    header.extend(dims.iter().map(|d| column_of(*d)));
    header.extend(Measure::ALL.map(Measure::csv_column));
    writer
        .write_record(&header)
        .map_err(|e| AppError::internal(e.to_string()))?;
    for (kind, row) in table
        .rows
        .iter()
        .map(|r| ("group", r))
        .chain([("total", &table.total)])
    {
        writer
            .write_record(record(kind, &dims, row))
            .map_err(|e| AppError::internal(e.to_string()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::internal(e.to_string()))
}

fn column_of(dimension: Dimension) -> &'static str {
    DIMENSIONS
        .iter()
        .find(|(d, _, _)| *d == dimension)
        .map(|(_, _, c)| *c)
        .unwrap_or("?")
}

fn record(kind: &str, dims: &[Dimension], row: &StatsRow) -> Vec<String> {
    let mut fields = vec![kind.to_owned()];
    fields.extend(
        dims.iter()
            .map(|d| key_value(&row.key, *d).unwrap_or_default()),
    );
    fields.extend(
        row.values
            .iter()
            .map(|v| v.map(|n| n.to_string()).unwrap_or_default()),
    );
    fields
}

fn key_value(key: &GroupKey, dimension: Dimension) -> Option<String> {
    match dimension {
        Dimension::Cohort => key.cohort.clone(),
        Dimension::VoSchool => key.vo_school_brin.clone(),
        Dimension::MboSchool => key.mbo_school_brin.clone(),
        Dimension::Leerweg => key.leerweg.clone(),
        Dimension::Profile => key.profile.clone(),
        Dimension::Crebo => key.crebo.clone(),
        Dimension::Level => key.level.map(|l| l.to_string()),
        Dimension::Leerlab => key.leerlab_code.clone(),
    }
}

/// The filter and grouping of the query string.
fn parse(params: &[(String, String)]) -> Result<(StatsFilter, Vec<Dimension>), AppError> {
    let mut filter = StatsFilter::default();
    let mut dims = Vec::new();
    for (name, value) in params {
        let values = value.split(',').map(str::trim).filter(|v| !v.is_empty());
        match name.as_str() {
            "regionCode" => filter.region_code = Some(value.clone()),
            "voSchoolBrin" => filter.vo_school_brin = Some(value.clone()),
            "mboSchoolBrin" => filter.mbo_school_brin = Some(value.clone()),
            "leerlabCode" => filter.leerlab_code = Some(value.clone()),
            "cohorts" => filter.cohorts.extend(values.map(str::to_owned)),
            "leerweg" => {
                filter.leerweg = Some(Leerweg::parse(value).ok_or_else(|| {
                    AppError::bad_input("leerweg", format!("`{value}` is not a leerweg"))
                })?)
            }
            "level" => {
                filter.level = Some(value.parse().map_err(|_| {
                    AppError::bad_input("level", format!("`{value}` is not a level"))
                })?)
            }
            "groupBy" => {
                for v in values {
                    let dim = DIMENSIONS
                        .iter()
                        .find(|(_, name, _)| *name == v)
                        .map(|(d, _, _)| *d)
                        .ok_or_else(|| {
                            AppError::bad_input("groupBy", format!("`{v}` is not a dimension"))
                        })?;
                    if !dims.contains(&dim) {
                        dims.push(dim);
                    }
                }
            }
            other => {
                return Err(AppError::bad_input(
                    other,
                    format!("unknown parameter `{other}`"),
                ));
            }
        }
    }
    Ok((filter, dims))
}
