//! Budgets in cost points per caller and 60-second window (`LEERROUTE_RATE_LIMIT`), as GitHub and
//! Shopify count them: a request runs when its requested cost fits in what is left of the
//! caller's window, and then pays its actual cost (the difference is given back). A caller's
//! window starts at their first request and resets 60 seconds later.
//!
//! Budgets live in each replica's memory: N replicas allow N times the budget, which is the
//! usual trade-off for a limit that protects the service rather than bills the caller.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// The length of a window.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Windows kept before expired ones are dropped.
const MAX_TRACKED: usize = 10_000;

struct Window {
    started: Instant,
    spent: u64,
}

/// What is left of a caller's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    /// Points per window.
    pub limit: u64,
    /// Points left in the current window.
    pub remaining: u64,
    /// Time until the window resets (the whole limit is available again).
    pub reset: Duration,
}

impl Status {
    /// Points the window restores per second, on average (`limit / 60`).
    pub fn restore_rate(&self) -> f64 {
        self.limit as f64 / WINDOW.as_secs_f64()
    }

    /// `reset` in whole seconds, rounded up (at least 1 while a window runs).
    pub fn reset_secs(&self) -> u64 {
        let secs = self.reset.as_secs();
        if self.reset.subsec_nanos() > 0 {
            secs + 1
        } else {
            secs
        }
    }
}

/// Why a cost was not reserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// More than a whole window holds: it can never run (`QUERY_TOO_COMPLEX`).
    NeverFits { cost: u64, limit: u64 },
    /// Not enough left in this window; the wait until it resets (`RATE_LIMITED`).
    OverBudget { wait: Duration },
}

/// Points taken from a caller's window for a request that is running; given back down to the
/// actual cost by [`Budgets::settle`].
#[derive(Debug)]
pub struct Reservation {
    key: String,
    points: u64,
    /// The window the points were taken from; `None` when limiting is off.
    window: Option<Instant>,
}

/// The budgets of every caller of this replica.
pub struct Budgets {
    limit: u64,
    windows: Mutex<HashMap<String, Window>>,
}

impl Budgets {
    /// `limit = 0` switches limiting off.
    pub fn new(limit: u64) -> Self {
        Budgets {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Whether budgets are enforced.
    pub fn enabled(&self) -> bool {
        self.limit > 0
    }

    /// Points per window (0 when off).
    pub fn limit(&self) -> u64 {
        self.limit
    }

    fn with_window<T>(&self, key: &str, f: impl FnOnce(&mut Window, Instant) -> T) -> T {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > MAX_TRACKED {
            windows.retain(|_, w| now.duration_since(w.started) < WINDOW);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window {
            started: now,
            spent: 0,
        });
        if now.duration_since(window.started) >= WINDOW {
            *window = Window {
                started: now,
                spent: 0,
            };
        }
        f(window, now)
    }

    fn status_of(&self, window: &Window, now: Instant) -> Status {
        Status {
            limit: self.limit,
            remaining: self.limit.saturating_sub(window.spent),
            reset: WINDOW.saturating_sub(now.duration_since(window.started)),
        }
    }

    /// What is left of `key`'s window; `None` when limiting is off.
    pub fn status(&self, key: &str) -> Option<Status> {
        self.enabled()
            .then(|| self.with_window(key, |w, now| self.status_of(w, now)))
    }

    /// Refuses a caller whose window is spent, before anything of the request is read; the
    /// wait until it resets.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        match self.status(key) {
            Some(status) if status.remaining == 0 => Err(status.reset),
            _ => Ok(()),
        }
    }

    /// Takes `cost` points from `key`'s window, if they fit.
    pub fn reserve(&self, key: &str, cost: u64) -> Result<Reservation, Refused> {
        if !self.enabled() {
            return Ok(Reservation {
                key: key.to_owned(),
                points: cost,
                window: None,
            });
        }
        if cost > self.limit {
            return Err(Refused::NeverFits {
                cost,
                limit: self.limit,
            });
        }
        self.with_window(key, |window, now| {
            if window.spent.saturating_add(cost) > self.limit {
                return Err(Refused::OverBudget {
                    wait: self.status_of(window, now).reset,
                });
            }
            window.spent += cost;
            Ok(Reservation {
                key: key.to_owned(),
                points: cost,
                window: Some(window.started),
            })
        })
    }

    /// Pays `actual` points for a reservation: what was reserved beyond it is given back (to
    /// the same window only; one that has since reset keeps its fresh budget), what was spent
    /// beyond it is taken as well.
    pub fn settle(&self, reservation: Reservation, actual: u64) {
        let Some(started) = reservation.window else {
            return;
        };
        self.with_window(&reservation.key, |window, _| {
            if window.started == started {
                window.spent = window.spent.saturating_sub(reservation.points);
                window.spent = window.spent.saturating_add(actual);
            }
        });
    }

    /// Pays `cost` points whether or not they fit (a refused parse, validation or token).
    pub fn charge(&self, key: &str, cost: u64) {
        if self.enabled() {
            self.with_window(key, |window, _| {
                window.spent = window.spent.saturating_add(cost);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_runs_when_its_requested_cost_fits_and_pays_its_actual_cost() {
        let budgets = Budgets::new(100);
        let reservation = budgets.reserve("a", 60).unwrap();
        assert_eq!(budgets.status("a").unwrap().remaining, 40);
        assert!(matches!(
            budgets.reserve("a", 41),
            Err(Refused::OverBudget { .. })
        ));
        budgets.settle(reservation, 10);
        assert_eq!(budgets.status("a").unwrap().remaining, 90);
        assert!(budgets.reserve("a", 90).is_ok());
        assert_eq!(budgets.check("a").map_err(|_| ()), Err(()));
        assert!(budgets.check("b").is_ok(), "another caller has its own");
        assert_eq!(
            budgets.reserve("b", 101).unwrap_err(),
            Refused::NeverFits {
                cost: 101,
                limit: 100
            }
        );
    }

    #[test]
    fn charges_and_the_switch() {
        let budgets = Budgets::new(2);
        budgets.charge("a", 1);
        budgets.charge("a", 5);
        let status = budgets.status("a").unwrap();
        assert_eq!(status.remaining, 0);
        assert!(status.reset_secs() <= 60 && status.reset_secs() >= 59);
        let off = Budgets::new(0);
        off.charge("a", 5);
        assert!(off.reserve("a", u64::MAX).is_ok());
        assert!(off.status("a").is_none());
        assert!(off.check("a").is_ok());
    }
}
