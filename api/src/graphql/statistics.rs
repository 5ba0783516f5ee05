//! Transition and needs statistics in GraphQL, for Verbinders, integration scripts and schools.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::context::{db, settings, viewer};
use crate::{
    domain::{Leerweg, Need, Profile},
    error::AppResult,
    service::needs::{NeedsDimension, NeedsFilter},
    service::statistics::{
        self as service, Dimension, GroupKey, StatsFilter, StatsRow, StatsTable,
    },
};

/// Filters of `transitionStats`; all given filters must match.
#[derive(InputObject, Default, Clone)]
pub struct TransitionStatsFilter {
    /// Only pupils of this region (coordinator and integration: their own, which is the default).
    pub region_code: Option<String>,
    /// Only leavers of this vmbo school (and its locations).
    pub vo_school_brin: Option<String>,
    /// Only transitions to this mbo school (and its colleges).
    pub mbo_school_brin: Option<String>,
    /// Only these cohorts (school years of leaving), such as `["2023-2024", "2024-2025"]`.
    pub cohorts: Option<Vec<String>>,
    /// Only pupils of this leerlab.
    pub leerlab_code: Option<String>,
    /// Only this leerweg.
    pub leerweg: Option<Leerweg>,
    /// Only transitions at this mbo level.
    pub level: Option<i32>,
}

impl From<TransitionStatsFilter> for StatsFilter {
    fn from(f: TransitionStatsFilter) -> Self {
        StatsFilter {
            region_code: f.region_code,
            vo_school_brin: f.vo_school_brin,
            mbo_school_brin: f.mbo_school_brin,
            cohorts: f.cohorts.unwrap_or_default(),
            leerlab_code: f.leerlab_code,
            leerweg: f.leerweg,
            level: f.level,
        }
    }
}

/// The group a row counts; only the grouped dimensions are set.
pub struct TransitionStatsKey(pub GroupKey);

/// The group a row counts; only the grouped dimensions are set.
#[Object]
impl TransitionStatsKey {
    /// School year of leaving vmbo, such as `2024-2025`.
    async fn cohort(&self) -> Option<&str> {
        self.0.cohort.as_deref()
    }

    /// BRIN of the vmbo school.
    async fn vo_school_brin(&self) -> Option<&str> {
        self.0.vo_school_brin.as_deref()
    }

    /// BRIN of the mbo school of the transition (null: no transition, when grouped by it).
    async fn mbo_school_brin(&self) -> Option<&str> {
        self.0.mbo_school_brin.as_deref()
    }

    /// The vmbo leerweg.
    async fn leerweg(&self) -> Option<Leerweg> {
        service::leerweg_of(&self.0)
    }

    /// The vmbo profiel.
    async fn profile(&self) -> Option<Profile> {
        service::profile_of(&self.0)
    }

    /// Crebo of the transition.
    async fn crebo(&self) -> Option<&str> {
        self.0.crebo.as_deref()
    }

    /// mbo level of the transition.
    async fn level(&self) -> Option<i32> {
        self.0.level
    }

    /// Code of the leerlab (null: pupils outside any leerlab, when grouped by it).
    async fn leerlab_code(&self) -> Option<&str> {
        self.0.leerlab_code.as_deref()
    }
}

/// Counts of one group (or the total). A count is null when it is suppressed: it is small
/// (1 to `minCellSize - 1`) or it would let a small count be recomputed. Admins see every count.
pub struct TransitionStatsRow(pub StatsRow);

impl TransitionStatsRow {
    fn get(&self, measure: usize) -> Option<i64> {
        self.0.values[measure]
    }

    /// `count / base`, null when either is suppressed or the base is zero.
    fn rate(&self, count: usize, base: usize) -> Option<f64> {
        match (self.get(count), self.get(base)) {
            (Some(c), Some(b)) if b > 0 => Some(c as f64 / b as f64),
            _ => None,
        }
    }
}

/// Counts of one group (or the total). A count is null when it is suppressed: it is small
/// (1 to `minCellSize - 1`) or it would let a small count be recomputed. Admins see every count.
#[Object]
impl TransitionStatsRow {
    /// The group.
    async fn key(&self) -> TransitionStatsKey {
        TransitionStatsKey(self.0.key.clone())
    }

    /// vmbo leavers in the group.
    async fn leavers(&self) -> Option<i64> {
        self.get(0)
    }

    /// Leavers who enrolled at mbo in the school year after leaving.
    async fn enrolled(&self) -> Option<i64> {
        self.get(1)
    }

    /// Leavers without such an enrolment (`leavers - enrolled`).
    async fn not_enrolled(&self) -> Option<i64> {
        self.get(2)
    }

    /// Enrolled and neither switched nor dropped out within 365 days.
    async fn retained(&self) -> Option<i64> {
        self.get(3)
    }

    /// Switched within 365 days of enrolling.
    async fn switched(&self) -> Option<i64> {
        self.get(4)
    }

    /// Dropped out within 365 days of enrolling.
    async fn dropped_out(&self) -> Option<i64> {
        self.get(5)
    }

    /// Leavers who chose a programme before their exam.
    async fn chose_before_exam(&self) -> Option<i64> {
        self.get(6)
    }

    /// Transitions to the programme the pupil had chosen.
    async fn choice_matched(&self) -> Option<i64> {
        self.get(7)
    }

    /// Enrolled below the expected level (BB → 2, KB → 3, GL/TL → 4).
    async fn below_expected_level(&self) -> Option<i64> {
        self.get(8)
    }

    /// Enrolled at the expected level.
    async fn at_expected_level(&self) -> Option<i64> {
        self.get(9)
    }

    /// Enrolled above the expected level.
    async fn above_expected_level(&self) -> Option<i64> {
        self.get(10)
    }

    /// `enrolled / leavers`.
    async fn enrolled_rate(&self) -> Option<f64> {
        self.rate(1, 0)
    }

    /// `retained / enrolled`.
    async fn retained_rate(&self) -> Option<f64> {
        self.rate(3, 1)
    }

    /// `switched / enrolled`.
    async fn switched_rate(&self) -> Option<f64> {
        self.rate(4, 1)
    }

    /// `droppedOut / enrolled`.
    async fn dropped_out_rate(&self) -> Option<f64> {
        self.rate(5, 1)
    }

    /// `choseBeforeExam / leavers`.
    async fn chose_before_exam_rate(&self) -> Option<f64> {
        self.rate(6, 0)
    }

    /// `choiceMatched / enrolled`.
    async fn choice_matched_rate(&self) -> Option<f64> {
        self.rate(7, 1)
    }
}

/// Transition statistics: one row per group, the total, and the suppression threshold.
pub struct TransitionStats(pub StatsTable);

/// Transition statistics: one row per group, the total, and the suppression threshold.
#[Object]
impl TransitionStats {
    /// One row per group, ordered by key.
    async fn rows(&self) -> Vec<TransitionStatsRow> {
        self.0
            .rows
            .iter()
            .cloned()
            .map(TransitionStatsRow)
            .collect()
    }

    /// All groups together (the rows add up to it).
    async fn total(&self) -> TransitionStatsRow {
        TransitionStatsRow(self.0.total.clone())
    }

    /// Counts from 1 to `minCellSize - 1` are never published.
    async fn min_cell_size(&self) -> i64 {
        self.0.min_cell
    }
}

/// Filters of `needsStats`; all given filters must match.
#[derive(InputObject, Default)]
pub struct NeedsStatsFilter {
    /// Only pupils of this region.
    pub region_code: Option<String>,
    /// Only pupils of this vmbo school.
    pub school_brin: Option<String>,
    /// Only pupils of this leerlab.
    pub leerlab_code: Option<String>,
    /// Only these cohorts.
    pub cohorts: Option<Vec<String>>,
}

/// The group of a needs row.
#[derive(SimpleObject)]
pub struct NeedsStatsKey {
    /// School year of leaving vmbo.
    pub cohort: Option<String>,
    /// BRIN of the vmbo school.
    pub school_brin: Option<String>,
    /// Code of the leerlab.
    pub leerlab_code: Option<String>,
}

/// How many pupils named one need.
#[derive(SimpleObject)]
pub struct NeedCount {
    /// The need.
    pub need: Need,
    /// Pupils who named it in any self-evaluation (null: suppressed).
    pub pupils: Option<i64>,
}

/// Needs of one group of pupils.
#[derive(SimpleObject)]
pub struct NeedsStatsRow {
    /// The group.
    pub key: NeedsStatsKey,
    /// Pupils with at least one self-evaluation (null: suppressed).
    pub respondents: Option<i64>,
    /// Per need, the pupils who named it (a pupil may name several).
    pub needs: Vec<NeedCount>,
}

/// Needs statistics: one row per group and the total.
#[derive(SimpleObject)]
pub struct NeedsStats {
    /// One row per group.
    pub rows: Vec<NeedsStatsRow>,
    /// All groups together.
    pub total: NeedsStatsRow,
    /// Counts from 1 to `minCellSize - 1` are never published.
    pub min_cell_size: i64,
}

fn needs_row(key: GroupKey, values: Vec<Option<i64>>) -> NeedsStatsRow {
    NeedsStatsRow {
        key: NeedsStatsKey {
            cohort: key.cohort,
            school_brin: key.vo_school_brin,
            leerlab_code: key.leerlab_code,
        },
        respondents: values[0],
        needs: Need::ALL
            .iter()
            .enumerate()
            .map(|(i, need)| NeedCount {
                need: *need,
                pupils: values[1 + i],
            })
            .collect(),
    }
}

#[derive(Default)]
pub struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// What became of vmbo leavers, grouped by any combination of dimensions (DESIGN.md section 4).
    /// coordinator and integration: own region; school_staff: filtered to their own school; admin: all, unsuppressed.
    async fn transition_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            TransitionStatsFilter,
        >,
        #[graphql(
            default,
            desc = "Dimensions to group by, in order; none gives one row for everything."
        )]
        group_by: Vec<Dimension>,
    ) -> AppResult<TransitionStats> {
        let filter: StatsFilter = filter.unwrap_or_default().into();
        let table = service::transition_stats(
            db(ctx)?,
            viewer(ctx)?,
            &filter,
            &group_by,
            settings(ctx)?.min_cell,
        )
        .await?;
        Ok(TransitionStats(table))
    }

    /// What pupils say they need in their self-evaluations, per group (same scope as `transitionStats`).
    async fn needs_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            NeedsStatsFilter,
        >,
        #[graphql(
            default,
            desc = "Dimensions to group by; none gives one row for everything."
        )]
        group_by: Vec<NeedsDimension>,
    ) -> AppResult<NeedsStats> {
        let f = filter.unwrap_or_default();
        let filter = NeedsFilter {
            region_code: f.region_code,
            school_brin: f.school_brin,
            leerlab_code: f.leerlab_code,
            cohorts: f.cohorts.unwrap_or_default(),
        };
        let min_cell = settings(ctx)?.min_cell;
        let (rows, total) = crate::service::needs::needs_stats(
            db(ctx)?,
            viewer(ctx)?,
            &filter,
            &group_by,
            min_cell,
        )
        .await?;
        Ok(NeedsStats {
            rows: rows
                .into_iter()
                .map(|(key, values)| needs_row(key, values))
                .collect(),
            total: needs_row(GroupKey::default(), total),
            min_cell_size: min_cell,
        })
    }
}
