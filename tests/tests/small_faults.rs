//! Small faults answered with a clear error or a clear start-up refusal (issue 11, item 6): dates
//! at the calendar's ends, NUL characters, huge search strings, an unreachable or misnamed
//! database, a read-only SQLite file, `/readyz` during an outage, log output, the write-ahead log
//! after a seed and an import, planner statistics after an import, and `leerroute backup`.

use std::{
    process::Stdio,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use leerroute_tests::{
    Backend, TestApp, VO_HEADER, bsn, db_test, first_error_code, leerroute_binary,
};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// Region `code` with vo school 11AA and mbo school 22BB.
async fn region_with_schools(app: &TestApp, code: &str) {
    let admin = app.admin();
    app.ok(
        Some(&admin),
        "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }",
        json!({"c": code}),
    )
    .await;
    for (brin, sector) in [("11AA", "VO"), ("22BB", "MBO")] {
        app.ok(Some(&admin), "mutation($c: String!, $b: String!, $s: Sector!) { createSchool(input: {regionCode: $c, brin: $b, name: $b, sector: $s}) { school { id } } }", json!({"c": code, "b": brin, "s": sector})).await;
    }
}

fn leavers(n: u64) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{},11AA,TL,E&O,2023-2024,2024-06-03,25180,2024-03-01,",
                bsn(i)
            )
        })
        .collect();
    format!("{VO_HEADER}\n{}\n", rows.join("\n"))
}

db_test!(
    planning_weeks_at_the_calendars_end_is_bad_input,
    |app: TestApp| async move {
        region_with_schools(&app, "AMS").await;
        let token = app.coordinator("AMS");
        for (from, to) in [
            ("+262142-12-30", "+262142-12-31"),
            ("9999-12-27", "9999-12-31"),
            ("-0001-01-01", "0001-01-08"),
        ] {
            let body = app
                .gql(
                    Some(&token),
                    "query($f: Date!, $t: Date!) { planningWeeks(schoolBrins: [\"11AA\"], from: $f, to: $t) { week } }",
                    json!({"f": from, "t": to}),
                )
                .await;
            if from.starts_with("9999") {
                // Inside the calendar: an answer (the last Monday of 9999), not a panic.
                assert!(body.get("errors").is_none(), "{body:#}");
                assert_eq!(body["data"]["planningWeeks"][0]["week"], "9999-W52");
            } else {
                assert_eq!(
                    first_error_code(&body).as_deref(),
                    Some("BAD_USER_INPUT"),
                    "{body:#}"
                );
            }
        }
        // The connection survived: the service still answers.
        app.ok(None, "{ regions { totalCount } }", json!({})).await;
    }
);

db_test!(nul_characters_are_bad_input, |app: TestApp| async move {
    let admin = app.admin();
    let create = "mutation($n: String!) { createRegion(input: {code: \"NUL\", name: $n}) { region { id } } }";
    let body = app.gql(Some(&admin), create, json!({"n": "a\u{0}b"})).await;
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body:#}"
    );
    let literal =
        "mutation { createRegion(input: {code: \"NUL\", name: \"a\\u0000b\"}) { region { id } } }";
    let body = app.gql(Some(&admin), literal, json!({})).await;
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body:#}"
    );
    let filter = "{ schools(filter: {name: \"x\\u0000\"}) { totalCount } }";
    let body = app.gql(None, filter, json!({})).await;
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body:#}"
    );
    assert_eq!(app.count_rows("region").await, 0);
});

db_test!(
    megabyte_search_strings_are_bad_input,
    |app: TestApp| async move {
        // A megabyte (10^6 bytes) fits the JSON body limit (1024 KiB); a longer body is 413.
        let long = "a".repeat(1_000_000);
        for field in ["name", "city"] {
            let query = format!(
                "query($t: String!) {{ schools(filter: {{{field}: $t}}) {{ totalCount }} }}"
            );
            let body = app.gql(None, &query, json!({"t": long})).await;
            assert_eq!(
                first_error_code(&body).as_deref(),
                Some("BAD_USER_INPUT"),
                "{body:#}"
            );
            assert_eq!(
                body["errors"][0]["extensions"]["field"],
                format!("filter.{field}")
            );
            assert!(
                !body.to_string().contains(&"a".repeat(300)),
                "the text is not echoed"
            );
        }
        // 200 characters are fine.
        let query = "query($t: String!) { schools(filter: {name: $t}) { totalCount } }";
        let data = app.ok(None, query, json!({"t": "a".repeat(200)})).await;
        assert_eq!(data["schools"]["totalCount"], 0);
    }
);

fn leerroute(args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(leerroute_binary());
    command
        .args(args)
        .env(
            "LEERROUTE_JWT_SECRET",
            "jwt-secret-of-the-test-0123456789abcdef",
        )
        .env(
            "LEERROUTE_LINK_SECRET",
            "link-secret-of-the-test-0123456789abcdef",
        )
        .env("RUST_LOG", "warn")
        .env_remove("LEERROUTE_DATABASE_URL")
        .env_remove("LEERROUTE_LOG_FORMAT");
    command
}

#[test]
fn unreachable_postgres_fails_fast_and_says_why() {
    // Port 1 on the loopback: nothing listens, the kernel refuses at once.
    let url = "postgres://leerroute:hunter2-secret@127.0.0.1:1/leerroute";
    let started = Instant::now();
    let out = leerroute(&["migrate", "--database-url", url])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(stderr.to_lowercase().contains("refused"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn database_urls_are_never_printed_with_their_password() {
    for url in [
        "mysql://leerroute:hunter2-secret@127.0.0.1/leerroute",
        "postgres://leerroute:hunter2-secret@127.0.0.1:notaport/leerroute",
        "postgres://leerroute:hunter2-secret@no-such-host.invalid/leerroute",
    ] {
        let out = leerroute(&["migrate", "--database-url", url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{url}");
        assert!(stderr.contains("cannot open database"), "{stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
}

#[test]
fn a_read_only_sqlite_database_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    let url = format!("sqlite://{}", path.display());
    let out = leerroute(&["migrate", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read_only = format!("{url}?mode=ro");
    let mut serve = leerroute(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &read_only,
    ])
    .stdin(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = serve.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            serve.kill().ok();
            panic!("`serve` on a read-only database is still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut serve.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains("cannot be written"), "{stderr}");
}

#[test]
fn logs_are_plain_without_a_terminal_and_json_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("log.db").display());
    let out = leerroute(&["migrate", "--database-url", &url])
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    let plain = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !plain.trim().is_empty(), "{plain}");
    assert!(!plain.contains('\u{1b}'), "colour codes in {plain:?}");
    let out = leerroute(&["migrate", "--database-url", &url, "--down", "1"])
        .env("RUST_LOG", "info")
        .env("LEERROUTE_LOG_FORMAT", "json")
        .output()
        .unwrap();
    let json_lines = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !json_lines.trim().is_empty(),
        "{json_lines}"
    );
    for line in json_lines.lines() {
        let event: Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(
            event["level"].is_string() && event["fields"].is_object(),
            "{line}"
        );
    }
}

/// Opens a copy of the `.db` file alone (no `-wal`, no `-shm`) and counts a table's rows.
async fn rows_in_copy_of(path: &std::path::Path, table: &str) -> i64 {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::copy(path, &copy).unwrap();
    let db = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", copy.display()))
        .await
        .unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .map(|row| row.map(|r| r.try_get::<i64>("", "n").unwrap()).unwrap_or(0))
        .unwrap_or(-1);
    db.close().await.ok();
    row
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_sqlite_file_holds_the_seed_and_the_import() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let path = leerroute::db::sqlite_path(&app.database_url).unwrap();
    let out = app.cli(&["seed", "--demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows_in_copy_of(&path, "region").await, 2);
    // An import through the running service, whose pool keeps the database open.
    let mutation = "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows } }";
    let before = rows_in_copy_of(&path, "student").await;
    region_with_schools(&app, "TST").await;
    let body = app.upload(Some(&app.admin()), mutation, &leavers(50)).await;
    assert_eq!(body["data"]["importVoLeavers"]["rows"], 50, "{body:#}");
    assert_eq!(rows_in_copy_of(&path, "student").await, before + 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_on_postgres_leave_the_planner_statistics() {
    let Some(app) = TestApp::start(Backend::Postgres).await else {
        return;
    };
    region_with_schools(&app, "AMS").await;
    let mutation = "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows } }";
    let body = app.upload(Some(&app.admin()), mutation, &leavers(20)).await;
    assert_eq!(body["data"]["importVoLeavers"]["rows"], 20, "{body:#}");
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT (last_analyze IS NOT NULL) AS analysed FROM pg_stat_user_tables WHERE relname = 'student'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(row.try_get::<bool>("", "analysed").unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_copies_a_running_sqlite_database() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let out = app.cli(&["seed", "--demo"]);
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.db");
    let target_arg = target.to_str().unwrap();
    let out = app.cli(&["backup", target_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows_in_copy_of(&target, "region").await, 2);
    let again = app.cli(&["backup", target_arg]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let pg = leerroute(&[
        "backup",
        target_arg,
        "--database-url",
        "postgres://u@127.0.0.1:1/x",
    ])
    .output()
    .unwrap();
    assert!(String::from_utf8_lossy(&pg.stderr).contains("pg_dump"));
}

/// A TCP forwarder in front of a database that can freeze: connections stay open, nothing passes.
struct Freezer {
    address: std::net::SocketAddr,
    frozen: Arc<AtomicBool>,
}

impl Freezer {
    async fn start(target: std::net::SocketAddr) -> Freezer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let frozen = Arc::new(AtomicBool::new(false));
        let flag = frozen.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let flag = flag.clone();
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::join!(pump(cr, sw, flag.clone()), pump(sr, cw, flag));
                });
            }
        });
        Freezer { address, frozen }
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    frozen: Arc<AtomicBool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let Ok(n) = from.read(&mut buffer).await else {
            return;
        };
        if n == 0 {
            return;
        }
        while frozen.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_answers_within_a_second_during_an_outage() {
    let Some(app) = TestApp::start(Backend::Postgres).await else {
        return;
    };
    let url = app.database_url.clone();
    let (scheme_user, rest) = url.split_once('@').unwrap();
    let (host_port, database) = rest.split_once('/').unwrap();
    let target: std::net::SocketAddr = host_port.parse().unwrap();
    let freezer = Freezer::start(target).await;
    let proxied = format!("{scheme_user}@{}/{database}", freezer.address);
    let listen = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut server = leerroute(&[
        "serve",
        "--listen",
        &listen.to_string(),
        "--database-url",
        &proxied,
    ])
    .stdin(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let client = reqwest::Client::new();
    let readyz = format!("http://{listen}/readyz");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(&readyz).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline, "never ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    freezer.frozen.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let response = client.get(&readyz).send().await.unwrap();
    let took = started.elapsed();
    server.kill().ok();
    server.wait().ok();
    assert_eq!(response.status(), 503);
    assert!(took < Duration::from_secs(1), "took {took:?}");
}
