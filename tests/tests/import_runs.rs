//! Imports that survive their client and can be followed: a GraphQL import finishes when the
//! client goes away, `startImport` returns the queued run at once, `importRun(s)` show each
//! run's status and counts (or its row errors) to the school that uploaded it and to admin only,
//! and a run whose process died is marked failed.

use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;

use leerroute_tests::{TestApp, VO_HEADER, bsn, db_test};
use serde_json::{Value, json};

const IMPORT_VO: &str =
    "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows run { id status } } }";
const START: &str =
    "mutation($input: StartImportInput!) { startImport(input: $input) { run { id status kind } } }";
const RUN: &str = "query($id: ID!) { importRun(id: $id) { id kind status subject school { brin } rows created updated unchanged transitionsChanged errorCount errors { line column reason } startedAt finishedAt } }";

async fn region(app: &TestApp) {
    leerroute_tests::small_region(app, "AMS", "11AA", "22BB").await;
    app.ok(Some(&app.admin()), "mutation { createSchool(input: {regionCode: \"AMS\", brin: \"12AA\", name: \"12AA\", sector: VO}) { school { id } } }", json!({})).await;
}

fn leavers(range: std::ops::Range<u64>) -> String {
    let rows: Vec<String> = range
        .map(|n| format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(n)))
        .collect();
    format!("{VO_HEADER}\n{}\n", rows.join("\n"))
}

/// Polls `importRun(id:)` until the run has ended (bounded in time).
async fn finished(app: &TestApp, token: &str, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let body = app.ok(Some(token), RUN, json!({"id": id})).await;
        let status = body["importRun"]["status"].as_str().unwrap().to_owned();
        if !matches!(status.as_str(), "QUEUED" | "RUNNING") {
            return body["importRun"].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "run {id} never ended"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A complete HTTP/1.1 multipart request with `csv` bound to `variables.input.file`, written by
/// hand so that the test can close the connection itself (a client library keeps it open).
fn multipart_request(host: &str, token: &str, mutation: &str, csv: &str) -> Vec<u8> {
    let boundary = "leerroute-test-boundary";
    let operations = json!({ "query": mutation, "variables": { "input": { "file": null } } });
    let map = json!({ "0": ["variables.input.file"] });
    let part = |headers: &str, content: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; {headers}\r\n\r\n{content}\r\n")
    };
    let body = [
        part("name=\"operations\"", &operations.to_string()),
        part("name=\"map\"", &map.to_string()),
        part(
            "name=\"0\"; filename=\"big.csv\"\r\nContent-Type: text/csv",
            csv,
        ),
        format!("--{boundary}--\r\n"),
    ]
    .concat();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    [head.into_bytes(), body.into_bytes()].concat()
}

async fn runs_in_db(app: &TestApp) -> i64 {
    app.count_rows("import_run").await
}

/// Sends an import of `csv` over a connection of its own and hangs up the moment its run is
/// recorded (the run after the `before` there were), when the file has arrived and the import has
/// begun; returns the run's id.
async fn import_and_hang_up(app: &TestApp, token: &str, csv: &str, before: i64) -> String {
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let request = multipart_request(&address, token, IMPORT_VO, csv);
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    socket.write_all(&request).await.unwrap();
    let started = Instant::now();
    while runs_in_db(app).await == before {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import never started"
        );
        tokio::task::yield_now().await;
    }
    drop(socket);
    let runs = app
        .ok(
            Some(token),
            "{ importRuns(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    runs["importRuns"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

db_test!(
    an_import_runs_to_its_end_when_the_client_goes_away,
    |app: TestApp| async move {
        region(&app).await;
        // Big enough that the import is still running when the client hangs up (the run is
        // recorded before the rows are read), small enough for a debug build on a busy machine.
        let csv = leavers(0..5_000);
        let admin = app.admin();
        let id = import_and_hang_up(&app, &admin, &csv, 0).await;
        let run = finished(&app, &admin, &id).await;
        assert_eq!(run["status"], "DONE", "{run:#}");
        assert_eq!(run["created"], 5_000);
        assert_eq!(
            app.count_rows("student").await,
            5_000,
            "every row committed"
        );
    }
);

db_test!(
    an_import_runs_even_when_the_client_hangs_up_the_moment_its_run_appears,
    |app: TestApp| async move {
        region(&app).await;
        // Hanging up as soon as the run row is visible, again and again, catches a request that
        // records the run and only then starts the import (a dropped request never starts it).
        let admin = app.admin();
        const TIMES: u64 = 8;
        const ROWS: u64 = 200;
        for time in 0..TIMES {
            let csv = leavers(100_000 + time * ROWS..100_000 + (time + 1) * ROWS);
            let id = import_and_hang_up(&app, &admin, &csv, time as i64).await;
            let run = finished(&app, &admin, &id).await;
            assert_eq!(run["status"], "DONE", "attempt {time}: {run:#}");
            assert_eq!(run["created"], ROWS as i64, "attempt {time}");
        }
        assert_eq!(app.count_rows("student").await, (TIMES * ROWS) as i64);
    }
);

db_test!(
    start_import_returns_the_run_at_once_and_it_can_be_followed,
    |app: TestApp| async move {
        region(&app).await;
        let staff = app.staff("11AA");
        let started = app
            .upload_with(
                Some(&staff),
                START,
                json!({"kind": "VO_LEAVERS"}),
                &leavers(0..3_000),
            )
            .await;
        let run = &started["data"]["startImport"]["run"];
        assert!(
            ["QUEUED", "RUNNING"].contains(&run["status"].as_str().unwrap()),
            "{started:#}"
        );
        assert_eq!(run["kind"], "VO_LEAVERS");
        let id = run["id"].as_str().unwrap().to_owned();
        let done = finished(&app, &staff, &id).await;
        assert_eq!(done["status"], "DONE");
        assert_eq!(
            [
                &done["rows"],
                &done["created"],
                &done["updated"],
                &done["unchanged"]
            ],
            [&json!(3000), &json!(3000), &json!(0), &json!(0)]
        );
        assert_eq!(done["school"]["brin"], "11AA");
        assert_eq!(done["subject"], "staff-11AA");
        assert!(done["finishedAt"].is_string());

        // A refused file: the run says why, by line and column, without the file's values.
        let bad = format!(
            "{VO_HEADER}\n{},11AA,XX,E&O,2024-2025,2025-06-02,,,\n",
            bsn(7)
        );
        let started = app
            .upload_with(Some(&staff), START, json!({"kind": "VO_LEAVERS"}), &bad)
            .await;
        let refused_id = started["data"]["startImport"]["run"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let refused = finished(&app, &staff, &refused_id).await;
        assert_eq!(refused["status"], "REFUSED");
        assert_eq!(refused["errorCount"], 1);
        assert_eq!(refused["errors"][0]["line"], 2);
        assert_eq!(refused["errors"][0]["column"], "leerweg");
        assert!(refused["created"].is_null());
        assert!(!refused.to_string().contains(&bsn(7)) && !refused.to_string().contains("XX"));
        // The waiting mutation names the refused run too.
        let waited = app.upload(Some(&staff), IMPORT_VO, &bad).await;
        let named = waited["errors"][0]["extensions"]["details"]["run"]
            .as_str()
            .unwrap();
        assert_eq!(finished(&app, &staff, named).await["status"], "REFUSED");

        // Newest first, filtered; another school, a coordinator and anonymous see nothing.
        let list = "query($f: ImportRunFilterInput) { importRuns(filter: $f) { totalCount nodes { id status } } }";
        let own = app.ok(Some(&staff), list, json!({})).await;
        assert_eq!(own["importRuns"]["totalCount"], 3);
        assert_eq!(own["importRuns"]["nodes"][2]["id"], json!(id));
        let done_only = app
            .ok(
                Some(&staff),
                list,
                json!({"f": {"status": "DONE", "kind": "VO_LEAVERS"}}),
            )
            .await;
        assert_eq!(
            done_only["importRuns"]["nodes"],
            json!([{"id": id, "status": "DONE"}])
        );
        let other = app.staff("12AA");
        assert_eq!(
            app.ok(Some(&other), list, json!({})).await["importRuns"]["totalCount"],
            0
        );
        for token in [other.clone(), app.coordinator("AMS")] {
            assert_eq!(
                app.error_code(Some(&token), RUN, json!({"id": id})).await,
                "FORBIDDEN"
            );
            let node = app
                .gql(
                    Some(&token),
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({"id": id}),
                )
                .await;
            assert_eq!(
                node["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{node}"
            );
        }
        assert_eq!(
            app.error_code(None, list, json!({})).await,
            "UNAUTHENTICATED"
        );
        let node = app
            .ok(
                Some(&staff),
                "query($id: ID!) { node(id: $id) { ... on ImportRun { status } } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(node["node"]["status"], "DONE");
        let all = app
            .ok(
                Some(&app.admin()),
                list,
                json!({"f": {"schoolBrin": "11AA"}}),
            )
            .await;
        assert_eq!(all["importRuns"]["totalCount"], 3);
    }
);

db_test!(
    a_run_whose_process_died_is_marked_failed,
    |app: TestApp| async move {
        use sea_orm::ConnectionTrait;
        region(&app).await;
        // What a crash leaves: a run that was running, and one that waited in the queue.
        for status in ["running", "queued"] {
            let sql = format!(
                "INSERT INTO import_run (kind, subject, started_at, rows, created, updated, transitions_changed, status, unchanged, error_count, owner) \
                 VALUES ('vo-leavers', 'crashed', '2020-01-01T00:00:00Z', 0, 0, 0, 0, '{status}', 0, 0, 'pid:999999999:1')"
            );
            app.db.execute_unprepared(&sql).await.unwrap();
        }
        let admin = app.admin();
        let body = app.upload(Some(&admin), IMPORT_VO, &leavers(0..10)).await;
        assert_eq!(
            body["data"]["importVoLeavers"]["run"]["status"], "DONE",
            "{body:#}"
        );
        let list = app
            .ok(
                Some(&admin),
                "{ importRuns(first: 10) { nodes { subject status } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            list["importRuns"]["nodes"],
            json!([
                {"subject": "test-admin", "status": "DONE"},
                {"subject": "crashed", "status": "FAILED"},
                {"subject": "crashed", "status": "FAILED"},
            ])
        );
    }
);
