//! `GET /metrics` (DESIGN.md section 3; issue #14): OpenMetrics 1.0, or the Prometheus text
//! format when asked for; anonymous only from `LEERROUTE_METRICS_ALLOW`; bounded labels that
//! never hold a token, a subject, a query text or pupil data.

use std::collections::{BTreeSet, HashMap};

use leerroute::config::ServiceArgs;
use leerroute_tests::{Options, TestApp, VO_HEADER, bsn, db_test, small_region};
use serde_json::{Value, json};

fn allow(nets: &[&str], proxies: &[&str]) -> Options {
    Options {
        auth: None,
        service: Some(ServiceArgs {
            metrics_allow: nets
                .iter()
                .map(|n| leerroute::net::parse_net(n).unwrap())
                .collect(),
            trusted_proxies: proxies
                .iter()
                .map(|n| leerroute::net::parse_net(n).unwrap())
                .collect(),
            ..ServiceArgs::default()
        }),
    }
}

fn elsewhere() -> Options {
    allow(&["10.0.0.0/8"], &[])
}

fn behind_a_proxy() -> Options {
    allow(&["127.0.0.0/8"], &["127.0.0.1"])
}

async fn scrape(app: &TestApp, token: Option<&str>, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client().get(format!("{}/metrics", app.base_url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

db_test!(
    metrics_from_outside_the_allow_list_need_an_admin_token,
    elsewhere,
    |app: TestApp| async move {
        let response = scrape(&app, None, &[]).await;
        assert_eq!(response.status(), 401);
        // A forged X-Forwarded-For does not move the caller inside the list.
        let forged = scrape(&app, None, &[("x-forwarded-for", "10.1.2.3")]).await;
        assert_eq!(forged.status(), 401);
        let staff = scrape(&app, Some(&app.staff("11AA")), &[]).await;
        assert_eq!(staff.status(), 403);
        let bad = scrape(&app, Some("not-a-token"), &[]).await;
        assert_eq!(bad.status(), 401);
        let admin = scrape(&app, Some(&app.admin()), &[]).await;
        assert_eq!(admin.status(), 200);
        assert!(admin.text().await.unwrap().ends_with("# EOF\n"));
    }
);

db_test!(
    behind_a_trusted_proxy_the_client_address_decides,
    behind_a_proxy,
    |app: TestApp| async move {
        let outside = scrape(&app, None, &[("x-forwarded-for", "127.0.0.1, 203.0.113.5")]).await;
        assert_eq!(outside.status(), 401, "the rightmost address is the client");
        let inside = scrape(&app, None, &[("x-forwarded-for", "127.0.0.2")]).await;
        assert_eq!(inside.status(), 200);
    }
);

/// A sample's labels and value.
type Sample = (BTreeSet<(String, String)>, f64);
/// Samples by family.
type Families = HashMap<String, Vec<Sample>>;

/// The families and samples of an OpenMetrics text, checked line by line against the format:
/// every family has HELP and TYPE, every sample belongs to a declared family with a suffix its
/// type allows, label values are quoted, values are numbers, histograms end at `+Inf`, and the
/// text ends with `# EOF`.
fn parse_openmetrics(text: &str) -> Families {
    assert!(text.ends_with("# EOF\n"), "no EOF");
    let mut types: HashMap<String, String> = HashMap::new();
    let mut samples: Families = HashMap::new();
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        if *line == "# EOF" {
            assert_eq!(n, lines.len() - 1, "EOF before the end");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (kind, name) = (parts.next().unwrap(), parts.next().unwrap());
            let value = parts.next().unwrap_or_default();
            assert!(valid_name(name), "{line}");
            match kind {
                "TYPE" => {
                    assert!(
                        ["counter", "gauge", "histogram", "info", "unknown"].contains(&value),
                        "{line}"
                    );
                    assert!(
                        types.insert(name.to_owned(), value.to_owned()).is_none(),
                        "{line}"
                    );
                }
                "HELP" | "UNIT" => {}
                _ => panic!("unknown line {line}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
        let (name, labels) = match series.split_once('{') {
            Some((name, labels)) => (name, labels.strip_suffix('}').expect(line)),
            None => (series, ""),
        };
        let labels: BTreeSet<(String, String)> = if labels.is_empty() {
            BTreeSet::new()
        } else {
            labels
                .split("\",")
                .map(|pair| {
                    let (key, value) = pair.split_once("=\"").expect(line);
                    assert!(valid_name(key), "{line}");
                    (key.to_owned(), value.trim_end_matches('"').to_owned())
                })
                .collect()
        };
        let family = types
            .iter()
            .find(|(family, ty)| {
                let suffixes: &[&str] = match ty.as_str() {
                    "counter" => &["_total", "_created"],
                    "histogram" => &["_bucket", "_count", "_sum", "_created"],
                    _ => &[""],
                };
                suffixes.iter().any(|s| name == format!("{family}{s}"))
            })
            .unwrap_or_else(|| panic!("sample of no declared family: {line}"));
        samples
            .entry(family.0.clone())
            .or_default()
            .push((labels, value));
        let _ = name;
    }
    for (family, ty) in &types {
        if ty == "histogram" && samples.contains_key(family) {
            assert!(text.contains(&format!("{family}_bucket{{")), "{family}");
            assert!(text.contains("le=\"+Inf\""), "{family}");
        }
    }
    samples
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn label<'a>(labels: &'a BTreeSet<(String, String)>, key: &str) -> Option<&'a str> {
    labels
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

db_test!(
    metrics_count_operations_imports_and_pools_in_a_valid_format,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let admin = app.admin();
        app.ok(
            Some(&admin),
            "query CountedOne { viewer { role } }",
            json!({}),
        )
        .await;
        let body = app
            .gql(
                None,
                "query RefusedOne { auditEvents { totalCount } }",
                json!({}),
            )
            .await;
        assert!(body.get("errors").is_some());
        let csv = format!(
            "{VO_HEADER}\n{},11AA,TL,E&O,2025-2026,2026-05-12,,,\n",
            bsn(7)
        );
        let mutation =
            "mutation($input: ImportInput!) { importVoLeavers(input: $input) { created } }";
        let done = app.upload(Some(&admin), mutation, &csv).await;
        assert!(done.get("errors").is_none(), "{done}");
        let refused = app
            .upload(Some(&admin), mutation, "not,the,header\n1,2,3\n")
            .await;
        assert!(refused.get("errors").is_some(), "{refused}");

        let response = scrape(&app, None, &[]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/openmetrics-text; version=1.0.0; charset=utf-8"
        );
        let text = response.text().await.unwrap();
        let samples = parse_openmetrics(&text);
        let operations = &samples["leerroute_graphql_operations"];
        let count = |op: &str, status: &str| {
            operations
                .iter()
                .filter(|(l, _)| {
                    label(l, "operation") == Some(op) && label(l, "status") == Some(status)
                })
                .map(|(_, v)| *v)
                .sum::<f64>()
        };
        assert!(count("CountedOne", "ok") >= 1.0, "{text}");
        assert!(count("RefusedOne", "UNAUTHENTICATED") >= 1.0, "{text}");
        assert!(samples.contains_key("leerroute_graphql_operation_duration_seconds"));
        let imports = &samples["leerroute_imports"];
        for outcome in ["done", "refused"] {
            assert!(
                imports
                    .iter()
                    .any(|(l, v)| label(l, "kind") == Some("vo-leavers")
                        && label(l, "outcome") == Some(outcome)
                        && *v >= 1.0),
                "{outcome}: {text}"
            );
        }
        assert!(samples.contains_key("leerroute_import_duration_seconds"));
        let pools = &samples["leerroute_db_pool_connections"];
        let max = pools
            .iter()
            .find(|(l, _)| label(l, "pool") == Some("main") && label(l, "state") == Some("max"))
            .map(|(_, v)| *v);
        assert!(max.is_some_and(|m| m >= 1.0), "{text}");

        // The Prometheus text format on request, valid for promtool where it is installed.
        let response = scrape(&app, None, &[("accept", "text/plain;version=0.0.4;q=0.5")]).await;
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        let prometheus = response.text().await.unwrap();
        assert!(!prometheus.contains("# EOF") && !prometheus.contains("# UNIT"));
        assert!(prometheus.contains("# TYPE leerroute_graphql_operations_total counter"));
        if let Ok(mut child) = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(prometheus.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "promtool: {output:?}");
        }
        // A Prometheus scraper's own Accept gets OpenMetrics.
        let response = scrape(
            &app,
            None,
            &[(
                "accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            )],
        )
        .await;
        assert!(response.text().await.unwrap().ends_with("# EOF\n"));
    }
);

db_test!(
    operation_labels_are_bounded_and_hold_no_secrets,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let token = app.coordinator("REG");
        // 300 distinct names, in batches of ten.
        for batch in 0..30 {
            let operations: Vec<Value> = (0..10)
                .map(|i| json!({"query": format!("query Distinct{}_{} {{ viewer {{ role }} }}", batch, i)}))
                .collect();
            let response = app
                .client()
                .post(format!("{}/graphql", app.base_url))
                .bearer_auth(&token)
                .json(&operations)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        // A query whose text, arguments and token must not reach a label.
        let pgn = bsn(424_242);
        app.gql(
            Some(&token),
            &format!("query {{ school(brin: \"SECRET{pgn}\") {{ name }} }}"),
            json!({}),
        )
        .await;
        app.gql(
            Some(&token),
            "query Pupil($p: String!) { school(brin: $p) { name } }",
            json!({"p": pgn}),
        )
        .await;

        let text = scrape(&app, None, &[]).await.text().await.unwrap();
        let samples = parse_openmetrics(&text);
        let names: BTreeSet<&str> = samples["leerroute_graphql_operations"]
            .iter()
            .filter_map(|(l, _)| label(l, "operation"))
            .collect();
        assert!(
            names.len() <= leerroute::metrics::MAX_OPERATIONS + 1,
            "{} operation labels",
            names.len()
        );
        assert!(names.contains("other"));
        let ours = (0..30)
            .flat_map(|b| (0..10).map(move |i| format!("Distinct{b}_{i}")))
            .filter(|name| names.contains(name.as_str()))
            .count();
        assert!(ours < 300, "every one of 300 names got a label");
        for secret in [
            token.as_str(),
            "coordinator-REG",
            pgn.as_str(),
            "SECRET",
            "viewer",
            "{ ",
        ] {
            assert!(!text.contains(secret), "`{secret}` in the metrics");
        }
        // Every status is `ok` or an error code.
        for (labels, _) in &samples["leerroute_graphql_operations"] {
            let status = label(labels, "status").unwrap();
            assert!(
                status == "ok" || status.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{status}"
            );
        }
    }
);
