//! GraphQL over HTTP as the spec has it (DESIGN.md 3, "HTTP"): `GET /graphql` runs queries
//! from the query string and refuses anything else with 405; answers come in the media type
//! the client accepts, with the spec's status codes; requests that are not GraphQL requests are
//! refused before the schema sees them; GET answers say how they may be cached.

use leerroute_tests::{TestApp, db_test, small_region};
use reqwest::{Response, header};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// `GET /graphql` with `params` in the query string.
async fn get(
    app: &TestApp,
    params: &[(&str, &str)],
    accept: Option<&str>,
    token: Option<&str>,
) -> Response {
    let mut request = app
        .client()
        .get(format!("{}/graphql", app.base_url))
        .query(params);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("GET /graphql")
}

/// `POST /graphql` with a raw JSON body.
async fn post(app: &TestApp, body: &str, accept: &str) -> Response {
    app.client()
        .post(format!("{}/graphql", app.base_url))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, accept)
        .body(body.to_owned())
        .send()
        .await
        .expect("POST /graphql")
}

fn content_type(response: &Response) -> String {
    response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned()
}

fn header_of(response: &Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The JSON body, without the `extensions.cost` of each answer (which `cost.rs` checks).
async fn json_of(response: Response) -> Value {
    let mut body: Value = response.json().await.expect("a JSON body");
    let answers = match &mut body {
        Value::Array(answers) => answers.iter_mut().collect(),
        answer => vec![answer],
    };
    for answer in answers {
        if let Some(answer) = answer.as_object_mut() {
            answer.remove("extensions");
        }
    }
    body
}

db_test!(
    get_runs_a_query_with_its_parameters,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let query = "query One($brin: String!) { school(brin: $brin) { brin sector region { code } } } \
                 query Other { __typename }";
        let response = get(
            &app,
            &[
                ("query", query),
                ("operationName", "One"),
                ("variables", r#"{"brin": "22BB"}"#),
                ("extensions", r#"{"some": "value"}"#),
            ],
            None,
            None,
        )
        .await;
        assert_eq!(response.status(), 200);
        assert!(content_type(&response).starts_with("application/json"));
        assert_eq!(header_of(&response, header::VARY), "Authorization, Accept");
        // An anonymous answer without errors is the public catalogue: a shared cache may keep it.
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "public, max-age=60"
        );
        let body = json_of(response).await;
        assert_eq!(
            body,
            json!({"data": {"school": {"brin": "22BB", "sector": "MBO", "region": {"code": "REG"}}}})
        );

        // The same under the new media type.
        let response = get(
            &app,
            &[("query", "{ regions { nodes { code } } }")],
            Some(GRAPHQL_RESPONSE),
            None,
        )
        .await;
        assert_eq!(response.status(), 200);
        assert!(content_type(&response).starts_with(GRAPHQL_RESPONSE));
        assert_eq!(
            json_of(response).await["data"]["regions"]["nodes"],
            json!([{"code": "REG"}])
        );
    }
);

db_test!(
    what_a_token_read_over_get_is_never_kept_by_a_shared_cache,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let staff = app.staff("11AA");
        let response = get(
            &app,
            &[("query", "{ viewer { role school { brin } } }")],
            Some("application/json"),
            Some(&staff),
        )
        .await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "private, no-store"
        );
        assert_eq!(header_of(&response, header::VARY), "Authorization, Accept");
        assert_eq!(
            json_of(response).await["data"]["viewer"],
            json!({"role": "SCHOOL_STAFF", "school": {"brin": "11AA"}})
        );

        // An anonymous answer with an error is not cached either.
        let response = get(&app, &[("query", "{ nope }")], None, None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "private, no-store"
        );

        // A refused token over GET: 401, in the media type asked for, never cached.
        let response = get(
            &app,
            &[("query", "{ __typename }")],
            Some(GRAPHQL_RESPONSE),
            Some("not.a.token"),
        )
        .await;
        assert_eq!(response.status(), 401);
        assert!(content_type(&response).starts_with(GRAPHQL_RESPONSE));
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "private, no-store"
        );
        assert_eq!(
            json_of(response).await["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
    }
);

db_test!(
    a_mutation_over_get_is_refused_and_changes_nothing,
    |app: TestApp| async move {
        // A link or an <img src> can make a browser send a GET with the victim's token only
        // through a client that adds it; whatever sends it, GET never writes.
        let admin = app.admin();
        let create =
            r#"mutation { createRegion(input: {code: "EVIL", name: "Evil"}) { region { id } } }"#;
        for accept in [None, Some("application/json"), Some(GRAPHQL_RESPONSE)] {
            let response = get(&app, &[("query", create)], accept, Some(&admin)).await;
            assert_eq!(response.status(), 405, "{accept:?}");
            assert_eq!(header_of(&response, header::ALLOW), "POST");
            assert_eq!(
                json_of(response).await["errors"][0]["extensions"]["code"],
                "BAD_USER_INPUT"
            );
        }
        // Chosen by operationName from a document that also has a query.
        let both = format!(
            "query Q {{ __typename }} {}",
            create.replacen("mutation", "mutation M", 1)
        );
        let response = get(
            &app,
            &[("query", &both), ("operationName", "M")],
            None,
            Some(&admin),
        )
        .await;
        assert_eq!(response.status(), 405);
        // Several operations and none named: refused as well.
        let response = get(&app, &[("query", &both)], None, Some(&admin)).await;
        assert_eq!(response.status(), 405);
        // A subscription is not a query either.
        let subscription = r#"subscription { activityPublished(regionCode: "EVIL") { id } }"#;
        let response = get(&app, &[("query", subscription)], None, None).await;
        assert_eq!(response.status(), 405);
        assert_eq!(app.count_rows("region").await, 0);

        // The query of the same document runs.
        let response = get(
            &app,
            &[("query", &both), ("operationName", "Q")],
            None,
            Some(&admin),
        )
        .await;
        assert_eq!(response.status(), 200);
        assert_eq!(json_of(response).await["data"]["__typename"], "Query");
        // And over POST the mutation runs.
        app.ok(Some(&admin), create, json!({})).await;
        assert_eq!(app.count_rows("region").await, 1);
    }
);

db_test!(
    graphiql_only_for_a_browser_without_parameters,
    |app: TestApp| async move {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        let page = get(&app, &[], Some(browser), None).await;
        assert_eq!(page.status(), 200);
        assert!(content_type(&page).starts_with("text/html"));
        assert_eq!(header_of(&page, header::VARY), "Authorization, Accept");
        assert!(page.text().await.unwrap().contains("graphiql"));

        // The same browser with a query gets the answer, as JSON.
        let response = get(&app, &[("query", "{ __typename }")], Some(browser), None).await;
        assert_eq!(response.status(), 200);
        assert!(content_type(&response).starts_with("application/json"));
        assert_eq!(
            json_of(response).await,
            json!({"data": {"__typename": "Query"}})
        );

        // A client that is not a browser and sends no query: a GraphQL error, not a page.
        for accept in [None, Some(GRAPHQL_RESPONSE)] {
            let response = get(&app, &[], accept, None).await;
            assert_eq!(response.status(), 400, "{accept:?}");
            let body = json_of(response).await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
            assert!(body.get("data").is_none(), "{body}");
        }

        // A client that accepts neither GraphQL media type: 406.
        let response = get(
            &app,
            &[("query", "{ __typename }")],
            Some("text/plain"),
            None,
        )
        .await;
        assert_eq!(response.status(), 406);
    }
);

db_test!(
    parse_and_validation_failures_follow_the_media_type,
    |app: TestApp| async move {
        let cases = [
            ("not JSON", r#"{ "not a JSON"#),
            ("query misspelt", r#"{"qeury": "{ __typename }"}"#),
            ("query not a string", r#"{"query": 0}"#),
            (
                "operationName not a string",
                r#"{"query": "{ __typename }", "operationName": false}"#,
            ),
            (
                "variables not a map",
                r#"{"query": "{ __typename }", "variables": "string"}"#,
            ),
            (
                "extensions not a map",
                r#"{"query": "{ __typename }", "extensions": ["array"]}"#,
            ),
            ("request not an object", r#""{ __typename }""#),
            ("empty batch", "[]"),
            ("empty body", ""),
            ("document does not parse", r#"{"query": "{"}"#),
            (
                "coercion: variables that do not fit",
                r#"{"query": "query($n: Int!) { __typename }", "variables": {"n": "x"}}"#,
            ),
            (
                "document does not validate",
                r#"{"query": "{ 8f31403dfe404bccbb0e835f2629c6a7 }"}"#,
            ),
        ];
        for (name, body) in cases {
            let response = post(&app, body, GRAPHQL_RESPONSE).await;
            assert_eq!(response.status(), 400, "{name}");
            assert!(
                content_type(&response).starts_with(GRAPHQL_RESPONSE),
                "{name}"
            );
            let answer = json_of(response).await;
            assert!(answer.get("data").is_none(), "{name}: {answer}");
            assert_eq!(
                answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{name}"
            );

            // Under the legacy type a malformed request is 400 as well; a document that does
            // not parse or validate (or whose variables do not fit) is 200.
            let document = name.starts_with("document") || name.starts_with("coercion");
            let response = post(&app, body, "application/json").await;
            let status = if document { 200 } else { 400 };
            assert_eq!(response.status(), status, "{name}");
            assert!(
                content_type(&response).starts_with("application/json"),
                "{name}"
            );
            let answer = json_of(response).await;
            assert!(answer.get("data").is_none(), "{name}: {answer}");
            assert_eq!(
                answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{name}"
            );
        }

        // Null parameters are allowed, and unknown ones ignored.
        let body = r#"{"query": "{ __typename }", "variables": null, "operationName": null, "extensions": null, "other": 1}"#;
        let response = post(&app, body, GRAPHQL_RESPONSE).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            json_of(response).await,
            json!({"data": {"__typename": "Query"}})
        );

        // An error inside execution keeps `data` and 200 under either type.
        let response = post(
            &app,
            r#"{"query": "{ school(brin: \"99ZZ\") { name } }"}"#,
            GRAPHQL_RESPONSE,
        )
        .await;
        assert_eq!(response.status(), 200);
        assert!(json_of(response).await.get("data").is_some());

        // A body that is neither JSON nor multipart: 415; none at all likewise.
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .header(header::CONTENT_TYPE, "text/plain")
            .body("{ __typename }")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 415);
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 415);
    }
);

db_test!(media_types_as_negotiated, |app: TestApp| async move {
    let query = r#"{"query": "{ __typename }"}"#;
    for (accept, expected) in [
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (
            "application/graphql-response+json, application/json;q=0.9",
            GRAPHQL_RESPONSE,
        ),
        (
            "application/json;q=1, application/graphql-response+json;q=0.5",
            "application/json",
        ),
    ] {
        let response = post(&app, query, accept).await;
        assert_eq!(response.status(), 200, "{accept}");
        assert!(content_type(&response).starts_with(expected), "{accept}");
        assert!(
            content_type(&response).contains("charset=utf-8"),
            "{accept}"
        );
    }
    let response = post(&app, query, "application/xml").await;
    assert_eq!(response.status(), 406);

    // A batch answers an array, and each element on its own.
    let response = post(
        &app,
        r#"[{"query": "{ __typename }"}, {"query": "{ nope }"}]"#,
        GRAPHQL_RESPONSE,
    )
    .await;
    assert_eq!(response.status(), 200);
    let answers = json_of(response).await;
    assert_eq!(answers[0], json!({"data": {"__typename": "Query"}}));
    assert_eq!(
        answers[1]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert!(answers[1].get("data").is_none(), "{answers}");
});

db_test!(
    an_unknown_document_id_is_not_found,
    |app: TestApp| async move {
        let id = "sha256:7f3c2c1a1e0c7d09b3f6d3c2b8f1e6f0a9d2c4b7e8f1a3c5d7e9f0b2c4d6e8fa";
        let response = get(&app, &[("documentId", id)], Some(GRAPHQL_RESPONSE), None).await;
        assert_eq!(response.status(), 400);
        let body = json_of(response).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "PERSISTED_DOCUMENT_NOT_FOUND"
        );
        assert!(!body.to_string().contains(id), "no echoed value: {body}");
    }
);
