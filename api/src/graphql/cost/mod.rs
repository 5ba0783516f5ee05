//! What a request costs, Shopify's model: its requested cost is its complexity as validation
//! computes it (every field 1 plus its children; a connection multiplies its selection by
//! `first`, default 20; aggregates carry the weights below instead), its actual cost the same
//! sum over what was returned ([`actual`]). Every GraphQL response says both in
//! `extensions.cost`, with what is left of the caller's window (`throttleStatus`).
//!
//! The request guard ([`crate::graphql::guard`]) spends from the caller's budget
//! ([`crate::rate_limit`], with [`spend`]) through the [`Meter`] each door puts into the request's
//! data: a refused parse or validation pays 1,
//! an operation runs when its requested cost fits and then pays its actual cost.

pub mod actual;
pub mod spend;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use async_graphql::{Name, Value, indexmap::IndexMap};

use crate::rate_limit::{Budgets, Refused, Reservation};

/// `transitionStats`: one grouped scan of the summary tables, with the cell-key protection of
/// every cell. On the demo data (debug build, busy machine) one took 20–32 ms, as long as a
/// 100-school page (401 requested points, 37 ms); on a region's real data issue #11 measured
/// 0.1 s for one and 5.3 s for 60 aliases, which grows with the data where a page does not.
/// 1,000 points puts 60 aliases (60,000) above the complexity limit (50,000) and lets a caller
/// run at most 100 a minute at the default limit.
pub const TRANSITION_STATS: usize = 1_000;
/// `needsStats`: the same kind of grouped scan as `transitionStats`.
pub const NEEDS_STATS: usize = 1_000;
/// `pipelineStats`: a grouped scan of the pipeline's summary tables.
pub const PIPELINE_STATS: usize = 1_000;
/// `GET /export/transition-stats.csv`: a `transitionStats` written as CSV.
pub const EXPORT_CSV: u64 = TRANSITION_STATS as u64;
/// `GET /calendar/{regionCode}.ics`: one region's activities, one small query.
pub const CALENDAR: u64 = 10;
/// What a refused parse, validation or token costs.
pub const REFUSED: u64 = 1;

/// The fields whose cost is their weight, whatever they select: `(parent type, field, weight)`.
pub const WEIGHTS: [(&str, &str, usize); 3] = [
    ("Query", "transitionStats", TRANSITION_STATS),
    ("Query", "needsStats", NEEDS_STATS),
    ("Query", "pipelineStats", PIPELINE_STATS),
];

/// The weight of `parent.field`, when it is one of [`WEIGHTS`].
pub fn weight(parent: &str, field: &str) -> Option<usize> {
    WEIGHTS
        .iter()
        .find(|(p, f, _)| *p == parent && *f == field)
        .map(|(_, _, w)| *w)
}

/// One operation's costs, shared by its door (which answers with them) and the extension
/// (which spends them from the caller's budget).
pub struct Meter {
    budgets: Arc<Budgets>,
    key: String,
    state: Mutex<MeterState>,
}

#[derive(Default)]
struct MeterState {
    requested: u64,
    actual: Option<u64>,
    reservation: Option<Reservation>,
    wait: Option<Duration>,
    operation: Option<String>,
}

impl Meter {
    /// A meter spending from `key`'s budget.
    pub fn new(budgets: Arc<Budgets>, key: &str) -> Arc<Meter> {
        Arc::new(Meter {
            budgets,
            key: key.to_owned(),
            state: Mutex::default(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, MeterState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A request refused before it could run (parse, validation, token, malformed): it pays 1.
    pub fn refused(&self) {
        self.budgets.charge(&self.key, REFUSED);
        let mut state = self.state();
        state.requested = state.requested.max(REFUSED);
        state.actual = Some(REFUSED);
    }

    /// Reserves the requested cost; refused when it does not fit now or could never fit.
    fn reserve(&self, requested: u64) -> Result<(), Refused> {
        self.state().requested = requested;
        match self.budgets.reserve(&self.key, requested) {
            Ok(reservation) => {
                self.state().reservation = Some(reservation);
                Ok(())
            }
            Err(refused) => {
                if let Refused::OverBudget { wait } = refused {
                    let mut state = self.state();
                    state.wait = Some(wait);
                    state.actual = Some(0);
                } else {
                    self.refused();
                }
                Err(refused)
            }
        }
    }

    /// Pays the actual cost of an operation that ran.
    fn settle(&self, actual: u64) {
        let reservation = {
            let mut state = self.state();
            state.actual = Some(actual);
            state.reservation.take()
        };
        if let Some(reservation) = reservation {
            self.budgets.settle(reservation, actual);
        }
    }

    fn set_operation(&self, name: Option<String>) {
        self.state().operation = name;
    }

    /// The operation's name, once it validated.
    pub fn operation(&self) -> Option<String> {
        self.state().operation.clone()
    }

    /// The wait before a retry, when the operation was refused for its budget.
    pub fn wait(&self) -> Option<Duration> {
        self.state().wait
    }

    /// `extensions.cost`: `{requestedQueryCost actualQueryCost throttleStatus}`; an operation
    /// that has not finished (a subscription) counts what it reserved.
    pub fn value(&self) -> Value {
        let (requested, actual) = {
            let state = self.state();
            (state.requested, state.actual.unwrap_or(state.requested))
        };
        cost_value(requested, actual, &self.budgets, &self.key)
    }

    /// Adds `extensions.cost` to `response`.
    pub fn stamp(&self, response: &mut async_graphql::Response) {
        response.extensions.insert("cost".to_owned(), self.value());
    }
}

/// `extensions.cost` for the given costs and `key`'s budget (`throttleStatus` is null when
/// limiting is off).
pub fn cost_value(requested: u64, actual: u64, budgets: &Budgets, key: &str) -> Value {
    let throttle = match budgets.status(key) {
        Some(status) => object([
            ("maximumAvailable", Value::from(status.limit)),
            ("currentlyAvailable", Value::from(status.remaining)),
            ("restoreRate", Value::from(status.restore_rate())),
        ]),
        None => Value::Null,
    };
    object([
        ("requestedQueryCost", Value::from(requested)),
        ("actualQueryCost", Value::from(actual)),
        ("throttleStatus", throttle),
    ])
}

fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (Name::new(k), v))
            .collect::<IndexMap<_, _>>(),
    )
}
