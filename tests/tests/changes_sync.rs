//! The example nightly sync (`examples/sync.py`, Python standard library) against a live
//! server: a first full pull, then a change, then a delete, then a replica older than the deletes
//! kept (it starts over). After every run the replica equals a full pull through GraphQL.

mod support;

use std::{collections::BTreeMap, path::Path, process::Command};

use leerroute::auth::Role;
use leerroute_tests::{TestApp, db_test, small_region};
use serde_json::{Value, json};

const FULL: &str = "query($a: String) { changes(since: \"0\", first: 100, after: $a) { pageInfo { hasNextPage endCursor } edges { node { id object { changeVersion } } } } }";

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sync.py")
}

/// Runs the script against `base` and returns its output line.
fn sync(base: &str, token: &str, replica: &Path) -> String {
    let out = Command::new("python3")
        .arg(script())
        .args(["--url", base, "--token", token, "--replica"])
        .arg(replica)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "sync failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What a full pull through GraphQL gives now: global id → change version.
async fn full_pull(app: &TestApp, base: &str, token: &str) -> BTreeMap<String, String> {
    let mut after: Option<String> = None;
    let mut records = BTreeMap::new();
    loop {
        let body = support::gql_at(app, base, token, FULL, json!({"a": after})).await;
        let page = &body["data"]["changes"];
        for edge in page["edges"].as_array().unwrap_or_else(|| panic!("{body}")) {
            let node = &edge["node"];
            records.insert(
                node["id"].as_str().unwrap().to_owned(),
                node["object"]["changeVersion"].as_str().unwrap().to_owned(),
            );
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return records;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// The replica's records: global id → change version (and the whole file).
fn replica(path: &Path) -> (BTreeMap<String, String>, Value) {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let records = file["records"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, object)| {
            (
                id.clone(),
                object["changeVersion"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (records, file)
}

async fn assert_equal(app: &TestApp, base: &str, token: &str, path: &Path) -> Value {
    let (records, file) = replica(path);
    assert_eq!(
        records,
        full_pull(app, base, token).await,
        "replica ≠ full pull"
    );
    file
}

db_test!(
    the_example_sync_keeps_a_replica_equal_to_a_full_pull,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        small_region(&app, "HDW", "31CC", "32CC").await;
        let admin = app.admin();
        support::leerlab(&app, "AMS", "LAB", &["11AA", "22BB"]).await;
        let draft = support::create(
            &app,
            &admin,
            support::activity_input("11AA", &["22BB"], json!({})),
        )
        .await;
        // A coordinator's replica: its region's catalogue, its drafts included.
        let token = app.token(Role::Coordinator, Some("AMS"), None, Some("sync-AMS"));
        let path = app.write_file("replica.json", "");
        std::fs::remove_file(&path).unwrap();
        let base = app.base_url.clone();

        let out = sync(&base, &token, &path);
        assert!(out.starts_with("full pull: "), "{out}");
        let file = assert_equal(&app, &base, &token, &path).await;
        assert!(file["records"].as_object().unwrap().len() >= 5);
        assert!(file["records"].as_object().unwrap().contains_key(&draft));

        // A change: a new school and a new name; only they come.
        app.ok(Some(&admin), "mutation { createSchool(input: {regionCode: \"AMS\", brin: \"12AB\", name: \"Nieuw\", sector: VO}) { school { id } } updateSchool(input: {brin: \"22BB\", name: \"ROC Nieuw\"}) { school { id } } }", json!({})).await;
        let out = sync(&base, &token, &path);
        assert!(out.starts_with("2 upserts, 0 deletes"), "{out}");
        let file = assert_equal(&app, &base, &token, &path).await;
        let names: Vec<&str> = file["records"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|o| o["name"].as_str())
            .collect();
        assert!(
            names.contains(&"ROC Nieuw") && names.contains(&"Nieuw"),
            "{names:?}"
        );

        // A delete: the draft goes from the replica.
        app.ok(
            Some(&admin),
            "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedId } }",
            json!({"id": draft}),
        )
        .await;
        let out = sync(&base, &token, &path);
        assert!(out.starts_with("0 upserts, 1 deletes"), "{out}");
        let file = assert_equal(&app, &base, &token, &path).await;
        assert!(!file["records"].as_object().unwrap().contains_key(&draft));

        // Nothing changed: nothing comes.
        let out = sync(&base, &token, &path);
        assert!(out.starts_with("0 upserts, 0 deletes"), "{out}");

        // Another delete, then the deletes are pruned before the next run: the replica is too old
        // for the feed (minVersion), and the script starts over.
        let other = support::create(
            &app,
            &admin,
            support::activity_input("11AA", &[], json!({})),
        )
        .await;
        let out = sync(&base, &token, &path);
        assert!(out.starts_with("1 upserts"), "{out}");
        app.ok(
            Some(&admin),
            "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedId } }",
            json!({"id": other}),
        )
        .await;
        // A write after the delete, so that the replica's version lies below the pruned one.
        app.ok(Some(&admin), "mutation { updateSchool(input: {brin: \"22BB\", name: \"ROC Later\"}) { school { id } } }", json!({})).await;
        let today = chrono::Utc::now().date_naive() + chrono::Duration::days(11);
        let served = support::serve_on(
            &app,
            &today.to_string(),
            &[("LEERROUTE_CHANGES_RETENTION_DAYS", "10")],
        )
        .await;
        let out = sync(&served.base_url, &token, &path);
        // Another URL is another service to the script, so point the replica at this one first.
        assert!(out.starts_with("full pull: "), "{out}");
        let mut file = assert_equal(&app, &served.base_url, &token, &path).await;
        file["version"] = json!("1");
        std::fs::write(&path, file.to_string()).unwrap();
        let out = sync(&served.base_url, &token, &path);
        assert!(out.contains("starting over"), "{out}");
        let file = assert_equal(&app, &served.base_url, &token, &path).await;
        assert!(!file["records"].as_object().unwrap().contains_key(&other));
    }
);
