//! `signalRaised` over graphql-transport-ws: a signal raised by an application's change reaches
//! the subscribers who may read it, and nobody else.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use leerroute_tests::{TestApp, bsn, db_test, small_region};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const SUBSCRIPTION: &str =
    "subscription { signalRaised { kind status raisedOn student { school { brin } } } }";

fn today() -> leerroute_tests::Options {
    leerroute_tests::Options {
        service: Some(leerroute::config::ServiceArgs {
            clock: leerroute::config::ClockArgs {
                today: Some("2026-03-15".parse().unwrap()),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn connect(app: &TestApp, token: &str) -> Socket {
    let url = format!("{}/graphql/ws", app.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = connect_async(request).await.expect("websocket handshake");
    let init = json!({"type": "connection_init", "payload": {"token": token}});
    socket.send(Message::text(init.to_string())).await.unwrap();
    let ack = next(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(
        ack.as_ref().map(|m| m["type"].clone()),
        Some(json!("connection_ack")),
        "{ack:?}"
    );
    let subscribe = json!({"id": "s", "type": "subscribe", "payload": {"query": SUBSCRIPTION}});
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    socket
}

async fn next(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let read = async {
        while let Some(message) = socket.next().await {
            match message.ok()? {
                Message::Text(text) => return serde_json::from_str(&text).ok(),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
        None
    };
    tokio::time::timeout(wait, read).await.ok().flatten()
}

db_test!(
    raised_signals_reach_those_who_may_read_them,
    today,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        small_region(&app, "HDW", "31CC", "32CC").await;
        let admin = app.admin();
        let roster = format!(
            "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code\n{},11AA,TL,E&O,2025-2026,4,\n{},31CC,TL,E&O,2025-2026,4,\n",
            bsn(1),
            bsn(2)
        );
        app.upload(
            Some(&admin),
            "mutation($input: ImportInput!) { importVoPupils(input: $input) { rows } }",
            &roster,
        )
        .await;
        let applications = format!(
            "pgn,school_brin,crebo,level,applied_on,status,status_date\n{},22BB,25180,4,2026-02-01,received,2026-02-01\n{},32CC,25180,4,2026-02-01,received,2026-02-01\n",
            bsn(1),
            bsn(2)
        );
        app.upload(
            Some(&admin),
            "mutation($input: ImportInput!) { importMboApplications(input: $input) { rows } }",
            &applications,
        )
        .await;
        let listed = app
            .ok(
                Some(&admin),
                "{ applications(filter: {schoolBrin: \"22BB\"}) { nodes { id } } }",
                json!({}),
            )
            .await;
        let id = listed["applications"]["nodes"][0]["id"].clone();

        let mut decaan = connect(&app, &app.staff("11AA")).await;
        let mut other_region = connect(
            &app,
            &app.token(
                leerroute::auth::Role::Rmc,
                Some("HDW"),
                None,
                Some("rmc-HDW"),
            ),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;

        // Refused at 22BB on 1 March, with nothing else: NO_ALTERNATIVE from 15 March, today.
        app.ok(
        Some(&app.staff("22BB")),
        "mutation($i: UpdateApplicationStatusInput!) { updateApplicationStatus(input: $i) { application { status } } }",
        json!({"i": {"id": id, "status": "NOT_ADMITTED", "statusDate": "2026-03-01"}}),
    )
    .await;
        let heard = next(&mut decaan, Duration::from_secs(10))
            .await
            .expect("the decaan hears of it");
        let signal = &heard["payload"]["data"]["signalRaised"];
        assert_eq!(signal["kind"], "NO_ALTERNATIVE", "{heard}");
        assert_eq!(signal["raisedOn"], "2026-03-15");
        assert_eq!(signal["student"]["school"]["brin"], "11AA");
        assert!(
            next(&mut other_region, Duration::from_millis(800))
                .await
                .is_none(),
            "not HDW's pupil"
        );
    }
);
