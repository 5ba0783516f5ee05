//! The id of the request being served, so that an error's log line and the client's
//! error message can be matched without passing the id through every function.

use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs `future` with `id` as the current request id.
pub async fn scope<F: Future>(id: String, future: F) -> F::Output {
    REQUEST_ID.scope(id, future).await
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
