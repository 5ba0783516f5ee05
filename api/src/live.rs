//! Live updates: the broker behind `Subscription.activityPublished`.
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
/// Events buffered per subscriber before a slow one starts missing them.
const BUFFER: usize = 256;

/// An activity has been published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPublished {
    pub activity_id: i64,
    pub region_id: i64,
}

/// The broker of one process; created with the [`AppState`](crate::app::AppState).
pub struct Live {
    sender: broadcast::Sender<ActivityPublished>,
    postgres: bool,
    /// Becomes true once this process listens (at once on SQLite).
    listening: watch::Receiver<bool>,
}

impl Live {
    /// Starts the broker; on PostgreSQL it spawns the task that listens for other replicas.
    /// Must be called inside the tokio runtime.
    pub fn start(db: &DatabaseConnection) -> Arc<Live> {
        let (sender, _) = broadcast::channel(BUFFER);
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        let (ready, listening) = watch::channel(!postgres);
        if postgres {
            let pool = db.get_postgres_connection_pool().clone();
            tokio::spawn(listen(pool, sender.clone(), ready));
        }
        Arc::new(Live {
            sender,
            postgres,
            listening,
        })
    }

    /// A broker that only announces (CLI commands such as the demo seed): on PostgreSQL its
    /// publications still reach every serving replica; it hears nothing itself.
    pub fn announcer(db: &DatabaseConnection) -> Live {
        let (sender, _) = broadcast::channel(1);
        let (_, listening) = watch::channel(true);
        Live {
            sender,
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
            db::execute(
                txn,
                "SELECT pg_notify(?, ?)",
                vec![CHANNEL.into(), payload.into()],
            )
            .await?;
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
}

/// Listens on PostgreSQL for as long as the process lives, reconnecting after failures.
async fn listen(
    pool: sea_orm::sqlx::PgPool,
    sender: broadcast::Sender<ActivityPublished>,
    ready: watch::Sender<bool>,
) {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    ready.send_replace(true);
                    relay(&mut listener, &sender).await;
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
async fn relay(listener: &mut PgListener, sender: &broadcast::Sender<ActivityPublished>) {
    loop {
        match listener.recv().await {
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
