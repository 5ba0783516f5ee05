//! The demo's pipeline (`seed --demo` on a demo date): third- and fourth-year pupils of the
//! Amsterdam leerlab, applications in every status, and signals of every kind, idempotent.

use std::collections::BTreeSet;

use leerroute_tests::{TestApp, db_test};
use serde_json::json;

fn seed(app: &TestApp) {
    let out = app
        .cli_command(&["seed", "--demo"])
        .env("LEERROUTE_TODAY", "2026-12-02")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn kinds(app: &TestApp, query: &str, field: &str, key: &str) -> BTreeSet<String> {
    let body = app.ok(Some(&app.admin()), query, json!({})).await;
    body[field]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n[key].as_str().unwrap().to_owned())
        .collect()
}

db_test!(the_demo_pipeline_is_alive, |app: TestApp| async move {
    seed(&app);
    let signals = kinds(
        &app,
        "{ signals(filter: {status: OPEN}, first: 100) { nodes { kind } } }",
        "signals",
        "kind",
    )
    .await;
    assert_eq!(
        signals,
        [
            "DROPPED_OUT",
            "NOT_STARTED",
            "NO_ALTERNATIVE",
            "NO_APPLICATION"
        ]
        .map(String::from)
        .into(),
        "a signal of every kind on the demo date"
    );
    let mut statuses = BTreeSet::new();
    for status in [
        "RECEIVED",
        "INTAKE_PLANNED",
        "OFFERED",
        "NOT_ADMITTED",
        "WITHDRAWN",
        "ENROLLED",
    ] {
        let body = app
            .ok(Some(&app.admin()), "query($s: ApplicationStatus) { applications(filter: {status: $s, schoolYear: \"2026-2027\"}) { totalCount } }", json!({"s": status}))
            .await;
        if body["applications"]["totalCount"].as_i64().unwrap() > 0 {
            statuses.insert(status);
        }
    }
    assert_eq!(
        statuses.len(),
        5,
        "this year's applications: every status but enrolled: {statuses:?}"
    );
    let enrolled = app
        .ok(
            Some(&app.admin()),
            "{ applications(filter: {status: ENROLLED}) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(enrolled["applications"]["totalCount"].as_i64().unwrap() > 0);

    // The decaan's view: IJburg College's fourth-years without an application, with a signal.
    let decaan = app.staff("90IJ");
    let query = "query($f: StudentFilterInput) { students(filter: $f) { totalCount } }";
    let count = |filter| {
        let app = &app;
        let decaan = decaan.clone();
        async move {
            app.ok(Some(&decaan), query, json!({"f": filter})).await["students"]["totalCount"]
                .as_i64()
                .unwrap()
        }
    };
    let year4 = count(json!({"schoolYear": "2026-2027", "year": 4})).await;
    let year3 = count(json!({"schoolYear": "2026-2027", "year": 3, "status": "IN_SCHOOL"})).await;
    assert_eq!((year3, year4), (50, 50));
    let not_applied =
        count(json!({"schoolYear": "2026-2027", "year": 4, "hasApplication": false})).await;
    assert_eq!(not_applied, 10);
    let signalled = count(json!({"schoolYear": "2026-2027", "hasOpenSignal": true})).await;
    assert_eq!(signalled, 5, "the fourth-years refused with nothing else");

    // Seeding again changes nothing.
    let before = app.count_rows("application_status").await;
    seed(&app);
    assert_eq!(app.count_rows("application_status").await, before);
    assert_eq!(app.count_rows("signal").await, 68);
});
