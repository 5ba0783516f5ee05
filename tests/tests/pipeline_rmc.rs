//! The `rmc` role (DESIGN.md sections 3 and 4b): only the pupils of its region with an open or
//! in-progress signal, or one resolved in the last 90 days, with their signals, applications and
//! transition; nothing else pupil-level; every read audited; it works on its region's signals.

use leerroute_tests::{TestApp, bsn, db_test, small_region};
use serde_json::{Value, json};

const ROSTER_HEADER: &str = "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code";
const APPLICATION_HEADER: &str = "pgn,school_brin,crebo,level,applied_on,status,status_date";
const STUDENTS: &str = "{ students(first: 100) { totalCount nodes { id school { brin } signals { kind status } applications { crebo } evaluations { wellbeing } coach { name } } } }";
const SIGNALS: &str = "{ signals(first: 100) { totalCount nodes { id kind status student { id school { brin } } } } }";
const UPDATE: &str =
    "mutation($i: UpdateSignalInput!) { updateSignal(input: $i) { signal { status } } }";

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

fn cli_on(app: &TestApp, args: &[&str], csv: Option<&str>, today: &str) {
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    if let Some(csv) = csv {
        let path = app.write_file("file.csv", csv);
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

/// AMS (11AA, 22BB) and HDW (31CC, 32CC). On 1 April 2026 pupil 1 (AMS) and pupil 3 (HDW) get
/// NO_APPLICATION; pupil 2 (AMS) applied and has none. Pupil 1's signal resolves on 3 April.
async fn setting(app: &TestApp) {
    small_region(app, "AMS", "11AA", "22BB").await;
    small_region(app, "HDW", "31CC", "32CC").await;
    let roster = format!(
        "{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,4,\n{},11AA,TL,E&O,2025-2026,4,\n{},31CC,TL,E&O,2025-2026,4,\n",
        bsn(1),
        bsn(2),
        bsn(3)
    );
    cli_on(app, &["import", "vo-pupils"], Some(&roster), "2026-03-01");
    let applied = format!(
        "{APPLICATION_HEADER}\n{},22BB,25180,4,2026-02-01,received,2026-02-01\n",
        bsn(2)
    );
    cli_on(
        app,
        &["import", "mbo-applications"],
        Some(&applied),
        "2026-03-01",
    );
    cli_on(app, &["signals", "refresh"], None, "2026-04-01");
}

fn rmc(app: &TestApp, region: &str) -> String {
    app.token(
        leerroute::auth::Role::Rmc,
        Some(region),
        None,
        Some(&format!("rmc-{region}")),
    )
}

async fn nodes(app: &TestApp, token: &str, query: &str, field: &str) -> Vec<Value> {
    app.ok(Some(token), query, json!({})).await[field]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

db_test!(
    rmc_reads_only_its_regions_pupils_with_a_signal,
    on_day("2026-04-02"),
    |app: TestApp| async move {
        setting(&app).await;
        let ams = rmc(&app, "AMS");
        let pupils = nodes(&app, &ams, STUDENTS, "students").await;
        assert_eq!(pupils.len(), 1, "{pupils:#?}");
        assert_eq!(pupils[0]["school"]["brin"], "11AA");
        assert_eq!(pupils[0]["signals"][0]["kind"], "NO_APPLICATION");
        assert!(pupils[0]["coach"].is_null() && pupils[0]["evaluations"] == json!([]));
        let hdw = nodes(&app, &rmc(&app, "HDW"), STUDENTS, "students").await;
        assert_eq!(hdw.len(), 1);
        assert_eq!(hdw[0]["school"]["brin"], "31CC");

        // The pupil without a signal and the other region's pupil are out of reach.
        let all = nodes(&app, &app.admin(), STUDENTS, "students").await;
        for other in all.iter().filter(|p| p["id"] != pupils[0]["id"]) {
            let code = app
                .error_code(
                    Some(&ams),
                    "query($id: ID!) { student(id: $id) { id } }",
                    json!({"id": other["id"]}),
                )
                .await;
            assert_eq!(code, "FORBIDDEN");
        }
        let apps = app
            .ok(Some(&ams), "{ applications { totalCount } }", json!({}))
            .await;
        assert_eq!(
            apps["applications"]["totalCount"], 0,
            "pupil 2's application is not rmc's"
        );

        // Its region's signals only, and it works on them.
        let signals = nodes(&app, &ams, SIGNALS, "signals").await;
        assert_eq!(signals.len(), 1);
        let theirs = nodes(&app, &rmc(&app, "HDW"), SIGNALS, "signals").await;
        let body = app
            .ok(
                Some(&ams),
                UPDATE,
                json!({"i": {"id": signals[0]["id"], "status": "IN_PROGRESS", "note": "Gebeld"}}),
            )
            .await;
        assert_eq!(body["updateSignal"]["signal"]["status"], "IN_PROGRESS");
        let code = app
            .error_code(
                Some(&ams),
                UPDATE,
                json!({"i": {"id": theirs[0]["id"], "note": "x"}}),
            )
            .await;
        assert_eq!(code, "FORBIDDEN");

        // Statistics of its own region, none of another.
        let stats = "query($r: String) { transitionStats(filter: {regionCode: $r}, groupBy: []) { total { leavers } } }";
        app.ok(Some(&ams), stats, json!({"r": "AMS"})).await;
        assert_eq!(
            app.error_code(Some(&ams), stats, json!({"r": "HDW"})).await,
            "FORBIDDEN"
        );

        // Every pupil read is audited under the rmc officer's subject.
        let log = app
            .ok(Some(&app.admin()), "{ auditEvents(filter: {subject: \"rmc-AMS\"}, first: 100) { nodes { role action target } } }", json!({}))
            .await;
        let events = log["auditEvents"]["nodes"].as_array().unwrap();
        let target = format!("Student:{}", pupils[0]["id"].as_str().unwrap());
        assert!(
            events.iter().any(|e| e["action"] == "student.read"
                && e["target"] == json!(target)
                && e["role"] == "rmc"),
            "{events:#?}"
        );
        assert!(events.iter().any(|e| e["action"] == "signal.read"));
    }
);

async fn resolved_in_april(app: &TestApp) {
    setting(app).await;
    let applied = format!(
        "{APPLICATION_HEADER}\n{},22BB,25180,4,2026-04-03,received,2026-04-03\n",
        bsn(1)
    );
    cli_on(
        app,
        &["import", "mbo-applications"],
        Some(&applied),
        "2026-04-03",
    );
}

db_test!(
    a_signal_resolved_90_days_ago_still_counts,
    on_day("2026-07-02"),
    |app: TestApp| async move {
        resolved_in_april(&app).await;
        let pupils = nodes(&app, &rmc(&app, "AMS"), STUDENTS, "students").await;
        assert_eq!(pupils.len(), 1);
        assert_eq!(pupils[0]["signals"][0]["status"], "RESOLVED");
        assert_eq!(
            pupils[0]["applications"][0]["crebo"], "25180",
            "with its applications"
        );
    }
);

db_test!(
    a_signal_resolved_91_days_ago_no_longer_counts,
    on_day("2026-07-03"),
    |app: TestApp| async move {
        resolved_in_april(&app).await;
        assert!(
            nodes(&app, &rmc(&app, "AMS"), STUDENTS, "students")
                .await
                .is_empty()
        );
        assert!(
            nodes(&app, &rmc(&app, "AMS"), SIGNALS, "signals")
                .await
                .is_empty()
        );
    }
);
