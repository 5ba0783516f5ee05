//! `GET /export/transition-stats.csv`: the caller's transition statistics as CSV (the content is
//! built by [`crate::export`]). Errors are one line of text, `CODE: message`.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{
    caller::{Caller, CallerRefused},
    responses::text_error,
};
use crate::{
    app::AppState,
    error::{AppError, ErrorCode},
    export,
    service::disclosure::Disclosure,
};

pub async fn transition_stats_csv(
    State(state): State<Arc<AppState>>,
    caller: Result<Caller, CallerRefused>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let caller = match caller {
        Ok(caller) => caller,
        Err(refused) => return refused.into_text(),
    };
    // The CSV is a `transitionStats` in another format, and costs as much.
    if let Err(refusal) = caller.spend(&state, crate::graphql::cost::EXPORT_CSV) {
        return refusal.into_text();
    }
    let disclosure = Disclosure::new(&state.secrets.link, state.service.min_cell);
    let csv = export::transition_stats_csv(&state.db, &caller.viewer, &params, &disclosure).await;
    match csv {
        Ok(csv) => ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response(),
        Err(err) => error_text(&err),
    }
}

fn error_text(err: &AppError) -> Response {
    let status = match err.code() {
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::BadUserInput => StatusCode::BAD_REQUEST,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(request_id = %crate::request_id::current(), error = %err.message(), "CSV export failed");
    }
    text_error(status, err.code(), &err.public_message())
}
