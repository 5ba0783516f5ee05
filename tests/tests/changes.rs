//! The change feed (DESIGN.md 4c) over GraphQL/HTTP, on both databases: every node type is in
//! it, nested parts bump their node and derived fields do not, paging, scope per role (another
//! region sees nothing of ours; rmc scope that starts and ends; a school that moves region),
//! audited pupil deliveries, tombstones with their retention and `minVersion`, and a
//! transaction that commits late is not skipped.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use leerroute::auth::Role;
use leerroute_tests::{Backend, TestApp, bsn, db_test, small_region};
use serde_json::{Value, json};

const CHANGES: &str = "query($s: String!, $f: Int, $a: String) { changes(since: $s, first: $f, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { changeVersion op type id naturalKey object { id changeVersion } } } } }";
const ROSTER_HEADER: &str = "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code";
const APPLICATION_HEADER: &str = "pgn,school_brin,crebo,level,applied_on,status,status_date";

/// Every change after `since` for `token`, paging `first` at a time.
async fn pull(app: &TestApp, token: &str, since: &str, first: i64) -> Vec<Value> {
    let mut after: Option<String> = None;
    let mut all = Vec::new();
    loop {
        let data = app
            .ok(
                Some(token),
                CHANGES,
                json!({"s": since, "f": first, "a": after}),
            )
            .await;
        let page = &data["changes"];
        all.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            return all;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// The current version, as a string.
async fn version(app: &TestApp, token: &str) -> String {
    app.ok(Some(token), "{ changeVersion }", json!({})).await["changeVersion"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `(type, op)` of each change, for asserting.
fn ops(changes: &[Value]) -> BTreeSet<(String, String, String)> {
    changes
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap().to_owned(),
                c["id"].as_str().unwrap().to_owned(),
                c["op"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn of_type<'a>(changes: &'a [Value], ty: &str) -> Vec<&'a Value> {
    changes.iter().filter(|c| c["type"] == ty).collect()
}

fn cli_on(app: &TestApp, args: &[&str], csv: Option<&str>, today: &str) {
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    if let Some(csv) = csv {
        let path = app.write_file(&format!("f{}.csv", uuid::Uuid::new_v4().simple()), csv);
        args.push(path.to_str().unwrap().to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = app
        .cli_command(&args)
        .env("LEERROUTE_TODAY", today)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn on_day(day: &'static str) -> impl Fn() -> leerroute_tests::Options {
    move || leerroute_tests::Options {
        service: Some(leerroute::config::ServiceArgs {
            clock: leerroute::config::ClockArgs {
                today: Some(day.parse().unwrap()),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A region with a bit of everything: schools, a programme, a person, a leerlab, an activity,
/// a pupil with an application and a signal, and the import runs that brought them.
async fn everything(app: &TestApp) {
    small_region(app, "AMS", "11AA", "22BB").await;
    let admin = app.admin();
    app.ok(Some(&admin), "mutation { createProgramme(input: {schoolBrin: \"22BB\", name: \"Sport\", crebo: \"25422\", level: 4}) { programme { id } } createPerson(input: {name: \"Coach\", function: COACH, schoolBrin: \"11AA\"}) { person { id } } createLeerlab(input: {regionCode: \"AMS\", code: \"LAB\", name: \"Lab\", kind: LEERLIJN}) { leerlab { id } } }", json!({})).await;
    support::create(
        app,
        &admin,
        support::activity_input("11AA", &["22BB"], json!({})),
    )
    .await;
    let roster = format!("{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,4,\n", bsn(1));
    cli_on(app, &["import", "vo-pupils"], Some(&roster), "2026-03-01");
    let applied = format!(
        "{APPLICATION_HEADER}\n{},22BB,25422,4,2026-02-01,received,2026-02-01\n",
        bsn(1)
    );
    cli_on(
        app,
        &["import", "mbo-applications"],
        Some(&applied),
        "2026-03-01",
    );
    let roster2 = format!("{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,4,\n", bsn(2));
    cli_on(app, &["import", "vo-pupils"], Some(&roster2), "2026-03-01");
    cli_on(app, &["signals", "refresh"], None, "2026-04-01");
}

db_test!(
    every_node_type_is_in_the_feed_once_in_version_order,
    on_day("2026-04-02"),
    |app: TestApp| async move {
        everything(&app).await;
        let admin = app.admin();
        let all = pull(&app, &admin, "0", 100).await;
        let types: BTreeSet<&str> = all.iter().map(|c| c["type"].as_str().unwrap()).collect();
        for ty in [
            "Region",
            "School",
            "Programme",
            "Person",
            "Leerlab",
            "Activity",
            "Student",
            "Application",
            "Signal",
            "ImportRun",
        ] {
            assert!(types.contains(ty), "{ty} missing from {types:?}");
        }
        // Once each, oldest first, every one an UPSERT with its object at the same version.
        let ids: BTreeSet<&str> = all.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), all.len(), "a record listed twice");
        let versions: Vec<u64> = all
            .iter()
            .map(|c| c["changeVersion"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{versions:?}");
        for change in &all {
            assert_eq!(change["op"], "UPSERT");
            assert_eq!(change["object"]["id"], change["id"]);
            assert_eq!(change["object"]["changeVersion"], change["changeVersion"]);
        }
        let school = all.iter().find(|c| c["type"] == "School").unwrap();
        assert!(school["naturalKey"].as_str().unwrap().len() == 4);
        // Paging in small pages gives the same list; totalCount counts them all.
        assert_eq!(pull(&app, &admin, "0", 3).await, all);
        let first = app
            .ok(Some(&admin), CHANGES, json!({"s": "0", "f": 1}))
            .await;
        assert_eq!(first["changes"]["totalCount"], all.len());
        // The current version is the last one listed, and nothing comes after it.
        let now = version(&app, &admin).await;
        assert!(now.parse::<u64>().unwrap() >= *versions.last().unwrap());
        assert!(pull(&app, &admin, &now, 100).await.is_empty());
        // An import run says which cohorts it touched, no pupil data.
        let runs = app
            .ok(
                Some(&admin),
                "{ importRuns(first: 10) { nodes { kind cohorts changeVersion } } }",
                json!({}),
            )
            .await;
        assert!(
            runs["importRuns"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["cohorts"] == json!(["2025-2026"])),
            "{runs}"
        );
        // Bad input names its field.
        let bad = app.gql(Some(&admin), CHANGES, json!({"s": "-1"})).await;
        assert_eq!(bad["errors"][0]["extensions"]["field"], "since");
        let bad = app
            .gql(Some(&admin), CHANGES, json!({"s": "0", "a": "nope"}))
            .await;
        assert_eq!(bad["errors"][0]["extensions"]["field"], "after");
        // Anonymous callers may not read the feed.
        assert_eq!(
            app.error_code(None, CHANGES, json!({"s": "0"})).await,
            "UNAUTHENTICATED"
        );
    }
);

/// The version of one node, by its global id.
async fn node_version(app: &TestApp, id: &str) -> u64 {
    let data = app
        .ok(
            Some(&app.admin()),
            "query($id: ID!) { node(id: $id) { changeVersion } }",
            json!({"id": id}),
        )
        .await;
    data["node"]["changeVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

db_test!(
    nested_parts_bump_their_node_and_derived_fields_do_not,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let admin = app.admin();
        support::leerlab(&app, "AMS", "LAB", &["11AA", "22BB"]).await;
        let lab = app
            .ok(
                Some(&admin),
                "{ leerlab(code: \"LAB\") { id } school(brin: \"11AA\") { id } }",
                json!({}),
            )
            .await;
        let (lab_id, school_id) = (
            lab["leerlab"]["id"].as_str().unwrap().to_owned(),
            lab["school"]["id"].as_str().unwrap().to_owned(),
        );
        let before = node_version(&app, &lab_id).await;
        let since = version(&app, &admin).await;
        app.ok(Some(&admin), "mutation { removeLeerlabPartner(input: {leerlabCode: \"LAB\", schoolBrin: \"22BB\"}) { leerlab { partners { school { brin } } } } }", json!({})).await;
        let after = node_version(&app, &lab_id).await;
        assert!(after > before, "removing a partner bumps the leerlab");
        let changes = pull(&app, &admin, &since, 100).await;
        assert_eq!(
            ops(&changes),
            BTreeSet::from([("Leerlab".to_owned(), lab_id.clone(), "UPSERT".to_owned())]),
            "removeLeerlabPartner is an UPSERT of its leerlab"
        );
        // A member is a nested part too.
        let person = app.ok(Some(&admin), "mutation { createPerson(input: {name: \"Docent\", function: COACH, schoolBrin: \"11AA\"}) { person { id } } }", json!({})).await;
        let person_id = person["createPerson"]["person"]["id"].as_str().unwrap();
        let before = node_version(&app, &lab_id).await;
        app.ok(Some(&admin), "mutation($p: ID!) { addLeerlabMember(input: {leerlabCode: \"LAB\", personId: $p, team: PROJECT_TEAM}) { member { team } } }", json!({"p": person_id})).await;
        assert!(node_version(&app, &lab_id).await > before);
        // Periods and holidays are part of the school.
        let before = node_version(&app, &school_id).await;
        let calendar = support::calendar_input(
            "11AA",
            &[("2025-08-25", "2026-07-10")],
            &[("Kerst", "2025-12-22", "2026-01-02")],
        );
        app.ok(Some(&admin), support::SET_CALENDAR, json!({"i": calendar}))
            .await;
        assert!(node_version(&app, &school_id).await > before);
        // A coach is part of the pupil.
        let pupil = support::pupil(&app, "11AA").await;
        let before = node_version(&app, &pupil).await;
        app.ok(Some(&admin), "mutation($s: ID!, $p: ID!) { assignCoach(input: {studentId: $s, personId: $p, from: \"2025-01-01\"}) { student { id } } }", json!({"s": pupil, "p": person_id})).await;
        assert!(node_version(&app, &pupil).await > before);
        // enrolledCount is derived: an enrolment does not bump the activity.
        let activity =
            support::published(&app, support::activity_input("11AA", &[], json!({}))).await;
        let before = node_version(&app, &activity).await;
        app.ok(
            Some(&admin),
            support::ENROL,
            json!({"a": activity, "s": pupil}),
        )
        .await;
        assert_eq!(
            node_version(&app, &activity).await,
            before,
            "enrolledCount changed the version"
        );
        // Importing the same file twice changes nothing, so it bumps nothing.
        let since = version(&app, &admin).await;
        let csv = format!(
            "{}\n{},11AA,TL,E&O,2025-2026,2026-05-12,,,\n",
            leerroute_tests::VO_HEADER,
            bsn(77)
        );
        let import =
            "mutation($input: ImportInput!) { importVoLeavers(input: $input) { created } }";
        app.upload(Some(&admin), import, &csv).await;
        let once = version(&app, &admin).await;
        assert_ne!(once, since);
        app.upload(Some(&admin), import, &csv).await;
        let again = pull(&app, &admin, &once, 100).await;
        assert!(
            again.iter().all(|c| c["type"] == "ImportRun"),
            "a repeated import changed records: {again:?}"
        );
    }
);

db_test!(
    an_import_bumps_the_earlier_records_of_its_persons,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let admin = app.admin();
        let import =
            "mutation($input: ImportInput!) { importVoLeavers(input: $input) { created } }";
        let leaver = |year: &str, exam: &str, n: u64| {
            format!(
                "{}\n{},11AA,TL,E&O,{year},{exam},,,\n",
                leerroute_tests::VO_HEADER,
                bsn(n)
            )
        };
        app.upload(Some(&admin), import, &leaver("2024-2025", "2025-05-12", 77))
            .await;
        let first = pull(&app, &admin, "0", 100).await;
        let earlier: Vec<&str> = of_type(&first, "Student")
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(earlier.len(), 1, "{first:?}");
        app.upload(Some(&admin), import, &leaver("2024-2025", "2025-05-12", 78))
            .await;
        // Pupil 77 comes back a year later: the new record is stamped at the import's
        // version, and so is the earlier one (the same person; a scope may have changed),
        // not pupil 78's.
        let since = version(&app, &admin).await;
        app.upload(Some(&admin), import, &leaver("2025-2026", "2026-05-12", 77))
            .await;
        let after = pull(&app, &admin, &since, 100).await;
        let students = of_type(&after, "Student");
        assert_eq!(students.len(), 2, "{after:?}");
        assert!(
            students.iter().any(|c| c["id"] == earlier[0]),
            "the earlier record was not bumped: {after:?}"
        );
        assert!(students.iter().all(|c| c["op"] == "UPSERT"));
        let versions: BTreeSet<&str> = students
            .iter()
            .map(|c| c["changeVersion"].as_str().unwrap())
            .collect();
        assert_eq!(versions.len(), 1, "one version for the import: {after:?}");
        // Pulled again from the import's version, nothing is left to deliver.
        let now = version(&app, &admin).await;
        assert!(pull(&app, &admin, &now, 100).await.is_empty());
    }
);

db_test!(
    a_coordinator_of_another_region_hears_nothing_of_ours,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        small_region(&app, "HDW", "31CC", "32CC").await;
        let hdw = app.coordinator("HDW");
        let theirs = pull(&app, &hdw, "0", 100).await;
        let keys: BTreeSet<&str> = theirs
            .iter()
            .filter_map(|c| c["naturalKey"].as_str())
            .collect();
        assert_eq!(keys, BTreeSet::from(["HDW", "31CC", "32CC"]));
        let since = version(&app, &hdw).await;
        let admin = app.admin();
        support::leerlab(&app, "AMS", "LAB", &["11AA"]).await;
        let draft = support::create(
            &app,
            &admin,
            support::activity_input("11AA", &[], json!({})),
        )
        .await;
        app.ok(
            Some(&admin),
            "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedId } }",
            json!({"id": draft}),
        )
        .await;
        app.ok(
            Some(&admin),
            "mutation { updateSchool(input: {brin: \"11AA\", name: \"Nieuw\"}) { school { id } } }",
            json!({}),
        )
        .await;
        support::pupil(&app, "11AA").await;
        assert!(
            pull(&app, &hdw, &since, 100).await.is_empty(),
            "HDW heard of AMS"
        );
        let integration = app.token(Role::Integration, Some("HDW"), None, Some("script-hdw"));
        assert!(pull(&app, &integration, &since, 100).await.is_empty());
        // Our own coordinator hears of them, the deleted draft as a DELETE without data.
        let ams = pull(&app, &app.coordinator("AMS"), &since, 100).await;
        let activity = of_type(&ams, "Activity");
        assert_eq!(activity.len(), 1);
        assert_eq!(activity[0]["op"], "DELETE");
        assert!(activity[0]["object"].is_null());
        assert!(
            of_type(&ams, "Student").is_empty(),
            "a coordinator never gets a pupil"
        );
    }
);

db_test!(
    delete_activity_deletes_drafts_only,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let admin = app.admin();
        let published =
            support::published(&app, support::activity_input("11AA", &[], json!({}))).await;
        let delete = "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedId } }";
        assert_eq!(
            app.error_code(Some(&admin), delete, json!({"id": published}))
                .await,
            "CONFLICT"
        );
        let draft = support::create(
            &app,
            &admin,
            support::activity_input("11AA", &[], json!({})),
        )
        .await;
        // Staff of another school may not delete it.
        small_region(&app, "HDW", "31CC", "32CC").await;
        assert_eq!(
            app.error_code(Some(&app.staff("31CC")), delete, json!({"id": draft}))
                .await,
            "NOT_FOUND"
        );
        let since = version(&app, &admin).await;
        let done = app
            .ok(Some(&app.staff("11AA")), delete, json!({"id": draft}))
            .await;
        assert_eq!(done["deleteActivity"]["deletedId"], draft);
        let changes = pull(&app, &admin, &since, 100).await;
        assert_eq!(
            ops(&changes),
            BTreeSet::from([("Activity".to_owned(), draft.clone(), "DELETE".to_owned())])
        );
        // A full pull lists only live records.
        assert!(
            pull(&app, &admin, "0", 100)
                .await
                .iter()
                .all(|c| c["id"] != draft.as_str())
        );
    }
);

db_test!(
    a_school_that_moves_region_is_a_delete_for_the_old_regions_integration,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        small_region(&app, "HDW", "31CC", "32CC").await;
        let admin = app.admin();
        app.ok(Some(&admin), "mutation { createProgramme(input: {schoolBrin: \"22BB\", name: \"Sport\", crebo: \"25422\", level: 4}) { programme { id } } }", json!({})).await;
        let ams = app.token(Role::Integration, Some("AMS"), None, Some("script-ams"));
        let hdw = app.token(Role::Integration, Some("HDW"), None, Some("script-hdw"));
        let school = app
            .ok(
                Some(&admin),
                "{ school(brin: \"22BB\") { id programmes { nodes { id } } } }",
                json!({}),
            )
            .await;
        let school_id = school["school"]["id"].as_str().unwrap().to_owned();
        let programme_id = school["school"]["programmes"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let since = version(&app, &admin).await;
        // Only admin moves a school.
        let moving = "mutation { updateSchool(input: {brin: \"22BB\", regionCode: \"HDW\"}) { school { region { code } } } }";
        assert_eq!(
            app.error_code(Some(&app.coordinator("AMS")), moving, json!({}))
                .await,
            "FORBIDDEN"
        );
        let moved = app.ok(Some(&admin), moving, json!({})).await;
        assert_eq!(moved["updateSchool"]["school"]["region"]["code"], "HDW");
        let old = pull(&app, &ams, &since, 100).await;
        assert_eq!(
            ops(&old),
            BTreeSet::from([
                ("School".to_owned(), school_id.clone(), "DELETE".to_owned()),
                (
                    "Programme".to_owned(),
                    programme_id.clone(),
                    "DELETE".to_owned()
                ),
            ])
        );
        let new = pull(&app, &hdw, &since, 100).await;
        assert_eq!(
            ops(&new),
            BTreeSet::from([
                ("School".to_owned(), school_id.clone(), "UPSERT".to_owned()),
                (
                    "Programme".to_owned(),
                    programme_id.clone(),
                    "UPSERT".to_owned()
                ),
            ])
        );
        // Admin hears of each once; a full pull of AMS no longer has it.
        let all = pull(&app, &admin, &since, 100).await;
        assert_eq!(of_type(&all, "School").len(), 1);
        assert!(
            pull(&app, &ams, "0", 100)
                .await
                .iter()
                .all(|c| c["id"] != school_id.as_str())
        );
        // Moving back: the old region hears an UPSERT again.
        let since = version(&app, &admin).await;
        app.ok(Some(&admin), "mutation { updateSchool(input: {brin: \"22BB\", regionCode: \"AMS\"}) { school { id } } }", json!({})).await;
        let back = pull(&app, &ams, &since, 100).await;
        assert!(ops(&back).contains(&(
            "School".to_owned(),
            school_id.clone(),
            "UPSERT".to_owned()
        )));
        let gone = pull(&app, &hdw, &since, 100).await;
        assert!(ops(&gone).contains(&("School".to_owned(), school_id, "DELETE".to_owned())));
    }
);

db_test!(
    rmc_scope_that_starts_and_ends_is_an_upsert_then_a_delete,
    on_day("2026-04-10"),
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        small_region(&app, "HDW", "31CC", "32CC").await;
        let roster = format!(
            "{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,4,\n{},31CC,TL,E&O,2025-2026,4,\n",
            bsn(1),
            bsn(3)
        );
        cli_on(&app, &["import", "vo-pupils"], Some(&roster), "2026-03-01");
        let rmc = app.token(Role::Rmc, Some("AMS"), None, Some("rmc-AMS"));
        let first = pull(&app, &rmc, "0", 100).await;
        assert!(
            of_type(&first, "Student").is_empty(),
            "no signal yet, no pupil"
        );
        let since = version(&app, &rmc).await;
        // 1 April: NO_APPLICATION; the pupil enters the rmc's scope with the signal.
        cli_on(&app, &["signals", "refresh"], None, "2026-04-01");
        let started = pull(&app, &rmc, &since, 100).await;
        let students = of_type(&started, "Student");
        assert_eq!(students.len(), 1, "{started:?}");
        assert_eq!(students[0]["op"], "UPSERT");
        let pupil = students[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(of_type(&started, "Signal").len(), 1);
        assert!(started.iter().all(|c| c["op"] == "UPSERT"));
        // The other region's rmc hears nothing of it.
        let hdw = app.token(Role::Rmc, Some("HDW"), None, Some("rmc-HDW"));
        assert!(
            of_type(&pull(&app, &hdw, &since, 100).await, "Student")
                .iter()
                .all(|c| c["id"] != pupil.as_str())
        );
        // 4 April the pupil applies; 5 April the signal resolves, still in scope for 90 days.
        let applied = format!(
            "{APPLICATION_HEADER}\n{},22BB,25422,4,2026-04-04,received,2026-04-04\n",
            bsn(1)
        );
        cli_on(
            &app,
            &["import", "mbo-applications"],
            Some(&applied),
            "2026-04-04",
        );
        cli_on(&app, &["signals", "refresh"], None, "2026-04-05");
        let since = version(&app, &rmc).await;
        let resolved = pull(&app, &rmc, "0", 100).await;
        assert_eq!(of_type(&resolved, "Student").len(), 1);
        assert_eq!(of_type(&resolved, "Application").len(), 1);
        // 91 days after the resolution the scope ends by the date alone: a server started on
        // that day records it, and the rmc hears a DELETE of every part of the pupil.
        cli_on(&app, &["signals", "refresh"], None, "2026-07-05");
        let later = support::serve_on(&app, "2026-07-05", &[]).await;
        let mut after: Option<String> = None;
        let mut ended = Vec::new();
        loop {
            let body = support::gql_at(
                &app,
                &later.base_url,
                &rmc,
                CHANGES,
                json!({"s": since, "f": 100, "a": after}),
            )
            .await;
            let page = &body["data"]["changes"];
            ended.extend(
                page["edges"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{body}"))
                    .iter()
                    .map(|e| e["node"].clone()),
            );
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        }
        let ended_ops = ops(&ended);
        assert!(
            ended_ops.contains(&("Student".to_owned(), pupil.clone(), "DELETE".to_owned())),
            "{ended:?}"
        );
        assert!(
            ended
                .iter()
                .filter(|c| c["type"] != "Region" && c["type"] != "School")
                .all(|c| c["op"] == "DELETE"),
            "{ended:?}"
        );
        let full = support::gql_at(
            &app,
            &later.base_url,
            &rmc,
            CHANGES,
            json!({"s": "0", "f": 100}),
        )
        .await;
        assert!(
            full["data"]["changes"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["node"]["type"] != "Student")
        );
    }
);

db_test!(
    every_pupil_record_delivered_is_audited,
    on_day("2026-04-02"),
    |app: TestApp| async move {
        everything(&app).await;
        let staff = app.staff("11AA");
        let all = pull(&app, &staff, "0", 100).await;
        let mut delivered: BTreeMap<&str, usize> = BTreeMap::new();
        for change in &all {
            *delivered
                .entry(change["type"].as_str().unwrap())
                .or_default() += 1;
        }
        assert_eq!(delivered.get("Student"), Some(&2), "{all:?}");
        assert_eq!(delivered.get("Application"), Some(&1));
        assert_eq!(delivered.get("Signal"), Some(&1));
        let admin = app.admin();
        for (action, n) in [
            ("student.read", 2),
            ("application.read", 1),
            ("signal.read", 1),
        ] {
            let log = app
                .ok(
                    Some(&admin),
                    "query($a: String!) { auditEvents(filter: {subject: \"staff-11AA\", action: $a}) { totalCount } }",
                    json!({"a": action}),
                )
                .await;
            let all = app
                .ok(
                    Some(&admin),
                    "{ auditEvents(first: 100) { nodes { subject action target } } }",
                    json!({}),
                )
                .await;
            assert_eq!(log["auditEvents"]["totalCount"], n, "{action} {all}");
        }
        // Staff of the mbo school: only what reaches them, and no vmbo pupil without an application.
        let mbo = pull(&app, &app.staff("22BB"), "0", 100).await;
        assert_eq!(of_type(&mbo, "Student").len(), 1);
        assert_eq!(of_type(&mbo, "Application").len(), 1);
        // A coordinator and an integration token get no pupil at all, and no DELETE of one.
        for token in [
            app.coordinator("AMS"),
            app.token(Role::Integration, Some("AMS"), None, Some("script")),
        ] {
            let feed = pull(&app, &token, "1", 100).await;
            assert!(
                feed.iter()
                    .all(|c| !["Student", "Application", "Signal", "ImportRun"]
                        .contains(&c["type"].as_str().unwrap())),
                "{feed:?}"
            );
        }
    }
);

db_test!(
    tombstones_are_kept_for_the_retention_and_then_need_a_new_start,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let admin = app.admin();
        let since = version(&app, &admin).await;
        let draft = support::create(
            &app,
            &admin,
            support::activity_input("11AA", &[], json!({})),
        )
        .await;
        app.ok(
            Some(&admin),
            "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedId } }",
            json!({"id": draft}),
        )
        .await;
        let today = chrono::Utc::now().date_naive();
        let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
        // 89 days on, with the default of 90, the tombstone is still there.
        {
            let served = support::serve_on(&app, &day(89), &[]).await;
            let body =
                support::gql_at(&app, &served.base_url, &admin, CHANGES, json!({"s": since})).await;
            assert!(body["errors"].is_null(), "{body}");
            assert_eq!(body["data"]["changes"]["edges"][0]["node"]["op"], "DELETE");
        }
        // A shorter retention prunes it: a `since` before it must start again.
        let served = support::serve_on(
            &app,
            &day(11),
            &[("LEERROUTE_CHANGES_RETENTION_DAYS", "10")],
        )
        .await;
        let body =
            support::gql_at(&app, &served.base_url, &admin, CHANGES, json!({"s": since})).await;
        let error = &body["errors"][0]["extensions"];
        assert_eq!(error["code"], "BAD_USER_INPUT", "{body}");
        assert_eq!(error["field"], "since");
        let min = error["minVersion"].as_str().unwrap().to_owned();
        assert!(min.parse::<u64>().unwrap() > since.parse::<u64>().unwrap());
        // From "0" or from minVersion on it works again; the draft is gone from both.
        for start in ["0", min.as_str()] {
            let body = support::gql_at(
                &app,
                &served.base_url,
                &admin,
                CHANGES,
                json!({"s": start, "f": 100}),
            )
            .await;
            assert!(body["errors"].is_null(), "{body}");
            assert!(
                body["data"]["changes"]["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|e| e["node"]["id"] != draft.as_str())
            );
        }
    }
);

db_test!(
    a_transaction_that_commits_late_is_not_skipped,
    |app: TestApp| async move {
        use sea_orm::{ConnectionTrait, TransactionTrait};
        let admin = app.admin();
        small_region(&app, "AMS", "11AA", "22BB").await;
        let since = version(&app, &admin).await;
        let create =
            "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }";
        if app.backend == Backend::Postgres {
            // A second connection holds a write open while another one commits.
            let late = app.db.begin().await.unwrap();
            late.execute_unprepared("INSERT INTO region (code, name) VALUES ('LATE', 'Late')")
                .await
                .unwrap();
            app.ok(Some(&admin), create, json!({"c": "EARLY"})).await;
            let seen = pull(&app, &admin, &since, 100).await;
            let keys: Vec<&str> = seen
                .iter()
                .filter_map(|c| c["naturalKey"].as_str())
                .collect();
            assert_eq!(keys, vec!["EARLY"]);
            let next = seen.last().unwrap()["changeVersion"]
                .as_str()
                .unwrap()
                .to_owned();
            late.commit().await.unwrap();
            let after = pull(&app, &admin, &next, 100).await;
            let keys: Vec<&str> = after
                .iter()
                .filter_map(|c| c["naturalKey"].as_str())
                .collect();
            assert_eq!(keys, vec!["LATE"], "the late commit was skipped");
        } else {
            // SQLite has one writer: versions follow the order of commits by construction.
            app.ok(Some(&admin), create, json!({"c": "EARLY"})).await;
            app.ok(Some(&admin), create, json!({"c": "LATE"})).await;
            let seen = pull(&app, &admin, &since, 100).await;
            let keys: Vec<&str> = seen
                .iter()
                .filter_map(|c| c["naturalKey"].as_str())
                .collect();
            assert_eq!(keys, vec!["EARLY", "LATE"]);
        }
    }
);
