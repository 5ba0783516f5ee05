//! The import rules an attacker or a careless operator tests first: a school cannot take over
//! another school's pupil by importing their PGN, no error ever repeats what a file holds (a PGN
//! may stand in any column of a broken file), and every import is audited with its counts.

use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test};
use serde_json::{Value, json};

const IMPORT_VO: &str = "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows created updated unchanged transitionsChanged } }";
const IMPORT_MBO: &str = "mutation($input: ImportInput!) { importMboEnrolments(input: $input) { rows created updated unchanged transitionsChanged } }";
const STUDENTS: &str =
    "{ students(first: 100) { totalCount nodes { id schoolYear leerweg school { brin } } } }";

/// Region AMS (vmbo 11AA with location 11AA01, vmbo 12AA, mbo 22BB) and region HDW (vmbo 31CC).
async fn regions(app: &TestApp) {
    let admin = app.admin();
    for (code, schools) in [
        (
            "AMS",
            &[("11AA", "VO"), ("12AA", "VO"), ("22BB", "MBO")][..],
        ),
        ("HDW", &[("31CC", "VO")][..]),
    ] {
        app.ok(
            Some(&admin),
            "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }",
            json!({"c": code}),
        )
        .await;
        for (brin, sector) in schools {
            app.ok(Some(&admin), "mutation($r: String!, $b: String!, $s: Sector!) { createSchool(input: {regionCode: $r, brin: $b, name: $b, sector: $s}) { school { id } } }", json!({"r": code, "b": brin, "s": sector})).await;
        }
    }
    app.ok(Some(&admin), "mutation { createSchool(input: {regionCode: \"AMS\", brin: \"11AA01\", name: \"11AA locatie\", sector: VO, parentBrin: \"11AA\"}) { school { id } } }", json!({})).await;
}

fn leaver(pgn: &str, brin: &str, leerweg: &str) -> String {
    format!("{pgn},{brin},{leerweg},E&O,2024-2025,2025-06-02,,,")
}

fn vo_csv(rows: &[String]) -> String {
    format!("{VO_HEADER}\n{}\n", rows.join("\n"))
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

/// The school each pupil record belongs to, as admin sees it.
async fn schools_of_records(app: &TestApp) -> Vec<String> {
    let body = app.ok(Some(&app.admin()), STUDENTS, json!({})).await;
    body["students"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["school"]["brin"].as_str().unwrap().to_owned())
        .collect()
}

db_test!(
    an_import_never_moves_a_record_to_another_school,
    |app: TestApp| async move {
        regions(&app).await;
        let victim = bsn(1);
        let own = app
            .upload(
                Some(&app.staff("11AA")),
                IMPORT_VO,
                &vo_csv(&[leaver(&victim, "11AA", "TL")]),
            )
            .await;
        assert_eq!(own["data"]["importVoLeavers"]["created"], 1, "{own:#}");

        // Staff of another school in the region, staff of another region and admin all try to
        // give the record (same PGN, same school year) to another school, hidden among good rows.
        let attempts = [
            (app.staff("12AA"), "12AA"),
            (app.staff("31CC"), "31CC"),
            (app.admin(), "12AA"),
        ];
        for (token, brin) in attempts {
            let file = vo_csv(&[
                leaver(&bsn(2), brin, "KB"),
                leaver(&victim, brin, "KB"),
                leaver(&bsn(3), brin, "KB"),
            ]);
            let body = app.upload(Some(&token), IMPORT_VO, &file).await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
            assert_eq!(listed(&body), [(3, "pgn".to_owned())], "{body:#}");
            assert!(!body.to_string().contains(&victim));
            let out = app.cli_import("vo-leavers", &file);
            assert!(!out.status.success(), "the CLI refuses it too");
            assert!(String::from_utf8_lossy(&out.stderr).contains("line 3, column pgn"));
        }
        assert_eq!(
            schools_of_records(&app).await,
            ["11AA"],
            "nothing was written"
        );
        let record = app.ok(Some(&app.admin()), STUDENTS, json!({})).await;
        assert_eq!(
            record["students"]["nodes"][0]["leerweg"], "TL",
            "the record is untouched"
        );
        let seen = app.ok(Some(&app.staff("12AA")), STUDENTS, json!({})).await;
        assert_eq!(
            seen["students"]["totalCount"], 0,
            "the other school reads nothing"
        );

        // The owning school corrects its own record; a record moves within one institution only.
        let fixed = app
            .upload(
                Some(&app.staff("11AA")),
                IMPORT_VO,
                &vo_csv(&[leaver(&victim, "11AA", "KB")]),
            )
            .await;
        assert_eq!(fixed["data"]["importVoLeavers"]["updated"], 1, "{fixed:#}");
        let moved = app
            .upload(
                Some(&app.staff("11AA")),
                IMPORT_VO,
                &vo_csv(&[leaver(&victim, "11AA01", "KB")]),
            )
            .await;
        assert_eq!(moved["data"]["importVoLeavers"]["updated"], 1, "{moved:#}");
        assert_eq!(schools_of_records(&app).await, ["11AA01"]);
        let back = app
            .upload(
                Some(&app.staff("11AA01")),
                IMPORT_VO,
                &vo_csv(&[leaver(&victim, "11AA", "KB")]),
            )
            .await;
        assert_eq!(
            listed(&back),
            [(2, "school_brin".to_owned())],
            "11AA is not the location's"
        );

        // A pupil who changes school between school years gets a record per year and school.
        let next_year = format!("{victim},12AA,KB,E&O,2025-2026,2026-06-02,,,");
        let other = app
            .upload(Some(&app.staff("12AA")), IMPORT_VO, &vo_csv(&[next_year]))
            .await;
        assert_eq!(other["data"]["importVoLeavers"]["created"], 1, "{other:#}");
    }
);

db_test!(
    every_import_is_audited_with_its_counts,
    |app: TestApp| async move {
        regions(&app).await;
        let pgns: Vec<String> = (0..3).map(bsn).collect();
        let rows: Vec<String> = pgns.iter().map(|p| leaver(p, "11AA", "TL")).collect();
        let staff = app.staff("11AA");
        app.upload(Some(&staff), IMPORT_VO, &vo_csv(&rows)).await;
        app.upload(Some(&staff), IMPORT_VO, &vo_csv(&rows[..2]))
            .await;
        let refused = vo_csv(&[leaver(&pgns[0], "11AA", "XX")]);
        app.upload(Some(&staff), IMPORT_VO, &refused).await;
        let enrolment = format!(
            "{MBO_HEADER}\n{},22BB,25180,4,2025-08-25,enrolled,\n",
            pgns[0]
        );
        assert!(
            app.cli_import("mbo-enrolments", &enrolment)
                .status
                .success()
        );

        let log = app
            .ok(
                Some(&app.admin()),
                "{ auditEvents(first: 20) { nodes { subject role action target } } }",
                json!({}),
            )
            .await;
        let imports: Vec<(String, String)> = log["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"].as_str().unwrap().starts_with("import."))
            .map(|e| {
                (
                    e["action"].as_str().unwrap().to_owned(),
                    e["target"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let counts: Vec<(&str, String)> = imports
            .iter()
            .map(|(action, target)| {
                (
                    action.as_str(),
                    target.split_once(' ').unwrap().1.to_owned(),
                )
            })
            .collect();
        assert_eq!(
            counts,
            [
                (
                    "import.mbo-enrolments",
                    "rows=1 created=1 updated=0 unchanged=0 transitionsChanged=1".to_owned()
                ),
                ("import.vo-leavers.refused", "rows=1 errors=1".to_owned()),
                (
                    "import.vo-leavers",
                    "rows=2 created=0 updated=0 unchanged=2 transitionsChanged=0".to_owned()
                ),
                (
                    "import.vo-leavers",
                    "rows=3 created=3 updated=0 unchanged=0 transitionsChanged=0".to_owned()
                ),
            ],
            "newest first: {log:#}"
        );
        let pseudonymiser = leerroute::pseudonym::Pseudonymiser::new(&app.secrets.link);
        for pgn in &pgns {
            let text = log.to_string();
            assert!(!text.contains(pgn.as_str()) && !text.contains(&pseudonymiser.pseudonym(pgn)));
        }
    }
);

/// Valid PGNs, all different, to stand in every cell of a broken file.
fn pgns(from: u64, n: usize) -> Vec<String> {
    (from..from + n as u64).map(bsn).collect()
}

/// Every text a refusal shows: the GraphQL body and the CLI's output, for one file.
async fn refusal_texts(app: &TestApp, kind: &str, mutation: &str, csv: &str) -> Vec<String> {
    let body = app.upload(Some(&app.admin()), mutation, csv).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body:#}"
    );
    let out = app.cli_import(kind, csv);
    assert!(!out.status.success());
    vec![
        body.to_string(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ]
}

fn assert_never_repeated(texts: &[String], values: &[String]) {
    for text in texts {
        for value in values {
            assert!(
                !text.contains(value.as_str()),
                "`{value}` repeated in: {text}"
            );
        }
    }
}

db_test!(no_error_repeats_a_cell_value, |app: TestApp| async move {
    regions(&app).await;
    let expected_vo = VO_HEADER;
    // 1. A vo file without its header: the first row is taken for the header.
    let cells = pgns(100, 27);
    let no_header: Vec<String> = cells.chunks(9).map(|row| row.join(",")).collect();
    let csv = format!("{}\n", no_header.join("\n"));
    let texts = refusal_texts(&app, "vo-leavers", IMPORT_VO, &csv).await;
    assert_never_repeated(&texts, &cells);
    assert!(
        texts[0].contains(&format!("the header must be `{expected_vo}`")),
        "{}",
        texts[0]
    );
    assert!(
        texts[2].contains(expected_vo),
        "the CLI says what the header must be"
    );

    // 2. The right header over rows whose columns are shifted (a PGN in every column), and
    //    rows that are all PGNs.
    let cells = pgns(200, 9 * 3);
    let mut rows: Vec<String> = cells.chunks(9).map(|row| row.join(",")).collect();
    let shifted = pgns(300, 1)[0].clone();
    rows.push(format!(
        "11AA,TL,E&O,2024-2025,2025-06-02,25180,2025-03-01,{shifted},{shifted}"
    ));
    let texts = refusal_texts(&app, "vo-leavers", IMPORT_VO, &vo_csv(&rows)).await;
    assert_never_repeated(&texts, &cells);
    assert_never_repeated(&texts, &[shifted]);

    // 3. A PGN as a column name, and a header in another order with a column missing.
    let name = pgns(400, 1);
    let header = format!(
        "school_brin,{},pgn,leerweg,profiel,school_year,exam_date,choice_date,leerlab_code",
        name[0]
    );
    let texts = refusal_texts(&app, "vo-leavers", IMPORT_VO, &format!("{header}\n")).await;
    assert_never_repeated(&texts, &name);
    assert!(
        texts[0].contains("choice_crebo"),
        "the missing column is named: {}",
        texts[0]
    );

    // 4. mbo: a PGN in the crebo column, and in every column of another row.
    let cells = pgns(500, 8);
    let mut rows = vec![format!(
        "{},22BB,{},4,2025-08-25,enrolled,",
        cells[0], cells[1]
    )];
    rows.push(cells[1..8].join(","));
    let csv = format!("{MBO_HEADER}\n{}\n", rows.join("\n"));
    let texts = refusal_texts(&app, "mbo-enrolments", IMPORT_MBO, &csv).await;
    assert_never_repeated(&texts, &cells);
    let body: Value = serde_json::from_str(&texts[0]).unwrap();
    assert!(listed(&body).contains(&(2, "crebo".to_owned())), "{body:#}");

    // 5. Values that are not PGNs are not repeated either.
    let odd = "ZZ-SECRET-9";
    let csv = vo_csv(&[format!(
        "{},{odd},{odd},{odd},{odd},{odd},{odd},{odd},{odd}",
        bsn(600)
    )]);
    let texts = refusal_texts(&app, "vo-leavers", IMPORT_VO, &csv).await;
    assert_never_repeated(&texts, &[odd.to_owned(), bsn(600)]);
    assert_eq!(app.count_rows("student").await, 0);
    assert_eq!(app.count_rows("enrolment").await, 0);
});
