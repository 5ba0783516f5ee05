//! `serve`'s own runs of the date rules: at start, before the service listens (so the first
//! request already sees them), then every day at 00:05 Europe/Amsterdam: the retention purge
//! first ([`super::retention`]; purged persons get no signals), then the signal rules
//! ([`super::signals`]). A failed run is logged and tried again the next day (signals also at
//! the next import, which evaluates them).

use std::sync::Arc;

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::{retention, signals};
use crate::{auth::Viewer, clock::Clock, live::Live};

/// What the daily runs need.
#[derive(Clone)]
pub struct Daily {
    pub db: DatabaseConnection,
    pub clock: Clock,
    pub live: Arc<Live>,
    pub terms: retention::Terms,
}

impl Daily {
    /// One run of both: purge, then signals, each logged with its counts.
    pub async fn run_once(&self) {
        let viewer = Viewer::system("retention").on(&self.clock);
        match retention::purge(&self.db, &viewer, self.terms, false).await {
            Ok(purged) => {
                let counts: Vec<String> = purged
                    .counts
                    .iter()
                    .map(|(kind, n)| format!("{kind}={n}"))
                    .collect();
                tracing::info!(
                    today = %purged.today,
                    last_school_year = %format!("{}-{}", purged.last_cohort, purged.last_cohort + 1),
                    counts = %counts.join(" "),
                    "retention purge done"
                );
            }
            Err(err) => tracing::warn!(error = %err.message(), "retention purge failed"),
        }
        let viewer = Viewer::system("signals").on(&self.clock);
        match signals::refresh(&self.db, &viewer, &self.live).await {
            Ok(done) => tracing::info!(
                today = %viewer.today(),
                raised = done.raised.len(),
                resolved = done.resolved,
                "signals evaluated"
            ),
            Err(err) => tracing::warn!(error = %err.message(), "signal evaluation failed"),
        }
    }

    /// Every day at 00:05 Europe/Amsterdam, forever (the run at start is [`Daily::run_once`]).
    pub async fn every_day(self) {
        loop {
            tokio::time::sleep(until_next_run(Utc::now())).await;
            self.run_once().await;
        }
    }
}

/// How long from `now` until the next 00:05 in Europe/Amsterdam.
fn until_next_run(now: chrono::DateTime<Utc>) -> std::time::Duration {
    use chrono::TimeZone;
    let local = now.with_timezone(&chrono_tz::Europe::Amsterdam);
    let mut day = local.date_naive();
    loop {
        let at = day.and_hms_opt(0, 5, 0).expect("00:05 exists");
        if let Some(next) = chrono_tz::Europe::Amsterdam
            .from_local_datetime(&at)
            .earliest()
            && next > local
        {
            return (next.with_timezone(&Utc) - now)
                .to_std()
                .unwrap_or_default();
        }
        day = day.succ_opt().expect("a next day");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_run_is_at_five_past_midnight_in_amsterdam() {
        // 23:00 UTC on 1 December is 00:00 in Amsterdam: five minutes to go.
        let now = "2026-12-01T23:00:00Z".parse().unwrap();
        assert_eq!(until_next_run(now).as_secs(), 5 * 60);
        let now = "2026-12-01T23:10:00Z".parse().unwrap();
        assert_eq!(until_next_run(now).as_secs(), 24 * 3600 - 5 * 60);
    }
}
