//! Retention (DESIGN.md 4b): `leerroute purge [--dry-run]` on the day before and the day of a
//! person's term, rows without a vmbo record at theirs, the dry run, statistics that keep their
//! aggregates through purge, a later import and `leerroute rebuild`, audit trimming at its
//! boundary, and the run of `serve` at start (which also evaluates the signals).

use std::{
    collections::BTreeMap,
    process::{Output, Stdio},
    time::{Duration, Instant},
};

use entity::student;
use leerroute::{ids, pseudonym::Pseudonymiser};
use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test, small_region};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const ROSTER_HEADER: &str = "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code";
const APPLICATION_HEADER: &str = "pgn,school_brin,crebo,level,applied_on,status,status_date";

/// Every table a purge may touch, for before/after comparisons.
const TABLES: [&str; 17] = [
    "student",
    "application",
    "application_status",
    "enrolment",
    "transition",
    "self_evaluation",
    "self_evaluation_need",
    "activity_enrolment",
    "signal",
    "signal_note",
    "coach_assignment",
    "identity_link",
    "pipeline_pupil",
    "stats_vo_cube",
    "stats_mbo_cube",
    "stats_purged_facts",
    "audit_event",
];

/// Runs the real binary on `today`; fails the test when it fails.
fn cli_on(app: &TestApp, today: &str, args: &[&str]) -> String {
    let out: Output = app
        .cli_command(args)
        .env("LEERROUTE_TODAY", today)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn import_on(app: &TestApp, today: &str, kind: &str, csv: &str) {
    let path = app.write_file(&format!("{kind}.csv"), csv);
    cli_on(app, today, &["import", kind, path.to_str().unwrap()]);
}

/// `purge` on `today`; the counts it printed, by kind.
fn purge_on(app: &TestApp, today: &str, dry_run: bool) -> BTreeMap<String, u64> {
    let mut args = vec!["purge"];
    if dry_run {
        args.push("--dry-run");
    }
    let printed = cli_on(app, today, &args);
    assert!(
        printed.starts_with(if dry_run { "dry run" } else { "purged" }),
        "{printed}"
    );
    printed
        .lines()
        .skip(1)
        .map(|line| {
            let (kind, n) = line.trim().rsplit_once(": ").expect("kind: n");
            (kind.to_owned(), n.parse().expect("a count"))
        })
        .collect()
}

/// Row counts of [`TABLES`], after the reads journalled on SQLite have moved into `audit_event`
/// (listing the audit log moves them first, and is not itself audited).
async fn table_counts(app: &TestApp) -> BTreeMap<&'static str, i64> {
    app.ok(
        Some(&app.admin()),
        "{ auditEvents(first: 1) { totalCount } }",
        json!({}),
    )
    .await;
    let mut counts = BTreeMap::new();
    for table in TABLES {
        counts.insert(table, app.count_rows(table).await);
    }
    counts
}

/// The global ids of the records of the person with `pgn`.
async fn records_of(app: &TestApp, pgn: &str) -> Vec<String> {
    let pseudonym = Pseudonymiser::new(&app.secrets.link).pseudonym(pgn);
    student::Entity::find()
        .filter(student::Column::Pseudonym.eq(pseudonym))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| ids::encode("Student", s.id).0)
        .collect()
}

/// Cohort 2020-2021: eight leavers of 11AA (six enrolled at 22BB, one dropped out, one
/// switched), one of whom (`bsn(2)`) also has a roster record of 2019-2020, an application,
/// an evaluation, a coach, a linked identity, an activity enrolment and a signal with a note;
/// a roster-only pupil of 2020-2021 (`bsn(20)`); a leaver of 2021-2022 (`bsn(30)`), who stays.
async fn old_cohorts(app: &TestApp) {
    small_region(app, "AMS", "11AA", "22BB").await;
    let today = "2026-07-30";
    import_on(
        app,
        today,
        "vo-pupils",
        &format!(
            "{ROSTER_HEADER}\n{},11AA,TL,E&O,2019-2020,3,\n{},11AA,BB,Z&W,2020-2021,3,\n",
            bsn(2),
            bsn(20)
        ),
    );
    let leavers: Vec<String> = (1..=8)
        .map(|n| {
            let (leerweg, profile) = if n % 2 == 0 {
                ("TL", "E&O")
            } else {
                ("BB", "Z&W")
            };
            let choice = if n <= 3 { "25180,2021-03-01" } else { "," };
            format!(
                "{},11AA,{leerweg},{profile},2020-2021,2021-05-12,{choice},",
                bsn(n)
            )
        })
        .chain(std::iter::once(format!(
            "{},11AA,TL,E&O,2021-2022,2022-05-12,,,",
            bsn(30)
        )))
        .collect();
    import_on(
        app,
        today,
        "vo-leavers",
        &format!("{VO_HEADER}\n{}\n", leavers.join("\n")),
    );
    let enrolments: Vec<String> = (1..=6)
        .map(|n| {
            let (level, status, date) = match n {
                2 => (4, "dropped_out", "2022-01-10"),
                3 => (3, "switched", "2022-02-01"),
                _ => (2 + (n % 3) as i32, "enrolled", ""),
            };
            format!("{},22BB,25180,{level},2021-09-01,{status},{date}", bsn(n))
        })
        .collect();
    import_on(
        app,
        today,
        "mbo-enrolments",
        &format!("{MBO_HEADER}\n{}\n", enrolments.join("\n")),
    );
    import_on(
        app,
        today,
        "mbo-applications",
        &format!(
            "{APPLICATION_HEADER}\n{},22BB,25180,4,2021-02-01,enrolled,2021-06-01\n",
            bsn(2)
        ),
    );
    let admin = app.admin();
    let b = records_of(app, &bsn(2)).await;
    assert_eq!(b.len(), 2, "a roster and a leaver record");
    for (n, needs) in [(1, "[DUO]"), (2, "[DUO, DIGID]"), (4, "[]")] {
        let id = records_of(app, &bsn(n)).await.pop().unwrap();
        let submit = format!(
            "mutation($s: ID!) {{ submitSelfEvaluation(input: {{studentId: $s, wellbeing: 3, studySkills: 3, lifeSkills: 3, choiceCertainty: 3, needs: {needs}}}) {{ evaluation {{ id }} }} }}"
        );
        app.ok(Some(&admin), &submit, json!({"s": id})).await;
    }
    let coach = app
        .ok(Some(&admin), "mutation { createPerson(input: {name: \"Coach Retentie\", email: \"coach.retentie@example.org\", function: COACH, schoolBrin: \"11AA\"}) { person { id } } }", json!({}))
        .await["createPerson"]["person"]["id"]
        .clone();
    app.ok(Some(&admin), "mutation($s: ID!, $p: ID!) { assignCoach(input: {studentId: $s, personId: $p, from: \"2021-01-01\"}) { student { id } } }", json!({"s": b[1], "p": coach})).await;
    app.ok(
        Some(&admin),
        "mutation($s: ID!) { linkIdentity(input: {studentId: $s, subject: \"urn:idp:retention-two\"}) { student { id } } }",
        json!({"s": b[1]}),
    )
    .await;
    let activity = app.ok(Some(&admin), "mutation { createActivity(input: {regionCode: \"AMS\", hostSchoolBrin: \"11AA\", participatingSchoolBrins: [\"22BB\"], kind: CAMPUS_VISIT, title: \"Campusbezoek\", startsAt: \"2026-10-08T12:00:00Z\", endsAt: \"2026-10-08T14:00:00Z\", capacity: 50}) { activity { id } } }", json!({})).await["createActivity"]["activity"]["id"].clone();
    app.ok(
        Some(&admin),
        "mutation($id: ID!) { publishActivity(input: {id: $id}) { activity { id } } }",
        json!({"id": activity}),
    )
    .await;
    app.ok(Some(&admin), "mutation($a: ID!, $s: ID!) { enrolInActivity(input: {activityId: $a, studentId: $s}) { enrolment { studentId } } }", json!({"a": activity, "s": b[1]})).await;
    let signals = app
        .ok(
            Some(&admin),
            "{ signals(filter: {kind: DROPPED_OUT}) { nodes { id } } }",
            json!({}),
        )
        .await;
    let signal = signals["signals"]["nodes"][0]["id"].clone();
    assert!(
        signal.is_string(),
        "the drop-out raised a signal: {signals}"
    );
    app.ok(Some(&admin), "mutation($id: ID!) { updateSignal(input: {id: $id, status: IN_PROGRESS, note: \"Gebeld met de ouders.\"}) { signal { id } } }", json!({"id": signal})).await;
}

const STATS: &str = "query($g: [TransitionDimension!]!, $c: [String!]) { transitionStats(filter: {cohorts: $c}, groupBy: $g) { minCellSize rows { key { cohort voSchoolBrin mboSchoolBrin leerweg profile crebo level leerlabCode } leavers enrolled notEnrolled retained switched droppedOut choseBeforeExam choiceMatched belowExpectedLevel atExpectedLevel aboveExpectedLevel } total { leavers enrolled notEnrolled retained switched droppedOut choseBeforeExam choiceMatched } } }";
const NEEDS: &str = "query($c: [String!]) { needsStats(filter: {cohorts: $c}, groupBy: [COHORT, SCHOOL]) { rows { key { cohort schoolBrin } respondents needs { need pupils } } total { respondents needs { need pupils } } } }";

/// What admin and a coordinator see of cohort 2020-2021: groupings answered by each summary
/// table and by the facts, exact and protected, over GraphQL and the CSV export.
async fn statistics_of_2020(app: &TestApp) -> Vec<Value> {
    let cohorts = json!(["2020-2021"]);
    let groupings = [
        json!(["COHORT", "LEERWEG", "PROFILE"]),
        json!(["MBO_SCHOOL", "CREBO", "LEVEL"]),
        json!(["COHORT", "VO_SCHOOL", "MBO_SCHOOL", "LEVEL", "LEERWEG"]),
        json!([]),
    ];
    let mut seen = Vec::new();
    for token in [app.admin(), app.coordinator("AMS")] {
        for g in &groupings {
            seen.push(
                app.ok(Some(&token), STATS, json!({"g": g, "c": cohorts}))
                    .await,
            );
        }
        seen.push(app.ok(Some(&token), NEEDS, json!({"c": cohorts})).await);
        for path in [
            "/export/transition-stats.csv?cohorts=2020-2021&groupBy=COHORT&groupBy=MBO_SCHOOL",
            "/export/transition-stats.csv?cohorts=2020-2021&groupBy=VO_SCHOOL&groupBy=LEVEL&groupBy=LEERWEG",
        ] {
            let response = app.get(path, Some(&token)).await;
            assert_eq!(response.status(), 200);
            seen.push(Value::String(response.text().await.unwrap()));
        }
    }
    let admin = &seen[0]["transitionStats"]["total"];
    assert_eq!(admin["leavers"], 8, "{admin}");
    assert_eq!(admin["enrolled"], 6, "{admin}");
    seen
}

/// Nothing of the person with the records `records` is reachable: not in `students`, not by
/// `node(id:)`, no application, no signal.
async fn unreachable(app: &TestApp, records: &[String]) {
    let admin = app.admin();
    let students = app
        .ok(
            Some(&admin),
            "{ students(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    let listed: Vec<&Value> = students["students"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["id"])
        .collect();
    for id in records {
        assert!(!listed.contains(&&json!(id)), "{id} is still listed");
        let node = app
            .gql(
                Some(&admin),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({"id": id}),
            )
            .await;
        assert!(node["data"]["node"].is_null(), "{node}");
    }
    let applications = app
        .ok(
            Some(&admin),
            "{ applications(first: 100) { nodes { student { id } } } }",
            json!({}),
        )
        .await;
    let signals = app
        .ok(
            Some(&admin),
            "{ signals(first: 100) { nodes { student { id } } } }",
            json!({}),
        )
        .await;
    for list in [&applications["applications"], &signals["signals"]] {
        for node in list["nodes"].as_array().unwrap() {
            assert!(
                !records.contains(&node["student"]["id"].as_str().unwrap_or("").to_owned()),
                "{node}"
            );
        }
    }
}

db_test!(
    a_person_is_purged_on_the_day_of_the_term_and_the_statistics_stay,
    |app: TestApp| async move {
        old_cohorts(&app).await;
        let before = statistics_of_2020(&app).await;
        let a = records_of(&app, &bsn(20)).await;
        let b = records_of(&app, &bsn(2)).await;

        // The day before the term (31 July 2026 for 2020-2021): nothing of theirs goes.
        let tables = table_counts(&app).await;
        let day_before = purge_on(&app, "2026-07-30", false);
        assert_eq!(day_before["persons"], 0, "{day_before:?}");
        assert_eq!(day_before["pupil records"], 0);
        let mut after_day_before = table_counts(&app).await;
        assert_eq!(
            after_day_before.remove("audit_event"),
            Some(tables["audit_event"] + 1)
        );
        let mut unchanged = tables.clone();
        unchanged.remove("audit_event");
        assert_eq!(after_day_before, unchanged, "the day before");

        // A dry run on the day of the term counts and writes nothing, not even an audit record.
        let tables = table_counts(&app).await;
        let dry = purge_on(&app, "2026-07-31", true);
        assert_eq!(table_counts(&app).await, tables, "a dry run writes nothing");
        assert_eq!(
            dry["persons"], 9,
            "eight leavers and the roster-only pupil: {dry:?}"
        );
        assert_eq!(dry["pupil records"], 10);

        // The day of the term: every kind goes, and the dry run said how many of each.
        let done = purge_on(&app, "2026-07-31", false);
        let after = table_counts(&app).await;
        for (kind, n) in &dry {
            assert_eq!(done[kind], *n, "{kind}: dry run and purge agree");
        }
        for (table, kind) in [
            ("student", "pupil records"),
            ("application", "applications"),
            ("application_status", "application statuses"),
            ("enrolment", "enrolments"),
            ("transition", "transitions"),
            ("self_evaluation", "evaluations"),
            ("self_evaluation_need", "evaluation needs"),
            ("activity_enrolment", "activity enrolments"),
            ("signal", "signals"),
            ("signal_note", "signal notes"),
            ("coach_assignment", "coach assignments"),
            ("identity_link", "identity links"),
        ] {
            assert_eq!(
                tables[table] - after[table],
                done[kind] as i64,
                "{table} lost what the purge printed for {kind}"
            );
            assert!(done[kind] > 0, "{kind}: something to purge: {done:?}");
        }
        assert_eq!(after["student"], 1, "the leaver of 2021-2022 stays");
        assert_eq!(records_of(&app, &bsn(30)).await.len(), 1);
        assert_eq!(after["identity_link"], 0);
        unreachable(&app, &[a, b].concat()).await;

        // Admin's and the coordinator's figures for the purged cohort have not moved.
        assert_eq!(statistics_of_2020(&app).await, before, "after the purge");

        // Nor after an import of another cohort, which refreshes the summary tables...
        import_on(
            &app,
            "2026-08-01",
            "vo-leavers",
            &format!(
                "{VO_HEADER}\n{},11AA,BB,Z&W,2022-2023,2023-05-12,,,\n",
                bsn(31)
            ),
        );
        import_on(
            &app,
            "2026-08-01",
            "mbo-enrolments",
            &format!(
                "{MBO_HEADER}\n{},22BB,25180,2,2022-09-01,enrolled,\n",
                bsn(30)
            ),
        );
        assert_eq!(statistics_of_2020(&app).await, before, "after an import");
        // ...nor after `leerroute rebuild`, which recomputes every cohort from the pupil rows.
        let rebuilt = cli_on(&app, "2026-08-01", &["rebuild"]);
        assert!(rebuilt.contains("summary tables"), "{rebuilt}");
        assert_eq!(statistics_of_2020(&app).await, before, "after a rebuild");

        // A second purge finds nothing more of them.
        let again = purge_on(&app, "2026-08-01", false);
        assert_eq!(again["persons"], 0, "{again:?}");
    }
);

const PIPELINE: &str = "query($f: PipelineStatsFilter!, $g: [PipelineDimension!]!) { pipelineStats(filter: $f, groupBy: $g) { minCellSize rows { key { voSchoolBrin mboSchoolBrin leerweg leerlabCode year } pupils applied appliedBeforeApril offered notAdmitted withdrawn enrolled openSignals } total { pupils applied appliedBeforeApril offered notAdmitted withdrawn enrolled openSignals } } }";

/// The roster of 2020-2021 at 11AA: fourteen pupils of years 3 and 4, who applied that year
/// to 22BB, its college 22BB01 (some to both) and 33CC in every status, before and after 1
/// April; two pupils did not apply. All of them are past their term on 31 July 2026.
async fn pipeline_of_2020(app: &TestApp) {
    small_region(app, "AMS", "11AA", "22BB").await;
    let admin = app.admin();
    for (brin, parent) in [("22BB01", Some("22BB")), ("33CC", None)] {
        app.ok(Some(&admin), "mutation($i: CreateSchoolInput!) { createSchool(input: $i) { school { id } } }", json!({"i": {"regionCode": "AMS", "brin": brin, "name": brin, "sector": "MBO", "city": "Stad", "parentBrin": parent}})).await;
    }
    let today = "2026-07-30";
    let roster: Vec<String> = (100..114)
        .map(|n| {
            let (leerweg, profile) = if n % 3 == 0 {
                ("BB", "Z&W")
            } else {
                ("TL", "E&O")
            };
            format!(
                "{},11AA,{leerweg},{profile},2020-2021,{},",
                bsn(n),
                3 + n % 2
            )
        })
        .collect();
    import_on(
        app,
        today,
        "vo-pupils",
        &format!("{ROSTER_HEADER}\n{}\n", roster.join("\n")),
    );
    let statuses = [
        "received",
        "offered",
        "not_admitted",
        "withdrawn",
        "enrolled",
    ];
    let mut applications = Vec::new();
    for n in 100..112u64 {
        let status = statuses[n as usize % statuses.len()];
        let applied = if n % 4 == 0 {
            "2021-04-10"
        } else {
            "2021-02-01"
        };
        let school = ["22BB", "22BB01", "33CC"][n as usize % 3];
        applications.push(format!(
            "{},{school},25180,4,{applied},{status},2021-05-01",
            bsn(n)
        ));
        if n % 5 == 0 {
            // A second application, to the other half of the 22BB family.
            let other = if school == "22BB" { "22BB01" } else { "22BB" };
            applications.push(format!(
                "{},{other},25180,3,2021-03-01,offered,2021-04-01",
                bsn(n)
            ));
        }
    }
    import_on(
        app,
        today,
        "mbo-applications",
        &format!("{APPLICATION_HEADER}\n{}\n", applications.join("\n")),
    );
}

/// What admin, a coordinator and staff of 11AA see of the pipeline of 2020-2021: each grouping
/// and each kind of mbo filter (a school with a college, the college, a school without), exact
/// and protected.
async fn pipeline_stats_of_2020(app: &TestApp) -> Vec<Value> {
    let groupings = [
        json!([]),
        json!(["VO_SCHOOL", "LEERWEG", "YEAR"]),
        json!(["MBO_SCHOOL"]),
        json!(["MBO_SCHOOL", "LEERWEG", "YEAR"]),
    ];
    let filters = [
        json!({"schoolYear": "2020-2021"}),
        json!({"schoolYear": "2020-2021", "mboSchoolBrin": "22BB"}),
        json!({"schoolYear": "2020-2021", "mboSchoolBrin": "22BB01"}),
        json!({"schoolYear": "2020-2021", "mboSchoolBrin": "33CC", "year": 4}),
        json!({"schoolYear": "2020-2021", "voSchoolBrin": "11AA", "regionCode": "AMS"}),
    ];
    let mut seen = Vec::new();
    let tokens = [app.admin(), app.coordinator("AMS"), app.staff("11AA")];
    for (i, token) in tokens.iter().enumerate() {
        for f in &filters {
            // Staff see the pipeline only with a filter naming their own school.
            if i == 2 && f.get("voSchoolBrin").is_none() {
                continue;
            }
            for g in &groupings {
                seen.push(app.ok(Some(token), PIPELINE, json!({"f": f, "g": g})).await);
            }
        }
    }
    let total = &seen[0]["pipelineStats"]["total"];
    assert_eq!(total["pupils"], 14, "{total}");
    assert_eq!(total["applied"], 12, "{total}");
    let family = &seen[4]["pipelineStats"]["total"];
    assert_eq!(
        family["applied"], 9,
        "each pupil of 22BB or 22BB01 once: {family}"
    );
    seen
}

/// `pipelineStats` of 2020-2021 by VO_SCHOOL as the coordinator of HAR, a region without pupils.
async fn outsider(app: &TestApp) -> Value {
    let query = json!({"f": {"schoolYear": "2020-2021"}, "g": ["VO_SCHOOL"]});
    app.ok(Some(&app.coordinator("HAR")), PIPELINE, query).await["pipelineStats"].clone()
}

db_test!(
    the_pipeline_of_a_purged_school_year_keeps_its_figures,
    |app: TestApp| async move {
        pipeline_of_2020(&app).await;
        app.ok(
            Some(&app.admin()),
            "mutation { createRegion(input: {code: \"HAR\", name: \"HAR\"}) { region { id } } }",
            json!({}),
        )
        .await;
        let before = pipeline_stats_of_2020(&app).await;
        // Another region's coordinator gets none of these pupils, live or kept.
        let outside = outsider(&app).await;
        assert_eq!(outside["total"]["pupils"], 0, "{outside}");
        assert_eq!(outside["rows"], json!([]), "{outside}");
        let done = purge_on(&app, "2026-07-31", false);
        assert_eq!(done["persons"], 14, "{done:?}");
        assert_eq!(done["applications"], 15, "{done:?}");
        assert_eq!(
            table_counts(&app).await["pipeline_pupil"],
            0,
            "no pupil row is left"
        );
        assert_eq!(
            pipeline_stats_of_2020(&app).await,
            before,
            "after the purge"
        );
        assert_eq!(
            outsider(&app).await,
            outside,
            "another region, after the purge"
        );
        // A later roster import refreshes the pipeline rows; a rebuild recomputes them all.
        import_on(
            &app,
            "2026-08-01",
            "vo-pupils",
            &format!("{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,3,\n", bsn(120)),
        );
        assert_eq!(
            pipeline_stats_of_2020(&app).await,
            before,
            "after an import"
        );
        cli_on(&app, "2026-08-01", &["rebuild"]);
        assert_eq!(
            pipeline_stats_of_2020(&app).await,
            before,
            "after a rebuild"
        );
    }
);

db_test!(
    applications_and_enrolments_without_a_vmbo_record_go_at_their_own_term,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let today = "2021-10-01";
        import_on(
            &app,
            today,
            "mbo-applications",
            &format!(
                "{APPLICATION_HEADER}\n{},22BB,25180,4,2021-01-10,not_admitted,2021-03-15\n{},22BB,25180,4,2021-01-10,received,2021-01-10\n",
                bsn(50),
                bsn(52)
            ),
        );
        import_on(
            &app,
            today,
            "mbo-enrolments",
            &format!(
                "{MBO_HEADER}\n{},22BB,25180,2,2021-09-01,enrolled,\n",
                bsn(51)
            ),
        );
        // A pupil with a vmbo record keeps their application whatever its status date.
        import_on(
            &app,
            "2026-03-01",
            "vo-pupils",
            &format!("{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,4,\n", bsn(52)),
        );
        let day_before = purge_on(&app, "2026-03-14", false);
        assert_eq!(day_before["applications"], 0, "{day_before:?}");
        let applications = app.count_rows("application").await;
        let statuses = app.count_rows("application_status").await;
        let day_of = purge_on(&app, "2026-03-15", false);
        assert_eq!(day_of["applications"], 1, "{day_of:?}");
        assert_eq!(day_of["persons"], 0);
        assert_eq!(app.count_rows("application").await, applications - 1);
        assert_eq!(
            app.count_rows("application_status").await,
            statuses - day_of["application statuses"] as i64
        );
        assert!(day_of["application statuses"] >= 1);
        assert_eq!(day_of["enrolments"], 0);
        // A running enrolment without a vmbo record: five years after it started.
        assert_eq!(purge_on(&app, "2026-08-31", false)["enrolments"], 0);
        assert_eq!(purge_on(&app, "2026-09-01", false)["enrolments"], 1);
        assert_eq!(app.count_rows("enrolment").await, 0);
        assert_eq!(app.count_rows("application").await, 1, "the pupil's own");
    }
);

/// The UTC dates of the audited reads of pupil records.
async fn reads(app: &TestApp) -> Vec<String> {
    let log = app
        .ok(
            Some(&app.admin()),
            "{ auditEvents(first: 100) { nodes { at target } } }",
            json!({}),
        )
        .await;
    log["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"].as_str().unwrap_or("").starts_with("Student:"))
        .map(|e| e["at"].as_str().unwrap()[..10].to_owned())
        .collect()
}

db_test!(
    audit_events_are_kept_for_their_days_and_no_longer,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        import_on(
            &app,
            "2026-03-01",
            "vo-pupils",
            &format!("{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,4,\n", bsn(60)),
        );
        let admin = app.admin();
        app.ok(
            Some(&admin),
            "{ students { nodes { id year } } }",
            json!({}),
        )
        .await;
        let read_on = reads(&app).await;
        assert!(!read_on.is_empty(), "the read is on record");
        let day: chrono::NaiveDate = read_on[0].parse().unwrap();
        let kept_until = (day + chrono::Days::new(730)).to_string();
        let gone_from = (day + chrono::Days::new(731)).to_string();
        // Another read, left in the SQLite journal or not: it is trimmed all the same.
        app.ok(Some(&admin), "{ students { nodes { id } } }", json!({}))
            .await;

        let kept = purge_on(&app, &kept_until, false);
        assert_eq!(kept["audit events"], 0, "{kept:?}");
        assert_eq!(reads(&app).await.len(), read_on.len() + 1);
        let dry = purge_on(&app, &gone_from, true);
        assert!(dry["audit events"] >= 2, "{dry:?}");
        let trimmed = purge_on(&app, &gone_from, false);
        assert!(trimmed["audit events"] >= 2, "{trimmed:?}");
        assert!(
            reads(&app).await.is_empty(),
            "the reads of that day are gone"
        );
        // The purge itself is on record (its counts, no pupil data).
        let log = app
            .ok(
                Some(&admin),
                "{ auditEvents(filter: {action: \"purge\"}) { nodes { target } } }",
                json!({}),
            )
            .await;
        let targets: Vec<&str> = log["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["target"].as_str())
            .collect();
        assert!(
            targets.iter().any(|t| t.contains("audit_events=")),
            "{targets:?}"
        );
    }
);

db_test!(
    serve_purges_and_evaluates_the_signals_before_it_answers,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        // On 1 March no rule holds for the fourth-year pupil; the roster pupil of 2020-2021 is
        // within their term.
        import_on(
            &app,
            "2026-03-01",
            "vo-pupils",
            &format!(
                "{ROSTER_HEADER}\n{},11AA,TL,E&O,2025-2026,4,\n{},11AA,TL,E&O,2020-2021,3,\n",
                bsn(70),
                bsn(71)
            ),
        );
        assert_eq!(app.count_rows("signal").await, 0);
        let old = records_of(&app, &bsn(71)).await;
        assert_eq!(old.len(), 1);

        // `serve` on 31 July 2026, with no refresh since 1 March.
        let listen = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let log = app.write_file("serve.log", "");
        let mut server = app
            .cli_command(&["serve", "--listen", &listen.to_string()])
            .env("LEERROUTE_TODAY", "2026-07-31")
            .env("RUST_LOG", "info,sqlx=warn,sea_orm=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let client = reqwest::Client::new();
        let base = format!("http://{listen}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !matches!(client.get(format!("{base}/readyz")).send().await, Ok(r) if r.status() == 200)
        {
            assert!(Instant::now() < deadline, "never ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Once it answers, the signal is there and the old pupil is gone, through the binary's
        // own GraphQL.
        let body: Value = client
            .post(format!("{base}/graphql"))
            .bearer_auth(app.admin())
            .json(&json!({"query": "{ signals { nodes { kind status raisedOn student { year } } } students { nodes { id } } }"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        server.kill().ok();
        server.wait().ok();
        let signals = body["data"]["signals"]["nodes"].as_array().unwrap();
        assert_eq!(signals.len(), 1, "{body:#}");
        assert_eq!(signals[0]["kind"], "NO_APPLICATION");
        assert_eq!(signals[0]["raisedOn"], "2026-07-31");
        let students = body["data"]["students"]["nodes"].as_array().unwrap();
        assert_eq!(students.len(), 1, "{body:#}");
        assert_ne!(students[0]["id"], json!(old[0]));
        assert!(records_of(&app, &bsn(71)).await.is_empty());
        let logged = std::fs::read_to_string(&log).unwrap();
        assert!(
            logged.contains("retention purge done") && logged.contains("pupil records=1"),
            "{logged}"
        );
        assert!(logged.contains("signals evaluated"), "{logged}");
    }
);
