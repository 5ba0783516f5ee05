//! Pupils and transitions: the pseudonymised import (CLI and GraphQL), refusal of bad files,
//! idempotence, linking of leavers to enrolments, and who may see which pupil.

use leerroute::auth::Role;
use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test, onderwijsnummer};
use serde_json::{Value, json};

const IMPORT_VO: &str = "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows created updated unchanged transitionsChanged } }";
const IMPORT_MBO: &str = "mutation($input: ImportInput!) { importMboEnrolments(input: $input) { rows created updated unchanged transitionsChanged } }";
const STUDENTS: &str = "query($f: StudentFilterInput) { students(filter: $f, first: 100) { totalCount nodes { id schoolYear leerweg profile choseBeforeExam school { brin } leerlab { code } transition { crebo level status mboSchool { brin } choiceMatched switchedInFirstYear levelComparedToExpected } } } }";

/// Region AMS with vmbo schools 11AA and 12AA, mbo schools 22BB and 23BB, leerlab LAB (11AA + 22BB).
async fn region(app: &TestApp) {
    let admin = app.admin();
    app.ok(
        Some(&admin),
        "mutation { createRegion(input: {code: \"AMS\", name: \"Amsterdam\"}) { region { id } } }",
        json!({}),
    )
    .await;
    for (brin, sector) in [
        ("11AA", "VO"),
        ("12AA", "VO"),
        ("22BB", "MBO"),
        ("23BB", "MBO"),
    ] {
        app.ok(Some(&admin), "mutation($b: String!, $s: Sector!) { createSchool(input: {regionCode: \"AMS\", brin: $b, name: $b, sector: $s}) { school { id } } }", json!({"b": brin, "s": sector})).await;
    }
    app.ok(Some(&admin), "mutation { createLeerlab(input: {regionCode: \"AMS\", code: \"LAB\", name: \"Lab\", kind: LEERLIJN}) { leerlab { id } } }", json!({})).await;
    for brin in ["11AA", "22BB"] {
        app.ok(Some(&admin), "mutation($b: String!) { addLeerlabPartner(input: {leerlabCode: \"LAB\", schoolBrin: $b}) { partner { role } } }", json!({"b": brin})).await;
    }
}

fn vo_csv(rows: &[String]) -> String {
    format!("{VO_HEADER}\n{}\n", rows.join("\n"))
}

fn mbo_csv(rows: &[String]) -> String {
    format!("{MBO_HEADER}\n{}\n", rows.join("\n"))
}

fn data(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    &body["data"]
}

db_test!(
    import_via_graphql_is_idempotent_and_corrections_update,
    |app: TestApp| async move {
        region(&app).await;
        let admin = app.admin();
        let rows: Vec<String> = (0..6)
            .map(|i| {
                format!(
                    "{},11AA,TL,E&O,2024-2025,2025-06-02,25180,2025-03-01,LAB",
                    bsn(i)
                )
            })
            .collect();
        let first = app.upload(Some(&admin), IMPORT_VO, &vo_csv(&rows)).await;
        assert_eq!(
            data(&first)["importVoLeavers"],
            json!({"rows": 6, "created": 6, "updated": 0, "unchanged": 0, "transitionsChanged": 0})
        );
        let again = app.upload(Some(&admin), IMPORT_VO, &vo_csv(&rows)).await;
        assert_eq!(
            data(&again)["importVoLeavers"],
            json!({"rows": 6, "created": 0, "updated": 0, "unchanged": 6, "transitionsChanged": 0})
        );

        let mut corrected = rows.clone();
        corrected[2] = format!(
            "{},11AA,KB,E&O,2024-2025,2025-06-02,25180,2025-03-01,LAB",
            bsn(2)
        );
        let fixed = app
            .upload(Some(&admin), IMPORT_VO, &vo_csv(&corrected))
            .await;
        assert_eq!(data(&fixed)["importVoLeavers"]["updated"], 1);
        let kb = app
            .ok(Some(&admin), STUDENTS, json!({"f": {"leerweg": "KB"}}))
            .await;
        assert_eq!(kb["students"]["totalCount"], 1);
        assert_eq!(app.count_rows("student").await, 6);
    }
);

db_test!(
    enrolments_link_to_leavers_whichever_file_comes_first,
    |app: TestApp| async move {
        region(&app).await;
        let admin = app.admin();
        // Pupil 0: mbo file first. Pupil 1: earliest enrolment in the next school year wins.
        // Pupil 2: only an enrolment outside the window (two years later): no transition.
        // Pupil 3: switched within a year; pupil 4 (onderwijsnummer) dropped out after more than a year.
        let mbo = mbo_csv(&[
            format!("{},22BB,25180,4,2025-08-25,enrolled,", bsn(0)),
            format!("{},23BB,25999,2,2026-02-01,enrolled,", bsn(1)),
            format!("{},22BB,25180,4,2025-09-01,enrolled,", bsn(1)),
            format!("{},22BB,25180,4,2026-09-01,enrolled,", bsn(2)),
            format!("{},22BB,25180,3,2025-08-20,switched,2026-03-01", bsn(3)),
            format!(
                "{},23BB,25181,4,2025-08-20,dropped_out,2026-09-01",
                onderwijsnummer(4)
            ),
        ]);
        let mbo_first = app.upload(Some(&admin), IMPORT_MBO, &mbo).await;
        assert_eq!(data(&mbo_first)["importMboEnrolments"]["created"], 6);
        let vo = vo_csv(&[
            format!(
                "{},11AA,TL,E&O,2024-2025,2025-06-02,25180,2025-03-01,LAB",
                bsn(0)
            ),
            format!(
                "{},11AA,TL,E&O,2024-2025,2025-06-02,25180,2025-07-01,",
                bsn(1)
            ),
            format!("{},12AA,KB,Z&W,2024-2025,2025-06-02,,,", bsn(2)),
            format!(
                "{},12AA,KB,Z&W,2024-2025,2025-06-02,25180,2025-05-01,",
                bsn(3)
            ),
            format!(
                "{},12AA,BB,PIE,2024-2025,2025-06-02,25181,2025-05-01,",
                onderwijsnummer(4)
            ),
        ]);
        let vo_second = app.upload(Some(&admin), IMPORT_VO, &vo).await;
        assert_eq!(data(&vo_second)["importVoLeavers"]["transitionsChanged"], 4);

        let all = app.ok(Some(&admin), STUDENTS, json!({})).await;
        let nodes = all["students"]["nodes"].as_array().unwrap().clone();
        // An import numbers its records in pseudonym order, not in the file's: each pupil of the
        // file is found by what sets it apart (its choice before the exam and leerlab included).
        let find = |brin: &str, leerweg: &str, chose: bool, lab: bool| -> Value {
            let found: Vec<&Value> = nodes
                .iter()
                .filter(|n| {
                    n["school"]["brin"] == brin
                        && n["leerweg"] == leerweg
                        && n["choseBeforeExam"] == chose
                        && (n["leerlab"]["code"] == "LAB") == lab
                })
                .collect();
            assert_eq!(found.len(), 1, "{brin} {leerweg} {chose} {lab}: {nodes:#?}");
            found[0].clone()
        };
        let pupils = [
            find("11AA", "TL", true, true),
            find("11AA", "TL", false, false),
            find("12AA", "KB", false, false),
            find("12AA", "KB", true, false),
            find("12AA", "BB", true, false),
        ];
        let t = |i: usize| pupils[i]["transition"].clone();
        assert_eq!(t(0)["mboSchool"]["brin"], "22BB");
        assert_eq!(t(0)["choiceMatched"], true);
        assert_eq!(t(0)["levelComparedToExpected"], "AT");
        assert_eq!(
            t(1)["crebo"],
            "25180",
            "the earliest enrolment in the next school year"
        );
        assert_eq!(t(1)["choiceMatched"], true);
        assert!(
            t(2).is_null(),
            "an enrolment two years later is no transition"
        );
        assert_eq!(t(3)["switchedInFirstYear"], true);
        assert_eq!(t(3)["levelComparedToExpected"], "AT");
        assert_eq!(t(4)["status"], "DROPPED_OUT");
        assert_eq!(t(4)["levelComparedToExpected"], "ABOVE");

        // A correction of the mbo file moves the transition: pupil 0 now switched in the first year.
        let correction = mbo_csv(&[format!(
            "{},22BB,25180,4,2025-08-25,switched,2025-12-01",
            bsn(0)
        )]);
        let corrected = app.upload(Some(&admin), IMPORT_MBO, &correction).await;
        assert_eq!(
            data(&corrected)["importMboEnrolments"],
            json!({"rows": 1, "created": 0, "updated": 1, "unchanged": 0, "transitionsChanged": 1})
        );
        let with = app
            .ok(
                Some(&admin),
                STUDENTS,
                json!({"f": {"hasTransition": true, "schoolYear": "2024-2025"}}),
            )
            .await;
        assert_eq!(with["students"]["totalCount"], 4);
        let switched = app
            .ok(
                Some(&admin),
                "{ transitions(filter: {status: SWITCHED}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(switched["transitions"]["totalCount"], 2);
    }
);

db_test!(
    a_bad_file_is_refused_whole_with_every_bad_row,
    |app: TestApp| async move {
        region(&app).await;
        let admin = app.admin();
        let good = format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(1));
        let bad_pgn = "123456789";
        let csv = vo_csv(&[
            good.clone(),
            format!("{bad_pgn},11AA,TL,E&O,2024-2025,2025-06-02,,,"),
            format!("{},22BB,TL,E&O,2024-2025,2025-06-02,,,", bsn(2)),
            format!(
                "{},99ZZ,XX,Foo,2024,2025-02-30,1234,01-01-2025,NOPE",
                bsn(3)
            ),
            format!("{},12AA,TL,E&O,2024-2025,2025-06-02,,,LAB", bsn(4)),
            good.clone(),
            "1,2,3".to_owned(),
        ]);
        let body = app.upload(Some(&admin), IMPORT_VO, &csv).await;
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "file");
        let listed: Vec<(u64, String)> = error["extensions"]["details"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["line"].as_u64().unwrap(),
                    e["column"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(u64, &str)> = vec![
            (3, "pgn"),
            (4, "school_brin"),
            (5, "school_brin"),
            (5, "leerweg"),
            (5, "profiel"),
            (5, "school_year"),
            (5, "exam_date"),
            (5, "choice_crebo"),
            (5, "choice_date"),
            (5, "leerlab_code"),
            (6, "leerlab_code"),
            (7, "pgn"),
            (8, "row"),
        ];
        let expected: Vec<(u64, String)> = expected
            .into_iter()
            .map(|(l, c)| (l, c.to_owned()))
            .collect();
        assert_eq!(listed, expected, "{body:#}");
        assert_eq!(error["extensions"]["details"]["errorCount"], 13);
        assert!(
            !body.to_string().contains(bad_pgn),
            "a PGN never appears in an error"
        );
        assert!(
            !body.to_string().contains(&bsn(1)),
            "a PGN never appears in an error"
        );
        assert_eq!(app.count_rows("student").await, 0, "nothing is written");

        // The same through the CLI: non-zero exit and a readable list on stderr.
        let out = app.cli_import("vo-leavers", &csv);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("line 4, column school_brin"), "{stderr}");
        assert!(
            stderr.contains("line 7, column pgn: duplicate of line 2"),
            "{stderr}"
        );
        assert!(!stderr.contains(&bsn(1)) && !stderr.contains(bad_pgn));
        assert_eq!(app.count_rows("student").await, 0);

        let mbo = mbo_csv(&[
            format!("{},22BB,25180,5,2025-08-25,enrolled,2025-09-01", bsn(1)),
            format!("{},22BB,2518,4,2025-08-25,switched,", bsn(2)),
            format!("{},11AA,25180,4,2025-08-25,graduated,2025-01-01", bsn(3)),
        ]);
        let body = app.upload(Some(&admin), IMPORT_MBO, &mbo).await;
        let columns: Vec<&str> = body["errors"][0]["extensions"]["details"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["column"].as_str().unwrap())
            .collect();
        assert_eq!(
            columns,
            [
                "level",
                "status_date",
                "crebo",
                "status_date",
                "school_brin",
                "status_date"
            ],
            "{body:#}"
        );
        let header = app
            .upload(Some(&admin), IMPORT_MBO, "pgn,school_brin,crebo\n")
            .await;
        assert_eq!(
            header["errors"][0]["extensions"]["details"]["errors"][0]["line"],
            1
        );
    }
);

db_test!(the_database_never_holds_a_pgn, |app: TestApp| async move {
    region(&app).await;
    let pgns: Vec<String> = (0..5).map(bsn).chain([onderwijsnummer(9)]).collect();
    let vo: Vec<String> = pgns
        .iter()
        .map(|p| format!("{p},11AA,TL,E&O,2024-2025,2025-06-02,25180,2025-03-01,LAB"))
        .collect();
    let mbo: Vec<String> = pgns
        .iter()
        .map(|p| format!("{p},22BB,25180,4,2025-08-25,enrolled,"))
        .collect();
    let out = app.cli_import("vo-leavers", &vo_csv(&vo));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = app.cli_import("mbo-enrolments", &mbo_csv(&mbo));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let admin = app.admin();
    app.ok(Some(&admin), STUDENTS, json!({})).await;
    for table in ["student", "enrolment", "audit_event"] {
        let dump = dump_table(&app, table).await;
        for pgn in &pgns {
            assert!(!dump.contains(pgn.as_str()), "table {table} holds a PGN");
            assert!(!logs.contains(pgn.as_str()), "the CLI printed a PGN");
        }
    }
    let linked = app
        .ok(
            Some(&admin),
            STUDENTS,
            json!({"f": {"hasTransition": true}}),
        )
        .await;
    assert_eq!(
        linked["students"]["totalCount"], 6,
        "the pseudonym links both files"
    );
});

/// Every row of a table as text.
async fn dump_table(app: &TestApp, table: &str) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => format!("SELECT CAST(t AS TEXT) AS row FROM {table} t"),
        _ => format!("SELECT * FROM {table}"),
    };
    let rows = app
        .db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    rows.iter()
        .map(|r| format!("{r:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

db_test!(who_sees_which_pupil, |app: TestApp| async move {
    region(&app).await;
    let admin = app.admin();
    let vo = vo_csv(&[
        format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(0)),
        format!("{},12AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(1)),
    ]);
    data(&app.upload(Some(&admin), IMPORT_VO, &vo).await);
    let mbo = mbo_csv(&[format!("{},22BB,25180,4,2025-08-25,enrolled,", bsn(0))]);
    data(&app.upload(Some(&admin), IMPORT_MBO, &mbo).await);
    let all = app.ok(Some(&admin), STUDENTS, json!({})).await;
    // In the file's order (an import numbers its records in pseudonym order): 11AA, then 12AA.
    let id_at = |brin: &str| -> String {
        let nodes = all["students"]["nodes"].as_array().unwrap();
        let node = nodes.iter().find(|n| n["school"]["brin"] == brin).unwrap();
        node["id"].as_str().unwrap().to_owned()
    };
    let ids = [id_at("11AA"), id_at("12AA")];

    let seen = |body: Value| -> Vec<String> {
        body["students"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["school"]["brin"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        seen(app.ok(Some(&app.staff("11AA")), STUDENTS, json!({})).await),
        ["11AA"]
    );
    assert_eq!(
        seen(app.ok(Some(&app.staff("12AA")), STUDENTS, json!({})).await),
        ["12AA"]
    );
    assert_eq!(
        seen(app.ok(Some(&app.staff("22BB")), STUDENTS, json!({})).await),
        ["11AA"],
        "mbo staff see the warm hand-over"
    );
    assert!(seen(app.ok(Some(&app.staff("23BB")), STUDENTS, json!({})).await).is_empty());

    let one = "query($id: ID!) { student(id: $id) { id school { brin } } }";
    let other_school = app
        .gql(Some(&app.staff("12AA")), one, json!({"id": ids[0]}))
        .await;
    let missing = app
        .gql(
            Some(&app.staff("12AA")),
            one,
            json!({"id": leerroute::ids::encode("Student", 999_999).0}),
        )
        .await;
    assert_eq!(other_school["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(
        other_school["errors"][0]["message"], missing["errors"][0]["message"],
        "out of scope looks like nonexistent"
    );
    assert_eq!(missing["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let student = app.token(Role::Student, None, Some("11AA"), Some(&ids[0]));
    assert_eq!(
        seen(app.ok(Some(&student), STUDENTS, json!({})).await),
        ["11AA"]
    );
    assert_eq!(
        app.error_code(Some(&student), one, json!({"id": ids[1]}))
            .await,
        "FORBIDDEN"
    );
    let node = app
        .gql(
            Some(&student),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({"id": ids[1]}),
        )
        .await;
    assert_eq!(node["errors"][0]["extensions"]["code"], "FORBIDDEN");

    for token in [
        app.coordinator("AMS"),
        app.token(Role::Integration, Some("AMS"), None, None),
    ] {
        assert_eq!(
            app.error_code(Some(&token), STUDENTS, json!({})).await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code(Some(&token), "{ transitions { totalCount } }", json!({}))
                .await,
            "FORBIDDEN"
        );
        let node = app
            .gql(
                Some(&token),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({"id": ids[0]}),
            )
            .await;
        assert_eq!(node["errors"][0]["extensions"]["code"], "FORBIDDEN");
    }
    assert_eq!(
        app.error_code(None, STUDENTS, json!({})).await,
        "UNAUTHENTICATED"
    );

    // Every read is in the audit log.
    let log = app.ok(Some(&admin), "{ auditEvents(filter: {subject: \"staff-22BB\", action: \"student.read\"}) { totalCount nodes { target role } } }", json!({})).await;
    assert_eq!(log["auditEvents"]["totalCount"], 1);
    assert_eq!(
        log["auditEvents"]["nodes"][0]["target"],
        format!("Student:{}", ids[0])
    );
    assert_eq!(log["auditEvents"]["nodes"][0]["role"], "school_staff");
});

db_test!(
    staff_upload_only_their_own_school,
    |app: TestApp| async move {
        region(&app).await;
        let csv = vo_csv(&[
            format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(0)),
            format!("{},12AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(1)),
        ]);
        let body = app.upload(Some(&app.staff("11AA")), IMPORT_VO, &csv).await;
        assert_eq!(
            body["errors"][0]["extensions"]["details"]["errors"][0]["line"],
            3
        );
        assert_eq!(
            body["errors"][0]["extensions"]["details"]["errors"][0]["column"],
            "school_brin"
        );
        let own = vo_csv(&[format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(0))]);
        assert_eq!(
            data(&app.upload(Some(&app.staff("11AA")), IMPORT_VO, &own).await)["importVoLeavers"]["created"],
            1
        );
        let coordinator = app
            .upload(Some(&app.coordinator("AMS")), IMPORT_VO, &own)
            .await;
        assert_eq!(coordinator["errors"][0]["extensions"]["code"], "FORBIDDEN");
    }
);

db_test!(supercoach_and_self_evaluation, |app: TestApp| async move {
    region(&app).await;
    let admin = app.admin();
    let staff = app.staff("11AA");
    data(
        &app.upload(
            Some(&admin),
            IMPORT_VO,
            &vo_csv(&[format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(0))]),
        )
        .await,
    );
    data(
        &app.upload(
            Some(&admin),
            IMPORT_MBO,
            &mbo_csv(&[format!("{},22BB,25180,4,2025-08-25,enrolled,", bsn(0))]),
        )
        .await,
    );
    let id = app.ok(Some(&admin), STUDENTS, json!({})).await["students"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let person = |name: &str, function: &str| {
        let name = name.to_owned();
        let function = function.to_owned();
        let staff = staff.clone();
        let app = &app;
        async move {
            let body = app.ok(Some(&staff), "mutation($n: String!, $f: PersonFunction!) { createPerson(input: {name: $n, function: $f, schoolBrin: \"11AA\"}) { person { id } } }", json!({"n": name, "f": function})).await;
            body["createPerson"]["person"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let teacher = person("Teacher", "TEACHER").await;
    let first_coach = person("Coach One", "COACH").await;
    let second_coach = person("Coach Two", "COACH").await;
    let assign = "mutation($s: ID!, $p: ID!, $f: Date!) { assignCoach(input: {studentId: $s, personId: $p, from: $f}) { student { coach { name } coachHistory { from until coach { name } } } } }";
    let not_coach = app
        .gql(
            Some(&staff),
            assign,
            json!({"s": id, "p": teacher, "f": "2025-01-01"}),
        )
        .await;
    assert_eq!(not_coach["errors"][0]["extensions"]["field"], "personId");
    app.ok(
        Some(&staff),
        assign,
        json!({"s": id, "p": first_coach, "f": "2025-01-01"}),
    )
    .await;
    // The mbo school the pupil enrolled at may assign the coach who stays.
    let moved = app
        .ok(
            Some(&app.staff("22BB")),
            assign,
            json!({"s": id, "p": second_coach, "f": "2025-09-01"}),
        )
        .await;
    let student = &moved["assignCoach"]["student"];
    assert_eq!(student["coach"]["name"], "Coach Two");
    assert_eq!(student["coachHistory"][0]["until"], "2025-08-31");
    assert!(student["coachHistory"][1]["until"].is_null());
    assert_eq!(
        app.error_code(
            Some(&app.staff("12AA")),
            assign,
            json!({"s": id, "p": first_coach, "f": "2026-01-01"})
        )
        .await,
        "FORBIDDEN"
    );

    let pupil = app.token(Role::Student, None, Some("11AA"), Some(&id));
    let submit = "mutation($i: SubmitSelfEvaluationInput!) { submitSelfEvaluation(input: $i) { evaluation { id needs wellbeing } } }";
    let input = json!({"studentId": id, "wellbeing": 4, "studySkills": 2, "lifeSkills": 2, "choiceCertainty": 5, "needs": ["DUO", "FINANCES", "DUO"], "comment": "Rekeningen betalen is lastig"});
    let bad = app.gql(Some(&pupil), submit, json!({"i": {"studentId": id, "wellbeing": 6, "studySkills": 2, "lifeSkills": 2, "choiceCertainty": 5, "needs": []}})).await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "wellbeing");
    let saved = app.ok(Some(&pupil), submit, json!({"i": input})).await;
    assert_eq!(
        saved["submitSelfEvaluation"]["evaluation"]["needs"],
        json!(["FINANCES", "DUO"])
    );
    let evaluation = saved["submitSelfEvaluation"]["evaluation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.error_code(Some(&staff), submit, json!({"i": input}))
            .await,
        "FORBIDDEN",
        "only the pupil submits"
    );

    let coach_two = app.token(Role::Coach, None, None, Some(&second_coach));
    let coach_one = app.token(Role::Coach, None, None, Some(&first_coach));
    let read = "query($id: ID!) { student(id: $id) { evaluations { comment followUp } } }";
    assert_eq!(
        app.ok(Some(&coach_two), read, json!({"id": id})).await["student"]["evaluations"][0]["comment"],
        "Rekeningen betalen is lastig"
    );
    assert_eq!(
        app.error_code(Some(&coach_one), read, json!({"id": id}))
            .await,
        "FORBIDDEN",
        "a former coach no longer sees the pupil"
    );
    let follow = "mutation($e: ID!) { recordEvaluationFollowUp(input: {evaluationId: $e, followUp: \"Samen DUO-aanvraag gedaan\"}) { evaluation { followUp } } }";
    assert_eq!(
        app.error_code(Some(&coach_one), follow, json!({"e": evaluation}))
            .await,
        "FORBIDDEN"
    );
    app.ok(Some(&coach_two), follow, json!({"e": evaluation}))
        .await;
    assert_eq!(
        app.ok(Some(&staff), read, json!({"id": id})).await["student"]["evaluations"][0]["followUp"],
        "Samen DUO-aanvraag gedaan"
    );
});

db_test!(reads_are_audited_in_one_batch, |app: TestApp| async move {
    region(&app).await;
    let admin = app.admin();
    let rows: Vec<String> = (0..40)
        .map(|i| format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(i)))
        .collect();
    data(&app.upload(Some(&admin), IMPORT_VO, &vo_csv(&rows)).await);
    let staff = app.staff("11AA");
    let read = "query($n: Int!) { students(first: $n) { nodes { id leerweg } } }";
    let mut statements = Vec::new();
    for n in [5, 40] {
        app.reset_statements();
        app.ok(Some(&staff), read, json!({"n": n})).await;
        statements.push(app.statement_count());
    }
    assert_eq!(
        statements[0], statements[1],
        "reading 40 pupils costs as many statements as reading 5"
    );
    let log = app.ok(Some(&admin), "{ auditEvents(filter: {subject: \"staff-11AA\", action: \"student.read\"}) { totalCount } }", json!({})).await;
    assert_eq!(
        log["auditEvents"]["totalCount"], 45,
        "one audit record per pupil read"
    );
});

fn one_megabyte_uploads() -> leerroute_tests::Options {
    leerroute_tests::Options {
        auth: None,
        service: Some(leerroute::config::ServiceArgs {
            max_upload_mb: 1,
            ..Default::default()
        }),
    }
}

db_test!(
    uploads_over_the_size_limit_are_refused,
    one_megabyte_uploads,
    |app: TestApp| async move {
        region(&app).await;
        let row = format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(1));
        let big = format!("{VO_HEADER}\n{}\n", vec![row; 30_000].join("\n"));
        assert!(big.len() > 1024 * 1024);
        let operations = json!({ "query": IMPORT_VO, "variables": { "input": { "file": null } } });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.input.file"] }).to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(big.into_bytes()).file_name("big.csv"),
            );
        let response = app
            .client()
            .post(format!("{}/graphql", app.base_url))
            .bearer_auth(app.admin())
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413);
        assert_eq!(app.count_rows("student").await, 0);
    }
);
