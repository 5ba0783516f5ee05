//! The catalogue's pages of schools and regions are answered without a future per field when
//! their `nodes` select only fields of the row itself (`api/src/graphql/plain.rs`), and by the
//! types' resolvers otherwise. Both must give the same answer, in query order.

use leerroute_tests::{TestApp, db_test, small_region};
use serde_json::json;

db_test!(
    school_nodes_answer_as_their_resolvers_do,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        // Only row fields: the plain answer. Aliases, a fragment, `__typename`, a field twice.
        let plain = app.raw_data(
            None,
            r#"{ schools(first: 5) { nodes { __typename b: brin ...F name city brin ... on School { id } } } }
               fragment F on School { sector brin }"#,
        )
        .await;
        let ids: Vec<String> = app
            .ok(None, "{ schools(first: 5) { nodes { id } } }", json!({}))
            .await["schools"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        let node = |brin: &str, sector: &str, id: &str| {
            format!(
                r#"{{"__typename":"School","b":"{brin}","sector":"{sector}","brin":"{brin}","name":"{brin}","city":"Stad","id":"{id}"}}"#
            )
        };
        assert_eq!(
            plain,
            format!(
                r#"{{"schools":{{"nodes":[{},{}]}}}}"#,
                node("11AA", "VO", &ids[0]),
                node("22BB", "MBO", &ids[1])
            )
        );
        // The same fields beside one that needs a resolver (the region, through a loader).
        let resolved = app.raw_data(
            None,
            r#"{ schools(first: 5) { nodes { __typename b: brin ...F name city brin ... on School { id } region { code } } } }
               fragment F on School { sector brin }"#,
        )
        .await;
        assert_eq!(
            resolved,
            plain.replace(r#""}"#, r#"","region":{"code":"REG"}}"#),
            "the resolvers' answer is the plain one plus the region"
        );
        // A node's id is the one `node(id:)` finds.
        let found = app
            .ok(
                None,
                "query($id: ID!) { node(id: $id) { ... on School { brin } } }",
                json!({"id": ids[1]}),
            )
            .await;
        assert_eq!(found["node"]["brin"], "22BB");
    }
);

db_test!(
    region_nodes_answer_as_their_resolvers_do,
    |app: TestApp| async move {
        small_region(&app, "REG", "11AA", "22BB").await;
        small_region(&app, "ZZZ", "33CC", "44DD").await;
        let plain = app
            .raw_data(None, "{ regions { nodes { name code id } } }")
            .await;
        let resolved = app
            .raw_data(
                None,
                "{ regions { nodes { name code id schools { totalCount } } } }",
            )
            .await;
        assert_eq!(
            resolved,
            plain.replace(r#""}"#, r#"","schools":{"totalCount":2}}"#)
        );
        assert!(plain.starts_with(r#"{"regions":{"nodes":[{"name":"REG","code":"REG","id":""#));
    }
);
