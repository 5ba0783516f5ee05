//! `GET /metrics`: the process's metrics ([`crate::metrics`]) as OpenMetrics 1.0, or as the
//! Prometheus text format when the scraper's `Accept` asks for `text/plain` and not for
//! OpenMetrics. Anonymous scrapes only from `LEERROUTE_METRICS_ALLOW` (the client address as
//! [`crate::net`] finds it); from anywhere else an admin token is needed.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{caller::Peer, responses::text_error};
use crate::{app::AppState, auth::Role, error::ErrorCode, metrics};

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

pub async fn metrics(
    State(state): State<Arc<AppState>>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Response {
    if let Err((status, code, message)) = allowed(&state, peer, &headers) {
        return text_error(status, code, message);
    }
    let text = metrics::global().openmetrics(&state.db);
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let prometheus =
        accept.contains("text/plain") && !accept.contains("application/openmetrics-text");
    let (content_type, body) = if prometheus {
        (PROMETHEUS_TEXT, metrics::to_prometheus_text(&text))
    } else {
        (OPENMETRICS, text)
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Anyone from the allowed addresses, else an admin token.
fn allowed(
    state: &AppState,
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
) -> Result<(), (StatusCode, ErrorCode, &'static str)> {
    let address = crate::net::client_address(peer, headers, &state.service.trusted_proxies);
    if address.is_some_and(|a| crate::net::contains(&state.service.metrics_allow, a)) {
        return Ok(());
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    let Some(token) = token else {
        return Err((
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "metrics need an admin token from this address",
        ));
    };
    match state.verifier.verify(token.trim()) {
        Ok(identity) if identity.role == Role::Admin => Ok(()),
        Ok(_) => Err((
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "metrics need an admin token",
        )),
        Err(_) => Err((
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "the token does not verify",
        )),
    }
}
