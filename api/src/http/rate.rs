//! `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (seconds until the
//! window resets) on every response of the doors that spend from a budget (`/graphql`, the CSV
//! export, the calendar feed): the [`Caller`](super::caller::Caller) extractor notes whose
//! budget a request spent from, and this layer reads what is left of it once the answer is
//! written. Without a limit (`LEERROUTE_RATE_LIMIT=0`) there are no such headers.

use std::sync::{Arc, OnceLock};

use axum::{
    extract::{Request, State},
    http::HeaderValue,
    middleware::Next,
    response::Response,
};

use crate::app::AppState;

/// Whose budget the request spent from, filled in by the caller's extractor.
#[derive(Clone, Default)]
pub struct BudgetSlot(Arc<OnceLock<String>>);

impl BudgetSlot {
    pub fn set(&self, key: &str) {
        let _ = self.0.set(key.to_owned());
    }
}

/// The layer: a slot for the request, the headers for its response.
pub async fn rate_headers(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let slot = BudgetSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let status = slot.0.get().and_then(|key| state.budgets.status(key));
    if let Some(status) = status {
        let headers = response.headers_mut();
        for (name, value) in [
            ("x-ratelimit-limit", status.limit),
            ("x-ratelimit-remaining", status.remaining),
            ("x-ratelimit-reset", status.reset_secs()),
        ] {
            headers.insert(name, HeaderValue::from(value));
        }
    }
    response
}
