//! `/graphql/ws` is a door like `POST /graphql`: each operation is audited under a request id
//! of its own, spends from the caller's budget and carries coded errors; a socket holds at most
//! 100 operations at once and must send `connection_init` within 10 seconds (issue #10.5).

mod support;

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use leerroute::config::ServiceArgs;
use leerroute_tests::{Backend, Options, TestApp, db_test, small_region};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use support::*;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A graphql-transport-ws socket, not yet initialised.
async fn open(app: &TestApp) -> Socket {
    let url = format!("{}/graphql/ws", app.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    connect_async(request).await.expect("websocket handshake").0
}

/// An initialised socket of the caller with `token`.
async fn connect(app: &TestApp, token: &str) -> Socket {
    let mut socket = open(app).await;
    let init =
        json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}});
    socket.send(Message::text(init.to_string())).await.unwrap();
    let ack = next(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

async fn send(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    let message =
        json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}});
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next JSON message (a close becomes `{"close": code}`); fails after 15 s.
async fn next(socket: &mut Socket) -> Value {
    let read = async {
        while let Some(message) = socket.next().await {
            match message.expect("websocket message") {
                Message::Text(text) => return serde_json::from_str(&text).unwrap(),
                Message::Close(frame) => {
                    return json!({"close": frame.map(|f| u16::from(f.code))});
                }
                _ => continue,
            }
        }
        json!({"close": null})
    };
    tokio::time::timeout(Duration::from_secs(15), read)
        .await
        .expect("a message within 15 s")
}

/// The `next` payload of operation `id` (skipping its `complete`).
async fn result(socket: &mut Socket, id: &str) -> Value {
    loop {
        let message = next(socket).await;
        if message["type"] == "next" && message["id"] == id {
            return message["payload"].clone();
        }
        assert_eq!(message["type"], "complete", "{message}");
    }
}

const STUDENTS: &str = "{ students(first: 10) { totalCount nodes { id leerweg } } }";

db_test!(
    pupil_reads_over_the_socket_are_audited_under_their_own_request_id,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        pupil(&app, "11AA").await;
        let mut socket = connect(&app, &app.staff("11AA")).await;
        for id in ["a", "b"] {
            send(&mut socket, id, STUDENTS, json!({})).await;
            let payload = result(&mut socket, id).await;
            assert!(payload.get("errors").is_none(), "{payload}");
            assert_eq!(payload["data"]["students"]["totalCount"], 1);
        }
        let log = app
            .ok(
                Some(&app.admin()),
                "{ auditEvents(filter: {subject: \"staff-11AA\"}) { nodes { action requestId } } }",
                json!({}),
            )
            .await;
        let reads: Vec<&Value> = log["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|event| event["action"].as_str().unwrap().ends_with(".read"))
            .collect();
        assert_eq!(reads.len(), 2, "one read per operation: {log}");
        let ids: Vec<&str> = reads
            .iter()
            .map(|e| e["requestId"].as_str().unwrap())
            .collect();
        assert!(ids.iter().all(|id| id.len() == 32), "{ids:?}");
        assert_ne!(ids[0], ids[1], "each operation is a request of its own");
    }
);

/// The cost of the `createRegion` mutation below: createRegion, region, code.
const CREATE_COST: u64 = 3;

fn tight_rate_limit() -> Options {
    Options {
        auth: None,
        service: Some(ServiceArgs {
            rate_limit: 3 * CREATE_COST,
            ..ServiceArgs::default()
        }),
    }
}

db_test!(
    mutations_over_the_socket_are_rate_limited_and_audited,
    tight_rate_limit,
    |app: TestApp| async move {
        let admin = app.admin();
        // Three mutations fit in the budget, the fourth does not.
        let mut socket = connect(&app, &admin).await;
        let create = "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { code } } }";
        for code in ["R1", "R2", "R3"] {
            send(&mut socket, code, create, json!({"c": code})).await;
            let payload = result(&mut socket, code).await;
            assert_eq!(
                payload["data"]["createRegion"]["region"]["code"], code,
                "{payload}"
            );
        }
        send(&mut socket, "R4", create, json!({"c": "R4"})).await;
        let payload = result(&mut socket, "R4").await;
        assert_eq!(
            payload["errors"][0]["extensions"]["code"], "RATE_LIMITED",
            "{payload}"
        );
        assert_eq!(app.count_rows("region").await, 3);

        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                "SELECT request_id FROM audit_event WHERE action = 'region.create'",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 3);
        for row in rows {
            let id: String = row.try_get("", "request_id").unwrap();
            assert_eq!(id.len(), 32, "a real request id, not `{id}`");
        }
    }
);

db_test!(
    errors_over_the_socket_carry_a_code,
    |app: TestApp| async move {
        let mut socket = connect(&app, &app.admin()).await;
        for (id, query) in [
            ("unknown-field", "{ noSuchField }"),
            ("parse", "{ regions { "),
            (
                "bad-variable",
                "query($n: Int!) { regions(first: $n) { totalCount } }",
            ),
        ] {
            send(&mut socket, id, query, json!({"n": "many"})).await;
            let payload = result(&mut socket, id).await;
            let code = &payload["errors"][0]["extensions"]["code"];
            assert_eq!(code, "BAD_USER_INPUT", "{id}: {payload}");
        }
    }
);

const SUBSCRIPTION: &str = "subscription { activityPublished(regionCode: \"AMS\") { title } }";

db_test!(
    a_socket_runs_at_most_100_operations_at_once,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let mut socket = connect(&app, &app.admin()).await;
        for n in 0..100 {
            send(&mut socket, &format!("s{n}"), SUBSCRIPTION, json!({})).await;
        }
        send(&mut socket, "one-too-many", SUBSCRIPTION, json!({})).await;
        let payload = result(&mut socket, "one-too-many").await;
        let error = &payload["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{payload}"
        );
        assert!(
            error["message"].as_str().unwrap().contains("100"),
            "{payload}"
        );

        // Stopping one frees its place.
        let stop = json!({"id": "s0", "type": "complete"});
        socket.send(Message::text(stop.to_string())).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        send(&mut socket, "q", "{ regions { totalCount } }", json!({})).await;
        let payload = result(&mut socket, "q").await;
        assert_eq!(payload["data"]["regions"]["totalCount"], 1, "{payload}");
    }
);

#[tokio::test]
async fn a_socket_without_connection_init_is_closed_after_10_seconds() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let mut initialised = connect(&app, &app.admin()).await;
    let mut silent = open(&app).await;
    let started = std::time::Instant::now();
    let closed = next(&mut silent).await;
    assert_eq!(closed, json!({"close": 4408}));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(13),
        "{waited:?}"
    );
    // The socket that did send it stays open past the deadline.
    tokio::time::sleep(Duration::from_secs(1)).await;
    send(
        &mut initialised,
        "q",
        "{ regions { totalCount } }",
        json!({}),
    )
    .await;
    let payload = result(&mut initialised, "q").await;
    assert_eq!(payload["data"]["regions"]["totalCount"], 0, "{payload}");
}
