//! Introspection at the default limits: the standard queries of graphql-js and graphql-core,
//! sent as those libraries print them (`tests/fixtures/introspection`, made by its
//! `generate.sh`), work while introspection is on; the depth limit still holds for every other
//! query and for introspection that fans out; with introspection off, neither the schema nor
//! "Did you mean …" suggestions leak.

use std::path::PathBuf;

use leerroute::config::ServiceArgs;
use leerroute_tests::{Backend, Options, TestApp, first_error_code};
use serde_json::{Value, json};

/// Every fixture of the introspection folder, with its file name.
fn standard_queries() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/introspection");
    let mut queries: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("fixtures/introspection")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "graphql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).expect("fixture"))
        })
        .collect();
    queries.sort();
    // graphql-js 16 and 17, graphql-core 3.2 and 3.3, each with defaults and every option.
    assert!(queries.len() >= 8, "fixtures missing: {queries:?}");
    queries
}

async fn app(introspection: bool) -> TestApp {
    let service = ServiceArgs {
        introspection,
        ..ServiceArgs::default()
    };
    TestApp::start_with(
        Backend::Sqlite,
        Options {
            service: Some(service),
            ..Options::default()
        },
    )
    .await
    .expect("app")
}

/// The type of `type_name.field_name` as the introspection result spells it, wrappers included,
/// such as `[TransitionDimension!]!`.
fn field_type(schema: &Value, type_name: &str, field_name: &str, arg: Option<&str>) -> String {
    let types = schema["types"].as_array().expect("types");
    let object = types
        .iter()
        .find(|t| t["name"] == type_name)
        .unwrap_or_else(|| panic!("{type_name} missing"));
    let field = object["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == field_name)
        .unwrap_or_else(|| panic!("{type_name}.{field_name} missing"));
    let mut reference = match arg {
        Some(arg) => &field["args"]
            .as_array()
            .expect("args")
            .iter()
            .find(|a| a["name"] == arg)
            .expect("argument")["type"],
        None => &field["type"],
    };
    let mut suffix = String::new();
    let mut prefix = String::new();
    loop {
        match reference["kind"].as_str().expect("kind") {
            "NON_NULL" => suffix.insert(0, '!'),
            "LIST" => {
                prefix.push('[');
                suffix.insert(0, ']');
            }
            _ => return format!("{prefix}{}{suffix}", reference["name"].as_str().unwrap()),
        }
        reference = &reference["ofType"];
    }
}

#[tokio::test]
async fn standard_introspection_queries_work_at_the_default_limits() {
    let app = app(true).await;
    for (name, query) in standard_queries() {
        for token in [None, Some(app.coordinator("AMS"))] {
            let body = app.gql(token.as_deref(), &query, json!({})).await;
            assert!(body.get("errors").is_none(), "{name}: {body:#}");
            let schema = &body["data"]["__schema"];
            assert_eq!(schema["queryType"]["name"], "Query", "{name}");
            assert_eq!(schema["subscriptionType"]["name"], "Subscription", "{name}");
            // The wrapper chain arrives whole: nothing was cut at some depth.
            assert_eq!(
                field_type(schema, "Query", "transitionStats", Some("groupBy")),
                "[TransitionDimension!]!",
                "{name}"
            );
            assert_eq!(
                field_type(schema, "TransitionStats", "rows", None),
                "[TransitionStatsRow!]!",
                "{name}"
            );
            let directives = schema["directives"].as_array().expect("directives");
            assert!(
                directives.iter().any(|d| d["name"] == "deprecated"),
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn the_options_of_the_standard_queries_are_answered() {
    let app = app(true).await;
    for (name, query) in standard_queries() {
        if !name.contains("all-options") {
            continue;
        }
        let body = app.gql(None, &query, json!({})).await;
        assert!(body.get("errors").is_none(), "{name}: {body:#}");
        let types = body["data"]["__schema"]["types"].as_array().unwrap();
        let datetime = types.iter().find(|t| t["name"] == "DateTime").unwrap();
        assert!(datetime.get("specifiedByURL").is_some(), "{name}");
        let filter = types
            .iter()
            .find(|t| t["name"] == "TransitionStatsFilter")
            .unwrap();
        // graphql-core 3.2 has no `@oneOf` option; the others ask for it.
        if query.contains("isOneOf") {
            assert_eq!(filter["isOneOf"], false, "{name}");
        }
        assert!(filter["inputFields"].as_array().unwrap().len() >= 7);
        let directives = body["data"]["__schema"]["directives"].as_array().unwrap();
        assert!(directives.iter().all(|d| d["isRepeatable"].is_boolean()));
    }
}

/// `{ school(brin: "90IJ") { parent { parent { … { brin } } } } }`, `depth` fields deep.
fn nested_query(depth: usize) -> String {
    let parents = depth - 2;
    format!(
        "{{ school(brin: \"90IJ\") {{ {} brin {} }} }}",
        "parent { ".repeat(parents),
        "} ".repeat(parents)
    )
}

#[tokio::test]
async fn the_depth_limit_still_holds_for_every_other_query() {
    let app = app(true).await;
    let limit = ServiceArgs::default().max_depth;
    let at_limit = app.gql(None, &nested_query(limit), json!({})).await;
    assert!(at_limit.get("errors").is_none(), "{at_limit:#}");
    let beyond = app.gql(None, &nested_query(limit + 1), json!({})).await;
    assert_eq!(
        first_error_code(&beyond).as_deref(),
        Some("QUERY_TOO_COMPLEX"),
        "{beyond:#}"
    );
    assert!(beyond.get("data").is_none_or(Value::is_null), "{beyond:#}");

    // The same through fragments.
    let through_fragments = format!(
        "{{ ...Deep }} fragment Deep on Query {{ {} }}",
        &nested_query(limit + 1)[1..nested_query(limit + 1).len() - 1]
    );
    let body = app.gql(None, &through_fragments, json!({})).await;
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("QUERY_TOO_COMPLEX")
    );
}

#[tokio::test]
async fn introspection_that_fans_out_is_held_at_the_limit() {
    let app = app(true).await;
    // Each `fields { type { … } }` pair multiplies the answer by the number of fields.
    let fan_out = format!(
        "{{ __schema {{ types {{ {} name {} }} }} }}",
        "fields { type { ".repeat(5),
        "} } ".repeat(5)
    );
    let body = app.gql(None, &fan_out, json!({})).await;
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("QUERY_TOO_COMPLEX"),
        "{body:#}"
    );
    // An `ofType` chain longer than any type's wrappers (and than the standard queries' nine)
    // is text, not fan-out: it answers. (The parser refuses nesting beyond 32 anyway.)
    let chain = format!(
        "{{ __type(name: \"Query\") {{ fields {{ type {{ {} name {} }} }} }} }}",
        "ofType { ".repeat(20),
        "} ".repeat(20)
    );
    let body = app.gql(None, &chain, json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    // A field that is not introspection gets no allowance for the name.
    let body = app
        .gql(None, "{ school(brin: \"90IJ\") { ofType } }", json!({}))
        .await;
    assert_eq!(first_error_code(&body).as_deref(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn fragment_cycles_are_refused_not_followed() {
    let app = app(true).await;
    let body = app
        .gql(
            None,
            "{ ...A } fragment A on Query { regions { totalCount } ...B } fragment B on Query { ...A }",
            json!({}),
        )
        .await;
    assert!(
        body["errors"].as_array().is_some_and(|e| !e.is_empty()),
        "{body:#}"
    );
    assert!(body.get("data").is_none_or(Value::is_null), "{body:#}");
}

const TYPO: &str = "{ schol(brin: \"90IJ\") { name } }";

#[tokio::test]
async fn with_introspection_off_nothing_of_the_schema_leaks() {
    let app = app(false).await;
    for (name, query) in standard_queries() {
        let body = app
            .gql(Some(&app.coordinator("AMS")), &query, json!({}))
            .await;
        // async-graphql answers `__schema: null`; no type of ours is named anywhere.
        assert!(body["data"]["__schema"].is_null(), "{name}: {body:#}");
        let text = body.to_string();
        assert!(!text.contains("TransitionStats"), "{name}: {text}");
    }
    let body = app.gql(None, TYPO, json!({})).await;
    let message = body["errors"][0]["message"].as_str().expect("an error");
    assert!(!message.contains("Did you mean"), "{message}");
    assert!(!message.contains("school"), "{message}");
    let page = app
        .client()
        .get(format!("{}/graphql", app.base_url))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET /graphql");
    assert_eq!(page.status(), 404);
}

#[tokio::test]
async fn with_introspection_on_typos_get_suggestions() {
    // The other side of the test above: the switch is what removes them.
    let app = app(true).await;
    let body = app.gql(None, TYPO, json!({})).await;
    let message = body["errors"][0]["message"].as_str().expect("an error");
    assert!(message.contains("Did you mean"), "{message}");
}
