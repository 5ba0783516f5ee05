//! The enum columns are typed (the `vocabulary` crate): what the service writes is the text
//! DESIGN.md names (`VO`, `DRAFT`, `received`, …, the same as in CSV files), and a text that is
//! none of the values, written behind the service's back, is an `INTERNAL` error that names
//! neither the text nor the table, while the service goes on answering.

use leerroute_tests::{TestApp, db_test, first_error_code, small_region};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

/// One text column of one row, read through our own connection.
async fn stored(app: &TestApp, sql: &str) -> String {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("query")
        .expect("one row");
    row.try_get_by_index(0).expect("text")
}

const SCHOOLS: &str = "{ schools(first: 5) { nodes { brin sector } } }";
const ADD_PERSON: &str = "mutation { createPerson(input: {schoolBrin: \"11AA\", name: \"Sam\", function: LOB_STAFF}) { person { id } } }";
const FORGE: &str = "UPDATE school SET sector = 'XQZ' WHERE brin = '22BB'";

db_test!(
    enum_columns_store_the_texts_of_the_design,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let admin = app.admin();
        app.ok(Some(&admin), ADD_PERSON, json!({})).await;
        let sector = stored(&app, "SELECT sector FROM school WHERE brin = '22BB'").await;
        assert_eq!(sector, "MBO");
        assert_eq!(
            stored(&app, "SELECT function FROM person").await,
            "LOB_STAFF"
        );
        let schools = app.ok(Some(&admin), SCHOOLS, json!({})).await;
        let both = json!([{"brin": "11AA", "sector": "VO"}, {"brin": "22BB", "sector": "MBO"}]);
        assert_eq!(schools["schools"]["nodes"], both);
    }
);

db_test!(
    an_unknown_stored_text_is_an_internal_error_that_does_not_repeat_it,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        app.db.execute_unprepared(FORGE).await.expect("forge");
        let admin = app.admin();
        let body = app.gql(Some(&admin), SCHOOLS, json!({})).await;
        let code = first_error_code(&body);
        assert_eq!(code.as_deref(), Some("INTERNAL"), "{body:#}");
        let text = body.to_string();
        assert!(!text.contains("XQZ"), "the stored text is repeated: {text}");
        assert!(!text.contains("sector"), "the column is named: {text}");
        // The other school still reads, and the service still answers.
        let one = "{ school(brin: \"11AA\") { sector } }";
        let body = app.ok(Some(&admin), one, json!({})).await;
        assert_eq!(body["school"]["sector"], "VO");
    }
);
