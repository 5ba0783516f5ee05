//! The demo's pipeline (`seed --demo` on a demo date): third- and fourth-year pupils of the
//! Amsterdam leerlab, applications in every status, and signals of every kind, idempotent.

use std::{
    collections::BTreeSet,
    process::Stdio,
    time::{Duration, Instant},
};

use leerroute::auth::Role;
use leerroute_tests::{TestApp, db_test};
use serde_json::{Value, json};

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

/// The queries of the README's *First queries*, each with the token its first line names
/// (`# … (leerroute token --role ROLE [--region CODE] [--school BRIN]): …`).
fn readme_first_queries() -> Vec<(String, Option<String>, Option<String>, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("### First queries")
        .expect("README has *First queries*");
    let section = &readme[start..];
    let end = ["\n## ", "\n### "]
        .iter()
        .filter_map(|heading| section[4..].find(heading))
        .min()
        .map_or(section.len(), |end| end + 4);
    let section = &section[..end];
    let blocks: Vec<&str> = section
        .split("```graphql\n")
        .skip(1)
        .map(|block| &block[..block.find("\n```").expect("a closed block")])
        .collect();
    blocks
        .into_iter()
        .map(|query| {
            let first = query.lines().next().unwrap();
            let command = &first[first.find("(leerroute token ").expect("names its token")..];
            let command = &command[..command.find(')').unwrap()];
            let flag = |name: &str| {
                let words: Vec<&str> = command.split_whitespace().collect();
                words
                    .iter()
                    .position(|w| *w == name)
                    .map(|i| words[i + 1].to_owned())
            };
            (
                flag("--role").expect("a role"),
                flag("--region"),
                flag("--school"),
                query.to_owned(),
            )
        })
        .collect()
}

/// Whether every list of a response has something: connections their nodes, statistics their
/// rows.
fn everything_to_show(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            let nodes = map
                .get("nodes")
                .is_none_or(|n| n.as_array().is_some_and(|a| !a.is_empty()));
            let rows = map
                .get("rows")
                .is_none_or(|r| r.as_array().is_some_and(|a| !a.is_empty()));
            nodes && rows && map.values().all(everything_to_show)
        }
        Value::Array(items) => items.iter().all(everything_to_show),
        _ => true,
    }
}

db_test!(
    the_first_queries_of_the_readme_work_on_the_demo,
    |app: TestApp| async move {
        let queries = readme_first_queries();
        assert_eq!(
            queries.len(),
            3,
            "a decaan's, a Verbinder's and an RMC officer's"
        );
        let roles: BTreeSet<&str> = queries.iter().map(|(role, ..)| role.as_str()).collect();
        assert_eq!(roles, ["coordinator", "rmc", "school_staff"].into());
        // The real `serve --demo`, on the demo date.
        let listen = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let mut server = app
            .cli_command(&["serve", "--demo", "--listen", &listen.to_string()])
            .env("LEERROUTE_TODAY", "2026-12-02")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let client = reqwest::Client::new();
        let base = format!("http://{listen}");
        let deadline = Instant::now() + Duration::from_secs(120);
        while !matches!(client.get(format!("{base}/readyz")).send().await, Ok(r) if r.status() == 200)
        {
            assert!(Instant::now() < deadline, "never ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut answers = Vec::new();
        for (role, region, school, query) in &queries {
            let role = Role::parse_claim(role).expect("a role of the README");
            let token = app.token(role, region.as_deref(), school.as_deref(), None);
            let body: Value = client
                .post(format!("{base}/graphql"))
                .bearer_auth(token)
                .json(&json!({ "query": query }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answers.push(body);
        }
        server.kill().ok();
        server.wait().ok();
        for (body, (role, ..)) in answers.iter().zip(&queries) {
            assert!(body.get("errors").is_none(), "{role}: {body:#}");
            assert!(everything_to_show(&body["data"]), "{role}: {body:#}");
        }
    }
);
