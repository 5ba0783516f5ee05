//! HTTP wiring: the axum router and its handlers. Every door that serves data (`/graphql`,
//! the websocket, the CSV export, the calendar feed) takes a [`Caller`](caller::Caller), so
//! authentication, the rate limit, the request id and the audit trail are applied in one place
//! and no route can forget them; [`rate`] adds the `x-ratelimit-*` headers to their answers.
//!
//! Only `lib.rs` imports this module: handlers reach the shared state through
//! [`app`](crate::app), never the other way round.

mod caller;
mod codes;
mod export;
mod feed;
mod graphql;
mod media;
mod metrics;
mod multipart;
mod rate;
mod request;
mod responses;
mod server;
mod trust;
mod ws;

pub use server::serve;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use tower_http::trace::TraceLayer;

use crate::{app::AppState, request_id};

/// The router of the whole service.
pub fn router(state: Arc<AppState>) -> Router {
    let body_limit = state.service.max_upload_mb * 1024 * 1024;
    let budgeted = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/calendar/{file}", get(feed::region_feed))
        .route(
            "/export/transition-stats.csv",
            get(export::transition_stats_csv),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            rate::rate_headers,
        ));
    Router::new()
        .merge(budgeted)
        .route("/graphql/ws", get(ws::graphql_ws))
        .route("/metrics", get(metrics::metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .merge(crate::web::routes())
        .layer(middleware::from_fn(with_request_id))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Gives every request a fresh id: the task-local one of [`request_id`] while it is handled,
/// and the `x-request-id` header of its response.
async fn with_request_id(request: Request, next: Next) -> Response {
    let id = request_id::new_id();
    let mut response = request_id::scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Ready when the database answers within 800 ms: a probe must hear "no" well within its own
/// timeout (commonly 1 s), not wait for the pool's.
async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    match tokio::time::timeout(Duration::from_millis(800), state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response(),
    }
}
