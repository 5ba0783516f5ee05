//! The rest of "GraphQL over HTTP to the letter" (issue #14): response fields in the order the
//! query asked for them (spec §7.2.2), `people(filter:)` for finding staff, and a `viewer` that
//! says what its token may do.

use leerroute::auth::Role;
use leerroute_tests::{TestApp, db_test, small_region};
use serde_json::{Value, json};

/// The raw text of a POST's answer (`serde_json::Value` would sort the keys), without its
/// trailing `extensions.cost` (which `cost.rs` checks).
async fn raw(app: &TestApp, token: Option<&str>, query: &str) -> String {
    let mut request = app
        .client()
        .post(format!("{}/graphql", app.base_url))
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    without_cost(request.send().await.unwrap().text().await.unwrap())
}

/// An answer's text without its trailing `extensions.cost`.
fn without_cost(text: String) -> String {
    match text.rfind(r#","extensions":{"cost":"#) {
        Some(at) => format!("{}}}", &text[..at]),
        None => text,
    }
}

db_test!(fields_come_back_in_query_order, |app: TestApp| async move {
    small_region(&app, "REG", "11AA", "22BB").await;
    // `region` goes through a loader and finishes after `name`: it must still come first.
    let text = raw(
        &app,
        None,
        r#"{ b: __typename school(brin: "22BB") { region { name code } sector name ...More ... on School { brin } } a: __typename }
           fragment More on School { city brin }"#,
    )
    .await;
    assert_eq!(
        text,
        r#"{"data":{"b":"Query","school":{"region":{"name":"REG","code":"REG"},"sector":"MBO","name":"22BB","city":"Stad","brin":"22BB"},"a":"Query"}}"#
    );
    // In lists, in every element.
    let text = raw(
        &app,
        None,
        r#"{ regions { nodes { schools { nodes { region { code } brin } } code } totalCount } }"#,
    )
    .await;
    assert_eq!(
        text,
        r#"{"data":{"regions":{"nodes":[{"schools":{"nodes":[{"region":{"code":"REG"},"brin":"11AA"},{"region":{"code":"REG"},"brin":"22BB"}]},"code":"REG"}],"totalCount":1}}}"#
    );
    // And over GET.
    let response = app
        .client()
        .get(format!("{}/graphql", app.base_url))
        .query(&[(
            "query",
            r#"{ school(brin: "11AA") { region { code } name } }"#,
        )])
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert_eq!(
        without_cost(text),
        r#"{"data":{"school":{"region":{"code":"REG"},"name":"11AA"}}}"#
    );
});

async fn person(app: &TestApp, name: &str, function: &str, brin: Option<&str>) -> String {
    let data = app
        .ok(
            Some(&app.admin()),
            "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }",
            json!({"i": {"name": name, "function": function, "schoolBrin": brin,
                          "email": format!("{}@example.org", name.to_lowercase().replace(' ', "."))}}),
        )
        .await;
    data["createPerson"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

const PEOPLE: &str = "query($f: PersonFilterInput, $first: Int, $after: String) {
    people(filter: $f, first: $first, after: $after) {
        totalCount nodes { id name function school { brin } } pageInfo { hasNextPage endCursor }
    }
}";

db_test!(
    people_finds_staff_by_school_region_name_and_function,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        small_region(&app, "OTH", "33CC", "44DD").await;
        let coach = person(&app, "Ada Coach", "COACH", Some("11AA")).await;
        person(&app, "Bert Leraar", "TEACHER", Some("11AA")).await;
        person(&app, "Cor Coach", "COACH", Some("22BB")).await;
        person(&app, "Dirk Coach", "COACH", Some("33CC")).await;

        let staff = app.staff("11AA");
        let data = app
            .ok(
                Some(&staff),
                PEOPLE,
                json!({"f": {"schoolBrin": "11AA", "function": "COACH"}}),
            )
            .await;
        assert_eq!(data["people"]["totalCount"], 1);
        assert_eq!(
            data["people"]["nodes"],
            json!([{"id": coach, "name": "Ada Coach", "function": "COACH", "school": {"brin": "11AA"}}])
        );
        // The id is the one assignCoach takes: node(id:) resolves it to the same person.
        let node = app
            .ok(
                Some(&staff),
                "query($id: ID!) { node(id: $id) { ... on Person { name } } }",
                json!({"id": coach}),
            )
            .await;
        assert_eq!(node["node"]["name"], "Ada Coach");

        let names = |data: &Value| -> Vec<String> {
            data["people"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["name"].as_str().unwrap().to_owned())
                .collect()
        };
        let region = app
            .ok(
                Some(&staff),
                PEOPLE,
                json!({"f": {"regionCode": "REG", "function": "COACH"}}),
            )
            .await;
        assert_eq!(names(&region), ["Ada Coach", "Cor Coach"]);
        let by_name = app
            .ok(Some(&staff), PEOPLE, json!({"f": {"name": "COACH"}}))
            .await;
        assert_eq!(names(&by_name), ["Ada Coach", "Cor Coach", "Dirk Coach"]);
        // Paged like every list.
        let first = app.ok(Some(&staff), PEOPLE, json!({"first": 3})).await;
        assert_eq!(first["people"]["totalCount"], 4);
        assert_eq!(first["people"]["pageInfo"]["hasNextPage"], true);
        let rest = app
            .ok(
                Some(&staff),
                PEOPLE,
                json!({"first": 3, "after": first["people"]["pageInfo"]["endCursor"]}),
            )
            .await;
        assert_eq!(names(&rest), ["Dirk Coach"]);
    }
);

db_test!(people_is_for_staff_tokens_only, |app: TestApp| async move {
    small_region(&app, "REG", "11AA", "22BB").await;
    person(&app, "Ada Coach", "COACH", Some("11AA")).await;
    // Anonymous callers and pupils get no staff directory, and learn nothing from the refusal.
    let anonymous = app.gql(None, PEOPLE, json!({})).await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    assert!(!anonymous.to_string().contains("Ada"), "{anonymous}");
    let student = app.token(Role::Student, None, Some("11AA"), Some("pupil-1"));
    let refused = app.gql(Some(&student), PEOPLE, json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert!(!refused.to_string().contains("Ada"), "{refused}");
    // A search text is bounded like any other.
    let long = "x".repeat(201);
    let code = app
        .error_code(
            Some(&app.staff("11AA")),
            PEOPLE,
            json!({"f": {"name": long}}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    for token in [app.staff("11AA"), app.coordinator("REG")] {
        let data = app.ok(Some(&token), PEOPLE, json!({})).await;
        assert_eq!(data["people"]["totalCount"], 1);
    }
});

const SCOPES: &str = "{ viewer { role scopes } }";

fn scopes(data: &Value) -> Vec<String> {
    data["viewer"]["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

db_test!(
    viewer_says_what_its_token_may_do,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        let anonymous = scopes(&app.ok(None, SCOPES, json!({})).await);
        assert!(
            anonymous.contains(&"query:schools".to_owned()),
            "{anonymous:?}"
        );
        assert!(anonymous.contains(&"subscription:activityPublished".to_owned()));
        assert!(
            !anonymous.iter().any(|s| s.starts_with("mutation:")),
            "{anonymous:?}"
        );
        assert!(!anonymous.contains(&"query:students".to_owned()));

        let coordinator = scopes(
            &app.ok(Some(&app.coordinator("REG")), SCOPES, json!({}))
                .await,
        );
        for scope in [
            "query:transitionStats",
            "mutation:createLeerlab",
            "query:people",
        ] {
            assert!(
                coordinator.contains(&scope.to_owned()),
                "{scope}: {coordinator:?}"
            );
        }
        assert!(
            !coordinator.contains(&"query:students".to_owned()),
            "never a single pupil"
        );
        assert!(!coordinator.contains(&"mutation:createRegion".to_owned()));

        let staff = scopes(&app.ok(Some(&app.staff("11AA")), SCOPES, json!({})).await);
        assert!(staff.contains(&"query:students".to_owned()));
        assert!(staff.contains(&"mutation:assignCoach".to_owned()));

        // Every scope is a real root field, and each one listed is one the token may call: a
        // coordinator calling a field outside its scopes is refused.
        let admin = scopes(&app.ok(Some(&app.admin()), SCOPES, json!({})).await);
        assert!(admin.contains(&"mutation:createRegion".to_owned()));
        assert!(admin.contains(&"query:auditEvents".to_owned()));
        assert!(coordinator.iter().all(|s| admin.contains(s)));
        assert!(!coordinator.contains(&"query:auditEvents".to_owned()));
        let refused = app
            .error_code(
                Some(&app.coordinator("REG")),
                "{ auditEvents { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(refused, "FORBIDDEN");
    }
);
