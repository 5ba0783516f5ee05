//! A busy or unreachable database answers `UNAVAILABLE` with `retryAfter` (DESIGN.md section 3,
//! Errors), HTTP 503 with `Retry-After` when nothing of the request could run, instead of
//! `INTERNAL`; and on SQLite, writers queued behind a held write lock do not starve the readers
//! (issue 11, item 4).

use std::{
    process::Stdio,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use leerroute_tests::{Backend, TestApp, leerroute_binary};
use sea_orm::{ConnectionTrait, SqliteTransactionMode, TransactionOptions, TransactionTrait};
use serde_json::{Value, json};

const CREATE: &str =
    "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }";

async fn post(
    client: &reqwest::Client,
    base: &str,
    query: &str,
    variables: Value,
    token: &str,
) -> (u16, Option<String>, Value) {
    let response = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, retry, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_held_sqlite_lock_is_unavailable_and_readers_keep_going() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let admin = app.admin();
    // Another process's long write: the lock taken and kept.
    let holder = app
        .db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .unwrap();
    holder
        .execute_unprepared("INSERT INTO region (code, name) VALUES ('HOLD', 'HOLD')")
        .await
        .unwrap();
    // Twelve writers queue behind it (more than the pool's eight connections)…
    let writers: Vec<_> = (0..12)
        .map(|i| {
            let client = app.client().clone();
            let base = app.base_url.clone();
            let admin = admin.clone();
            tokio::spawn(async move {
                post(
                    &client,
                    &base,
                    CREATE,
                    json!({"c": format!("W{i}")}),
                    &admin,
                )
                .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // …and readers still answer at once.
    for _ in 0..5 {
        let started = Instant::now();
        let data = app.ok(None, "{ regions { totalCount } }", json!({})).await;
        assert_eq!(data["regions"]["totalCount"], 0);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "a read took {:?}",
            started.elapsed()
        );
    }
    for writer in writers {
        let (status, retry, body) = writer.await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
            "{body:#}"
        );
        assert_eq!(body["errors"][0]["extensions"]["retryAfter"], 5, "{body:#}");
        assert_eq!(status, 503);
        assert_eq!(retry.as_deref(), Some("5"));
    }
    holder.rollback().await.unwrap();
    // Once the lock is free, writes go through.
    app.ok(Some(&admin), CREATE, json!({"c": "AFTER"})).await;
}

/// A TCP forwarder in front of PostgreSQL that can go down: it then cuts every connection and
/// closes new ones at once, as a database server that went away.
struct Outage {
    address: std::net::SocketAddr,
    down: Arc<AtomicBool>,
}

impl Outage {
    async fn start(target: std::net::SocketAddr) -> Outage {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let down = Arc::new(AtomicBool::new(false));
        let flag = down.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if flag.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let flag = flag.clone();
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::select! {
                        _ = pump(cr, sw) => {}
                        _ = pump(sr, cw) => {}
                        _ = async { while !flag.load(Ordering::SeqCst) { tokio::time::sleep(Duration::from_millis(20)).await } } => {}
                    }
                });
            }
        });
        Outage { address, down }
    }
}

async fn pump(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf) {
    let _ = tokio::io::copy(&mut from, &mut to).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_postgres_is_unavailable() {
    let Some(app) = TestApp::start(Backend::Postgres).await else {
        return;
    };
    let (scheme_user, rest) = app.database_url.split_once('@').unwrap();
    let (host_port, database) = rest.split_once('/').unwrap();
    let outage = Outage::start(host_port.parse().unwrap()).await;
    let proxied = format!("{scheme_user}@{}/{database}", outage.address);
    let listen = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut server = std::process::Command::new(leerroute_binary())
        .args([
            "serve",
            "--listen",
            &listen.to_string(),
            "--database-url",
            &proxied,
        ])
        .env("LEERROUTE_JWT_SECRET", &app.secrets.jwt)
        .env("LEERROUTE_LINK_SECRET", &app.secrets.link)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(client.get(format!("{base}/readyz")).send().await, Ok(r) if r.status() == 200) {
        assert!(Instant::now() < deadline, "never ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let admin = app.admin();
    let (status, _, body) = post(&client, &base, CREATE, json!({"c": "UP"}), &admin).await;
    assert_eq!(status, 200, "{body:#}");
    outage.down.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let (status, retry, body) = post(&client, &base, CREATE, json!({"c": "DOWN"}), &admin).await;
    let read = post(
        &client,
        &base,
        "{ regions { totalCount } }",
        json!({}),
        &admin,
    )
    .await;
    outage.down.store(false, Ordering::SeqCst);
    let (after_status, _, after) = post(&client, &base, CREATE, json!({"c": "BACK"}), &admin).await;
    server.kill().ok();
    server.wait().ok();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body:#}"
    );
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], 5);
    assert_eq!((status, retry.as_deref()), (503, Some("5")));
    assert_eq!(
        read.2["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{:#}",
        read.2
    );
    assert!(started.elapsed() < Duration::from_secs(35));
    assert_eq!(after_status, 200, "{after:#}");
    assert!(after.get("errors").is_none(), "recovers: {after:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pupil_reads_do_not_wait_for_the_sqlite_write_lock() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let admin = app.admin();
    app.ok(Some(&admin), CREATE, json!({"c": "AMS"})).await;
    app.ok(Some(&admin), "mutation { createSchool(input: {regionCode: \"AMS\", brin: \"11AA\", name: \"Vo\", sector: VO}) { school { id } } }", json!({})).await;
    let rows: Vec<String> = (0..5)
        .map(|n| {
            format!(
                "{},11AA,TL,E&O,2023-2024,2024-06-03,25180,2024-03-01,",
                leerroute_tests::bsn(n)
            )
        })
        .collect();
    let csv = format!("{}\n{}\n", leerroute_tests::VO_HEADER, rows.join("\n"));
    let out = app.cli_import("vo-leavers", &csv);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An import's transaction: the main file's write lock, held.
    let holder = app
        .db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .unwrap();
    holder
        .execute_unprepared("INSERT INTO region (code, name) VALUES ('HOLD', 'HOLD')")
        .await
        .unwrap();
    for _ in 0..3 {
        let started = Instant::now();
        let data = app
            .ok(
                Some(&admin),
                "{ students(first: 5) { totalCount nodes { id } } }",
                json!({}),
            )
            .await;
        assert_eq!(data["students"]["totalCount"], 5);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "a pupil read took {:?}",
            started.elapsed()
        );
    }
    holder.rollback().await.unwrap();
    // The reads are on record, and listed.
    let data = app
        .ok(
            Some(&admin),
            "{ auditEvents(first: 50, filter: {action: \"student.read\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["auditEvents"]["totalCount"], 15, "{data:#}");
}
