//! Live updates: the broker behind `Subscription.activityPublished` and `signalRaised`.
//!
//! On PostgreSQL a publication is a `NOTIFY` sent inside the publishing transaction, so it goes
//! out exactly when the transaction commits, and every replica `LISTEN`s and hands it to its own
//! subscribers: a client connected to any replica hears what was published on any other. On
//! SQLite there is only one process, and delivery is an in-process broadcast after the commit.

use std::{sync::Arc, time::Duration};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, sqlx::postgres::PgListener};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

use crate::db;

/// The PostgreSQL channel of publications.
const CHANNEL: &str = "leerroute_activity_published";
/// The PostgreSQL channel of raised signals (a JSON array of signal ids per notification).
const SIGNAL_CHANNEL: &str = "leerroute_signal_raised";
/// Signal ids per notification (PostgreSQL limits a payload to 8000 bytes).
const SIGNALS_PER_NOTIFICATION: usize = 400;
/// Events buffered per subscriber before a slow one starts missing them.
const BUFFER: usize = 256;

/// An activity has been published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPublished {
    pub activity_id: i64,
    pub region_id: i64,
}

/// A signal has been raised (its id; subscribers read it with their own scope).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalRaised {
    pub signal_id: i64,
}

/// The broker of one process; created with the [`AppState`](crate::app::AppState).
pub struct Live {
    sender: broadcast::Sender<ActivityPublished>,
    signals: broadcast::Sender<SignalRaised>,
    postgres: bool,
    /// Becomes true once this process listens (at once on SQLite).
    listening: watch::Receiver<bool>,
}

impl Live {
    /// Starts the broker; on PostgreSQL it spawns the task that listens for other replicas.
    /// Must be called inside the tokio runtime.
    pub fn start(db: &DatabaseConnection) -> Arc<Live> {
        let (sender, _) = broadcast::channel(BUFFER);
        let (signals, _) = broadcast::channel(BUFFER);
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        let (ready, listening) = watch::channel(!postgres);
        if postgres {
            let pool = db.get_postgres_connection_pool().clone();
            tokio::spawn(listen(pool, sender.clone(), signals.clone(), ready));
        }
        Arc::new(Live {
            sender,
            signals,
            postgres,
            listening,
        })
    }

    /// A broker that only announces (CLI commands such as the demo seed): on PostgreSQL its
    /// publications still reach every serving replica; it hears nothing itself.
    pub fn announcer(db: &DatabaseConnection) -> Live {
        let (sender, _) = broadcast::channel(1);
        let (signals, _) = broadcast::channel(1);
        let (_, listening) = watch::channel(true);
        Live {
            sender,
            signals,
            postgres: db.get_database_backend() == DbBackend::Postgres,
            listening,
        }
    }

    /// Waits until publications of other replicas reach this process.
    pub async fn ready(&self) {
        let mut listening = self.listening.clone();
        let _ = listening.wait_for(|ready| *ready).await;
    }

    /// Call inside the publishing transaction: on PostgreSQL the notification leaves at commit,
    /// and never if the transaction rolls back.
    pub async fn announce(
        &self,
        txn: &impl ConnectionTrait,
        event: ActivityPublished,
    ) -> Result<(), DbErr> {
        if self.postgres {
            let payload = serde_json::to_string(&event).expect("event serialises");
            db::execute(txn, NOTIFY, vec![CHANNEL.into(), payload.into()]).await?;
        }
        Ok(())
    }

    /// Call after the commit: on SQLite this process is the only one, so deliver here.
    pub fn committed(&self, event: ActivityPublished) {
        if !self.postgres {
            // No subscribers is not an error.
            let _ = self.sender.send(event);
        }
    }

    /// A receiver of every publication from now on (of every region; callers filter).
    pub async fn subscribe(&self) -> broadcast::Receiver<ActivityPublished> {
        self.ready().await;
        self.sender.subscribe()
    }

    /// Call inside the transaction that raised the signals (see [`Self::announce`]).
    pub async fn announce_signals(
        &self,
        txn: &impl ConnectionTrait,
        raised: &[i64],
    ) -> Result<(), DbErr> {
        if self.postgres {
            for chunk in raised.chunks(SIGNALS_PER_NOTIFICATION) {
                let payload = serde_json::to_string(chunk).expect("ids serialise");
                db::execute(txn, NOTIFY, vec![SIGNAL_CHANNEL.into(), payload.into()]).await?;
            }
        }
        Ok(())
    }

    /// Call after the commit (see [`Self::committed`]).
    pub fn committed_signals(&self, raised: &[i64]) {
        if !self.postgres {
            for &signal_id in raised {
                let _ = self.signals.send(SignalRaised { signal_id });
            }
        }
    }

    /// A receiver of every raised signal from now on (callers filter by what they may read).
    pub async fn subscribe_signals(&self) -> broadcast::Receiver<SignalRaised> {
        self.ready().await;
        self.signals.subscribe()
    }
}

/// Sends a notification on a channel (PostgreSQL).
const NOTIFY: &str = include_str!("sql/live_notify.sql");

/// Listens on PostgreSQL for as long as the process lives, reconnecting after failures.
async fn listen(
    pool: sea_orm::sqlx::PgPool,
    sender: broadcast::Sender<ActivityPublished>,
    signals: broadcast::Sender<SignalRaised>,
    ready: watch::Sender<bool>,
) {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen_all([CHANNEL, SIGNAL_CHANNEL]).await {
                Ok(()) => {
                    ready.send_replace(true);
                    relay(&mut listener, &sender, &signals).await;
                }
                Err(err) => tracing::warn!(error = %err, "LISTEN failed"),
            },
            Err(err) => tracing::warn!(error = %err, "cannot connect the live-update listener"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Hands every notification to this process's subscribers until the listener fails.
/// (`recv` reconnects by itself after a dropped connection; an error here is worse.)
async fn relay(
    listener: &mut PgListener,
    sender: &broadcast::Sender<ActivityPublished>,
    signals: &broadcast::Sender<SignalRaised>,
) {
    loop {
        match listener.recv().await {
            Ok(notification) if notification.channel() == SIGNAL_CHANNEL => {
                match serde_json::from_str::<Vec<i64>>(notification.payload()) {
                    Ok(ids) => {
                        for signal_id in ids {
                            let _ = signals.send(SignalRaised { signal_id });
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "unreadable live-update payload"),
                }
            }
            Ok(notification) => match serde_json::from_str(notification.payload()) {
                Ok(event) => {
                    let _ = sender.send(event);
                }
                Err(err) => tracing::warn!(error = %err, "unreadable live-update payload"),
            },
            Err(err) => {
                tracing::warn!(error = %err, "live-update listener failed; reconnecting");
                return;
            }
        }
    }
}
