//! The service as an operator runs it: migrations up and down, the demo seed, the CLI.

use leerroute_tests::{TestApp, db_test};
use migration::{Migrator, MigratorTrait};
use serde_json::json;

db_test!(
    migrations_roll_back_and_forward,
    |app: TestApp| async move {
        let applied = Migrator::get_applied_migrations(&app.db)
            .await
            .unwrap()
            .len();
        assert!(applied >= 2);
        let down = app.cli(&["migrate", "--down", &applied.to_string()]);
        assert!(
            down.status.success(),
            "{}",
            String::from_utf8_lossy(&down.stderr)
        );
        assert!(
            Migrator::get_applied_migrations(&app.db)
                .await
                .unwrap()
                .is_empty()
        );
        let up = app.cli(&["migrate"]);
        assert!(
            up.status.success(),
            "{}",
            String::from_utf8_lossy(&up.stderr)
        );
        assert_eq!(
            Migrator::get_applied_migrations(&app.db)
                .await
                .unwrap()
                .len(),
            applied
        );
        let body = app.ok(None, "{ regions { totalCount } }", json!({})).await;
        assert_eq!(body["regions"]["totalCount"], 0);
    }
);

db_test!(demo_seed_is_idempotent, |app: TestApp| async move {
    for _ in 0..2 {
        let out = app.cli(&["seed", "--demo"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let data = app
        .ok(None, "{ regions { totalCount } leerlab(code: \"IJBURG-ROCVA\") { status kind partners { role school { name parent { name } } } targetProgrammes { name level } members { team } } }", json!({}))
        .await;
    assert_eq!(data["regions"]["totalCount"], 2);
    // Three in five of the 240 demo pupils evaluated, once: the second run added none.
    assert_eq!(app.count_rows("self_evaluation").await, 240 * 3 / 5);
    let lab = &data["leerlab"];
    assert_eq!(lab["status"], "RUNNING");
    assert_eq!(lab["partners"].as_array().unwrap().len(), 3);
    assert_eq!(
        lab["partners"][1]["school"]["parent"]["name"],
        "ROC van Amsterdam"
    );
    assert_eq!(lab["targetProgrammes"].as_array().unwrap().len(), 2);
    let teams: Vec<&str> = lab["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["team"].as_str().unwrap())
        .collect();
    assert_eq!(teams.iter().filter(|t| **t == "PROJECT_TEAM").count(), 3);
    assert_eq!(
        teams.iter().filter(|t| **t == "DEVELOPMENT_GROUP").count(),
        6
    );
    assert_eq!(teams.iter().filter(|t| **t == "STEERING_GROUP").count(), 2);
    let harderwijk = app
        .ok(
            None,
            "{ schools(filter: {regionCode: \"HDW\"}) { edges { node { sector } } } }",
            json!({}),
        )
        .await;
    let sectors: Vec<&str> = harderwijk["schools"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["sector"].as_str().unwrap())
        .collect();
    assert!(sectors.iter().filter(|s| **s == "VO").count() >= 2);
    assert_eq!(sectors.iter().filter(|s| **s == "MBO").count(), 1);
});
