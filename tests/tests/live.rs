//! Live updates: `activityPublished(regionCode:)` over graphql-transport-ws at `/graphql/ws`,
//! authenticated in `connection_init`, and delivered across replicas through PostgreSQL
//! LISTEN/NOTIFY.

mod support;

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use futures::{SinkExt, StreamExt};
use leerroute_tests::{Backend, TestApp, db_test, leerroute_binary, small_region};
use serde_json::{Value, json};
use support::*;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const SUBSCRIPTION: &str = "subscription($r: String!) { activityPublished(regionCode: $r) { title status region { code } hostSchool { brin } } }";

/// Opens a graphql-transport-ws connection and sends `connection_init` with `payload`;
/// `Err` with what came instead of `connection_ack`.
async fn connect(base_url: &str, payload: Value) -> Result<Socket, String> {
    let url = format!("{}/graphql/ws", base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = connect_async(request).await.expect("websocket handshake");
    let init = json!({"type": "connection_init", "payload": payload});
    socket.send(Message::text(init.to_string())).await.unwrap();
    match next(&mut socket, Duration::from_secs(10)).await {
        Some(message) if message["type"] == "connection_ack" => Ok(socket),
        other => Err(format!("{other:?}")),
    }
}

/// The next JSON message, or `None` on close or after `wait`.
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

async fn subscribe(socket: &mut Socket, id: &str, region: &str) {
    let message = json!({"id": id, "type": "subscribe", "payload": {"query": SUBSCRIPTION, "variables": {"r": region}}});
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
    // graphql-transport-ws does not acknowledge a subscription: give the server a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
}

async fn publish_new(app: &TestApp, base_url: &str, region: &str, host: &str, title: &str) {
    let client = app.client();
    let admin = app.admin();
    let post = |query: &str, variables: Value| {
        client
            .post(format!("{base_url}/graphql"))
            .bearer_auth(&admin)
            .json(&json!({"query": query, "variables": variables}))
            .send()
    };
    let input = activity_input(host, &[], json!({"regionCode": region, "title": title}));
    let created: Value = post(CREATE, json!({"i": input}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["data"]["createActivity"]["activity"]["id"].clone();
    assert!(id.is_string(), "{created}");
    let published: Value = post(PUBLISH, json!({"id": id}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        published["data"]["publishActivity"]["activity"]["status"],
        "PUBLISHED"
    );
}

fn title_of(message: &Option<Value>) -> Option<&str> {
    message.as_ref()?["payload"]["data"]["activityPublished"]["title"].as_str()
}

db_test!(
    published_activities_reach_subscribers_of_their_region,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        small_region(&app, "HDW", "33CC", "44DD").await;
        let mut anonymous = connect(&app.base_url, json!({})).await.unwrap();
        subscribe(&mut anonymous, "ams", "AMS").await;
        let bearer = format!("Bearer {}", app.staff("33CC"));
        let mut staff = connect(&app.base_url, json!({"Authorization": bearer}))
            .await
            .unwrap();
        subscribe(&mut staff, "hdw", "HDW").await;

        // A draft is not news; its publication is, for its own region only.
        create(
            &app,
            &app.admin(),
            activity_input("11AA", &[], json!({"title": "Concept"})),
        )
        .await;
        publish_new(&app, &app.base_url, "AMS", "11AA", "Open dag Zuid").await;
        let heard = next(&mut anonymous, Duration::from_secs(10)).await;
        assert_eq!(title_of(&heard), Some("Open dag Zuid"), "{heard:?}");
        assert_eq!(heard.as_ref().unwrap()["id"], "ams");
        assert_eq!(
            heard.as_ref().unwrap()["payload"]["data"]["activityPublished"]["status"],
            "PUBLISHED"
        );
        publish_new(&app, &app.base_url, "HDW", "33CC", "Zorgdag Harderwijk").await;
        let heard = next(&mut staff, Duration::from_secs(10)).await;
        assert_eq!(
            title_of(&heard),
            Some("Zorgdag Harderwijk"),
            "the AMS activity never reached HDW"
        );
        let nothing = next(&mut anonymous, Duration::from_millis(500)).await;
        assert!(nothing.is_none(), "{nothing:?}");

        // An unknown region is refused with a coded error.
        subscribe(&mut anonymous, "xx", "XX").await;
        let refused = next(&mut anonymous, Duration::from_secs(10)).await.unwrap();
        assert_eq!(refused["id"], "xx");
        let error = &refused["payload"]["errors"][0]["extensions"];
        assert_eq!(error["code"], "NOT_FOUND", "{refused}");
        assert_eq!(error["field"], "regionCode");
    }
);

db_test!(
    a_bad_token_refuses_the_connection,
    |app: TestApp| async move {
        let other_secret = leerroute::auth::token::mint(
            "a-different-secret-of-32-characters",
            &leerroute::auth::token::TokenRequest {
                role: leerroute::auth::Role::Admin,
                subject: "intruder",
                region: None,
                school: None,
                ttl: Duration::from_secs(60),
            },
        )
        .unwrap();
        for payload in [
            json!({"token": "not-a-token"}),
            json!({"Authorization": format!("Bearer {other_secret}")}),
            json!({"authorization": "Bearer "}),
        ] {
            assert!(
                connect(&app.base_url, payload.clone()).await.is_err(),
                "{payload}"
            );
        }
        let good = json!({"token": app.admin()});
        assert!(connect(&app.base_url, good).await.is_ok());
    }
);

/// A `leerroute serve` process on the test app's database; killed when dropped.
struct Replica {
    child: Child,
    base_url: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn replica(app: &TestApp) -> Replica {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(leerroute_binary())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("LEERROUTE_DATABASE_URL", &app.database_url)
        .env("LEERROUTE_JWT_SECRET", &app.secrets.jwt)
        .env("LEERROUTE_LINK_SECRET", &app.secrets.link)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start leerroute serve");
    let replica = Replica {
        child,
        base_url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..300 {
        let ready = app
            .client()
            .get(format!("{}/readyz", replica.base_url))
            .send()
            .await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return replica;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("replica on port {port} did not become ready");
}

/// Two server processes on one PostgreSQL database: a publication on one reaches a subscriber
/// of the other. (On SQLite there is one process, and the test above covers it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_deliver_each_others_publications() {
    let Some(app) = TestApp::start(Backend::Postgres).await else {
        return;
    };
    small_region(&app, "AMS", "11AA", "22BB").await;
    let (first, second) = (replica(&app).await, replica(&app).await);
    let mut socket = connect(&second.base_url, json!({"token": app.staff("11AA")}))
        .await
        .unwrap();
    subscribe(&mut socket, "ams", "AMS").await;
    publish_new(
        &app,
        &first.base_url,
        "AMS",
        "22BB",
        "Meeloopdag op replica 1",
    )
    .await;
    let heard = next(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(
        title_of(&heard),
        Some("Meeloopdag op replica 1"),
        "{heard:?}"
    );
    assert_eq!(
        heard.unwrap()["payload"]["data"]["activityPublished"]["hostSchool"]["brin"],
        "22BB"
    );
}
