//! Pupils of years 3 and 4 (DESIGN.md 4b): the `vo-pupils` roster import and its refusals, a
//! leaver row that makes a roster record `LEFT` keeping its id, roster records outside the
//! leaver statistics, and activities that enrol and withdraw pupils still at school.

mod support;

use leerroute_tests::{TestApp, VO_HEADER, bsn, db_test, small_region};
use serde_json::{Value, json};
use support::*;

const ROSTER_HEADER: &str = "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code";
const IMPORT_ROSTER: &str = "mutation($input: ImportInput!) { importVoPupils(input: $input) { rows created updated unchanged } }";
const IMPORT_VO: &str =
    "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows created updated } }";
const STUDENTS: &str = "query($f: StudentFilterInput) { students(filter: $f, first: 100) { totalCount nodes { id schoolYear year status leerweg examDate choiceCrebo choseBeforeExam transition { crebo } school { brin } leerlab { code } } } }";

fn roster(rows: &[String]) -> String {
    format!("{ROSTER_HEADER}\n{}\n", rows.join("\n"))
}

fn row(n: u64, brin: &str, year: u8) -> String {
    format!("{},{brin},TL,E&O,2025-2026,{year},", bsn(n))
}

async fn students(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    let body = app.ok(Some(token), STUDENTS, json!({"f": filter})).await;
    body["students"]["nodes"].as_array().unwrap().clone()
}

/// `(line, column)` of every listed error of a refused upload.
fn listed(body: &Value) -> Vec<(u64, String)> {
    body["errors"][0]["extensions"]["details"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("a refused file: {body:#}"))
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

db_test!(
    the_roster_brings_pupils_of_years_3_and_4,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        leerlab(&app, "AMS", "LAB", &["11AA", "22BB"]).await;
        let staff = app.staff("11AA");
        let file = roster(&[
            row(1, "11AA", 3),
            row(2, "11AA", 4),
            format!("{},11AA,BB,Z&W,2025-2026,4,LAB", bsn(3)),
        ]);
        let body = app.upload(Some(&staff), IMPORT_ROSTER, &file).await;
        let summary = &body["data"]["importVoPupils"];
        assert_eq!(
            (&summary["rows"], &summary["created"]),
            (&json!(3), &json!(3)),
            "{body:#}"
        );

        let pupils = students(&app, &staff, json!({})).await;
        assert_eq!(pupils.len(), 3);
        for pupil in &pupils {
            assert_eq!(pupil["status"], "IN_SCHOOL");
            assert_eq!(pupil["schoolYear"], "2025-2026");
            assert!(pupil["examDate"].is_null() && pupil["choseBeforeExam"].is_null());
            assert!(pupil["transition"].is_null());
        }
        // An import numbers its records in pseudonym order, not in the file's.
        let mut years: Vec<i64> = pupils.iter().map(|p| p["year"].as_i64().unwrap()).collect();
        years.sort();
        assert_eq!(years, [3, 4, 4]);
        let bb = pupils.iter().find(|p| p["leerweg"] == "BB").unwrap();
        assert_eq!(bb["leerlab"]["code"], "LAB");
        let third = students(&app, &staff, json!({"year": 3})).await;
        assert_eq!(third.len(), 1);
        let left = students(&app, &staff, json!({"status": "LEFT"})).await;
        assert!(left.is_empty());

        // The same file again changes nothing; a corrected file corrects.
        let again = app.upload(Some(&staff), IMPORT_ROSTER, &file).await;
        assert_eq!(again["data"]["importVoPupils"]["unchanged"], 3, "{again:#}");
        let corrected = roster(&[row(1, "11AA", 4)]);
        let body = app.upload(Some(&staff), IMPORT_ROSTER, &corrected).await;
        assert_eq!(body["data"]["importVoPupils"]["updated"], 1, "{body:#}");
        assert!(students(&app, &staff, json!({"year": 3})).await.is_empty());

        // The CLI imports the same format.
        let out = app.cli_import("vo-pupils", &roster(&[row(4, "11AA", 3)]));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(students(&app, &staff, json!({})).await.len(), 4);
    }
);

db_test!(
    a_leaver_row_makes_the_record_left_and_keeps_its_id,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let staff = app.staff("11AA");
        app.upload(Some(&staff), IMPORT_ROSTER, &roster(&[row(1, "11AA", 4)]))
            .await;
        let before = students(&app, &staff, json!({})).await;
        let leavers = format!(
            "{VO_HEADER}\n{},11AA,KB,E&O,2025-2026,2026-05-20,25180,2026-01-10,\n{},11AA,TL,E&O,2025-2026,2026-05-20,,,\n",
            bsn(1),
            bsn(2)
        );
        let body = app.upload(Some(&staff), IMPORT_VO, &leavers).await;
        assert_eq!(body["data"]["importVoLeavers"]["updated"], 1, "{body:#}");
        assert_eq!(body["data"]["importVoLeavers"]["created"], 1, "{body:#}");
        let after = students(&app, &staff, json!({})).await;
        assert_eq!(after.len(), 2);
        assert_eq!(after[0]["id"], before[0]["id"], "the record keeps its id");
        assert_eq!(after[0]["status"], "LEFT");
        assert_eq!(after[0]["leerweg"], "KB", "the leaver row's values win");
        assert_eq!(after[0]["examDate"], "2026-05-20");
        assert_eq!(after[0]["choiceCrebo"], "25180");
        assert_eq!(after[0]["choseBeforeExam"], true);
        assert_eq!(
            after[1]["year"], 4,
            "a leaver without roster row is in year 4"
        );

        // A later roster file does not undo the leaver row.
        let body = app
            .upload(
                Some(&staff),
                IMPORT_ROSTER,
                &format!("{ROSTER_HEADER}\n{},11AA,BB,Z&W,2025-2026,4,\n", bsn(1)),
            )
            .await;
        assert_eq!(body["data"]["importVoPupils"]["unchanged"], 1, "{body:#}");
        let kept = students(&app, &staff, json!({"status": "LEFT"})).await;
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0]["leerweg"], "KB");
    }
);

db_test!(
    roster_records_are_no_leavers_in_statistics,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let rows: Vec<String> = (1..=7).map(|n| row(n, "11AA", 4)).collect();
        app.upload(Some(&app.admin()), IMPORT_ROSTER, &roster(&rows))
            .await;
        let stats = app
            .ok(
                Some(&app.admin()),
                "{ transitionStats(groupBy: []) { total { leavers } } }",
                json!({}),
            )
            .await;
        assert_eq!(stats["transitionStats"]["total"]["leavers"], 0, "{stats:#}");
    }
);

db_test!(
    roster_files_are_refused_row_by_row_without_values,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        support::school(&app, "AMS", "12AA", "VO").await;
        leerlab(&app, "AMS", "LAB", &["12AA", "22BB"]).await;
        let staff = app.staff("11AA");
        app.upload(Some(&staff), IMPORT_ROSTER, &roster(&[row(9, "11AA", 3)]))
            .await;
        let bad = roster(&[
            row(1, "11AA", 3),
            format!("{},11AA,TL,E&O,2025-2026,5,", bsn(2)),
            "123456789,11AA,TL,E&O,2025-2026,3,".to_owned(),
            row(3, "22BB", 3),
            format!("{},11AA,TL,E&O,2025-2026,3,LAB", bsn(4)),
            format!("{},11AA,XX,E&O,2025/2026,3,", bsn(5)),
            row(1, "11AA", 4),
        ]);
        let body = app.upload(Some(&app.admin()), IMPORT_ROSTER, &bad).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let expected: Vec<(u64, String)> = [
            (3, "year"),
            (4, "pgn"),
            (5, "school_brin"),
            (6, "leerlab_code"),
            (7, "leerweg"),
            (7, "school_year"),
            (8, "pgn"),
        ]
        .iter()
        .map(|(l, c)| (*l, c.to_string()))
        .collect();
        assert_eq!(listed(&body), expected, "{body:#}");
        for value in [bsn(1), bsn(2), "123456789".to_owned(), "XX".to_owned()] {
            assert!(
                !body.to_string().contains(&value),
                "no cell value is echoed"
            );
        }
        assert_eq!(
            students(&app, &app.admin(), json!({})).await.len(),
            1,
            "nothing written"
        );

        // A pupil of another school, and rows of another school for school staff.
        let takeover = roster(&[row(9, "12AA", 3)]);
        let body = app
            .upload(Some(&app.admin()), IMPORT_ROSTER, &takeover)
            .await;
        assert_eq!(listed(&body), [(2, "pgn".to_owned())], "{body:#}");
        let body = app
            .upload(Some(&staff), IMPORT_ROSTER, &roster(&[row(8, "12AA", 3)]))
            .await;
        assert_eq!(listed(&body), [(2, "school_brin".to_owned())], "{body:#}");
        let code = app
            .upload(
                Some(&app.coordinator("AMS")),
                IMPORT_ROSTER,
                &roster(&[row(8, "11AA", 3)]),
            )
            .await;
        assert_eq!(code["errors"][0]["extensions"]["code"], "FORBIDDEN");
    }
);

db_test!(
    pupils_at_school_enrol_in_activities_and_withdraw,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        support::school(&app, "AMS", "12AA", "VO").await;
        let staff = app.staff("11AA");
        app.upload(Some(&staff), IMPORT_ROSTER, &roster(&[row(1, "11AA", 3)]))
            .await;
        let pupil = students(&app, &staff, json!({})).await[0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let activity = published(
            &app,
            activity_input("22BB", &["11AA"], json!({"capacity": 1})),
        )
        .await;
        let own = student_token(&app, "11AA", &pupil);
        let enrolled = app
            .ok(Some(&own), ENROL, json!({"a": activity, "s": pupil}))
            .await;
        assert_eq!(enrolled["enrolInActivity"]["activity"]["placesLeft"], 0);

        let mine = app
            .ok(
                Some(&own),
                "query($id: ID!) { student(id: $id) { activityEnrolments { activity { id title } enrolledAt } } }",
                json!({"id": pupil}),
            )
            .await;
        let list = mine["student"]["activityEnrolments"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["activity"]["id"], activity);

        const WITHDRAW: &str = "mutation($a: ID!, $s: ID!) { withdrawFromActivity(input: {activityId: $a, studentId: $s}) { activity { enrolledCount placesLeft } } }";
        // Staff of another school and another pupil may not withdraw this pupil.
        for token in [app.staff("12AA"), app.coordinator("AMS")] {
            let code = app
                .error_code(Some(&token), WITHDRAW, json!({"a": activity, "s": pupil}))
                .await;
            assert_eq!(code, "FORBIDDEN");
        }
        let done = app
            .ok(Some(&own), WITHDRAW, json!({"a": activity, "s": pupil}))
            .await;
        assert_eq!(done["withdrawFromActivity"]["activity"]["enrolledCount"], 0);
        assert_eq!(done["withdrawFromActivity"]["activity"]["placesLeft"], 1);
        let again = app
            .error_code(Some(&staff), WITHDRAW, json!({"a": activity, "s": pupil}))
            .await;
        assert_eq!(again, "NOT_FOUND", "no longer enrolled");
        // The freed place can be taken again.
        app.ok(Some(&staff), ENROL, json!({"a": activity, "s": pupil}))
            .await;
    }
);
