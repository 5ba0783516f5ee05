//! Applications to mbo (DESIGN.md 4b): the `mbo-applications` import and its refusals, the
//! API's writes by mbo staff, the history of every status, and who reads which application and
//! which applicant.

use leerroute_tests::{TestApp, bsn, db_test, small_region};
use serde_json::{Value, json};

const ROSTER_HEADER: &str = "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code";
const APPLICATION_HEADER: &str = "pgn,school_brin,crebo,level,applied_on,status,status_date";
const IMPORT: &str = "mutation($input: ImportInput!) { importMboApplications(input: $input) { rows created updated unchanged } }";
const APPLICATIONS: &str = "query($f: ApplicationFilterInput) { applications(filter: $f, first: 100) { totalCount nodes { id crebo status statusDate appliedOn school { brin } student { id school { brin } } history { status statusDate source } } } }";
const RECORD: &str = "mutation($i: RecordApplicationInput!) { recordApplication(input: $i) { application { id status statusDate student { id } history { status source } } } }";
const UPDATE: &str = "mutation($i: UpdateApplicationStatusInput!) { updateApplicationStatus(input: $i) { application { status statusDate history { status statusDate source } } } }";

fn today() -> leerroute_tests::Options {
    leerroute_tests::Options {
        service: Some(leerroute::config::ServiceArgs {
            clock: leerroute::config::ClockArgs {
                today: Some("2026-03-15".parse().unwrap()),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// AMS: vmbo 11AA, mbo 22BB and 23BB; HDW: vmbo 31CC. Pupils 1 and 2 on 11AA's roster.
async fn setting(app: &TestApp) {
    small_region(app, "AMS", "11AA", "22BB").await;
    small_region(app, "HDW", "31CC", "32CC").await;
    app.ok(Some(&app.admin()), "mutation { createSchool(input: {regionCode: \"AMS\", brin: \"23BB\", name: \"23BB\", sector: MBO}) { school { id } } }", json!({})).await;
    let roster = format!(
        "{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,4,\n{},11AA,KB,E&O,2025-2026,4,\n",
        bsn(1),
        bsn(2)
    );
    let body = app
        .upload(
            Some(&app.admin()),
            "mutation($input: ImportInput!) { importVoPupils(input: $input) { rows } }",
            &roster,
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

fn file() -> String {
    format!(
        "{APPLICATION_HEADER}\n{p1},22BB,25180,4,2026-01-10,received,2026-01-10\n{p1},23BB,25181,4,2026-01-12,offered,2026-02-01\n{p2},22BB,25180,3,2026-01-11,not_admitted,2026-02-20\n{p3},22BB,25180,4,2026-01-13,received,2026-01-13\n",
        p1 = bsn(1),
        p2 = bsn(2),
        p3 = bsn(3)
    )
}

/// The one application of `list` applied for on `day` (the file's days are distinct per school;
/// an import's records are not numbered in file order).
fn applied_on<'a>(list: &'a [Value], day: &str) -> &'a Value {
    let found: Vec<&Value> = list.iter().filter(|a| a["appliedOn"] == day).collect();
    assert_eq!(found.len(), 1, "one application of {day}: {list:#?}");
    found[0]
}

async fn list(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    let body = app
        .ok(Some(token), APPLICATIONS, json!({"f": filter}))
        .await;
    body["applications"]["nodes"].as_array().unwrap().clone()
}

db_test!(
    applications_are_read_per_role,
    today,
    |app: TestApp| async move {
        setting(&app).await;
        let body = app.upload(Some(&app.admin()), IMPORT, &file()).await;
        assert_eq!(
            body["data"]["importMboApplications"]["created"], 4,
            "{body:#}"
        );
        let again = app.upload(Some(&app.admin()), IMPORT, &file()).await;
        assert_eq!(
            again["data"]["importMboApplications"]["unchanged"], 4,
            "{again:#}"
        );

        let all = list(&app, &app.admin(), json!({})).await;
        assert_eq!(all.len(), 4);
        assert!(
            applied_on(&all, "2026-01-13")["student"].is_null(),
            "no vmbo record: no student, no error"
        );
        for application in &all {
            assert_eq!(
                application["history"].as_array().unwrap().len(),
                1,
                "imported twice, one status"
            );
            assert_eq!(application["history"][0]["source"], "IMPORT");
        }

        // vmbo staff: every application of their pupils, to any school.
        let vmbo = list(&app, &app.staff("11AA"), json!({})).await;
        assert_eq!(vmbo.len(), 3);
        assert!(
            vmbo.iter()
                .all(|a| a["student"]["school"]["brin"] == "11AA")
        );

        // mbo staff: the applications to their school; the applicant while it is open or closed
        // this school year; never the applicant's applications elsewhere.
        let mbo = app.staff("22BB");
        let here = list(&app, &mbo, json!({})).await;
        assert_eq!(here.len(), 3);
        assert!(here.iter().all(|a| a["school"]["brin"] == "22BB"));
        let received = applied_on(&here, "2026-01-10");
        assert!(!received["student"].is_null(), "received: open");
        assert!(
            !applied_on(&here, "2026-01-11")["student"].is_null(),
            "not admitted this school year"
        );
        assert!(applied_on(&here, "2026-01-13")["student"].is_null());
        let student_id = received["student"]["id"].clone();
        let seen = app
            .ok(
                Some(&mbo),
                "query($id: ID!) { student(id: $id) { applications { school { brin } } } }",
                json!({"id": student_id}),
            )
            .await;
        let schools: Vec<&Value> = seen["student"]["applications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["school"]["brin"])
            .collect();
        assert_eq!(schools, [&json!("22BB")], "not the application to 23BB");

        // The pupil reads their own; staff of another region, a coordinator nothing.
        let own = app.token(
            leerroute::auth::Role::Student,
            None,
            Some("11AA"),
            Some(student_id.as_str().unwrap()),
        );
        assert_eq!(list(&app, &own, json!({})).await.len(), 2);
        assert!(list(&app, &app.staff("31CC"), json!({})).await.is_empty());
        assert!(list(&app, &app.staff("32CC"), json!({})).await.is_empty());
        let code = app
            .error_code(Some(&app.coordinator("AMS")), APPLICATIONS, json!({}))
            .await;
        assert_eq!(code, "FORBIDDEN");

        // Filters.
        assert_eq!(
            list(&app, &app.admin(), json!({"schoolBrin": "23BB"}))
                .await
                .len(),
            1
        );
        assert_eq!(
            list(&app, &app.admin(), json!({"schoolBrin": "11AA"}))
                .await
                .len(),
            3
        );
        assert_eq!(
            list(&app, &app.admin(), json!({"status": "NOT_ADMITTED"}))
                .await
                .len(),
            1
        );
        assert_eq!(
            list(&app, &app.admin(), json!({"schoolYear": "2024-2025"}))
                .await
                .len(),
            0
        );
    }
);

db_test!(
    mbo_staff_record_and_move_applications,
    today,
    |app: TestApp| async move {
        setting(&app).await;
        let mbo = app.staff("22BB");
        let input = json!({"pgn": bsn(1), "schoolBrin": "22BB", "crebo": "25180", "level": 4, "appliedOn": "2026-01-10"});
        let body = app.ok(Some(&mbo), RECORD, json!({"i": input})).await;
        let application = &body["recordApplication"]["application"];
        assert_eq!(application["status"], "RECEIVED");
        assert_eq!(application["statusDate"], "2026-03-15", "today by default");
        assert!(!application["student"].is_null());
        let id = application["id"].clone();

        let code = app
            .error_code(Some(&mbo), RECORD, json!({"i": input}))
            .await;
        assert_eq!(code, "CONFLICT", "the same application twice");
        let other = json!({"pgn": bsn(1), "schoolBrin": "23BB", "crebo": "25180", "level": 4, "appliedOn": "2026-01-10"});
        assert_eq!(
            app.error_code(Some(&mbo), RECORD, json!({"i": other}))
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code(Some(&app.staff("11AA")), RECORD, json!({"i": input}))
                .await,
            "FORBIDDEN"
        );
        let bad = json!({"pgn": "123456789", "schoolBrin": "22BB", "crebo": "25180", "level": 4, "appliedOn": "2026-01-10"});
        let body = app.gql(Some(&mbo), RECORD, json!({"i": bad})).await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "pgn");
        assert!(
            !body.to_string().contains("123456789"),
            "the PGN is never repeated"
        );

        let update = |status: &str, date: Option<&str>| json!({"i": {"id": id, "status": status, "statusDate": date}});
        let body = app
            .ok(
                Some(&mbo),
                UPDATE,
                update("INTAKE_PLANNED", Some("2026-02-01")),
            )
            .await;
        let history = &body["updateApplicationStatus"]["application"]["history"];
        assert_eq!(history.as_array().unwrap().len(), 2);
        assert_eq!(history[0]["status"], "RECEIVED");
        assert_eq!(
            (&history[1]["status"], &history[1]["source"]),
            (&json!("INTAKE_PLANNED"), &json!("API"))
        );

        let body = app
            .gql(Some(&mbo), UPDATE, update("OFFERED", Some("2026-03-16")))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "statusDate",
            "after today"
        );
        let body = app
            .gql(Some(&mbo), UPDATE, update("OFFERED", Some("2026-01-09")))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "statusDate",
            "before appliedOn"
        );
        for token in [app.staff("23BB"), app.staff("11AA"), app.coordinator("AMS")] {
            assert_eq!(
                app.error_code(Some(&token), UPDATE, update("OFFERED", None))
                    .await,
                "FORBIDDEN"
            );
        }
        app.ok(Some(&mbo), UPDATE, update("ENROLLED", None)).await;
        assert_eq!(
            app.error_code(Some(&mbo), UPDATE, update("WITHDRAWN", None))
                .await,
            "CONFLICT"
        );
    }
);

db_test!(
    application_files_are_refused_row_by_row,
    today,
    |app: TestApp| async move {
        setting(&app).await;
        let bad = format!(
            "{APPLICATION_HEADER}\n{p},22BB,25180,4,2026-01-10,received,2026-01-09\n{p},22BB,25181,4,2026-01-10,received,2026-03-16\n{p},22BB,25182,4,2026-01-10,accepted,2026-01-10\n{p},11AA,25180,4,2026-01-10,received,2026-01-10\n{p},22BB,2518,5,2026-01-10,received,2026-01-10\n",
            p = bsn(1)
        );
        let body = app.upload(Some(&app.admin()), IMPORT, &bad).await;
        let listed: Vec<(u64, String)> = body["errors"][0]["extensions"]["details"]["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{body:#}"))
            .iter()
            .map(|e| {
                (
                    e["line"].as_u64().unwrap(),
                    e["column"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(u64, String)> = [
            (2, "status_date"),
            (3, "status_date"),
            (4, "status"),
            (5, "school_brin"),
            (6, "crebo"),
            (6, "level"),
        ]
        .iter()
        .map(|(l, c)| (*l, c.to_string()))
        .collect();
        assert_eq!(listed, expected);
        assert!(!body.to_string().contains(&bsn(1)));
        let body = app.upload(Some(&app.staff("23BB")), IMPORT, &file()).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "only own school's rows"
        );
        assert_eq!(app.count_rows("application").await, 0);
    }
);
