//! The rows of `transitionStats` are answered without a future per field
//! (`api/src/graphql/plain.rs`): what the query selected of them still comes back as GraphQL has
//! it — aliases, fragments spread and inline, `__typename`, a field asked twice, sub-selections
//! of one key merged, every field in query order — and every field of the row type answers.

use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test, small_region};
use serde_json::{Value, json};

/// Six leavers of 11AA (KB, 2023-2024), two of whom enrolled at 22BB.
async fn six_leavers(app: &TestApp) {
    small_region(app, "REG", "11AA", "22BB").await;
    let vo: Vec<String> = (0..6)
        .map(|i| format!("{},11AA,KB,E&O,2023-2024,2024-06-01,,,", bsn(500 + i)))
        .collect();
    let mbo: Vec<String> = (0..2)
        .map(|i| format!("{},22BB,25180,3,2024-09-0{},enrolled,", bsn(500 + i), i + 1))
        .collect();
    for (kind, header, rows) in [
        ("vo-leavers", VO_HEADER, vo),
        ("mbo-enrolments", MBO_HEADER, mbo),
    ] {
        let out = app.cli_import(kind, &format!("{header}\n{}\n", rows.join("\n")));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

db_test!(
    rows_answer_aliases_fragments_and_merged_keys_in_query_order,
    |app: TestApp| async move {
        six_leavers(&app).await;
        let query = r#"
            query {
              transitionStats(groupBy: [COHORT, LEERWEG]) {
                rows {
                  __typename
                  n: leavers
                  ...Counts
                  key { cohort }
                  key { leerweg __typename }
                  enrolledRate
                  leavers
                }
                total { ... on TransitionStatsRow { switched } leavers k: key { cohort } }
              }
            }
            fragment Counts on TransitionStatsRow { enrolled notEnrolled leavers }"#;
        let rate = serde_json::to_string(&(2.0f64 / 6.0)).unwrap();
        let expected = format!(
            r#"{{"transitionStats":{{"rows":[{{"__typename":"TransitionStatsRow","n":6,"enrolled":2,"notEnrolled":4,"leavers":6,"key":{{"cohort":"2023-2024","leerweg":"KB","__typename":"TransitionStatsKey"}},"enrolledRate":{rate}}}],"total":{{"switched":0,"leavers":6,"k":{{"cohort":null}}}}}}}}"#
        );
        assert_eq!(app.raw_data(Some(&app.admin()), query).await, expected);
    }
);

/// The field names of an object type, from introspection.
async fn fields_of(app: &TestApp, ty: &str) -> Vec<String> {
    let data = app
        .ok(
            Some(&app.admin()),
            "query($t: String!) { __type(name: $t) { fields { name } } }",
            json!({"t": ty}),
        )
        .await;
    data["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

db_test!(
    every_field_of_a_statistics_row_answers,
    |app: TestApp| async move {
        six_leavers(&app).await;
        let key_fields = fields_of(&app, "TransitionStatsKey").await.join(" ");
        let row_fields: Vec<String> = fields_of(&app, "TransitionStatsRow").await;
        assert!(row_fields.len() >= 17, "counts and rates: {row_fields:?}");
        let selection = row_fields
            .iter()
            .map(|f| match f.as_str() {
                "key" => format!("key {{ {key_fields} }}"),
                other => other.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ");
        let query = format!(
            "query {{ transitionStats(groupBy: [COHORT, VO_SCHOOL, LEERWEG, PROFILE, MBO_SCHOOL, \
         CREBO, LEVEL, LEERLAB]) {{ rows {{ {selection} }} total {{ {selection} }} }} }}"
        );
        let data = app.ok(Some(&app.admin()), &query, json!({})).await;
        let rows = data["transitionStats"]["rows"].as_array().unwrap();
        assert_eq!(
            rows.len(),
            2,
            "enrolled at 22BB, and not enrolled: {rows:?}"
        );
        let enrolled = rows
            .iter()
            .find(|r| r["key"]["mboSchoolBrin"] == json!("22BB"))
            .expect("the enrolled row");
        let expected_key = json!({"cohort": "2023-2024", "voSchoolBrin": "11AA", "mboSchoolBrin": "22BB",
        "leerweg": "KB", "profile": "EO", "crebo": "25180", "level": 3, "leerlabCode": null});
        assert_eq!(enrolled["key"], expected_key);
        for field in &row_fields {
            let value = &enrolled[field.as_str()];
            match field.as_str() {
                "key" => {}
                rate if rate.ends_with("Rate") => assert!(value.is_number(), "{field}: {value}"),
                _ => assert!(value.as_i64().is_some(), "{field}: {value}"),
            }
        }
        assert_eq!(enrolled["leavers"], 2);
        assert_eq!(enrolled["atExpectedLevel"], 2, "KB expects level 3");
        assert_eq!(enrolled["enrolledRate"], 1.0);
        let total: &Value = &data["transitionStats"]["total"];
        assert_eq!(total["leavers"], 6);
        assert_eq!(total["notEnrolled"], 4);
    }
);
