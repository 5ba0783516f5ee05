//! HTTP wiring: the axum router, the GraphQL endpoint with its per-request context, and the
//! health endpoints.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use async_graphql::{
    BatchRequest, BatchResponse, Data, ErrorExtensions, ParseRequestError, Request, ServerError,
    dataloader::DataLoader,
    http::{MultipartOptions, receive_batch_body},
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    Extension, Json, Router,
    body::Body,
    extract::{ConnectInfo, DefaultBodyLimit, State, WebSocketUpgrade},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use futures::TryStreamExt;
use sea_orm::DatabaseConnection;
use serde_json::json;
use tokio_util::compat::TokioAsyncReadCompatExt;
use tower_http::trace::TraceLayer;

use crate::{
    audit::AuditTrail,
    auth::{Identity, Viewer, verify::TokenVerifier},
    config::{AuthArgs, ServiceArgs},
    feed,
    graphql::{AppSchema, build_schema, loaders::Db},
    live::Live,
    rate_limit::RateLimiter,
    request_id,
    secrets::Secrets,
};

/// Everything a request handler needs; shared by all requests.
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: AppSchema,
    pub verifier: TokenVerifier,
    pub secrets: Secrets,
    pub service: ServiceArgs,
    pub rate_limiter: RateLimiter,
    /// The broker of live updates (subscriptions).
    pub live: Arc<Live>,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        secrets: Secrets,
        auth: &AuthArgs,
        service: ServiceArgs,
    ) -> Result<Self, String> {
        Ok(AppState {
            schema: build_schema(Some(db.clone()), Some(&secrets.link), &service),
            verifier: TokenVerifier::new(&secrets.jwt, auth)?,
            rate_limiter: RateLimiter::new(service.rate_limit),
            live: Live::start(&db),
            db,
            secrets,
            service,
        })
    }
}

/// The router of the whole service.
pub fn router(state: Arc<AppState>) -> Router {
    let body_limit = state.service.max_upload_mb * 1024 * 1024;
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(graphql_ws))
        .route("/calendar/{file}", get(feed::region_feed))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route(
            "/export/transition-stats.csv",
            get(crate::export::transition_stats_csv),
        )
        .merge(crate::web::routes())
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn graphiql(State(state): State<Arc<AppState>>) -> Response {
    crate::web::graphiql_page(state.service.introspection)
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    match tokio::time::timeout(Duration::from_secs(5), state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response(),
    }
}

/// The identity behind an `Authorization` header: anonymous without one, an error for a bad one.
pub fn authenticate(verifier: &TokenVerifier, headers: &HeaderMap) -> Result<Identity, String> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Identity::anonymous());
    };
    let value = value
        .to_str()
        .map_err(|_| "malformed Authorization header".to_owned())?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| "the Authorization header must be `Bearer <token>`".to_owned())?;
    verifier.verify(token.trim())
}

/// Subscriptions over graphql-transport-ws. Browsers cannot set headers on a websocket, so
/// the token comes in the `connection_init` payload; a bad token refuses the connection.
async fn graphql_ws(
    State(state): State<Arc<AppState>>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(["graphql-transport-ws"])
        .on_upgrade(move |socket| {
            let schema = state.schema.clone();
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| connection_data(state, payload))
                .serve()
        })
}

/// The context of one websocket connection: its caller, loaders and the live broker.
async fn connection_data(
    state: Arc<AppState>,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
    let identity = match init_token(&payload) {
        Some(token) => state
            .verifier
            .verify(&token)
            .map_err(async_graphql::Error::new)?,
        None => Identity::anonymous(),
    };
    let viewer = Viewer::resolve(identity, &state.db).await.map_err(|err| {
        tracing::error!(error = %err, "cannot resolve a websocket viewer");
        async_graphql::Error::new("internal error")
    })?;
    let mut data = Data::default();
    data.insert(viewer);
    data.insert(DataLoader::new(
        Db {
            db: state.db.clone(),
        },
        tokio::spawn,
    ));
    data.insert(state.live.clone());
    Ok(data)
}

/// The token of a `connection_init` payload: `{"Authorization": "Bearer …"}` (any case) or
/// `{"token": "…"}`.
fn init_token(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    object.iter().find_map(|(key, value)| {
        let value = value.as_str()?.trim();
        match key.to_ascii_lowercase().as_str() {
            "authorization" => Some(
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
                    .unwrap_or(value)
                    .trim()
                    .to_owned(),
            ),
            "token" => Some(value.to_owned()),
            _ => None,
        }
    })
}

async fn graphql(
    State(state): State<Arc<AppState>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let id = request_id::new_id();
    let peer = peer.map(|Extension(ConnectInfo(address))| address.ip().to_string());
    let handling = handle_graphql(state, headers, body, id.clone(), peer);
    let mut response = request_id::scope(id.clone(), handling).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn handle_graphql(
    state: Arc<AppState>,
    headers: HeaderMap,
    body: Body,
    id: String,
    peer: Option<String>,
) -> Response {
    let identity = match authenticate(&state.verifier, &headers) {
        Ok(identity) => identity,
        Err(message) => {
            return error_response(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", &message);
        }
    };
    if let Err(response) = check_rate(&state, &identity, peer.as_deref()) {
        return response;
    }
    let viewer = match Viewer::resolve(identity, &state.db).await {
        Ok(viewer) => viewer,
        Err(err) => return internal_error(&err.to_string()),
    };
    let batch = match read_batch(&state, &headers, body).await {
        Ok(batch) => batch,
        Err(response) => return response,
    };
    let audit = Arc::new(AuditTrail::new(&viewer, id));
    let batch = with_request_data(batch, &state, &viewer, &audit);
    let mut response = state.schema.execute_batch(batch).await;
    // Pupil data goes out only once its reading is on record.
    if let Err(err) = audit.flush(&state.db).await {
        return internal_error(&format!("audit log write failed: {err}"));
    }
    add_error_codes(&mut response);
    Json(response).into_response()
}

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
            ParseRequestError::PayloadTooLarge => error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_USER_INPUT",
                "request or upload too large",
            ),
            other => error_response(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("unreadable GraphQL request: {other}"),
            ),
        })?;
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > state.service.max_batch
    {
        let message = format!("at most {} operations per batch", state.service.max_batch);
        return Err(error_response(
            StatusCode::BAD_REQUEST,
            "QUERY_TOO_COMPLEX",
            &message,
        ));
    }
    Ok(batch)
}

/// Gives each operation its caller, a fresh loader set and the request's audit trail.
fn with_request_data(
    batch: BatchRequest,
    state: &AppState,
    viewer: &Viewer,
    audit: &Arc<AuditTrail>,
) -> BatchRequest {
    let prepare = |request: Request| {
        request
            .data(viewer.clone())
            .data(DataLoader::new(
                Db {
                    db: state.db.clone(),
                },
                tokio::spawn,
            ))
            .data(audit.clone())
            .data(state.live.clone())
    };
    match batch {
        BatchRequest::Single(request) => BatchRequest::Single(prepare(request)),
        BatchRequest::Batch(requests) => {
            BatchRequest::Batch(requests.into_iter().map(prepare).collect())
        }
    }
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

/// Spends one request of the caller's budget, or answers 429 `RATE_LIMITED` with `Retry-After`.
#[allow(clippy::result_large_err)] // the refusal is the whole response, built once
pub fn check_rate(
    state: &AppState,
    identity: &Identity,
    peer: Option<&str>,
) -> Result<(), Response> {
    let caller = match &identity.subject {
        Some(subject) => format!("{}:{subject}", identity.role.as_str()),
        None => format!("address:{}", peer.unwrap_or("unknown")),
    };
    state.rate_limiter.check(&caller).map_err(|wait| {
        let mut response = error_response(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "too many requests; try again later",
        );
        let seconds = wait.as_secs().max(1).to_string();
        if let Ok(value) = HeaderValue::from_str(&seconds) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    })
}

fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}

fn internal_error(detail: &str) -> Response {
    let id = request_id::current();
    tracing::error!(request_id = %id, error = %detail, "internal error");
    let body = json!({ "errors": [{
        "message": format!("internal error; quote request id {id} when reporting it"),
        "extensions": { "code": "INTERNAL", "requestId": id }
    }] });
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}
