//! `pipelineStats` in GraphQL: the pipeline of a school year's pupils for Verbinders, schools
//! and rmc, protected by the disclosure control of DESIGN.md section 4.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use crate::{
    domain::Leerweg,
    error::AppResult,
    graphql::context::{db, settings, viewer},
    service::pipeline_stats::{
        self as service, PipelineDimension, PipelineFilter, PipelineRow, PipelineTable,
    },
};

/// Filters of `pipelineStats`; all given filters must match.
#[derive(InputObject, Clone)]
pub struct PipelineStatsFilter {
    /// Only pupils of this region (coordinator, integration and rmc: their own, the default).
    pub region_code: Option<String>,
    /// Only pupils of this vmbo school (and its locations).
    pub vo_school_brin: Option<String>,
    /// Only pupils who applied to this mbo school (and its colleges) that school year, counted
    /// over those applications: the `MBO_SCHOOL` row of that school.
    pub mbo_school_brin: Option<String>,
    /// The school year of the roster, such as `2025-2026`.
    pub school_year: String,
    /// Only this vmbo year (3 or 4).
    pub year: Option<i32>,
}

impl From<PipelineStatsFilter> for PipelineFilter {
    fn from(f: PipelineStatsFilter) -> Self {
        PipelineFilter {
            region_code: f.region_code,
            vo_school_brin: f.vo_school_brin,
            mbo_school_brin: f.mbo_school_brin,
            school_year: f.school_year,
            year: f.year,
        }
    }
}

/// The group a row counts; only the grouped dimensions are set.
#[derive(SimpleObject)]
pub struct PipelineStatsKey {
    /// BRIN of the vmbo school.
    pub vo_school_brin: Option<String>,
    /// BRIN of the mbo school applied to (null: pupils without an application that year).
    pub mbo_school_brin: Option<String>,
    /// The vmbo leerweg.
    pub leerweg: Option<Leerweg>,
    /// Code of the leerlab (null: pupils outside any leerlab).
    pub leerlab_code: Option<String>,
    /// The vmbo year.
    pub year: Option<i32>,
}

/// Figures of one group (or the total), each a number of pupils. Null where protected: a
/// published value from 1 to `minCellSize - 1`, or 0 for a non-empty set. Outside `admin` and
/// vmbo staff filtering on their own school, every figure carries cell-key noise, so rows need
/// not add up to the total exactly.
pub struct PipelineStatsRow(PipelineRow);

/// Figures of one group (or the total), each a number of pupils. Null where protected: a
/// published value from 1 to `minCellSize - 1`, or 0 for a non-empty set. Outside `admin` and
/// vmbo staff filtering on their own school, every figure carries cell-key noise, so rows need
/// not add up to the total exactly.
#[Object]
impl PipelineStatsRow {
    /// The group.
    async fn key(&self) -> PipelineStatsKey {
        let key = self.0.key.clone();
        PipelineStatsKey {
            vo_school_brin: key.vo_school_brin,
            mbo_school_brin: key.mbo_school_brin,
            leerweg: key.leerweg,
            leerlab_code: key.leerlab_code,
            year: key.year,
        }
    }

    /// Pupils on the school year's roster (years 3 and 4) in the group.
    async fn pupils(&self) -> Option<i64> {
        self.0.figures[0]
    }

    /// Pupils with an application made in that school year (any status).
    async fn applied(&self) -> Option<i64> {
        self.0.figures[1]
    }

    /// Pupils with such an application made before 1 April.
    async fn applied_before_april(&self) -> Option<i64> {
        self.0.figures[2]
    }

    /// Pupils with such an application now `OFFERED`.
    async fn offered(&self) -> Option<i64> {
        self.0.figures[3]
    }

    /// Pupils with such an application now `NOT_ADMITTED`.
    async fn not_admitted(&self) -> Option<i64> {
        self.0.figures[4]
    }

    /// Pupils with such an application now `WITHDRAWN`.
    async fn withdrawn(&self) -> Option<i64> {
        self.0.figures[5]
    }

    /// Pupils with such an application now `ENROLLED`.
    async fn enrolled(&self) -> Option<i64> {
        self.0.figures[6]
    }

    /// Pupils with an `OPEN` or `IN_PROGRESS` signal.
    async fn open_signals(&self) -> Option<i64> {
        self.0.figures[7]
    }
}

/// The pipeline of a school year: one row per group, the total (each pupil once) and the
/// smallest count published.
pub struct PipelineStats(PipelineTable);

/// The pipeline of a school year: one row per group, the total (each pupil once) and the
/// smallest count published.
#[Object]
impl PipelineStats {
    /// One row per group. Grouped by `MBO_SCHOOL`, a pupil counts in the row of each mbo school
    /// applied to (over those applications only), pupils without an application in the null row.
    async fn rows(&self) -> Vec<PipelineStatsRow> {
        self.0.rows.iter().cloned().map(PipelineStatsRow).collect()
    }

    /// All pupils of the filter, each once.
    async fn total(&self) -> PipelineStatsRow {
        PipelineStatsRow(self.0.total.clone())
    }

    /// Counts from 1 to `minCellSize - 1` are never published.
    async fn min_cell_size(&self) -> i64 {
        self.0.min_cell
    }
}

#[derive(Default)]
pub struct PipelineStatsQuery;

#[Object]
impl PipelineStatsQuery {
    /// The pipeline before the step: per group of a school year's pupils (years 3 and 4), how
    /// many applied (before 1 April), were offered a place, not admitted, withdrew, enrolled, and
    /// have an open signal. Read from summary tables that every import, signal evaluation and API
    /// change keeps current. Exact for admin and for vmbo staff whose filter names their own
    /// school; protected (cell-key method) for everyone else.
    #[graphql(complexity = "crate::graphql::cost::PIPELINE_STATS")]
    async fn pipeline_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which pupils; `schoolYear` is required.")] filter: PipelineStatsFilter,
        #[graphql(desc = "Dimensions to group by; `[]` for the total only.")] group_by: Vec<
            PipelineDimension,
        >,
    ) -> AppResult<PipelineStats> {
        let filter = PipelineFilter::from(filter);
        let table = service::pipeline_stats(
            db(ctx)?,
            viewer(ctx)?,
            &settings(ctx)?.disclosure,
            &filter,
            &group_by,
        )
        .await?;
        Ok(PipelineStats(table))
    }
}
