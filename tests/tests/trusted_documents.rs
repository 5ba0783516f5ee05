//! Trusted documents (DESIGN.md section 3, HTTP; issue #14): `leerroute documents add|list|remove`
//! registers documents by the SHA-256 of their bytes, `{"documentId": "sha256:<hex>"}` runs them
//! through every door (POST, GET, each batch element, multipart `operations`, a websocket
//! `subscribe`), and `LEERROUTE_TRUSTED_DOCUMENTS=require` runs nothing else but an admin's
//! audited ad-hoc documents, introspection and the dashboard's own documents.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use leerroute::config::{ServiceArgs, TrustMode};
use leerroute_tests::{Options, TestApp, VO_HEADER, bsn, db_test, first_error_code, small_region};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

const REGIONS: &str =
    "query Regions { regions(first: 5) { totalCount edges { node { code } } } }\n";
const CREATE_REGION: &str = "mutation Create($c: String!) { createRegion(input: {code: $c, name: $c}) { region { code } } }\n";
const IMPORT_VO: &str =
    "mutation Import($input: ImportInput!) { importVoLeavers(input: $input) { rows created } }\n";
const ACTIVITY_PUBLISHED: &str =
    "subscription Published($r: String!) { activityPublished(regionCode: $r) { title } }\n";

fn mode(mode: TrustMode) -> impl Fn() -> Options {
    move || Options {
        service: Some(ServiceArgs {
            trusted_documents: mode,
            ..ServiceArgs::default()
        }),
        ..Options::default()
    }
}

fn id_of(text: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())))
}

/// Registers `text` with the real `leerroute documents add` and returns its `documentId`.
fn register(app: &TestApp, name: &str, text: &str) -> String {
    let path = app.write_file(name, text);
    let output = app.cli(&["documents", "add", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "documents add: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let id = id_of(text);
    assert_eq!(stdout.trim(), format!("{id} {}", path.display()));
    id
}

async fn post(app: &TestApp, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request = app
        .client()
        .post(format!("{}/graphql", app.base_url))
        .header(header::ACCEPT, "application/graphql-response+json")
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("POST /graphql");
    (response.status(), response.json().await.expect("JSON"))
}

async fn get(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut request = app
        .client()
        .get(format!("{}/graphql", app.base_url))
        .header(header::ACCEPT, "application/graphql-response+json")
        .query(params);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("GET /graphql");
    (response.status(), response.json().await.expect("JSON"))
}

/// A multipart upload of a one-row vo-leavers file whose `operations` is `operation`.
async fn upload(app: &TestApp, token: &str, mut operation: Value) -> (StatusCode, Value) {
    operation["variables"] = json!({"input": {"file": null}});
    let csv = format!(
        "{VO_HEADER}\n{},11AA,TL,E&O,2023-2024,2024-06-03,25180,2024-03-01,\n",
        bsn(7)
    );
    let form = reqwest::multipart::Form::new()
        .text("operations", operation.to_string())
        .text("map", json!({"0": ["variables.input.file"]}).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(csv.into_bytes())
                .file_name("leavers.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    let response = app
        .client()
        .post(format!("{}/graphql", app.base_url))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("POST multipart");
    (response.status(), response.json().await.expect("JSON"))
}

/// The first `next` payload of one `subscribe` with `payload` on a fresh socket of `token`.
async fn over_websocket(app: &TestApp, token: Option<&str>, payload: Value) -> Value {
    let url = format!("{}/graphql/ws", app.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let mut socket = connect_async(request).await.expect("handshake").0;
    let init = match token {
        Some(token) => {
            json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}})
        }
        None => json!({"type": "connection_init", "payload": {}}),
    };
    socket.send(Message::text(init.to_string())).await.unwrap();
    let subscribe = json!({"id": "1", "type": "subscribe", "payload": payload});
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    let read = async {
        while let Some(message) = socket.next().await {
            if let Message::Text(text) = message.expect("message") {
                let message: Value = serde_json::from_str(&text).unwrap();
                if message["type"] == "next" || message["type"] == "error" {
                    return message["payload"].clone();
                }
            }
        }
        panic!("the socket closed without an answer");
    };
    tokio::time::timeout(Duration::from_secs(15), read)
        .await
        .expect("an answer within 15 s")
}

/// How many admin ad-hoc runs are on record (with this target, when given), read through
/// `auditEvents` (which brings SQLite's read journal in first).
async fn ad_hoc_audits(app: &TestApp, target: Option<&str>) -> usize {
    let body = app
        .ok(
            Some(&app.admin()),
            "{ auditEvents(first: 100, filter: {action: \"run_ad_hoc_document\"}) { nodes { target } } }",
            json!({}),
        )
        .await;
    body["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|node| target.is_none_or(|t| node["target"] == t))
        .count()
}

fn code(body: &Value) -> String {
    first_error_code(body).unwrap_or_else(|| panic!("expected an error, got {body:#}"))
}

fn codes_of(payload: &Value) -> String {
    // A websocket `error` message carries a list of errors, a `next` a response.
    match payload {
        Value::Array(errors) => errors[0]["extensions"]["code"].as_str().unwrap().to_owned(),
        other => code(other),
    }
}

db_test!(
    cli_adds_lists_and_removes_documents,
    |app: TestApp| async move {
        let id = register(&app, "regions.graphql", REGIONS);
        let listed = app.cli(&["documents", "list"]);
        let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
        assert!(
            listed.contains(&id) && listed.contains("Regions"),
            "{listed}"
        );
        // Adding the same bytes again is the same document.
        assert_eq!(register(&app, "again.graphql", REGIONS), id);

        // Refused files: each is named with what is wrong, none is stored, no text echoed.
        let unknown = app.write_file(
            "unknown.graphql",
            "# marker-7f3a0c not for the log\n{ regions { nonsense } }",
        );
        let broken = app.write_file("broken.graphql", "query { regions { ");
        let good = app.write_file("good.graphql", CREATE_REGION);
        let output = app.cli(&[
            "documents",
            "add",
            good.to_str().unwrap(),
            unknown.to_str().unwrap(),
            broken.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(stderr.contains(&unknown.display().to_string()), "{stderr}");
        assert!(stderr.contains(&broken.display().to_string()), "{stderr}");
        assert!(stderr.contains("does not validate"), "{stderr}");
        assert!(stderr.contains("does not parse"), "{stderr}");
        assert!(!stderr.contains("marker-7f3a0c"), "{stderr}");
        let listed = app.cli(&["documents", "list"]);
        assert!(!String::from_utf8_lossy(&listed.stdout).contains(&id_of(CREATE_REGION)));

        // Remove: a malformed id is refused, a registered one goes, a second removal fails.
        let output = app.cli(&["documents", "remove", &id.to_uppercase()]);
        assert!(!output.status.success());
        let output = app.cli(&["documents", "remove", &id]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!app.cli(&["documents", "remove", &id]).status.success());
        let listed = app.cli(&["documents", "list"]);
        assert!(!String::from_utf8_lossy(&listed.stdout).contains(&id));
        // Removed before this replica looked it up: not found.
        let (_, body) = post(&app, None, json!({"documentId": id})).await;
        assert_eq!(code(&body), "PERSISTED_DOCUMENT_NOT_FOUND");
    }
);

db_test!(
    document_id_runs_through_every_door,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        // Registered while the server runs: the replica finds it in the database.
        let regions = register(&app, "regions.graphql", REGIONS);
        let import = register(&app, "import.graphql", IMPORT_VO);
        let published = register(&app, "published.graphql", ACTIVITY_PUBLISHED);

        let (status, body) = post(&app, None, json!({"documentId": regions})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["data"]["regions"]["edges"][0]["node"]["code"], "REG");

        let (status, body) = get(&app, None, &[("documentId", &regions)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["regions"]["totalCount"], 1);

        // The same text beside its id is fine.
        let (_, body) = post(&app, None, json!({"documentId": regions, "query": REGIONS})).await;
        assert_eq!(body["data"]["regions"]["totalCount"], 1, "{body}");

        let (_, body) = post(
            &app,
            None,
            json!([{"documentId": regions}, {"query": "{ regions { totalCount } }"}]),
        )
        .await;
        assert_eq!(body[0]["data"]["regions"]["totalCount"], 1, "{body}");
        assert_eq!(body[1]["data"]["regions"]["totalCount"], 1, "{body}");

        let staff = app.staff("11AA");
        let (status, body) = upload(&app, &staff, json!({"documentId": import})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["importVoLeavers"]["created"], 1, "{body}");

        // A subscription by id: the socket accepts it and it waits for a publication, so ask for
        // an unknown one to see the door answer, and a known one to see it start.
        let payload = over_websocket(&app, None, json!({"documentId": id_of("{ x }")})).await;
        assert_eq!(
            codes_of(&payload),
            "PERSISTED_DOCUMENT_NOT_FOUND",
            "{payload}"
        );
        let regions_over_ws = over_websocket(&app, None, json!({"documentId": regions})).await;
        assert_eq!(
            regions_over_ws["data"]["regions"]["totalCount"], 1,
            "{regions_over_ws}"
        );
        assert!(published.starts_with("sha256:"));
    }
);

db_test!(
    forged_and_mismatched_ids_are_refused,
    |app: TestApp| async move {
        let regions = register(&app, "regions.graphql", REGIONS);
        let create = register(&app, "create.graphql", CREATE_REGION);
        let hex = regions.trim_start_matches("sha256:");

        // Well formed but never registered.
        let forged = id_of("{ regions { totalCount } } # forged");
        let (status, body) = post(&app, None, json!({"documentId": forged})).await;
        assert_eq!(code(&body), "PERSISTED_DOCUMENT_NOT_FOUND");
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (_, body) = get(&app, None, &[("documentId", &forged)]).await;
        assert_eq!(code(&body), "PERSISTED_DOCUMENT_NOT_FOUND");

        // Malformed: upper case, another algorithm, no prefix, short.
        for id in [
            format!("sha256:{}", hex.to_uppercase()),
            format!("sha1:{hex}"),
            format!("md5:{hex}"),
            hex.to_owned(),
            format!("sha256:{}", &hex[..63]),
        ] {
            let (_, body) = post(&app, None, json!({"documentId": id})).await;
            assert_eq!(code(&body), "BAD_USER_INPUT", "{id}: {body}");
            assert!(body.get("data").is_none(), "{body}");
        }

        // A registered id with another text does not run the other text.
        let (_, body) = post(
        &app,
        Some(&app.admin()),
        json!({"documentId": regions, "query": "mutation { createRegion(input: {code: \"X\", name: \"X\"}) { region { code } } }"}),
    )
    .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(app.count_rows("region").await, 0);

        // A mutation by GET documentId: 405 with Allow: POST, and nothing written.
        let response = app
            .client()
            .get(format!("{}/graphql", app.base_url))
            .query(&[
                ("documentId", create.as_str()),
                ("variables", "{\"c\":\"GET\"}"),
            ])
            .header(header::ACCEPT, "application/json")
            .bearer_auth(app.admin())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[header::ALLOW], "POST");
        assert_eq!(app.count_rows("region").await, 0);
        // By POST it runs.
        let (_, body) = post(
            &app,
            Some(&app.admin()),
            json!({"documentId": create, "variables": {"c": "POST"}}),
        )
        .await;
        assert_eq!(
            body["data"]["createRegion"]["region"]["code"], "POST",
            "{body}"
        );
    }
);

db_test!(
    require_runs_only_registered_documents,
    mode(TrustMode::Require),
    |app: TestApp| async move {
        // Admin's ad-hoc documents run (small_region is one), and are audited.
        small_region(&app, "REG", "11AA", "22BB").await;
        assert!(
            ad_hoc_audits(&app, None).await >= 1,
            "admin's ad-hoc documents are audited"
        );
        let regions = register(&app, "regions.graphql", REGIONS);
        let import = register(&app, "import.graphql", IMPORT_VO);
        let staff = app.staff("11AA");
        let adhoc = "{ regions { totalCount } }";

        for token in [None, Some(staff.as_str()), Some(&app.coordinator("REG"))] {
            let (status, body) = post(&app, token, json!({"query": adhoc})).await;
            assert_eq!(code(&body), "PERSISTED_DOCUMENT_NOT_FOUND", "{body}");
            assert_eq!(status, StatusCode::BAD_REQUEST);
            let (_, body) = get(&app, token, &[("query", adhoc)]).await;
            assert_eq!(code(&body), "PERSISTED_DOCUMENT_NOT_FOUND", "{body}");
            // A batch element on its own: the registered one runs, the ad-hoc one is refused.
            let (_, body) = post(
                &app,
                token,
                json!([{"documentId": regions}, {"query": adhoc}]),
            )
            .await;
            assert_eq!(body[0]["data"]["regions"]["totalCount"], 1, "{body}");
            assert_eq!(
                body[1]["errors"][0]["extensions"]["code"], "PERSISTED_DOCUMENT_NOT_FOUND",
                "{body}"
            );
            let payload = over_websocket(&app, token, json!({"query": adhoc})).await;
            assert_eq!(
                codes_of(&payload),
                "PERSISTED_DOCUMENT_NOT_FOUND",
                "{payload}"
            );
            let payload = over_websocket(&app, token, json!({"documentId": regions})).await;
            assert_eq!(payload["data"]["regions"]["totalCount"], 1, "{payload}");
        }

        // Multipart: an ad-hoc import is refused and imports nothing; the registered one runs.
        let ad_hoc_import = IMPORT_VO.replace("rows created", "created rows");
        let (_, body) = upload(&app, &staff, json!({"query": ad_hoc_import})).await;
        assert_eq!(code(&body), "PERSISTED_DOCUMENT_NOT_FOUND", "{body}");
        assert_eq!(app.count_rows("student").await, 0);
        let (_, body) = upload(&app, &staff, json!({"documentId": import})).await;
        assert_eq!(body["data"]["importVoLeavers"]["created"], 1, "{body}");

        // The registered text sent as `query` is the registered document.
        let (_, body) = post(&app, None, json!({"query": REGIONS})).await;
        assert_eq!(body["data"]["regions"]["totalCount"], 1, "{body}");

        // Introspection and the dashboard's own documents count as registered.
        let introspection = "query IntrospectionQuery { __schema { queryType { name } types { name kind fields(includeDeprecated: true) { name } } } }";
        let (_, body) = post(&app, None, json!({"query": introspection})).await;
        assert_eq!(
            body["data"]["__schema"]["queryType"]["name"], "Query",
            "{body}"
        );
        let viewer = app
            .get("/assets/dashboard/queries/viewer.graphql", None)
            .await;
        let viewer = viewer.text().await.unwrap();
        let (_, body) = post(&app, Some(&staff), json!({"query": viewer})).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert!(body["data"]["viewer"].is_object(), "{body}");
        // ... but introspection cannot smuggle a data field.
        let (_, body) = post(
            &app,
            None,
            json!({"query": "{ __typename regions { totalCount } }"}),
        )
        .await;
        assert_eq!(code(&body), "PERSISTED_DOCUMENT_NOT_FOUND", "{body}");

        // Admin, over the websocket too; each run is audited by the document's id, not its text.
        let before = ad_hoc_audits(&app, Some(&id_of(adhoc))).await;
        let payload = over_websocket(&app, Some(&app.admin()), json!({"query": adhoc})).await;
        assert_eq!(payload["data"]["regions"]["totalCount"], 1, "{payload}");
        let (_, body) = post(&app, Some(&app.admin()), json!({"query": adhoc})).await;
        assert_eq!(body["data"]["regions"]["totalCount"], 1, "{body}");
        assert_eq!(ad_hoc_audits(&app, Some(&id_of(adhoc))).await, before + 2);
    }
);

db_test!(
    off_refuses_document_ids,
    mode(TrustMode::Off),
    |app: TestApp| async move {
        let regions = register(&app, "regions.graphql", REGIONS);
        let (status, body) = post(&app, None, json!({"documentId": regions})).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let payload = over_websocket(&app, None, json!({"documentId": regions})).await;
        assert_eq!(codes_of(&payload), "BAD_USER_INPUT", "{payload}");
        let (_, body) = post(&app, None, json!({"query": REGIONS})).await;
        assert_eq!(body["data"]["regions"]["totalCount"], 0, "{body}");
    }
);
