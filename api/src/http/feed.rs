//! `GET /calendar/{regionCode}.ics`: a region's published and cancelled activities as an
//! iCalendar feed (built by [`crate::feed`]). Public, but a caller like any other: a bad token
//! is refused and every fetch spends a few points of the caller's budget.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use super::caller::{Caller, CallerRefused};
use crate::{
    app::AppState,
    feed::region_calendar,
    service::{activity::feed, catalogue::region_by_code},
};

/// The feed of the region named by `{code}.ics`.
pub async fn region_feed(
    State(state): State<Arc<AppState>>,
    caller: Result<Caller, CallerRefused>,
    Path(file): Path<String>,
) -> Response {
    let caller = match caller {
        Ok(caller) => caller,
        Err(refused) => return refused.into_text(),
    };
    if let Err(refusal) = caller.spend(&state, crate::graphql::cost::CALENDAR) {
        return refusal.into_text();
    }
    let Some(code) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let region = match region_by_code(&state.db, code).await {
        Ok(Some(region)) => region,
        Ok(None) => return (StatusCode::NOT_FOUND, "no such region").into_response(),
        Err(err) => return internal(&err.message()),
    };
    let activities = match feed(&state.db, region.id).await {
        Ok(activities) => activities,
        Err(err) => return internal(&err.message()),
    };
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        region_calendar(&region.code, &region.name, &activities),
    )
        .into_response()
}

fn internal(detail: &str) -> Response {
    tracing::error!(request_id = %crate::request_id::current(), error = %detail, "calendar feed failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}
