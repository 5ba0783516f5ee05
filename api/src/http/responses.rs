//! Error responses that leave before GraphQL runs: as a GraphQL-shaped JSON body for
//! `/graphql`, as one line of text for the CSV export and the calendar feed.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::{
    error::{ErrorCode, internal_message},
    request_id,
};

/// `{"errors": [{"message", "extensions": {"code"}}]}` with `status`.
pub fn graphql_error(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    let body =
        json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
    (status, Json(body)).into_response()
}

/// As [`graphql_error`], with the response's own `extensions` (`{"cost": …}`).
pub fn graphql_error_with(
    status: StatusCode,
    code: ErrorCode,
    message: &str,
    extensions: serde_json::Value,
) -> Response {
    let body = json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }],
        "extensions": extensions,
    });
    (status, Json(body)).into_response()
}

/// `{"cost": cost}`, a response's `extensions`.
pub fn cost_extensions(cost: &async_graphql::Value) -> serde_json::Value {
    json!({ "cost": serde_json::to_value(cost).unwrap_or_default() })
}

/// `INTERNAL` with the request id; the detail goes to the log only.
pub fn graphql_internal(detail: &str) -> Response {
    let id = request_id::current();
    tracing::error!(request_id = %id, error = %detail, "internal error");
    let body = json!({ "errors": [{
        "message": internal_message(&id),
        "extensions": { "code": ErrorCode::Internal.as_str(), "requestId": id }
    }] });
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

/// `CODE: message` on one line, for the doors that do not speak GraphQL.
pub fn text_error(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    (status, format!("{code}: {message}\n")).into_response()
}

/// Adds `Retry-After` (whole seconds, at least 1) to a refusal.
pub fn with_retry_after(mut response: Response, wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs().max(1).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
