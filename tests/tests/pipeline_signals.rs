//! Signals (DESIGN.md 4b): each of the four rules on the day before and the day it starts,
//! automatic resolution the day its condition ends, no duplicates, hand resolution that holds
//! while the condition holds, and `leerroute signals refresh`.

use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test, small_region};
use serde_json::{Value, json};

const ROSTER_HEADER: &str = "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code";
const APPLICATION_HEADER: &str = "pgn,school_brin,crebo,level,applied_on,status,status_date";
const SIGNALS: &str = "query($f: SignalFilterInput) { signals(filter: $f, first: 100) { totalCount nodes { id kind status raisedOn resolvedOn student { id year status } notes { author text } assignee { name } } } }";

/// Imports `csv` as `kind` with the CLI on `today`; the import evaluates the signals.
fn import_on(app: &TestApp, kind: &str, csv: &str, today: &str) {
    let path = app.write_file(&format!("{kind}.csv"), csv);
    let out = app
        .cli_command(&["import", kind, path.to_str().unwrap()])
        .env("LEERROUTE_TODAY", today)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `leerroute signals refresh` on `today`; returns what it printed.
fn refresh_on(app: &TestApp, today: &str) -> String {
    let out = app
        .cli_command(&["signals", "refresh"])
        .env("LEERROUTE_TODAY", today)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn signals(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    let body = app.ok(Some(token), SIGNALS, json!({"f": filter})).await;
    body["signals"]["nodes"].as_array().unwrap().clone()
}

async fn of_kind(app: &TestApp, kind: &str) -> Vec<Value> {
    signals(app, &app.admin(), json!({"kind": kind})).await
}

fn roster(rows: &[(u64, u8)]) -> String {
    let lines: Vec<String> = rows
        .iter()
        .map(|(n, year)| format!("{},11AA,TL,E&O,2025-2026,{year},", bsn(*n)))
        .collect();
    format!("{ROSTER_HEADER}\n{}\n", lines.join("\n"))
}

fn applications(rows: &[(u64, &str, &str, &str)]) -> String {
    let lines: Vec<String> = rows
        .iter()
        .map(|(n, applied, status, date)| {
            format!("{},22BB,25180,4,{applied},{status},{date}", bsn(*n))
        })
        .collect();
    format!("{APPLICATION_HEADER}\n{}\n", lines.join("\n"))
}

db_test!(
    no_application_from_the_first_of_april_and_resolved_by_an_application,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        import_on(&app, "vo-pupils", &roster(&[(1, 4), (2, 3)]), "2026-03-01");
        assert!(refresh_on(&app, "2026-03-31").contains("0 raised"));
        assert!(
            of_kind(&app, "NO_APPLICATION").await.is_empty(),
            "the day before"
        );
        let printed = refresh_on(&app, "2026-04-01");
        assert!(printed.contains("1 raised"), "{printed}");
        let raised = of_kind(&app, "NO_APPLICATION").await;
        assert_eq!(raised.len(), 1, "only the pupil in year 4");
        assert_eq!(raised[0]["status"], "OPEN");
        assert_eq!(raised[0]["raisedOn"], "2026-04-01");
        assert_eq!(raised[0]["student"]["year"], 4);
        assert!(raised[0]["assignee"].is_null() && raised[0]["resolvedOn"].is_null());

        // Evaluating again never duplicates.
        assert!(refresh_on(&app, "2026-04-02").contains("0 raised"));
        assert_eq!(of_kind(&app, "NO_APPLICATION").await.len(), 1);

        // An application of any status ends the condition: the import resolves the signal.
        import_on(
            &app,
            "mbo-applications",
            &applications(&[(1, "2026-04-03", "withdrawn", "2026-04-03")]),
            "2026-04-03",
        );
        let resolved = of_kind(&app, "NO_APPLICATION").await;
        assert_eq!(resolved[0]["status"], "RESOLVED");
        assert_eq!(resolved[0]["resolvedOn"], "2026-04-03");
    }
);

db_test!(
    no_alternative_fourteen_days_after_the_last_refusal,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        import_on(&app, "vo-pupils", &roster(&[(1, 4)]), "2026-03-01");
        import_on(
            &app,
            "mbo-applications",
            &applications(&[(1, "2026-02-01", "not_admitted", "2026-04-10")]),
            "2026-04-10",
        );
        refresh_on(&app, "2026-04-23");
        assert!(of_kind(&app, "NO_ALTERNATIVE").await.is_empty(), "day 13");
        refresh_on(&app, "2026-04-24");
        let raised = of_kind(&app, "NO_ALTERNATIVE").await;
        assert_eq!(raised.len(), 1, "day 14");
        assert_eq!(raised[0]["raisedOn"], "2026-04-24");

        // An open application ends it.
        let open = format!(
            "{APPLICATION_HEADER}\n{},22BB,25180,4,2026-02-01,not_admitted,2026-04-10\n{},22BB,25181,4,2026-04-25,received,2026-04-25\n",
            bsn(1),
            bsn(1)
        );
        import_on(&app, "mbo-applications", &open, "2026-04-25");
        let resolved = of_kind(&app, "NO_ALTERNATIVE").await;
        assert_eq!(
            (&resolved[0]["status"], &resolved[0]["resolvedOn"]),
            (&json!("RESOLVED"), &json!("2026-04-25"))
        );

        // It returns when that one is withdrawn too: a new signal, the old one stays resolved.
        let withdrawn = format!(
            "{APPLICATION_HEADER}\n{},22BB,25181,4,2026-04-25,withdrawn,2026-05-01\n",
            bsn(1)
        );
        import_on(&app, "mbo-applications", &withdrawn, "2026-05-01");
        refresh_on(&app, "2026-05-14");
        assert_eq!(of_kind(&app, "NO_ALTERNATIVE").await.len(), 1);
        refresh_on(&app, "2026-05-15");
        let both = of_kind(&app, "NO_ALTERNATIVE").await;
        assert_eq!(both.len(), 2);
        assert_eq!(both[0]["status"], "RESOLVED");
        assert_eq!(
            (&both[1]["status"], &both[1]["raisedOn"]),
            (&json!("OPEN"), &json!("2026-05-15"))
        );
    }
);

db_test!(
    not_started_from_the_first_of_october_after_leaving,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let leaver = format!(
            "{VO_HEADER}\n{},11AA,TL,E&O,2025-2026,2026-05-20,,,\n",
            bsn(1)
        );
        import_on(&app, "vo-leavers", &leaver, "2026-06-01");
        import_on(
            &app,
            "mbo-applications",
            &applications(&[(1, "2026-02-01", "offered", "2026-03-01")]),
            "2026-06-01",
        );
        refresh_on(&app, "2026-09-30");
        assert!(
            of_kind(&app, "NOT_STARTED").await.is_empty(),
            "30 September"
        );
        refresh_on(&app, "2026-10-01");
        let raised = of_kind(&app, "NOT_STARTED").await;
        assert_eq!(raised.len(), 1, "1 October");
        assert_eq!(raised[0]["student"]["status"], "LEFT");

        // An enrolment that started on or after 1 August ends it.
        let enrolled = format!(
            "{MBO_HEADER}\n{},22BB,25180,4,2026-10-05,enrolled,\n",
            bsn(1)
        );
        import_on(&app, "mbo-enrolments", &enrolled, "2026-10-05");
        let resolved = of_kind(&app, "NOT_STARTED").await;
        assert_eq!(resolved[0]["status"], "RESOLVED");
        assert_eq!(resolved[0]["resolvedOn"], "2026-10-05");
    }
);

db_test!(
    dropped_out_in_the_first_year_until_a_new_start,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let leaver = format!(
            "{VO_HEADER}\n{},11AA,TL,E&O,2024-2025,2025-05-20,,,\n",
            bsn(1)
        );
        import_on(&app, "vo-leavers", &leaver, "2025-06-01");
        let enrolments = format!(
            "{MBO_HEADER}\n{p},22BB,25180,4,2025-08-25,dropped_out,2025-11-01\n{p},22BB,25181,3,2026-01-05,enrolled,\n",
            p = bsn(1)
        );
        import_on(&app, "mbo-enrolments", &enrolments, "2025-10-31");
        assert!(
            of_kind(&app, "DROPPED_OUT").await.is_empty(),
            "the day before the dropout"
        );
        refresh_on(&app, "2025-11-01");
        assert_eq!(
            of_kind(&app, "DROPPED_OUT").await.len(),
            1,
            "the day of the dropout"
        );
        refresh_on(&app, "2026-01-04");
        assert_eq!(of_kind(&app, "DROPPED_OUT").await[0]["status"], "OPEN");
        refresh_on(&app, "2026-01-05");
        let resolved = of_kind(&app, "DROPPED_OUT").await;
        assert_eq!(
            resolved[0]["status"], "RESOLVED",
            "the new enrolment started"
        );
        assert_eq!(resolved[0]["resolvedOn"], "2026-01-05");
    }
);

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

const UPDATE: &str = "mutation($i: UpdateSignalInput!) { updateSignal(input: $i) { signal { status resolvedOn notes { author text } assignee { name } } } }";

db_test!(
    a_signal_resolved_by_hand_stays_resolved_while_its_condition_holds,
    on_day("2026-04-05"),
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        import_on(&app, "vo-pupils", &roster(&[(1, 4)]), "2026-03-01");
        refresh_on(&app, "2026-04-01");
        let id = of_kind(&app, "NO_APPLICATION").await[0]["id"].clone();
        let coach = app
            .ok(Some(&app.admin()), "mutation { createPerson(input: {name: \"Decaan\", function: COACH, schoolBrin: \"11AA\"}) { person { id } } }", json!({}))
            .await["createPerson"]["person"]["id"]
            .clone();
        let staff = app.staff("11AA");
        let body = app
            .ok(Some(&staff), UPDATE, json!({"i": {"id": id, "status": "IN_PROGRESS", "assigneeId": coach, "note": "Gesprek gepland"}}))
            .await;
        let signal = &body["updateSignal"]["signal"];
        assert_eq!(signal["status"], "IN_PROGRESS");
        assert_eq!(signal["assignee"]["name"], "Decaan");
        assert_eq!(signal["notes"][0]["text"], "Gesprek gepland");
        assert_eq!(signal["notes"][0]["author"], "staff-11AA");

        // Staff of another school and a coordinator may not work on it.
        for token in [app.staff("22BB"), app.coordinator("AMS")] {
            let code = app
                .error_code(Some(&token), UPDATE, json!({"i": {"id": id, "note": "x"}}))
                .await;
            assert_eq!(code, "FORBIDDEN");
        }
        let body = app
            .ok(
                Some(&staff),
                UPDATE,
                json!({"i": {"id": id, "status": "RESOLVED"}}),
            )
            .await;
        assert_eq!(body["updateSignal"]["signal"]["resolvedOn"], "2026-04-05");
        let code = app
            .error_code(
                Some(&staff),
                UPDATE,
                json!({"i": {"id": id, "note": "again"}}),
            )
            .await;
        assert_eq!(code, "CONFLICT");
        refresh_on(&app, "2026-04-06");
        let all = of_kind(&app, "NO_APPLICATION").await;
        assert_eq!(all.len(), 1, "the condition still holds: no new signal");
        assert_eq!(all[0]["status"], "RESOLVED");
    }
);

db_test!(
    an_import_re_evaluates_its_own_pupils_on_a_day_already_evaluated_and_everyone_on_a_new_day,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let open = |signals: &[Value]| signals.iter().filter(|s| s["status"] == "OPEN").count();
        // Pupil 3 is in year 4 on 31 March: no signal yet.
        import_on(&app, "vo-pupils", &roster(&[(3, 4)]), "2026-03-31");
        assert!(of_kind(&app, "NO_APPLICATION").await.is_empty());
        // The first import on 1 April is about pupil 1 only, yet it evaluates everyone on this
        // new day: pupil 3's signal is raised too.
        import_on(&app, "vo-pupils", &roster(&[(1, 4)]), "2026-04-01");
        assert_eq!(open(&of_kind(&app, "NO_APPLICATION").await), 2);
        // Later imports of the same day re-evaluate their own pupils and leave the others'
        // signals as they are.
        import_on(&app, "vo-pupils", &roster(&[(2, 4)]), "2026-04-01");
        assert_eq!(open(&of_kind(&app, "NO_APPLICATION").await), 3);
        import_on(
            &app,
            "mbo-applications",
            &applications(&[(1, "2026-04-01", "received", "2026-04-01")]),
            "2026-04-01",
        );
        let after = of_kind(&app, "NO_APPLICATION").await;
        assert_eq!(
            open(&after),
            2,
            "pupil 1's signal resolved, 2's and 3's open"
        );
        assert_eq!(after.len(), 3);
        // And a refresh of that day (everyone) agrees with what the imports left.
        assert!(refresh_on(&app, "2026-04-01").contains("0 raised, 0 resolved"));
    }
);
