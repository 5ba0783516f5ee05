//! `POST /graphql` (JSON, or multipart for uploads) and GraphiQL on `GET /graphql`.
//!
//! One place reads the request ([`read_batch`]), one executes it ([`execute`]), one writes the
//! response ([`write_response`]).

use std::sync::Arc;

use async_graphql::{
    BatchRequest, BatchResponse, ErrorExtensions, ParseRequestError, Request, ServerError,
    http::{MultipartOptions, receive_batch_body},
};
use axum::{
    Json,
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::TryStreamExt;
use tokio_util::compat::TokioAsyncReadCompatExt;

use super::{
    caller::Caller,
    responses::{graphql_error, graphql_internal},
};
use crate::{app::AppState, graphql::loaders::FetchQueue};

/// GraphiQL (embedded, see [`crate::web`]), when introspection is on.
pub async fn graphiql(State(state): State<Arc<AppState>>) -> Response {
    crate::web::graphiql_page(state.service.introspection)
}

/// A GraphQL request (or batch) of one caller.
pub async fn graphql(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let batch = match read_batch(&state, &headers, body).await {
        Ok(batch) => batch,
        Err(response) => return response,
    };
    match execute(&state, &caller, batch).await {
        Ok(response) => write_response(response),
        Err(response) => response,
    }
}

/// Reads the body: JSON or multipart, within the upload and batch limits.
async fn read_batch(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<BatchRequest, Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let reader =
        tokio_util::io::StreamReader::new(body.into_data_stream().map_err(std::io::Error::other));
    let options = MultipartOptions::default()
        .max_file_size(state.service.max_upload_mb * 1024 * 1024)
        .max_num_files(1);
    let batch = receive_batch_body(content_type, reader.compat(), options)
        .await
        .map_err(|err| match err {
            ParseRequestError::PayloadTooLarge => graphql_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_USER_INPUT",
                "request or upload too large",
            ),
            other => graphql_error(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("unreadable GraphQL request: {other}"),
            ),
        })?;
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > state.service.max_batch
    {
        let message = format!("at most {} operations per batch", state.service.max_batch);
        return Err(graphql_error(
            StatusCode::BAD_REQUEST,
            "QUERY_TOO_COMPLEX",
            &message,
        ));
    }
    Ok(batch)
}

/// Runs every operation with the caller's context, then writes the audit trail: pupil data
/// goes out only once its reading is on record.
async fn execute(
    state: &AppState,
    caller: &Caller,
    batch: BatchRequest,
) -> Result<BatchResponse, Response> {
    let fetches = FetchQueue::default();
    let prepare = |mut request: Request| {
        caller.fill(&mut request.data, state, &fetches);
        request
    };
    let batch = match batch {
        BatchRequest::Single(request) => BatchRequest::Single(prepare(request)),
        BatchRequest::Batch(requests) => {
            BatchRequest::Batch(requests.into_iter().map(prepare).collect())
        }
    };
    let mut response = fetches.drive(state.schema.execute_batch(batch)).await;
    if let Err(err) = caller.audit.flush(&state.db).await {
        return Err(graphql_internal(&format!("audit log write failed: {err}")));
    }
    add_error_codes(&mut response);
    Ok(response)
}

fn write_response(response: BatchResponse) -> Response {
    Json(response).into_response()
}

/// Every error leaves with a code: async-graphql's own parse, validation and limit errors
/// get `QUERY_TOO_COMPLEX` or `BAD_USER_INPUT`.
fn add_error_codes(response: &mut BatchResponse) {
    let responses: Vec<&mut async_graphql::Response> = match response {
        BatchResponse::Single(r) => vec![r],
        BatchResponse::Batch(rs) => rs.iter_mut().collect(),
    };
    for response in responses {
        for error in &mut response.errors {
            let has_code = error
                .extensions
                .as_ref()
                .is_some_and(|e| e.get("code").is_some());
            if !has_code {
                let code = classify(error);
                let extended = async_graphql::Error::new(error.message.clone())
                    .extend_with(|_, e| e.set("code", code));
                error.extensions = extended.extensions;
            }
        }
    }
}

fn classify(error: &ServerError) -> &'static str {
    let message = error.message.as_str();
    if message.contains("too complex")
        || message.contains("nested too deep")
        || message.contains("too many")
    {
        "QUERY_TOO_COMPLEX"
    } else {
        "BAD_USER_INPUT"
    }
}
