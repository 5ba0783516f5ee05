//! The regional catalogue over GraphQL: creating and reading regions, schools, programmes and
//! leerlabs, their validation, natural keys, global ids and pagination.

use leerroute_tests::{TestApp, db_test, small_region};
use serde_json::json;

const CREATE_SCHOOL: &str = "mutation($i: CreateSchoolInput!) { createSchool(input: $i) { school { id brin name sector city region { code } parent { brin } } } }";
const CREATE_PROGRAMME: &str = "mutation($i: CreateProgrammeInput!) { createProgramme(input: $i) { programme { id name crebo level leerweg profile school { brin } } } }";

db_test!(
    schools_are_created_and_found_by_brin_filter_and_node,
    |app: TestApp| async move {
        let admin = app.admin();
        small_region(&app, "AMS", "11AA", "22BB").await;
        let created = app
        .ok(Some(&admin), CREATE_SCHOOL, json!({"i": {"regionCode": "AMS", "brin": "22BB01", "name": "MBO College Zuid", "sector": "MBO", "city": "Amsterdam", "parentBrin": "22BB"}}))
        .await;
        let school = &created["createSchool"]["school"];
        assert_eq!(school["parent"]["brin"], "22BB");
        assert_eq!(school["region"]["code"], "AMS");

        let found = app
            .ok(
                None,
                "{ school(brin: \"22BB01\") { name sector parent { colleges { brin } } } }",
                json!({}),
            )
            .await;
        assert_eq!(found["school"]["name"], "MBO College Zuid");
        assert_eq!(found["school"]["parent"]["colleges"][0]["brin"], "22BB01");

        let mbo = app
        .ok(None, "{ schools(filter: {regionCode: \"AMS\", sector: MBO}) { totalCount edges { node { brin } } } }", json!({}))
        .await;
        assert_eq!(mbo["schools"]["totalCount"], 2);
        let by_name = app
            .ok(
                None,
                "{ schools(filter: {name: \"college z\"}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(by_name["schools"]["totalCount"], 1);
        let other_region = app
            .ok(
                None,
                "{ schools(filter: {regionCode: \"NOPE\"}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(other_region["schools"]["totalCount"], 0);

        let node = app
            .ok(
                None,
                "query($id: ID!) { node(id: $id) { id ... on School { brin } } }",
                json!({"id": school["id"]}),
            )
            .await;
        assert_eq!(node["node"]["brin"], "22BB01");
    }
);

db_test!(school_input_is_validated, |app: TestApp| async move {
    let admin = app.admin();
    small_region(&app, "AMS", "11AA", "22BB").await;
    let bad_brin = app
        .gql(
            Some(&admin),
            CREATE_SCHOOL,
            json!({"i": {"regionCode": "AMS", "brin": "1AAA", "name": "X", "sector": "VO"}}),
        )
        .await;
    assert_eq!(
        bad_brin["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert_eq!(bad_brin["errors"][0]["extensions"]["field"], "brin");

    let duplicate = app
        .error_code(
            Some(&admin),
            CREATE_SCHOOL,
            json!({"i": {"regionCode": "AMS", "brin": "11AA", "name": "Again", "sector": "VO"}}),
        )
        .await;
    assert_eq!(duplicate, "CONFLICT");

    let no_region = app
        .gql(
            Some(&admin),
            CREATE_SCHOOL,
            json!({"i": {"regionCode": "XXX", "brin": "33CC", "name": "X", "sector": "VO"}}),
        )
        .await;
    assert_eq!(no_region["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(no_region["errors"][0]["extensions"]["field"], "regionCode");

    let duplicate_region = app
        .error_code(
            Some(&admin),
            "mutation { createRegion(input: {code: \"AMS\", name: \"Twice\"}) { region { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(duplicate_region, "CONFLICT");
    assert_eq!(app.count_rows("school").await, 2, "nothing half-written");
});

db_test!(
    programmes_follow_the_school_sector,
    |app: TestApp| async move {
        let admin = app.admin();
        small_region(&app, "AMS", "11AA", "22BB").await;
        let mbo = app
        .ok(Some(&admin), CREATE_PROGRAMME, json!({"i": {"schoolBrin": "22BB", "name": "Sport en Bewegen", "crebo": "25422", "level": 4}}))
        .await;
        assert_eq!(mbo["createProgramme"]["programme"]["level"], 4);
        let vmbo = app
        .ok(Some(&admin), CREATE_PROGRAMME, json!({"i": {"schoolBrin": "11AA", "name": "TL D&P", "leerweg": "TL", "profile": "DP"}}))
        .await;
        assert_eq!(vmbo["createProgramme"]["programme"]["profile"], "DP");

        let cases = [
            (
                json!({"schoolBrin": "22BB", "name": "x", "crebo": "1234", "level": 4}),
                "crebo",
            ),
            (
                json!({"schoolBrin": "22BB", "name": "x", "crebo": "12345", "level": 5}),
                "level",
            ),
            (
                json!({"schoolBrin": "22BB", "name": "x", "crebo": "12345", "level": 2, "leerweg": "BB"}),
                "leerweg",
            ),
            (
                json!({"schoolBrin": "11AA", "name": "x", "crebo": "12345", "level": 2}),
                "crebo",
            ),
            (
                json!({"schoolBrin": "11AA", "name": "x", "level": 2, "leerweg": "BB"}),
                "level",
            ),
            (json!({"schoolBrin": "11AA", "name": "x"}), "leerweg"),
        ];
        for (input, field) in cases {
            let body = app
                .gql(Some(&admin), CREATE_PROGRAMME, json!({"i": input}))
                .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{input}"
            );
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{input}");
        }
        let by_crebo = app.ok(None, "{ programmes(filter: {crebo: \"25422\"}) { totalCount edges { node { school { brin } } } } }", json!({})).await;
        assert_eq!(by_crebo["programmes"]["totalCount"], 1);
        let vo = app
            .ok(
                None,
                "{ programmes(filter: {sector: VO}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(vo["programmes"]["totalCount"], 1);
    }
);

db_test!(pagination_walks_every_row_once, |app: TestApp| async move {
    let admin = app.admin();
    app.ok(
        Some(&admin),
        "mutation { createRegion(input: {code: \"R\", name: \"R\"}) { region { id } } }",
        json!({}),
    )
    .await;
    for n in 0..7 {
        let brin = format!("{:02}AB", 10 + n);
        app.ok(
            Some(&admin),
            CREATE_SCHOOL,
            json!({"i": {"regionCode": "R", "brin": brin, "name": brin, "sector": "VO"}}),
        )
        .await;
    }
    let query = "query($after: String) { schools(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { brin } } } }";
    let mut after = serde_json::Value::Null;
    let mut seen = Vec::new();
    loop {
        let page = app.ok(None, query, json!({"after": after})).await;
        let schools = &page["schools"];
        assert_eq!(schools["totalCount"], 7);
        for edge in schools["edges"].as_array().unwrap() {
            seen.push(edge["node"]["brin"].as_str().unwrap().to_owned());
        }
        if !schools["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = schools["pageInfo"]["endCursor"].clone();
    }
    let expected: Vec<String> = (0..7).map(|n| format!("{:02}AB", 10 + n)).collect();
    assert_eq!(seen, expected);

    let too_many = app
        .gql(None, "{ schools(first: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        too_many["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert_eq!(too_many["errors"][0]["extensions"]["field"], "first");
    let bad_cursor = app
        .error_code(
            None,
            "{ schools(after: \"bm9wZQ\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(bad_cursor, "BAD_USER_INPUT");
});

/// The nested page of every region after `after` (a school cursor), as
/// (code, totalCount, BRINs, hasNextPage, endCursor).
async fn nested_pages(
    app: &TestApp,
    after: &serde_json::Value,
) -> Vec<(String, i64, Vec<String>, bool, serde_json::Value)> {
    let query = "query($after: String) { regions(first: 10) { nodes { code \
        schools(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { brin } } } } }";
    let data = app.ok(None, query, json!({"after": after})).await;
    data["regions"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|region| {
            let schools = &region["schools"];
            let brins = schools["nodes"].as_array().unwrap();
            (
                region["code"].as_str().unwrap().to_owned(),
                schools["totalCount"].as_i64().unwrap(),
                brins
                    .iter()
                    .map(|s| s["brin"].as_str().unwrap().to_owned())
                    .collect(),
                schools["pageInfo"]["hasNextPage"].as_bool().unwrap(),
                schools["pageInfo"]["endCursor"].clone(),
            )
        })
        .collect()
}

db_test!(
    page_and_total_stay_right_past_a_cursor,
    |app: TestApp| async move {
        // Region A gets schools 10..=13, then B gets 20..=21; C has none. Cursors are ids, so a
        // cursor of A's second school lies before all of B's schools.
        let admin = app.admin();
        for code in ["A", "B", "C"] {
            app.ok(
                Some(&admin),
                "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }",
                json!({"c": code}),
            )
            .await;
        }
        for (region, n) in [
            ("A", 10),
            ("A", 11),
            ("A", 12),
            ("A", 13),
            ("B", 20),
            ("B", 21),
        ] {
            let brin = format!("{n}AB");
            app.ok(
                Some(&admin),
                CREATE_SCHOOL,
                json!({"i": {"regionCode": region, "brin": brin, "name": brin, "sector": "VO"}}),
            )
            .await;
        }
        let brins = |list: &[&str]| list.iter().map(|b| b.to_string()).collect::<Vec<_>>();
        let first = nested_pages(&app, &serde_json::Value::Null).await;
        let summary = |pages: &[(String, i64, Vec<String>, bool, serde_json::Value)]| {
            pages
                .iter()
                .map(|(code, total, list, next, _)| (code.clone(), *total, list.clone(), *next))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            summary(&first),
            vec![
                ("A".into(), 4, brins(&["10AB", "11AB"]), true),
                ("B".into(), 2, brins(&["20AB", "21AB"]), false),
                ("C".into(), 0, vec![], false),
            ]
        );
        // Past A's second school: A's rest, all of B (later ids), and the totals unchanged.
        let second = nested_pages(&app, &first[0].4).await;
        assert_eq!(
            summary(&second),
            vec![
                ("A".into(), 4, brins(&["12AB", "13AB"]), false),
                ("B".into(), 2, brins(&["20AB", "21AB"]), false),
                ("C".into(), 0, vec![], false),
            ]
        );
        // Past B's last school nothing is left, and every total is still the whole count.
        let past_all = nested_pages(&app, &first[1].4).await;
        assert_eq!(
            summary(&past_all),
            vec![
                ("A".into(), 4, vec![], false),
                ("B".into(), 2, vec![], false),
                ("C".into(), 0, vec![], false),
            ]
        );
        // Without totalCount the page is the same.
        let lean = app
            .ok(
                None,
                "{ regions(first: 1) { nodes { schools(first: 3) { nodes { brin } } } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            lean["regions"]["nodes"][0]["schools"]["nodes"],
            json!([{"brin": "10AB"}, {"brin": "11AB"}, {"brin": "12AB"}])
        );
        // The top-level connection: its total past a cursor, also when the page is empty.
        let query = "query($after: String) { regions(first: 2, after: $after) { totalCount pageInfo { endCursor } nodes { code } } }";
        let top = app.ok(None, query, json!({"after": null})).await;
        assert_eq!(top["regions"]["totalCount"], 3);
        let cursor = top["regions"]["pageInfo"]["endCursor"].clone();
        let rest = app.ok(None, query, json!({"after": cursor})).await;
        assert_eq!(rest["regions"]["nodes"], json!([{"code": "C"}]));
        assert_eq!(rest["regions"]["totalCount"], 3);
        let cursor = rest["regions"]["pageInfo"]["endCursor"].clone();
        let none = app.ok(None, query, json!({"after": cursor})).await;
        assert_eq!(none["regions"]["nodes"], json!([]));
        assert_eq!(none["regions"]["totalCount"], 3);
    }
);

db_test!(health_and_graphiql_answer, |app: TestApp| async move {
    assert_eq!(app.get("/healthz", None).await.status(), 200);
    assert_eq!(app.get("/readyz", None).await.status(), 200);
    let page = app
        .client()
        .get(format!("{}/graphql", app.base_url))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET /graphql");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("graphiql"));
});

db_test!(
    limits_refuse_deep_and_complex_queries_before_execution,
    |app: TestApp| async move {
        let deep = "{ regions { edges { node { schools { edges { node { region { schools { edges { node { region { schools { edges { node { brin } } } } } } } } } } } } } } }";
        app.reset_statements();
        assert_eq!(
            app.error_code(None, deep, json!({})).await,
            "QUERY_TOO_COMPLEX"
        );
        let complex = "{ regions(first: 100) { edges { node { schools(first: 100) { edges { node { programmes(first: 100) { edges { node { name crebo level } } } } } } } } } }";
        assert_eq!(
            app.error_code(None, complex, json!({})).await,
            "QUERY_TOO_COMPLEX"
        );
        assert_eq!(app.statement_count(), 0, "refused before any SQL ran");
        let garbage = app
            .error_code(None, "{ regions { nope } }", json!({}))
            .await;
        assert_eq!(garbage, "BAD_USER_INPUT");
    }
);
