//! `GET /graphql/ws`: GraphQL over graphql-transport-ws. Browsers cannot set headers on a
//! websocket, so the token comes in the `connection_init` payload, and the connection's
//! [`Caller`] is established from it the same way as for an HTTP request.
//!
//! Each operation on the socket is a request of its own, as over `POST /graphql`: a fresh
//! request id, its cost spent from the caller's budget (the same budget as over HTTP, and
//! `extensions.cost` on each response, as there are no headers per operation), its own loaders
//! and audit trail (written before each response leaves) and a code on every error. A socket holds at most
//! [`MAX_OPERATIONS`] operations at once, and must send `connection_init` within
//! [`INIT_TIMEOUT`] (else it is closed with 4408, as graphql-transport-ws says). When the
//! server shuts down, every socket is closed with 1001 (going away).

use std::{
    net::IpAddr,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use async_graphql::{
    Data, Executor, Request, Response,
    http::{WebSocket, WebSocketProtocols, WsMessage},
};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket as Socket},
    },
    response::Response as HttpResponse,
};
use futures::{SinkExt, StreamExt, future, stream::BoxStream};

use super::{
    caller::{Caller, Peer, Presented, Refusal},
    codes::add_error_codes,
    trust::{self, WS_DOCUMENT_ID},
};
use crate::{app::AppState, error::AppError, graphql::cost::Meter, request_id};

/// Operations (subscriptions, queries, mutations) one socket may run at once.
pub const MAX_OPERATIONS: usize = 100;
/// How long a new socket may take to send `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Upgrades to a websocket and serves GraphQL on it.
pub async fn graphql_ws(
    State(state): State<Arc<AppState>>,
    Peer(peer): Peer,
    headers: axum::http::HeaderMap,
    upgrade: WebSocketUpgrade,
) -> HttpResponse {
    let peer = crate::net::client_address(peer, &headers, &state.service.trusted_proxies);
    upgrade
        .protocols(["graphql-transport-ws"])
        .on_upgrade(move |socket| serve(socket, Connection::new(state, peer)))
}

/// One socket's state, shared by its `connection_init` handler and its operations.
#[derive(Clone)]
struct Connection {
    state: Arc<AppState>,
    peer: Option<IpAddr>,
    /// Set once `connection_init` has arrived (answered or refused).
    init_arrived: Arc<AtomicBool>,
    caller: Arc<OnceLock<Caller>>,
    running: Arc<AtomicUsize>,
}

impl Connection {
    fn new(state: Arc<AppState>, peer: Option<IpAddr>) -> Self {
        Connection {
            state,
            peer,
            init_arrived: Arc::default(),
            caller: Arc::default(),
            running: Arc::default(),
        }
    }

    /// Establishes the socket's caller from the `connection_init` payload; a refused caller
    /// refuses the connection.
    async fn init(self, payload: serde_json::Value) -> async_graphql::Result<Data> {
        self.init_arrived.store(true, Ordering::SeqCst);
        let presented = init_token(&payload);
        let id = request_id::new_id();
        let (_, caller) = Caller::establish(&self.state, presented, self.peer, id).await;
        let caller = caller.map_err(|refusal| {
            if let Refusal::Internal(detail) = &refusal {
                tracing::error!(error = %detail, "cannot establish a websocket caller");
            }
            async_graphql::Error::new(refusal.public_message())
        })?;
        let _ = self.caller.set(caller);
        Ok(Data::default())
    }

    /// One operation as one request: its own id, budget, loaders and audit trail.
    fn operation(&self, mut request: Request) -> BoxStream<'static, Response> {
        let Some(caller) = self.caller.get() else {
            return refused(AppError::internal("websocket operation before its caller"));
        };
        let Some(slot) = Slot::take(&self.running) else {
            let message = format!("at most {MAX_OPERATIONS} operations at once on one connection");
            return refused(AppError::TooComplex(message));
        };
        let id = request_id::new_id();
        let caller = caller.for_request(id.clone());
        caller.fill_socket_operation(&mut request.data, &self.state);
        let document_id = match request.extensions.remove(WS_DOCUMENT_ID) {
            Some(async_graphql::Value::String(id)) => Some(id),
            _ => None,
        };
        let meter = Meter::new(self.state.budgets.clone(), &caller.budget);
        request.data.insert(meter.clone());
        let started = std::time::Instant::now();
        let mut counted = false;
        let state = self.state.clone();
        let responses = futures::stream::once(async move {
            let resolved = trust::resolve(
                &state,
                &caller.viewer,
                &caller.audit,
                &mut request,
                document_id,
            )
            .await;
            (state, caller, resolved.map(|()| request))
        })
        .flat_map(move |(state, caller, resolved)| {
            let responses = match resolved {
                Ok(request) => state.schema.execute_stream(request),
                Err(error) => {
                    futures::stream::once(future::ready(Response::from_errors(vec![error]))).boxed()
                }
            };
            let audit = caller.audit.clone();
            responses.then(move |response| {
                let (state, audit) = (state.clone(), audit.clone());
                async move {
                    if let Err(err) = audit.flush(&state.db).await {
                        let err = AppError::internal(format!("audit log write failed: {err}"));
                        return Response::from_errors(vec![server_error(err)]);
                    }
                    let mut response = response;
                    add_error_codes(&mut response);
                    response
                }
            })
        })
        .map(move |mut response| {
            let _slot = &slot;
            meter.stamp(&mut response);
            // An operation is counted once, at its first response.
            if !std::mem::replace(&mut counted, true) {
                let code = response.errors.first().and_then(|e| {
                    match e.extensions.as_ref()?.get("code")? {
                        async_graphql::Value::String(code) => Some(code.clone()),
                        _ => None,
                    }
                });
                crate::metrics::global().operation(
                    meter.operation().as_deref(),
                    code.as_deref(),
                    started.elapsed(),
                );
            }
            response
        });
        request_id::scope_stream(id, responses).boxed()
    }
}

impl Executor for Connection {
    async fn execute(&self, request: Request) -> Response {
        let mut responses = self.operation(request);
        responses.next().await.unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: Request,
        _: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        self.operation(request)
    }
}

/// A place among a socket's running operations, given back when the operation's stream is
/// dropped (completed, stopped by the client, or the socket closed).
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(running: &Arc<AtomicUsize>) -> Option<Slot> {
        running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < MAX_OPERATIONS).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(running.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An operation refused before it ran: one response with the error, then complete.
fn refused(err: AppError) -> BoxStream<'static, Response> {
    futures::stream::once(future::ready(Response::from_errors(vec![server_error(
        err,
    )])))
    .boxed()
}

fn server_error(err: AppError) -> async_graphql::ServerError {
    async_graphql::Error::from(err).into_server_error(async_graphql::Pos::default())
}

/// Pumps the socket: client messages into async-graphql's protocol handler, its messages back
/// out; closes with 4408 when `connection_init` has not arrived within [`INIT_TIMEOUT`], and
/// with 1001 when the server shuts down.
async fn serve(socket: Socket, connection: Connection) {
    let shutdown = connection.state.shutdown.clone();
    let (mut sink, stream) = socket.split();
    let input = stream
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(|message| {
            future::ready(match message {
                Ok(Message::Text(text)) => Some(with_document_id(text.as_bytes().to_vec())),
                Ok(Message::Binary(bytes)) => Some(with_document_id(bytes.to_vec())),
                _ => None,
            })
        });
    let init_arrived = connection.init_arrived.clone();
    let on_init = connection.clone();
    let output = WebSocket::new(connection, input, WebSocketProtocols::GraphQLWS)
        .on_connection_init(move |payload| on_init.init(payload))
        .map(to_axum);
    futures::pin_mut!(output);
    let deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(deadline);
    let mut waiting_for_init = true;
    loop {
        let message = tokio::select! {
            message = output.next() => match message {
                Some(message) => message,
                None => break,
            },
            () = shutdown.cancelled() => Message::Close(Some(CloseFrame {
                code: axum::extract::ws::close_code::AWAY,
                reason: "the server is shutting down".into(),
            })),
            () = &mut deadline, if waiting_for_init => {
                waiting_for_init = false;
                if init_arrived.load(Ordering::SeqCst) {
                    continue;
                }
                to_axum(WsMessage::Close(4408, "Connection initialisation timeout".to_owned()))
            }
        };
        let closing = matches!(message, Message::Close(_));
        if sink.send(message).await.is_err() || closing {
            break;
        }
    }
}

/// A `subscribe` message whose payload names a `documentId`, with the id moved into the
/// payload's `extensions` under [`WS_DOCUMENT_ID`], where [`Connection::operation`] finds it
/// (async-graphql's request would drop it). Any other message passes unchanged.
fn with_document_id(message: Vec<u8>) -> Vec<u8> {
    if !message.windows(10).any(|w| w == b"documentId") {
        return message;
    }
    let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(&message) else {
        return message;
    };
    if object.get("type").and_then(|t| t.as_str()) != Some("subscribe") {
        return message;
    }
    let Some(serde_json::Value::Object(payload)) = object.get_mut("payload") else {
        return message;
    };
    let Some(id) = payload.remove("documentId") else {
        return message;
    };
    let extensions = payload
        .entry("extensions")
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    if extensions.is_null() {
        *extensions = serde_json::Value::Object(Default::default());
    }
    if let Some(extensions) = extensions.as_object_mut() {
        extensions.insert(WS_DOCUMENT_ID.to_owned(), id);
    }
    serde_json::to_vec(&object).unwrap_or(message)
}

fn to_axum(message: WsMessage) -> Message {
    match message {
        WsMessage::Text(text) => Message::Text(text.into()),
        WsMessage::Close(code, reason) => Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })),
    }
}

/// The token of a `connection_init` payload: `{"Authorization": "Bearer …"}` (any case) or
/// `{"token": "…"}`.
fn init_token(payload: &serde_json::Value) -> Presented {
    let object = payload.as_object()?;
    object.iter().find_map(|(key, value)| {
        let value = value.as_str()?.trim();
        match key.to_ascii_lowercase().as_str() {
            "authorization" => Some(Ok(value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .unwrap_or(value)
                .trim()
                .to_owned())),
            "token" => Some(Ok(value.to_owned())),
            _ => None,
        }
    })
}
