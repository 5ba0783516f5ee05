//! Time limits of the HTTP server (issue 11, item 3), tried with raw TCP clients: unfinished
//! headers, half a body and an idle kept-alive connection are dropped after a bounded time;
//! SIGTERM ends the process within the shutdown deadline even with a stalled client, and open
//! websockets are closed with 1001.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use futures::{SinkExt, StreamExt};
use leerroute::config::ServiceArgs;
use leerroute_tests::{Backend, Options, TestApp, leerroute_binary};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::{
    Message, client::IntoClientRequest, http::HeaderValue, protocol::frame::coding::CloseCode,
};

fn short_timeouts() -> Options {
    Options {
        service: Some(ServiceArgs {
            header_timeout_secs: 1,
            body_timeout_secs: 1,
            ..ServiceArgs::default()
        }),
        ..Options::default()
    }
}

/// Sends `bytes`, then reads until the server closes; how long that took and what it sent.
async fn until_closed(address: &str, bytes: &[u8], bound: Duration) -> (Duration, String) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(bound, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the connection was still open after {bound:?}"
    );
    (
        started.elapsed(),
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_and_idle_clients_are_dropped() {
    let app = TestApp::start_with(Backend::Sqlite, short_timeouts())
        .await
        .unwrap();
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let bound = Duration::from_secs(8);

    // Headers that never end.
    let (took, _) = until_closed(&address, b"POST /graphql HTTP/1.1\r\nHost: x\r\n", bound).await;
    assert!(
        took < Duration::from_secs(4),
        "unfinished headers held {took:?}"
    );

    // Half a body.
    let half = b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":";
    let (took, answer) = until_closed(&address, half, bound).await;
    assert!(took < Duration::from_secs(4), "half a body held {took:?}");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );

    // One full request, then nothing on the kept-alive connection.
    let request = "{\"query\":\"{ regions { totalCount } }\"}";
    let full = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{request}",
        request.len()
    );
    let (took, answer) = until_closed(&address, full.as_bytes(), bound).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        took < Duration::from_secs(4),
        "an idle connection held {took:?}"
    );

    // The service itself is fine.
    app.ok(None, "{ regions { totalCount } }", json!({})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_the_process_and_closes_websockets_with_1001() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let listen = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut server = Command::new(leerroute_binary())
        .args([
            "serve",
            "--listen",
            &listen.to_string(),
            "--database-url",
            &url,
        ])
        .env(
            "LEERROUTE_JWT_SECRET",
            "jwt-secret-of-the-test-0123456789abcdef",
        )
        .env(
            "LEERROUTE_LINK_SECRET",
            "link-secret-of-the-test-0123456789abcdef",
        )
        .env("LEERROUTE_SHUTDOWN_TIMEOUT", "2")
        .env("LEERROUTE_BODY_TIMEOUT", "600")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(format!("http://{listen}/healthz"))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "never served");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A websocket, acknowledged.
    let mut request = format!("ws://{listen}/graphql/ws")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({"type": "connection_init", "payload": {}});
    socket.send(Message::text(init.to_string())).await.unwrap();
    let ack = socket.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");

    // A client stalled in the middle of its body: a request in flight that never finishes.
    let mut stalled = TcpStream::connect(listen).await.unwrap();
    stalled
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let started = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Close(frame) = message {
                return frame;
            }
        }
        None
    })
    .await
    .expect("no close frame within 5 s");
    assert_eq!(close.map(|f| f.code), Some(CloseCode::Away));
    let exited = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            server.kill().ok();
            panic!("still running 10 s after SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exited.success(), "{exited:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?} (deadline 2 s)",
        started.elapsed()
    );
}
