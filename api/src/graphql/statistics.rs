//! Transition and needs statistics in GraphQL, for Verbinders, integration scripts and schools.

use async_graphql::{Context, InputObject, InputType, Object, ServerResult, SimpleObject, Value};

use super::{
    context::{db, settings, viewer},
    plain::{Plain, PlainList, PlainObject, Selection},
};
use crate::{
    domain::{Leerweg, Need, Profile},
    error::AppResult,
    service::needs::{NeedsDimension, NeedsFilter},
    service::statistics::{
        self as service, Dimension, GroupKey, Measure, StatsFilter, StatsRow, StatsTable,
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

/// Counts of one group (or the total). Exact for admin and for school_staff whose filter names
/// their own school; for everyone else each count is protected (DESIGN.md section 4): moved by
/// -2 to +2 according to the secret keys of the pupils it counts (the same pupils always get the
/// same value, whichever query asks), 0 only when it is 0, and null when it would be 1 to
/// `minCellSize - 1`. Protected rows and counts need not add up (to `total`, or `enrolled +
/// notEnrolled` to `leavers`): each is protected on its own, which is what keeps differences of
/// published counts from revealing a small one.
pub struct TransitionStatsRow(pub StatsRow);

impl TransitionStatsRow {
    fn get(&self, measure: Measure) -> Option<i64> {
        self.0.get(measure)
    }

    /// `count / base` of the published counts, null when either is null or the base is zero.
    fn rate(&self, count: Measure, base: Measure) -> Option<f64> {
        match (self.get(count), self.get(base)) {
            (Some(c), Some(b)) if b > 0 => Some(c as f64 / b as f64),
            _ => None,
        }
    }
}

/// Counts of one group (or the total). Exact for admin and for school_staff whose filter names
/// their own school; for everyone else each count is protected (DESIGN.md section 4): moved by
/// -2 to +2 according to the secret keys of the pupils it counts (the same pupils always get the
/// same value, whichever query asks), 0 only when it is 0, and null when it would be 1 to
/// `minCellSize - 1`. Protected rows and counts need not add up (to `total`, or `enrolled +
/// notEnrolled` to `leavers`): each is protected on its own, which is what keeps differences of
/// published counts from revealing a small one.
#[Object]
impl TransitionStatsRow {
    /// The group.
    async fn key(&self) -> TransitionStatsKey {
        TransitionStatsKey(self.0.key.clone())
    }

    /// vmbo leavers in the group.
    async fn leavers(&self) -> Option<i64> {
        self.get(Measure::Leavers)
    }

    /// Leavers who enrolled at mbo in the school year after leaving.
    async fn enrolled(&self) -> Option<i64> {
        self.get(Measure::Enrolled)
    }

    /// Leavers without such an enrolment (`leavers - enrolled`).
    async fn not_enrolled(&self) -> Option<i64> {
        self.get(Measure::NotEnrolled)
    }

    /// Enrolled and neither switched nor dropped out within 365 days.
    async fn retained(&self) -> Option<i64> {
        self.get(Measure::Retained)
    }

    /// Switched within 365 days of enrolling.
    async fn switched(&self) -> Option<i64> {
        self.get(Measure::Switched)
    }

    /// Dropped out within 365 days of enrolling.
    async fn dropped_out(&self) -> Option<i64> {
        self.get(Measure::DroppedOut)
    }

    /// Leavers who chose a programme before their exam.
    async fn chose_before_exam(&self) -> Option<i64> {
        self.get(Measure::ChoseBeforeExam)
    }

    /// Transitions to the programme the pupil had chosen.
    async fn choice_matched(&self) -> Option<i64> {
        self.get(Measure::ChoiceMatched)
    }

    /// Enrolled below the expected level (BB → 2, KB → 3, GL/TL → 4).
    async fn below_expected_level(&self) -> Option<i64> {
        self.get(Measure::BelowExpectedLevel)
    }

    /// Enrolled at the expected level.
    async fn at_expected_level(&self) -> Option<i64> {
        self.get(Measure::AtExpectedLevel)
    }

    /// Enrolled above the expected level.
    async fn above_expected_level(&self) -> Option<i64> {
        self.get(Measure::AboveExpectedLevel)
    }

    /// `enrolled / leavers`.
    async fn enrolled_rate(&self) -> Option<f64> {
        self.rate(Measure::Enrolled, Measure::Leavers)
    }

    /// `retained / enrolled`.
    async fn retained_rate(&self) -> Option<f64> {
        self.rate(Measure::Retained, Measure::Enrolled)
    }

    /// `switched / enrolled`.
    async fn switched_rate(&self) -> Option<f64> {
        self.rate(Measure::Switched, Measure::Enrolled)
    }

    /// `droppedOut / enrolled`.
    async fn dropped_out_rate(&self) -> Option<f64> {
        self.rate(Measure::DroppedOut, Measure::Enrolled)
    }

    /// `choseBeforeExam / leavers`.
    async fn chose_before_exam_rate(&self) -> Option<f64> {
        self.rate(Measure::ChoseBeforeExam, Measure::Leavers)
    }

    /// `choiceMatched / enrolled`.
    async fn choice_matched_rate(&self) -> Option<f64> {
        self.rate(Measure::ChoiceMatched, Measure::Enrolled)
    }
}

/// The row's counts by field name.
const COUNTS: [(&str, Measure); 11] = [
    ("leavers", Measure::Leavers),
    ("enrolled", Measure::Enrolled),
    ("notEnrolled", Measure::NotEnrolled),
    ("retained", Measure::Retained),
    ("switched", Measure::Switched),
    ("droppedOut", Measure::DroppedOut),
    ("choseBeforeExam", Measure::ChoseBeforeExam),
    ("choiceMatched", Measure::ChoiceMatched),
    ("belowExpectedLevel", Measure::BelowExpectedLevel),
    ("atExpectedLevel", Measure::AtExpectedLevel),
    ("aboveExpectedLevel", Measure::AboveExpectedLevel),
];

/// The row's rates by field name: count and base.
const RATES: [(&str, Measure, Measure); 6] = [
    ("enrolledRate", Measure::Enrolled, Measure::Leavers),
    ("retainedRate", Measure::Retained, Measure::Enrolled),
    ("switchedRate", Measure::Switched, Measure::Enrolled),
    ("droppedOutRate", Measure::DroppedOut, Measure::Enrolled),
    (
        "choseBeforeExamRate",
        Measure::ChoseBeforeExam,
        Measure::Leavers,
    ),
    (
        "choiceMatchedRate",
        Measure::ChoiceMatched,
        Measure::Enrolled,
    ),
];

/// The same answers as the `#[Object]` above, without a future per field (see [`super::plain`]).
impl PlainObject for TransitionStatsRow {
    fn field(&self, name: &str, beneath: &Selection) -> ServerResult<Option<Value>> {
        if name == "key" {
            return beneath
                .answer(&TransitionStatsKey(self.0.key.clone()))
                .map(Some);
        }
        if let Some((_, measure)) = COUNTS.iter().find(|(field, _)| *field == name) {
            return Ok(Some(value(self.get(*measure))));
        }
        let rate = RATES.iter().find(|(field, _, _)| *field == name);
        Ok(rate.map(|(_, count, base)| value(self.rate(*count, *base))))
    }
}

/// The same answers as the `#[Object]` above, without a future per field.
impl PlainObject for TransitionStatsKey {
    fn field(&self, name: &str, _: &Selection) -> ServerResult<Option<Value>> {
        let key = &self.0;
        Ok(Some(match name {
            "cohort" => value(key.cohort.clone()),
            "voSchoolBrin" => value(key.vo_school_brin.clone()),
            "mboSchoolBrin" => value(key.mbo_school_brin.clone()),
            "leerweg" => service::leerweg_of(key).to_value(),
            "profile" => service::profile_of(key).to_value(),
            "crebo" => value(key.crebo.clone()),
            "level" => value(key.level),
            "leerlabCode" => value(key.leerlab_code.clone()),
            _ => return Ok(None),
        }))
    }
}

fn value<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

/// Transition statistics: one row per group, the total, and the smallest count shown.
pub struct TransitionStats(pub StatsTable);

/// Transition statistics: one row per group, the total, and the smallest count shown.
#[Object]
impl TransitionStats {
    /// One row per group, ordered by key.
    async fn rows(&self) -> PlainList<TransitionStatsRow> {
        PlainList(
            self.0
                .rows
                .iter()
                .cloned()
                .map(TransitionStatsRow)
                .collect(),
        )
    }

    /// All groups together. Exact rows add up to it; protected rows need not (each count is
    /// protected on its own, see the row).
    async fn total(&self) -> Plain<TransitionStatsRow> {
        Plain(TransitionStatsRow(self.0.total.clone()))
    }

    /// Counts from 1 to `minCellSize - 1` are never published (protected counts: null).
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
    /// Pupils who named it in any self-evaluation (protected like `transitionStats`; null: hidden).
    pub pupils: Option<i64>,
}

/// Needs of one group of pupils.
#[derive(SimpleObject)]
pub struct NeedsStatsRow {
    /// The group.
    pub key: NeedsStatsKey,
    /// Pupils with at least one self-evaluation (protected like `transitionStats`; null: hidden).
    pub respondents: Option<i64>,
    /// Per need, the pupils who named it (a pupil may name several).
    pub needs: Vec<NeedCount>,
}

/// Needs statistics: one row per group and the total.
#[derive(SimpleObject)]
pub struct NeedsStats {
    /// One row per group.
    pub rows: Vec<NeedsStatsRow>,
    /// All groups together (protected rows need not add up to it, see `transitionStats`).
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
    /// coordinator and integration: own region, protected counts; school_staff: filtered to their own
    /// school, exact; admin: all, exact. Protected rows need not add up to `total` (see the row).
    #[graphql(complexity = "crate::graphql::cost::TRANSITION_STATS")]
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
            &settings(ctx)?.disclosure,
        )
        .await?;
        Ok(TransitionStats(table))
    }

    /// What pupils say they need in their self-evaluations, per group (same scope as `transitionStats`).
    #[graphql(complexity = "crate::graphql::cost::NEEDS_STATS")]
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
        let disclosure = &settings(ctx)?.disclosure;
        let min_cell = disclosure.min_cell();
        let (rows, total) = crate::service::needs::needs_stats(
            db(ctx)?,
            viewer(ctx)?,
            &filter,
            &group_by,
            disclosure,
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
