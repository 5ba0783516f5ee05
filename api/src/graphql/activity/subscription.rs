//! `activityPublished`: activities of a region as they are published, on whichever replica.

use async_graphql::{Context, Subscription};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use crate::{
    audit::Reads,
    domain::pipeline::SignalKind,
    graphql::{
        context::{db, live, viewer},
        types::{Activity, Signal},
    },
    service::{
        activity as service,
        catalogue::require_region,
        signals::{self, SignalFilter},
    },
};

#[derive(Default)]
pub struct ActivitySubscription;

/// Live updates, over graphql-transport-ws at `GET /graphql/ws` (the token goes in the
/// `connection_init` payload).
// Named `Subscription`: its fields resolve with this type as their parent, and the access
// policy knows their rules by the root type's name.
#[Subscription(
    name = "Subscription",
    guard = "crate::graphql::root_policy::RootGuard"
)]
impl ActivitySubscription {
    /// Activities of a region as they are published, on whichever replica that happens.
    async fn activity_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Code of the region whose publications to receive.")] region_code: String,
    ) -> async_graphql::Result<impl Stream<Item = Activity>> {
        let db = db(ctx)?.clone();
        let region = require_region(&db, region_code.trim(), "regionCode").await?;
        let receiver = live(ctx)?.subscribe().await;
        let events = futures::stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => return Some((event, receiver)),
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a slow subscriber missed publications");
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        Ok(events
            .filter(move |event| std::future::ready(event.region_id == region.id))
            .filter_map(move |event| {
                let db = db.clone();
                async move {
                    // Read it fresh: the subscriber sees the activity as it is now.
                    service::find(&db, event.activity_id)
                        .await
                        .ok()
                        .flatten()
                        .map(Activity)
                }
            }))
    }

    /// Signals as they are raised (by an import, an evaluation or an application's change), on
    /// whichever replica: only those the caller may read (rmc its region's, vmbo staff their
    /// pupils', mbo staff those of pupils with an open application to or an enrolment at their
    /// school, a coach their pupils'), matching the given region and school. Audited.
    async fn signal_raised(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only signals of pupils of this region.")] region_code: Option<String>,
        #[graphql(
            desc = "Only signals of pupils of this vmbo school, or who applied to this mbo school."
        )]
        school_brin: Option<String>,
        #[graphql(desc = "Only signals of this kind.")] kind: Option<SignalKind>,
    ) -> async_graphql::Result<impl Stream<Item = Signal>> {
        let db = db(ctx)?.clone();
        let viewer = viewer(ctx)?.clone();
        let filter = SignalFilter {
            region_code,
            school_brin,
            kind,
            status: None,
        };
        let receiver = live(ctx)?.subscribe_signals().await;
        let events = futures::stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => return Some((event, receiver)),
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a slow subscriber missed raised signals");
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        Ok(events.filter_map(move |event| {
            let (db, viewer, filter) = (db.clone(), viewer.clone(), filter.clone());
            async move {
                let found = signals::raised_for(&db, &viewer, &filter, event.signal_id).await;
                let reads = Reads::AtOnce {
                    db: &db,
                    viewer: &viewer,
                };
                let signal = found.ok()?.open(&reads).await.ok()??;
                Some(Signal(signal))
            }
        }))
    }
}
