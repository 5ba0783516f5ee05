//! `activityPublished`: activities of a region as they are published, on whichever replica.

use async_graphql::{Context, Subscription};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use crate::{
    graphql::{
        context::{db, live},
        types::Activity,
    },
    service::{activity as service, catalogue::require_region},
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
}
