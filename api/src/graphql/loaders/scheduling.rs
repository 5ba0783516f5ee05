//! When a request's loaders fetch: as soon as the request's execution cannot go on without
//! them, not after a timer.
//!
//! async-graphql's `DataLoader` collects keys and hands a fetch to its spawner; by default that
//! fetch first waits 1 ms, so that every resolver of a level has registered its key (and the
//! timer runs on a thread of its own). A request here instead gets a [`FetchQueue`]: the
//! loader's spawner only queues the fetch, and [`FetchQueue::drive`], which runs the request's
//! execution, starts the queued fetches right after each poll of it, when every resolver that
//! could run has registered its key. The batches are the same as with the delay, deterministic,
//! and without the wait: a query still costs one statement per level.

use std::{
    future::Future,
    sync::{Arc, Mutex},
    task::Poll,
    time::Duration,
};

use async_graphql::dataloader::DataLoader;
use futures::{StreamExt, future::BoxFuture, stream::FuturesUnordered};
use sea_orm::DatabaseConnection;

use super::Db;

/// The fetches of one request's loaders, waiting for the end of the current poll.
#[derive(Clone, Default)]
pub struct FetchQueue {
    queued: Arc<Mutex<Vec<BoxFuture<'static, ()>>>>,
}

impl FetchQueue {
    /// A loader set whose fetches wait in this queue (run the request with [`drive`](Self::drive)).
    pub fn loader(&self, db: &DatabaseConnection, today: chrono::NaiveDate) -> DataLoader<Db> {
        let queued = self.queued.clone();
        let spawner = move |fetch: BoxFuture<'static, ()>| {
            queued.lock().expect("fetch queue lock").push(fetch);
        };
        DataLoader::new(
            Db {
                db: db.clone(),
                today,
            },
            spawner,
        )
        .delay(Duration::ZERO)
    }

    /// Runs `work` (the request's execution) and, in the same task, the fetches its loaders
    /// queue: after every poll of `work`, whatever it queued starts.
    pub async fn drive<F: Future>(&self, work: F) -> F::Output {
        let mut work = std::pin::pin!(work);
        let mut running = FuturesUnordered::new();
        std::future::poll_fn(|cx| {
            loop {
                if let Poll::Ready(output) = work.as_mut().poll(cx) {
                    return Poll::Ready(output);
                }
                running.extend(self.queued.lock().expect("fetch queue lock").drain(..));
                // Poll the fetches; when one finishes, `work` can go on at once.
                let mut finished = false;
                while let Poll::Ready(Some(())) = running.poll_next_unpin(cx) {
                    finished = true;
                }
                if !finished {
                    return Poll::Pending;
                }
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use async_graphql::dataloader::{DataLoader, Loader};

    use super::*;

    /// A loader that records the batches it was asked for.
    #[derive(Default)]
    struct Recording(Mutex<Vec<Vec<u32>>>);

    impl Loader<u32> for Recording {
        type Value = u32;
        type Error = std::convert::Infallible;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Self::Error> {
            let mut batch = keys.to_vec();
            batch.sort_unstable();
            self.0.lock().unwrap().push(batch);
            tokio::task::yield_now().await;
            Ok(keys.iter().map(|&k| (k, k * 10)).collect())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn keys_of_one_poll_share_one_fetch_and_levels_follow_each_other() {
        let queue = FetchQueue::default();
        let queued = queue.queued.clone();
        let loader = Arc::new(
            DataLoader::new(Recording::default(), move |fetch| {
                queued.lock().unwrap().push(fetch);
            })
            .delay(Duration::ZERO),
        );
        let work = {
            let loader = loader.clone();
            async move {
                let first = futures::future::join_all((1..=10).map(|k| loader.load_one(k))).await;
                let second = futures::future::join_all((11..=15).map(|k| loader.load_one(k))).await;
                (first, second)
            }
        };
        let (first, second) = queue.drive(work).await;
        assert_eq!(first[2].unwrap(), Some(30));
        assert_eq!(second[4].unwrap(), Some(150));
        let batches = loader.loader().0.lock().unwrap().clone();
        assert_eq!(
            batches,
            vec![(1..=10).collect::<Vec<_>>(), (11..=15).collect()]
        );
    }
}
