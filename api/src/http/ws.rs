//! `GET /graphql/ws`: GraphQL over graphql-transport-ws. Browsers cannot set headers on a
//! websocket, so the token comes in the `connection_init` payload, and the connection's
//! [`Caller`] is established from it the same way as for an HTTP request.

use std::sync::Arc;

use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message},
    },
    response::Response,
};
use futures::{SinkExt, StreamExt};

use super::caller::{Caller, Peer, Presented, Refusal};
use crate::{app::AppState, request_id};

/// Upgrades to a websocket and serves GraphQL on it.
pub async fn graphql_ws(
    State(state): State<Arc<AppState>>,
    Peer(peer): Peer,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(["graphql-transport-ws"])
        .on_upgrade(move |socket| async move {
            let schema = state.schema.clone();
            let shutdown = state.shutdown.clone();
            // Messages leave through a channel, so that the socket's sending half stays here
            // for the close frame once the server shuts down.
            let (mut sink, stream) = socket.split();
            let (outgoing, mut queued) = futures::channel::mpsc::channel::<Message>(16);
            let incoming = stream.take_until(shutdown.clone().cancelled_owned());
            let serve = GraphQLWebSocket::new_with_pair(outgoing, incoming, schema, protocol)
                .on_connection_init(move |payload| connection_data(state, payload, peer))
                .serve();
            let forward = async {
                while let Some(message) = queued.next().await {
                    if sink.send(message).await.is_err() {
                        break;
                    }
                }
            };
            futures::join!(serve, forward);
            if shutdown.is_cancelled() {
                let going_away = CloseFrame {
                    code: axum::extract::ws::close_code::AWAY,
                    reason: "the server is shutting down".into(),
                };
                let _ = sink.send(Message::Close(Some(going_away))).await;
            }
        })
}

/// The context of one websocket connection; a refused caller refuses the connection.
async fn connection_data(
    state: Arc<AppState>,
    payload: serde_json::Value,
    peer: Option<std::net::IpAddr>,
) -> async_graphql::Result<Data> {
    let caller = Caller::establish(&state, init_token(&payload), peer, request_id::new_id())
        .await
        .map_err(|refusal| {
            if let Refusal::Internal(detail) = &refusal {
                tracing::error!(error = %detail, "cannot establish a websocket caller");
            }
            async_graphql::Error::new(refusal.public_message())
        })?;
    let mut data = Data::default();
    caller.fill_without_audit(&mut data, &state);
    Ok(data)
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
