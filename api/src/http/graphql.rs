//! `/graphql` over HTTP, as the GraphQL-over-HTTP spec has it: `POST` (JSON, or multipart for
//! uploads) runs any operation; `GET` with GraphQL parameters in the query string runs queries
//! only (405 otherwise); a `GET` without them from a browser gets GraphiQL.
//!
//! One place reads the request ([`super::request`]), one runs it ([`execute`]), one writes the
//! answer ([`answer`]) in the media type the client accepts ([`super::media`]).

use std::sync::Arc;

use async_graphql::{BatchResponse, Request, ServerError};
use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use serde::{Serialize, ser::SerializeMap};

use super::{
    caller::{Caller, CallerRefused},
    media::{Media, accepts_html, negotiate},
    request::{self, Malformed, Operation, Operations},
    responses::{
        cost_extensions, graphql_error, graphql_error_with, graphql_internal, with_retry_after,
    },
    trust,
};
use crate::error::{ErrorCode, RETRY_AFTER_SECS, unavailable_message};
use crate::{
    app::AppState,
    graphql::{cost::Meter, loaders::FetchQueue},
};
use std::time::{Duration, Instant};

/// `POST /graphql`: a GraphQL request (or batch) of one caller.
pub async fn post(
    State(state): State<Arc<AppState>>,
    caller: Result<Caller, CallerRefused>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(refused) => return in_media(refused.into_graphql(&state), media),
    };
    if request::body_kind(&headers) == request::BodyKind::Multipart
        && let Some(refused) = may_not_upload(&caller)
    {
        return in_media(refused, media);
    }
    let limits = request::Limits {
        json: state.service.max_body_kb.saturating_mul(1024),
        upload: state.service.max_upload_mb.saturating_mul(1024 * 1024),
        batch: state.service.max_batch,
    };
    let operations = match request::from_body(&headers, body, limits).await {
        Ok(operations) => operations,
        Err(malformed) => return refuse(&state, &caller, malformed, media),
    };
    run(&state, &caller, operations, false, media).await
}

/// An upload (multipart) from a caller whose role may not import is refused before its body
/// is read: `UNAUTHENTICATED` (401) without a token, `FORBIDDEN` (403) with one.
fn may_not_upload(caller: &Caller) -> Option<Response> {
    use crate::auth::{Role, policy};
    let role = caller.viewer.role();
    let may_import =
        policy::rule("Mutation", "importVoLeavers").is_some_and(|rule| policy::allows(rule, role));
    if may_import {
        return None;
    }
    Some(if role == Role::Anonymous {
        graphql_error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "uploads (imports) need a token",
        )
    } else {
        graphql_error(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "this token may not upload files (imports)",
        )
    })
}

/// `GET /graphql`: a query from the query string, or GraphiQL for a browser that sent none.
/// Every answer varies with the token and `Accept`, and what a token read is never stored by
/// a shared cache.
pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Result<Caller, CallerRefused>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let mut response = get_answer(&state, caller, &headers, &uri).await;
    cache_headers(&mut response, headers.contains_key(header::AUTHORIZATION));
    response
}

async fn get_answer(
    state: &AppState,
    caller: Result<Caller, CallerRefused>,
    headers: &HeaderMap,
    uri: &Uri,
) -> Response {
    let operation = request::from_query_string(uri);
    if matches!(operation, Ok(None)) && accepts_html(headers) {
        return crate::web::graphiql_page(state.service.introspection);
    }
    let Some(media) = negotiate(headers) else {
        return not_acceptable();
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(refused) => return in_media(refused.into_graphql(state), media),
    };
    match operation {
        Ok(Some(operation)) => {
            run(
                state,
                &caller,
                Operations::Single(Box::new(operation)),
                true,
                media,
            )
            .await
        }
        Ok(None) => refuse(
            state,
            &caller,
            Malformed::Request("the request has no `query` (nor `documentId`)".to_owned()),
            media,
        ),
        Err(malformed) => refuse(state, &caller, malformed, media),
    }
}

/// Resolves each operation's document, refuses what `GET` may not run, executes and answers.
async fn run(
    state: &AppState,
    caller: &Caller,
    operations: Operations,
    safe_only: bool,
    media: Media,
) -> Response {
    let (single, operations) = match operations {
        Operations::Single(operation) => (true, vec![*operation]),
        Operations::Batch(operations) => (false, operations),
    };
    let mut prepared = Vec::with_capacity(operations.len());
    for Operation {
        mut request,
        document_id,
    } in operations
    {
        let resolved = trust::resolve(
            state,
            &caller.viewer,
            &caller.audit,
            &mut request,
            document_id,
        )
        .await;
        if resolved.is_ok()
            && safe_only
            && let Err(malformed) = request::only_queries(&mut request)
        {
            return refuse(state, caller, malformed, media);
        }
        prepared.push(resolved.map(|()| request));
    }
    match execute(state, caller, single, prepared).await {
        Ok((response, wait)) => answer(response, wait, media),
        Err(response) => in_media(response, media),
    }
}

/// Runs every operation with the caller's context and a cost meter of its own (one that may
/// not run answers its own error), then writes the audit trail: pupil data goes out only once
/// its reading is on record. Each response carries `extensions.cost`; the wait comes back when
/// an operation was over budget.
async fn execute(
    state: &AppState,
    caller: &Caller,
    single: bool,
    operations: Vec<Result<Request, ServerError>>,
) -> Result<(BatchResponse, Option<Duration>), Response> {
    let started = Instant::now();
    let fetches = FetchQueue::default();
    let mut meters = Vec::with_capacity(operations.len());
    let run_all = async {
        let mut responses = Vec::with_capacity(operations.len());
        for operation in operations {
            let meter = Meter::new(state.budgets.clone(), &caller.budget);
            meters.push(meter.clone());
            responses.push(match operation {
                Ok(mut request) => {
                    caller.fill(&mut request.data, state, &fetches);
                    request.data.insert(meter);
                    state.schema.execute(request).await
                }
                Err(error) => async_graphql::Response::from_errors(vec![error]),
            });
        }
        responses
    };
    let mut responses = fetches.drive(run_all).await;
    let took = started.elapsed();
    let mut response = if single {
        BatchResponse::Single(responses.pop().unwrap_or_default())
    } else {
        BatchResponse::Batch(responses)
    };
    if let Err(err) = caller.audit.flush(&state.db).await {
        // Pupil data goes out only once its reading is on record; a busy database says so.
        if crate::error::is_unavailable(&err) {
            return Err(unavailable());
        }
        return Err(graphql_internal(&format!("audit log write failed: {err}")));
    }
    add_error_codes(&mut response);
    let responses = match &mut response {
        BatchResponse::Single(single) => std::slice::from_mut(single),
        BatchResponse::Batch(batch) => batch.as_mut_slice(),
    };
    for (response, meter) in responses.iter_mut().zip(&meters) {
        meter.stamp(response);
        let code = first_code(response);
        crate::metrics::global().operation(
            meter.operation().as_deref(),
            code.map(ErrorCode::as_str),
            took,
        );
    }
    let wait = meters.iter().filter_map(|m| m.wait()).max();
    Ok((response, wait))
}

/// The answer in `media`. A single operation that never ran (it did not parse or validate,
/// or was refused before execution) has no `data`, and its status follows its first error's
/// code; a batch answers 200 with each element's own errors.
fn answer(response: BatchResponse, wait: Option<Duration>, media: Media) -> Response {
    let status = match &response {
        BatchResponse::Single(single) if never_ran(single) => {
            refused_status(first_code(single), media)
        }
        BatchResponse::Single(single) if nothing_but_unavailable(single) => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => StatusCode::OK,
    };
    let body = match &response {
        BatchResponse::Single(single) => serde_json::to_vec(&Answer(single)),
        BatchResponse::Batch(batch) => {
            serde_json::to_vec(&batch.iter().map(Answer).collect::<Vec<_>>())
        }
    };
    let Ok(body) = body else {
        return graphql_internal("the answer could not be serialised");
    };
    let mut http = (status, body).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        http = with_retry_after(http, Duration::from_secs(RETRY_AFTER_SECS));
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        http = with_retry_after(http, wait.unwrap_or(Duration::from_secs(1)));
    }
    http.headers_mut().extend(response.http_headers_iter());
    set_content_type(&mut http, media);
    if response.is_ok() {
        http.extensions_mut().insert(NoErrors);
    }
    http
}

/// Marks an answer of operations that all ran without an error (see [`cache_headers`]).
#[derive(Clone, Copy)]
struct NoErrors;

/// An operation none of whose fields could be answered because the database was busy or
/// unreachable (DESIGN.md: then HTTP 503 with `Retry-After`; a partial answer stays 200).
fn nothing_but_unavailable(response: &async_graphql::Response) -> bool {
    let no_field = match &response.data {
        async_graphql::Value::Null => true,
        async_graphql::Value::Object(fields) => {
            fields.values().all(|v| *v == async_graphql::Value::Null)
        }
        _ => false,
    };
    no_field
        && !response.errors.is_empty()
        && response
            .errors
            .iter()
            .all(|e| ErrorCode::of(e.extensions.as_ref()) == Some(ErrorCode::Unavailable))
}

/// `UNAVAILABLE` with HTTP 503 and `Retry-After`, for when the database is busy or unreachable.
fn unavailable() -> Response {
    with_retry_after(
        graphql_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            &unavailable_message(),
        ),
        Duration::from_secs(RETRY_AFTER_SECS),
    )
}

/// An operation refused before execution: no data, and no error inside the operation.
fn never_ran(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

fn first_code(response: &async_graphql::Response) -> Option<ErrorCode> {
    ErrorCode::of(response.errors.first()?.extensions.as_ref())
}

/// The status of a request that never ran: HTTP's own for a refused token, rate or
/// database; otherwise 400 under `application/graphql-response+json` and 200 under
/// `application/json` (the spec's rule for parse and validation failures).
fn refused_status(code: Option<ErrorCode>, media: Media) -> StatusCode {
    match code {
        Some(ErrorCode::Unauthenticated) => StatusCode::UNAUTHORIZED,
        Some(ErrorCode::RateLimited) => StatusCode::TOO_MANY_REQUESTS,
        Some(ErrorCode::Unavailable) => StatusCode::SERVICE_UNAVAILABLE,
        _ => match media {
            Media::GraphqlResponse => StatusCode::BAD_REQUEST,
            Media::Json => StatusCode::OK,
        },
    }
}

/// A response as the spec orders it: `errors`, then `data` (left out when the operation
/// never ran), then `extensions`.
struct Answer<'a>(&'a async_graphql::Response);

impl Serialize for Answer<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let response = self.0;
        let mut map = serializer.serialize_map(None)?;
        if !response.errors.is_empty() {
            map.serialize_entry("errors", &response.errors)?;
        }
        if !never_ran(response) {
            map.serialize_entry("data", &response.data)?;
        }
        if !response.extensions.is_empty() {
            map.serialize_entry("extensions", &response.extensions)?;
        }
        map.end()
    }
}

/// A request that never reached the schema, answered in `media`. One that is not a
/// well-formed GraphQL-over-HTTP request is 400 under either media type, as the spec has it
/// (only a document that does not parse or validate answers 200 under `application/json`).
/// A refused request pays 1 point and says so in `extensions.cost`.
fn refuse(state: &AppState, caller: &Caller, malformed: Malformed, media: Media) -> Response {
    let (status, code, message) = match malformed {
        Malformed::Request(message) => (
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            format!("not a GraphQL request: {message}"),
        ),
        Malformed::TooManyOperations(most) => (
            StatusCode::BAD_REQUEST,
            ErrorCode::QueryTooComplex,
            format!("at most {most} operations per batch"),
        ),
        Malformed::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadUserInput,
            "the request is too large (see LEERROUTE_MAX_BODY_KB, and LEERROUTE_MAX_UPLOAD_MB for uploads)".to_owned(),
        ),
        Malformed::UnsupportedType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::BadUserInput,
            "send `Content-Type: application/json` (or multipart/form-data for uploads)".to_owned(),
        ),
        Malformed::NotAQuery => (
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::BadUserInput,
            "only queries run over GET; send mutations with POST".to_owned(),
        ),
    };
    let meter = Meter::new(state.budgets.clone(), &caller.budget);
    meter.refused();
    let extensions = cost_extensions(&meter.value());
    let mut response = in_media(
        graphql_error_with(status, code, &message, extensions),
        media,
    );
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    response
}

/// 406: the client accepts neither GraphQL media type.
fn not_acceptable() -> Response {
    graphql_error(
        StatusCode::NOT_ACCEPTABLE,
        ErrorCode::BadUserInput,
        "accept application/graphql-response+json or application/json",
    )
}

/// A GraphQL-shaped error response (JSON) relabelled with the negotiated media type.
fn in_media(mut response: Response, media: Media) -> Response {
    set_content_type(&mut response, media);
    response
}

fn set_content_type(response: &mut Response, media: Media) {
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
}

/// `Vary: Authorization, Accept` on every `GET /graphql`; `Cache-Control: private, no-store`
/// for whatever was asked with a token or went wrong, and a minute in any cache for an
/// anonymous answer without errors (the public catalogue).
fn cache_headers(response: &mut Response, with_token: bool) {
    let clean = response.extensions().get::<NoErrors>().is_some();
    let cache = if with_token || !clean {
        "private, no-store"
    } else {
        "public, max-age=60"
    };
    let headers = response.headers_mut();
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Accept"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
}

/// Every error leaves with a code (see [`codes`](super::codes)).
fn add_error_codes(response: &mut BatchResponse) {
    match response {
        BatchResponse::Single(r) => super::codes::add_error_codes(r),
        BatchResponse::Batch(rs) => rs.iter_mut().for_each(super::codes::add_error_codes),
    }
}
