//! The id of the request being served, so that an error's log line and the client's
//! error message can be matched without passing the id through every function.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use futures::Stream;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs `future` with `id` as the current request id.
pub async fn scope<F: Future>(id: String, future: F) -> F::Output {
    REQUEST_ID.scope(id, future).await
}

/// `stream` with `id` as the current request id while each of its items is produced: for a
/// websocket operation, whose work happens as its response stream is polled.
pub fn scope_stream<S: Stream + Send + 'static>(id: String, stream: S) -> Scoped<S> {
    Scoped {
        id,
        inner: Box::pin(stream),
    }
}

/// See [`scope_stream`].
pub struct Scoped<S> {
    id: String,
    inner: Pin<Box<S>>,
}

impl<S: Stream> Stream for Scoped<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = &mut *self;
        REQUEST_ID.sync_scope(this.id.clone(), || this.inner.as_mut().poll_next(cx))
    }
}

/// The current request id, or `-` outside a request (CLI, start-up).
pub fn current() -> String {
    REQUEST_ID
        .try_with(|id| id.clone())
        .unwrap_or_else(|_| "-".to_owned())
}

/// A fresh random request id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
