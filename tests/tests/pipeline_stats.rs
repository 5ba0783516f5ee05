//! `pipelineStats` (DESIGN.md 4b) against the counts this test computes from the pupils and
//! applications it generated: every figure, grouped by each dimension, the `MBO_SCHOOL` rule (a
//! pupil in the row of each school applied to, the null row, the total counting each pupil once),
//! `mboSchoolBrin`, scope and exactness per role, and a change that shows at once.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use leerroute_tests::{TestApp, bsn, db_test, small_region};
use serde_json::{Value, json};

const TODAY: &str = "2026-06-01";

fn today() -> leerroute_tests::Options {
    leerroute_tests::Options {
        service: Some(leerroute::config::ServiceArgs {
            clock: leerroute::config::ClockArgs {
                today: Some(TODAY.parse().unwrap()),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

struct Application {
    school: &'static str,
    applied_on: NaiveDate,
    status: &'static str,
    status_date: NaiveDate,
}

struct Pupil {
    pgn: String,
    school: &'static str,
    year: u8,
    leerweg: &'static str,
    leerlab: Option<&'static str>,
    applications: Vec<Application>,
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn pupils() -> Vec<Pupil> {
    (0..60u64)
        .map(|i| {
            let school = if i % 3 == 0 { "12AA" } else { "11AA" };
            let app = |school, applied: &str, status, on: &str| Application {
                school,
                applied_on: day(applied),
                status,
                status_date: day(on),
            };
            let applications = match i % 5 {
                0 => vec![],
                1 => vec![app("22BB", "2026-01-10", "received", "2026-01-10")],
                2 => vec![app("22BB", "2026-04-10", "offered", "2026-05-01")],
                3 => vec![
                    app("23BB", "2026-02-01", "not_admitted", "2026-03-01"),
                    app("22BB", "2026-03-01", "withdrawn", "2026-03-20"),
                ],
                _ => vec![app("22BB", "2025-07-01", "enrolled", "2025-07-15")],
            };
            Pupil {
                pgn: bsn(i),
                school,
                year: 3 + (i % 2) as u8,
                leerweg: ["TL", "KB", "BB"][(i % 3) as usize],
                leerlab: (school == "11AA" && i % 4 == 0).then_some("LAB"),
                applications,
            }
        })
        .collect()
}

/// The open signal the rules give a pupil on `TODAY` (no enrolments here, nobody left).
fn open_signal(p: &Pupil) -> bool {
    let today = day(TODAY);
    let no_application = p.year == 4 && p.applications.is_empty();
    let open = ["received", "intake_planned", "offered", "enrolled"];
    let closed: Vec<NaiveDate> = p
        .applications
        .iter()
        .filter(|a| !open.contains(&a.status))
        .map(|a| a.status_date)
        .collect();
    let no_alternative = !closed.is_empty()
        && !p.applications.iter().any(|a| open.contains(&a.status))
        && *closed.iter().max().unwrap() <= today - chrono::Duration::days(14);
    no_application || no_alternative
}

/// Which of the eight figures a pupil counts in, over the applications that count for the row.
fn counted(pupil: &Pupil, apps: &[&Application]) -> [bool; 8] {
    let april = day("2026-04-01");
    let has = |check: &dyn Fn(&Application) -> bool| apps.iter().any(|a| check(a));
    [
        true,
        has(&|_| true),
        has(&|a| a.applied_on < april),
        has(&|a| a.status == "offered"),
        has(&|a| a.status == "not_admitted"),
        has(&|a| a.status == "withdrawn"),
        has(&|a| a.status == "enrolled"),
        open_signal(pupil),
    ]
}

/// The eight figures of a set of (pupil, the applications that count for the row).
fn figures(members: &[(&Pupil, Vec<&Application>)]) -> [i64; 8] {
    let mut f = [0i64; 8];
    for (pupil, apps) in members {
        for (slot, yes) in f.iter_mut().zip(counted(pupil, apps)) {
            *slot += yes as i64;
        }
    }
    f
}

/// The figures as a caller without exact counts gets them: the cell-key method over the
/// stored record keys of the pupils each figure counts (DESIGN.md section 4).
fn protected(app: &TestApp, members: &[(&Pupil, Vec<&Application>)]) -> [Option<i64>; 8] {
    use leerroute::service::disclosure::{Cell, Disclosure};
    let disclosure = Disclosure::new(&app.secrets.link, 5);
    let pseudonyms = leerroute::pseudonym::Pseudonymiser::new(&app.secrets.link);
    let mut cells = [Cell::default(); 8];
    for (pupil, apps) in members {
        let key = i64::from(
            disclosure
                .keys()
                .stored_key(&pseudonyms.pseudonym(&pupil.pgn)),
        );
        for (cell, yes) in cells.iter_mut().zip(counted(pupil, apps)) {
            if yes {
                *cell = *cell + Cell::new(1, key);
            }
        }
    }
    cells.map(|cell| disclosure.protect(cell))
}

fn this_year(p: &Pupil) -> Vec<&Application> {
    let (first, last) = (day("2025-08-01"), day("2026-07-31"));
    p.applications
        .iter()
        .filter(|a| a.applied_on >= first && a.applied_on <= last)
        .collect()
}

const FIELDS: [&str; 8] = [
    "pupils",
    "applied",
    "appliedBeforeApril",
    "offered",
    "notAdmitted",
    "withdrawn",
    "enrolled",
    "openSignals",
];

const QUERY: &str = "query($f: PipelineStatsFilter!, $g: [PipelineDimension!]!) { pipelineStats(filter: $f, groupBy: $g) { minCellSize total { pupils applied appliedBeforeApril offered notAdmitted withdrawn enrolled openSignals } rows { key { voSchoolBrin mboSchoolBrin leerweg leerlabCode year } pupils applied appliedBeforeApril offered notAdmitted withdrawn enrolled openSignals } } }";

fn published(row: &Value) -> [i64; 8] {
    FIELDS.map(|f| {
        row[f]
            .as_i64()
            .unwrap_or_else(|| panic!("{f} hidden in {row}"))
    })
}

/// The published rows by key (`a|b|…` of the grouped key fields).
fn rows(body: &Value, keys: &[&str]) -> BTreeMap<String, [i64; 8]> {
    body["pipelineStats"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let key: Vec<String> = keys
                .iter()
                .map(|k| match &r["key"][k] {
                    Value::Null => "-".to_owned(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            (key.join("|"), published(r))
        })
        .collect()
}

async fn setting(app: &TestApp) -> Vec<Pupil> {
    small_region(app, "AMS", "11AA", "22BB").await;
    small_region(app, "HDW", "31CC", "32CC").await;
    let admin = app.admin();
    for (brin, sector) in [("12AA", "VO"), ("23BB", "MBO")] {
        app.ok(Some(&admin), "mutation($b: String!, $s: Sector!) { createSchool(input: {regionCode: \"AMS\", brin: $b, name: $b, sector: $s}) { school { id } } }", json!({"b": brin, "s": sector})).await;
    }
    app.ok(Some(&admin), "mutation { createLeerlab(input: {regionCode: \"AMS\", code: \"LAB\", name: \"Lab\", kind: LEERLIJN}) { leerlab { id } } }", json!({})).await;
    for brin in ["11AA", "22BB"] {
        app.ok(Some(&admin), "mutation($b: String!) { addLeerlabPartner(input: {leerlabCode: \"LAB\", schoolBrin: $b}) { partner { role } } }", json!({"b": brin})).await;
    }
    let pupils = pupils();
    let mut roster =
        vec!["pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code".to_owned()];
    let mut applications =
        vec!["pgn,school_brin,crebo,level,applied_on,status,status_date".to_owned()];
    for p in &pupils {
        roster.push(format!(
            "{},{},{},E&O,2025-2026,{},{}",
            p.pgn,
            p.school,
            p.leerweg,
            p.year,
            p.leerlab.unwrap_or("")
        ));
        for a in &p.applications {
            applications.push(format!(
                "{},{},25180,4,{},{},{}",
                p.pgn, a.school, a.applied_on, a.status, a.status_date
            ));
        }
    }
    // An applicant without a vmbo record counts nowhere.
    applications.push(format!(
        "{},22BB,25180,4,2026-01-10,received,2026-01-10",
        bsn(999)
    ));
    for (mutation, rows) in [
        ("importMboApplications", applications),
        ("importVoPupils", roster),
    ] {
        let body = app
            .upload(
                Some(&admin),
                &format!(
                    "mutation($input: ImportInput!) {{ {mutation}(input: $input) {{ rows }} }}"
                ),
                &(rows.join("\n") + "\n"),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    pupils
}

db_test!(
    pipeline_stats_match_the_counts_of_the_test,
    today,
    |app: TestApp| async move {
        let pupils = setting(&app).await;
        let admin = app.admin();
        let year = json!({"schoolYear": "2025-2026"});
        let ask = |filter: Value, group: Value| {
            let (app, admin) = (&app, admin.clone());
            async move {
                app.ok(Some(&admin), QUERY, json!({"f": filter, "g": group}))
                    .await
            }
        };
        let all: Vec<(&Pupil, Vec<&Application>)> =
            pupils.iter().map(|p| (p, this_year(p))).collect();
        let body = ask(year.clone(), json!([])).await;
        assert_eq!(published(&body["pipelineStats"]["total"]), figures(&all));
        assert!(body["pipelineStats"]["rows"].as_array().unwrap().is_empty());

        // Grouped by vmbo school and year, by leerweg, by leerlab.
        let body = ask(year.clone(), json!(["VO_SCHOOL", "YEAR"])).await;
        let mut expected = BTreeMap::new();
        for school in ["11AA", "12AA"] {
            for y in [3, 4] {
                let members: Vec<_> = all
                    .iter()
                    .filter(|(p, _)| p.school == school && p.year == y)
                    .cloned()
                    .collect();
                expected.insert(format!("{school}|{y}"), figures(&members));
            }
        }
        assert_eq!(rows(&body, &["voSchoolBrin", "year"]), expected);
        let body = ask(year.clone(), json!(["LEERLAB"])).await;
        let lab: Vec<_> = all
            .iter()
            .filter(|(p, _)| p.leerlab.is_some())
            .cloned()
            .collect();
        let none: Vec<_> = all
            .iter()
            .filter(|(p, _)| p.leerlab.is_none())
            .cloned()
            .collect();
        assert_eq!(
            rows(&body, &["leerlabCode"]),
            BTreeMap::from([
                ("LAB".to_owned(), figures(&lab)),
                ("-".to_owned(), figures(&none))
            ])
        );
        let body = ask(
            json!({"schoolYear": "2025-2026", "year": 4}),
            json!(["LEERWEG"]),
        )
        .await;
        let mut expected = BTreeMap::new();
        for leerweg in ["BB", "KB", "TL"] {
            let members: Vec<_> = all
                .iter()
                .filter(|(p, _)| p.year == 4 && p.leerweg == leerweg)
                .cloned()
                .collect();
            expected.insert(leerweg.to_owned(), figures(&members));
        }
        assert_eq!(rows(&body, &["leerweg"]), expected);

        // By mbo school: a pupil in the row of each school applied to, with those applications only;
        // the null row for pupils without one this year; the total counts each pupil once.
        let body = ask(year.clone(), json!(["MBO_SCHOOL"])).await;
        let mut expected = BTreeMap::new();
        for school in ["22BB", "23BB"] {
            let members: Vec<_> = all
                .iter()
                .filter(|(_, apps)| apps.iter().any(|a| a.school == school))
                .map(|(p, apps)| {
                    (
                        *p,
                        apps.iter()
                            .filter(|a| a.school == school)
                            .copied()
                            .collect(),
                    )
                })
                .collect();
            expected.insert(school.to_owned(), figures(&members));
        }
        let without: Vec<_> = all
            .iter()
            .filter(|(_, apps)| apps.is_empty())
            .cloned()
            .collect();
        expected.insert("-".to_owned(), figures(&without));
        assert_eq!(rows(&body, &["mboSchoolBrin"]), expected);
        assert_eq!(published(&body["pipelineStats"]["total"]), figures(&all));
        let body = ask(
            json!({"schoolYear": "2025-2026", "mboSchoolBrin": "23BB"}),
            json!([]),
        )
        .await;
        assert_eq!(published(&body["pipelineStats"]["total"]), expected["23BB"]);

        // vmbo staff get exact figures for their own school only.
        let staff = app.staff("11AA");
        let own: Vec<_> = all
            .iter()
            .filter(|(p, _)| p.school == "11AA")
            .cloned()
            .collect();
        let body = app
            .ok(
                Some(&staff),
                QUERY,
                json!({"f": {"schoolYear": "2025-2026", "voSchoolBrin": "11AA"}, "g": []}),
            )
            .await;
        assert_eq!(published(&body["pipelineStats"]["total"]), figures(&own));
        for filter in [
            json!({"schoolYear": "2025-2026"}),
            json!({"schoolYear": "2025-2026", "voSchoolBrin": "12AA"}),
        ] {
            assert_eq!(
                app.error_code(Some(&staff), QUERY, json!({"f": filter, "g": []}))
                    .await,
                "FORBIDDEN"
            );
        }
        // Others: their own region only, with every figure protected by its cell key.
        let coordinator = app.coordinator("AMS");
        let body = app
            .ok(
                Some(&coordinator),
                QUERY,
                json!({"f": year, "g": ["VO_SCHOOL", "YEAR"]}),
            )
            .await;
        let published_rows = body["pipelineStats"]["rows"].as_array().unwrap();
        assert_eq!(published_rows.len(), 4);
        for row in published_rows {
            let (school, y) = (
                row["key"]["voSchoolBrin"].as_str().unwrap(),
                row["key"]["year"].as_i64().unwrap(),
            );
            let members: Vec<_> = all
                .iter()
                .filter(|(p, _)| p.school == school && i64::from(p.year) == y)
                .cloned()
                .collect();
            let got: Vec<Option<i64>> = FIELDS.iter().map(|f| row[f].as_i64()).collect();
            assert_eq!(got, protected(&app, &members).to_vec(), "{row}");
        }
        let got: Vec<Option<i64>> = FIELDS
            .iter()
            .map(|f| body["pipelineStats"]["total"][f].as_i64())
            .collect();
        assert_eq!(got, protected(&app, &all).to_vec());
        let other = json!({"schoolYear": "2025-2026", "regionCode": "HDW"});
        assert_eq!(
            app.error_code(Some(&coordinator), QUERY, json!({"f": other, "g": []}))
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code(Some(&app.staff("22BB")), QUERY, json!({"f": year, "g": []}))
                .await,
            "FORBIDDEN"
        );

        // A signal resolved by hand leaves openSignals at once.
        let signal = app
            .ok(
                Some(&admin),
                "{ signals(filter: {status: OPEN}, first: 1) { nodes { id } } }",
                json!({}),
            )
            .await;
        let id = signal["signals"]["nodes"][0]["id"].clone();
        app.ok(Some(&admin), "mutation($id: ID!) { updateSignal(input: {id: $id, status: RESOLVED}) { signal { id } } }", json!({"id": id})).await;
        let body = ask(year.clone(), json!([])).await;
        assert_eq!(
            body["pipelineStats"]["total"]["openSignals"]
                .as_i64()
                .unwrap(),
            figures(&all)[7] - 1
        );
    }
);
