//! Cost and rate, Shopify's model (DESIGN.md section 3, "Cost and rate"; issues #14 and #11.5):
//! `extensions.cost` on every response, budgets in cost points per caller and window, the
//! `x-ratelimit-*` headers on every door, and `X-Forwarded-For` believed only from a trusted
//! proxy.

use futures::{SinkExt, StreamExt};
use leerroute::config::ServiceArgs;
use leerroute_tests::{Backend, Options, TestApp, db_test, small_region};
use serde_json::{Value, json};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

/// Two connections nested: the cost the test expects is computed from their `first`s below.
const NESTED: &str = "query Nested { regions(first: 3) { totalCount nodes { code schools(first: 4) { nodes { brin name } } } } }";

/// The requested cost of [`NESTED`]: a field is 1 plus its children, a connection `first`
/// times its selection plus 1.
fn nested_requested() -> u64 {
    let schools_selection = 1 + 1 + 1; // nodes { brin name }
    let schools = 4 * schools_selection + 1;
    let regions_selection = 1 + (1 + 1 + schools); // totalCount, nodes { code schools }
    3 * regions_selection + 1
}

/// The actual cost of [`NESTED`] over `regions` regions of `schools` schools each.
fn nested_actual(regions: u64, schools: u64) -> u64 {
    let schools_cost = 1 + (1 + schools * 2);
    1 + 1 + (1 + regions * (1 + schools_cost))
}

fn limit(points: u64) -> impl Fn() -> Options {
    move || Options {
        auth: None,
        service: Some(ServiceArgs {
            rate_limit: points,
            ..ServiceArgs::default()
        }),
    }
}

fn limit_100() -> Options {
    limit(100)()
}

fn limit_5000() -> Options {
    limit(5000)()
}

/// POSTs `query` and returns status, `x-ratelimit-remaining` and the body.
async fn post(app: &TestApp, token: Option<&str>, query: &str) -> (u16, Option<u64>, Value) {
    post_with(app, token, query, &[]).await
}

async fn post_with(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<u64>, Value) {
    let mut request = app
        .client()
        .post(format!("{}/graphql", app.base_url))
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let remaining = remaining(response.headers());
    (status, remaining, response.json().await.unwrap())
}

fn remaining(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get("x-ratelimit-remaining")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn cost(body: &Value) -> (u64, u64) {
    let cost = &body["extensions"]["cost"];
    (
        cost["requestedQueryCost"]
            .as_u64()
            .unwrap_or_else(|| panic!("{body}")),
        cost["actualQueryCost"]
            .as_u64()
            .unwrap_or_else(|| panic!("{body}")),
    )
}

db_test!(
    a_nested_connection_costs_its_firsts_and_pays_what_it_returned,
    limit_100,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let token = app.coordinator("REG");
        let (status, left, body) = post(&app, Some(&token), NESTED).await;
        assert_eq!(status, 200, "{body}");
        let (requested, actual) = cost(&body);
        assert_eq!(requested, nested_requested(), "{body}");
        assert_eq!(actual, nested_actual(1, 2), "{body}");
        assert!(actual <= requested);
        let throttle = &body["extensions"]["cost"]["throttleStatus"];
        assert_eq!(throttle["maximumAvailable"], 100);
        assert_eq!(throttle["currentlyAvailable"], 100 - actual);
        assert_eq!(left, Some(100 - actual));
        assert!((throttle["restoreRate"].as_f64().unwrap() - 100.0 / 60.0).abs() < 1e-9);

        // The budget is spent by actual costs, and a request runs only while its requested
        // cost fits in what is left.
        let mut left = 100 - actual;
        while left >= requested {
            let (status, header, body) = post(&app, Some(&token), NESTED).await;
            assert_eq!(status, 200, "{body}");
            left -= actual;
            assert_eq!(header, Some(left));
        }
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .bearer_auth(&token)
            .json(&json!({ "query": NESTED }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        let retry: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
        assert_eq!(remaining(response.headers()), Some(left));
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
            "{body}"
        );
        assert!(
            body.get("data").is_none() || body["data"].is_null(),
            "{body}"
        );
        assert_eq!(cost(&body), (requested, 0));

        // What still fits still runs; another caller has a budget of their own.
        let (status, header, body) = post(&app, Some(&token), "{ viewer { role } }").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(cost(&body), (2, 2));
        assert_eq!(header, Some(left - 2));
        let other = app.coordinator("OTHER");
        let (_, other, _) = post(&app, Some(&other), "{ viewer { role } }").await;
        assert_eq!(other, Some(98));
    }
);

db_test!(
    a_query_that_could_never_fit_is_too_complex_and_refusals_cost_one,
    limit_100,
    |app: TestApp| async move {
        let token = app.admin();
        let huge = "{ regions(first: 100) { nodes { schools(first: 100) { nodes { name } } } } }";
        let (status, left, body) = post(&app, Some(&token), huge).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{body}"
        );
        assert_eq!(cost(&body), (100 * (1 + (100 * 2 + 1)) + 1, 1));
        assert_eq!(left, Some(99));
        // A parse error, a validation error and a refused token cost 1 each.
        let (_, left, body) = post(&app, Some(&token), "{ regions { ").await;
        assert_eq!(cost(&body).1, 1, "{body}");
        assert_eq!(left, Some(98));
        let (_, left, body) = post(&app, Some(&token), "{ noSuchField }").await;
        assert_eq!(cost(&body).1, 1, "{body}");
        assert_eq!(left, Some(97));
        let (status, _, body) = post(&app, Some("not-a-token"), "{ viewer { role } }").await;
        assert_eq!(status, 401);
        assert_eq!(cost(&body), (1, 1), "{body}");
        let (_, anonymous, _) = post(&app, None, "{ viewer { role } }").await;
        assert_eq!(
            anonymous,
            Some(100 - 1 - 2),
            "the address paid for the bad token"
        );
    }
);

db_test!(
    every_door_answers_with_the_rate_headers,
    limit_5000,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let token = app.coordinator("REG");
        let mut expected = 5000;
        let check = |headers: &reqwest::header::HeaderMap, expected: u64, door: &str| {
            assert_eq!(headers["x-ratelimit-limit"], "5000", "{door}");
            assert_eq!(remaining(headers), Some(expected), "{door}");
            let reset: u64 = headers["x-ratelimit-reset"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&reset), "{door}: {reset}");
        };

        let (_, _, body) = post(&app, Some(&token), NESTED).await;
        expected -= cost(&body).1;
        let response = app
            .get(
                &format!("/graphql?query={}", urlencode(NESTED)),
                Some(&token),
            )
            .await;
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        let body: Value = response.json().await.unwrap();
        expected -= cost(&body).1;
        check(&headers, expected, "GET /graphql");

        let response = app.get("/export/transition-stats.csv", Some(&token)).await;
        assert_eq!(response.status(), 200);
        expected -= leerroute::graphql::cost::EXPORT_CSV;
        check(response.headers(), expected, "CSV");

        let response = app.get("/calendar/REG.ics", Some(&token)).await;
        assert_eq!(response.status(), 200);
        expected -= leerroute::graphql::cost::CALENDAR;
        check(response.headers(), expected, ".ics");

        // A batch: each element costs and says so on its own.
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .bearer_auth(&token)
            .json(&json!([{ "query": NESTED }, { "query": "{ viewer { role } }" }]))
            .send()
            .await
            .unwrap();
        let headers = response.headers().clone();
        let body: Value = response.json().await.unwrap();
        assert_eq!(cost(&body[0]), (nested_requested(), nested_actual(1, 2)));
        assert_eq!(cost(&body[1]), (2, 2));
        expected -= nested_actual(1, 2) + 2;
        check(&headers, expected, "batch");

        // The CSV is weighed like transitionStats: a window too small for it refuses it.
        let single = "{ transitionStats(groupBy: []) { total { leavers } } }";
        let (_, _, body) = post(&app, Some(&token), single).await;
        assert_eq!(
            cost(&body).0,
            leerroute::graphql::cost::TRANSITION_STATS as u64,
            "{body}"
        );
    }
);

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

db_test!(
    websocket_operations_spend_from_the_same_budget,
    limit_100,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let token = app.coordinator("REG");
        let url = format!("{}/graphql/ws", app.base_url.replacen("http", "ws", 1));
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let mut socket = connect_async(request).await.unwrap().0;
        let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}});
        socket.send(Message::text(init.to_string())).await.unwrap();
        assert_eq!(next(&mut socket).await["type"], "connection_ack");
        let (requested, actual) = (nested_requested(), nested_actual(1, 2));
        let mut left = 100;
        let mut id = 0;
        while left >= requested {
            id += 1;
            let subscribe =
                json!({"id": id.to_string(), "type": "subscribe", "payload": {"query": NESTED}});
            socket
                .send(Message::text(subscribe.to_string()))
                .await
                .unwrap();
            let message = next(&mut socket).await;
            let payload = &message["payload"];
            assert!(payload.get("errors").is_none(), "{message}");
            assert_eq!(cost(payload), (requested, actual));
            left -= actual;
            assert_eq!(
                payload["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"],
                left
            );
        }
        let subscribe = json!({"id": "last", "type": "subscribe", "payload": {"query": NESTED}});
        socket
            .send(Message::text(subscribe.to_string()))
            .await
            .unwrap();
        let message = next(&mut socket).await;
        assert_eq!(
            message["payload"]["errors"][0]["extensions"]["code"], "RATE_LIMITED",
            "{message}"
        );
        // HTTP sees what the socket spent.
        let (status, header, _) = post(&app, Some(&token), NESTED).await;
        assert_eq!(status, 429);
        assert_eq!(header, Some(left));
    }
);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next message that is not a `complete`.
async fn next(socket: &mut Socket) -> Value {
    loop {
        if let Message::Text(text) = socket.next().await.unwrap().unwrap() {
            let message: Value = serde_json::from_str(&text).unwrap();
            if message["type"] != "complete" {
                return message;
            }
        }
    }
}

fn trusted_proxy() -> Options {
    Options {
        auth: None,
        service: Some(ServiceArgs {
            rate_limit: 100,
            trusted_proxies: vec![leerroute::net::parse_net("127.0.0.1").unwrap()],
            ..ServiceArgs::default()
        }),
    }
}

const CHEAP: &str = "{ viewer { role } }";

db_test!(
    forwarded_for_is_ignored_without_trusted_proxies,
    limit_100,
    |app: TestApp| async move {
        // Every anonymous request comes from 127.0.0.1, whatever it claims.
        let mut expected = 100;
        for claimed in ["203.0.113.1", "203.0.113.2", "198.51.100.7, 203.0.113.3"] {
            let (_, left, _) = post_with(&app, None, CHEAP, &[("x-forwarded-for", claimed)]).await;
            expected -= 2;
            assert_eq!(left, Some(expected), "{claimed}");
        }
    }
);

db_test!(
    forwarded_for_is_honoured_from_a_trusted_proxy_from_the_right,
    trusted_proxy,
    |app: TestApp| async move {
        let (_, left, _) =
            post_with(&app, None, CHEAP, &[("x-forwarded-for", "203.0.113.9")]).await;
        assert_eq!(left, Some(98));
        // A forged leftmost address does not buy a fresh budget: the client is the rightmost
        // address the proxy did not add itself.
        for forged in ["6.6.6.6", "7.7.7.7", "not-an-address"] {
            let chain = format!("{forged}, 203.0.113.9");
            let (_, later, _) = post_with(&app, None, CHEAP, &[("x-forwarded-for", &chain)]).await;
            assert!(later < left, "{chain}: {later:?}");
        }
        let (_, other, _) =
            post_with(&app, None, CHEAP, &[("x-forwarded-for", "203.0.113.10")]).await;
        assert_eq!(other, Some(98), "another client behind the proxy");
        // Without the header, the proxy itself is the caller.
        let (_, proxy, _) = post(&app, None, CHEAP).await;
        assert_eq!(proxy, Some(98));
    }
);

db_test!(
    sixty_aliases_of_transition_stats_are_priced_out,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let token = app.coordinator("REG");
        let aliases: String = (0..60)
            .map(|i| format!("s{i}: transitionStats(groupBy: [COHORT]) {{ total {{ leavers }} }} "))
            .collect();
        let started = std::time::Instant::now();
        let (status, _, body) = post(&app, Some(&token), &format!("{{ {aliases} }}")).await;
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(status, 200);
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{body}"
        );
        assert!(body.get("data").is_none(), "nothing ran: {body}");
        // One is priced at its weight, and a window of the default limit holds it.
        let (status, left, body) = post(
            &app,
            Some(&token),
            "{ transitionStats(groupBy: [COHORT]) { total { leavers } } }",
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let weight = leerroute::graphql::cost::TRANSITION_STATS as u64;
        assert_eq!(cost(&body), (weight, weight));
        assert_eq!(
            left,
            Some(leerroute::config::DEFAULT_RATE_LIMIT - 1 - weight),
            "the refused one paid 1"
        );
    }
);

#[tokio::test]
async fn a_limit_of_zero_switches_budgets_off() {
    let app = TestApp::start_with(Backend::Sqlite, limit(0)())
        .await
        .unwrap();
    let (status, left, body) = post(&app, None, CHEAP).await;
    assert_eq!(status, 200);
    assert_eq!(left, None, "no rate headers without a limit");
    assert_eq!(cost(&body), (2, 2));
    assert!(body["extensions"]["cost"]["throttleStatus"].is_null());
}
