//! The browser pages over HTTP: GraphiQL and the dashboard load only embedded files from this
//! service, under a Content-Security-Policy that allows nothing else, with no inline script;
//! the embedded files are served with validators and nothing outside the table is served; the
//! dashboard's GraphQL documents validate and run against the real schema. (The pages running
//! in a real browser: tests/browser.)

use leerroute::web::{ASSETS, dashboard::DOCUMENTS};
use leerroute_tests::{Backend, TestApp, bsn, db_test, small_region};
use serde_json::{Value, json};

async fn app() -> TestApp {
    TestApp::start(Backend::Sqlite).await.expect("app")
}

async fn get(app: &TestApp, path: &str, accept: &str) -> reqwest::Response {
    app.client()
        .get(format!("{}{path}", app.base_url))
        .header("accept", accept)
        .send()
        .await
        .expect("GET")
}

/// The values of every `attribute="…"` in `html`.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').expect("closing quote")]
        })
        .collect()
}

/// Checks one page: headers, no inline script, and that everything it loads is ours and loads.
async fn check_page(app: &TestApp, path: &str) -> String {
    let response = get(app, path, "text/html,application/xhtml+xml").await;
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{path}: {csp}");
    }
    // Nothing but 'self', 'none', inline styles and data: is named as a source.
    for word in csp.split([' ', ';']).filter(|w| !w.is_empty()) {
        let allowed = word.ends_with("-src")
            || word.ends_with("-uri")
            || word.ends_with("-action")
            || word == "frame-ancestors"
            || ["'self'", "'none'", "'unsafe-inline'", "data:"].contains(&word);
        assert!(allowed, "{path}: unexpected source {word} in {csp}");
    }
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.expect("body");

    // Every script has a src: the policy would refuse an inline one anyway.
    let scripts = html.matches("<script").count();
    assert_eq!(scripts, attribute_values(&html, "src").len(), "{path}");
    let mut loaded = attribute_values(&html, "src");
    loaded.extend(
        attribute_values(&html, "href")
            .into_iter()
            .filter(|href| href.starts_with("/assets/")),
    );
    assert!(!loaded.is_empty());
    for url in loaded {
        assert!(url.starts_with("/assets/"), "{path} loads {url}");
        let asset = get(app, url, "*/*").await;
        assert_eq!(asset.status(), 200, "{url}");
        let kind = asset.headers()["content-type"].to_str().unwrap().to_owned();
        let expected = if url.ends_with(".js") {
            "text/javascript"
        } else if url.ends_with(".css") {
            "text/css"
        } else if url.ends_with(".svg") {
            "image/svg+xml"
        } else {
            "text/plain"
        };
        assert!(kind.starts_with(expected), "{url}: {kind}");
    }
    html
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary_for_browsers() {
    let app = app().await;
    let html = check_page(&app, "/graphql").await;
    assert!(html.contains("/assets/vendor/graphiql/graphiql.min.js"));
    assert!(html.contains("/assets/graphiql/init.js"));
}

#[tokio::test]
async fn the_dashboard_page_is_served_to_anyone_and_holds_no_data() {
    let app = app().await;
    let html = check_page(&app, "/dashboard").await;
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("/assets/vendor/echarts/echarts.min.js"));
    // The same bytes with or without a token: the numbers come from /graphql, not the page.
    let with_token = app
        .client()
        .get(format!("{}/dashboard", app.base_url))
        .bearer_auth(app.admin())
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert_eq!(html, with_token);
}

#[tokio::test]
async fn embedded_files_load_nothing_from_elsewhere() {
    for asset in ASSETS {
        let Ok(text) = std::str::from_utf8(asset.bytes) else {
            panic!("{} is not text", asset.path);
        };
        if asset.path.ends_with(".css") {
            // Every url(...) of a stylesheet is an inline data: URL or a path of ours.
            for (at, _) in text.match_indices("url(") {
                let target = text[at + 4..].trim_start_matches(['"', '\'']);
                assert!(
                    target.starts_with("data:")
                        || target.starts_with('/')
                        || target.starts_with('#'),
                    "{}: url({}…)",
                    asset.path,
                    &target[..target.len().min(40)]
                );
            }
        }
        if !asset.path.starts_with("vendor/") && !asset.path.ends_with(".svg") {
            // Our own scripts, styles and queries name no host at all.
            for scheme in ["http://", "https://", "//cdn", "unpkg", "jsdelivr"] {
                assert!(!text.contains(scheme), "{} contains {scheme}", asset.path);
            }
        }
    }
}

#[tokio::test]
async fn assets_are_revalidated_and_only_listed_files_are_served() {
    let app = app().await;
    let first = get(&app, "/assets/dashboard/main.js", "*/*").await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .client()
        .get(format!("{}/assets/dashboard/main.js", app.base_url))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    let other = get(&app, "/assets/dashboard/api.js", "*/*").await;
    assert_ne!(other.headers()["etag"].to_str().unwrap(), etag);

    for path in [
        "/assets/nope.js",
        "/assets/dashboard/index.html",
        "/assets/vendor/package.json",
        "/assets/vendor/update.sh",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/src/lib.rs",
        "/assets/dashboard/../../src/lib.rs",
    ] {
        assert_eq!(get(&app, path, "*/*").await.status(), 404, "{path}");
    }
}

/// Variables that make each dashboard document run the way the page runs it.
fn variables_of(name: &str) -> Vec<Value> {
    let filter = json!({"cohorts": ["2024-2025"]});
    match name {
        "DashboardViewer" => vec![json!({})],
        "DashboardNames" => vec![json!({"regionCode": "REG"}), json!({"regionCode": null})],
        "DashboardCohorts" => vec![json!({"filter": {}})],
        "DashboardFlow" => vec![
            json!({"filter": filter, "pairs": ["VO_SCHOOL", "MBO_SCHOOL"], "sources": ["VO_SCHOOL"], "targets": ["MBO_SCHOOL"]}),
            json!({"filter": filter, "pairs": ["LEERWEG", "LEVEL"], "sources": ["LEERWEG"], "targets": ["LEVEL"]}),
        ],
        "DashboardRates" => vec![
            json!({"filter": filter, "groupBy": ["COHORT", "VO_SCHOOL"]}),
            json!({"filter": filter, "groupBy": ["COHORT", "MBO_SCHOOL"]}),
            json!({"filter": filter, "groupBy": ["COHORT", "LEERLAB"]}),
        ],
        "DashboardNeeds" => vec![json!({"filter": filter})],
        "DashboardSignals" => vec![json!({"schoolBrin": "11AA"}), json!({"schoolBrin": null})],
        "DashboardSchoolYear" => vec![json!({})],
        "DashboardPipeline" => vec![
            json!({"filter": {"schoolYear": "2025-2026"}}),
            json!({"filter": {"schoolYear": "2025-2026", "voSchoolBrin": "11AA"}}),
        ],
        other => panic!("no variables for {other}: add them here"),
    }
}

db_test!(
    the_dashboard_documents_run_for_a_coordinator,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let coordinator = app.coordinator("REG");
        // Signals are pupil data: the page asks for them only with a token that may read them.
        let rmc = rmc(&app, "REG");
        assert!(DOCUMENTS.len() >= 9);
        for (name, document) in DOCUMENTS {
            assert!(
                document.contains(&format!("query {name}")),
                "{name} is the operation's name"
            );
            // The page loads the document over HTTP: the served text is this text.
            let file = match *name {
                "DashboardViewer" => "viewer",
                "DashboardNames" => "names",
                "DashboardCohorts" => "cohorts",
                "DashboardFlow" => "flow",
                "DashboardRates" => "rates",
                "DashboardNeeds" => "needs",
                "DashboardSignals" => "signals",
                "DashboardSchoolYear" => "schoolyear",
                "DashboardPipeline" => "pipeline",
                other => panic!("{other}"),
            };
            let served = get(
                &app,
                &format!("/assets/dashboard/queries/{file}.graphql"),
                "*/*",
            )
            .await
            .text()
            .await
            .unwrap();
            assert_eq!(&served, document);
            let token = if *name == "DashboardSignals" {
                &rmc
            } else {
                &coordinator
            };
            for variables in variables_of(name) {
                let body = app.gql(Some(token), document, variables).await;
                assert!(body.get("errors").is_none(), "{name}: {body:#}");
            }
        }
    }
);

db_test!(
    the_dashboard_documents_answer_only_in_scope,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        small_region(&app, "OTH", "33CC", "44DD").await;
        let (_, rates) = DOCUMENTS
            .iter()
            .find(|(name, _)| *name == "DashboardRates")
            .unwrap();
        let vars = |filter: Value| json!({"filter": filter, "groupBy": ["COHORT", "VO_SCHOOL"]});
        // Anonymous gets nothing; another region's coordinator, another school's staff neither.
        let anonymous = app.gql(None, rates, vars(json!({}))).await;
        assert_eq!(
            anonymous["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
        let other_region = app
            .gql(
                Some(&app.coordinator("OTH")),
                rates,
                vars(json!({"regionCode": "REG"})),
            )
            .await;
        assert_eq!(other_region["errors"][0]["extensions"]["code"], "FORBIDDEN");
        let other_school = app
            .gql(
                Some(&app.staff("33CC")),
                rates,
                vars(json!({"voSchoolBrin": "11AA"})),
            )
            .await;
        assert_eq!(other_school["errors"][0]["extensions"]["code"], "FORBIDDEN");
        let own_school = app
            .gql(
                Some(&app.staff("11AA")),
                rates,
                vars(json!({"voSchoolBrin": "11AA"})),
            )
            .await;
        assert!(own_school.get("errors").is_none(), "{own_school:#}");
    }
);

fn rmc(app: &TestApp, region: &str) -> String {
    app.token(
        leerroute::auth::Role::Rmc,
        Some(region),
        None,
        Some(&format!("rmc-{region}")),
    )
}

fn document(name: &str) -> &'static str {
    DOCUMENTS.iter().find(|(n, _)| *n == name).unwrap().1
}

/// The `(open, inProgress)` counts `DashboardSignals` answers for `token`, or its error code.
async fn signal_counts(
    app: &TestApp,
    token: &str,
    school: Option<&str>,
) -> Result<(i64, i64), String> {
    let body = app
        .gql(
            Some(token),
            document("DashboardSignals"),
            json!({"schoolBrin": school}),
        )
        .await;
    if let Some(code) = body["errors"][0]["extensions"]["code"].as_str() {
        return Err(code.to_owned());
    }
    let count = |alias: &str| body["data"][alias]["totalCount"].as_i64().unwrap();
    Ok((count("open"), count("inProgress")))
}

db_test!(
    the_dashboard_signal_counts_are_the_tokens_own,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        small_region(&app, "OTH", "33CC", "44DD").await;
        // Three pupils of 11AA and one of 33CC in year 4 without an application: NO_APPLICATION
        // from 1 April. One of 11AA's signals is then taken up.
        let roster = format!(
            "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code\n{}\n",
            [(1, "11AA"), (2, "11AA"), (3, "11AA"), (4, "33CC")]
                .map(|(n, brin)| format!("{},{brin},TL,E&O,2025-2026,4,", bsn(n)))
                .join("\n")
        );
        let path = app.write_file("roster.csv", &roster);
        let out = app
            .cli_command(&["import", "vo-pupils", path.to_str().unwrap()])
            .env("LEERROUTE_TODAY", "2026-04-02")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let admin = app.admin();
        let first = app
            .ok(
                Some(&admin),
                "{ signals(filter: {schoolBrin: \"11AA\"}, first: 1) { nodes { id } } }",
                json!({}),
            )
            .await["signals"]["nodes"][0]["id"]
            .clone();
        app.ok(
            Some(&admin),
            "mutation($i: UpdateSignalInput!) { updateSignal(input: $i) { signal { status } } }",
            json!({"i": {"id": first, "status": "IN_PROGRESS"}}),
        )
        .await;

        assert_eq!(signal_counts(&app, &admin, Some("11AA")).await, Ok((2, 1)));
        assert_eq!(signal_counts(&app, &admin, None).await, Ok((3, 1)));
        let own = rmc(&app, "REG");
        assert_eq!(signal_counts(&app, &own, Some("11AA")).await, Ok((2, 1)));
        assert_eq!(signal_counts(&app, &own, None).await, Ok((2, 1)));
        assert_eq!(
            signal_counts(&app, &app.staff("11AA"), Some("11AA")).await,
            Ok((2, 1))
        );
        // Another region's rmc and another school's staff count none of them.
        let other = rmc(&app, "OTH");
        assert_eq!(signal_counts(&app, &other, Some("11AA")).await, Ok((0, 0)));
        assert_eq!(signal_counts(&app, &other, None).await, Ok((1, 0)));
        assert_eq!(
            signal_counts(&app, &app.staff("33CC"), Some("11AA")).await,
            Ok((0, 0))
        );
        // A coordinator never reads pupil data, not even as a count of signals.
        assert_eq!(
            signal_counts(&app, &app.coordinator("REG"), Some("11AA")).await,
            Err("FORBIDDEN".into())
        );
    }
);
