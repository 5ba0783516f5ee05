//! Imports at the same time give the result of one after the other (DESIGN.md section 4): two
//! vo files of one cohort and an mbo file at once (over GraphQL and from another process, the
//! CLI), the same file twice, overlapping files; counts that add up; and `leerroute rebuild`
//! repairing a database whose transitions and summary tables were damaged. Every concurrent
//! run is bounded in time.

use std::time::Duration;

use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test};
use serde_json::{Value, json};

const IMPORT_VO: &str = "mutation($input: ImportInput!) { importVoLeavers(input: $input) { rows created updated unchanged transitionsChanged } }";
const STATS: &str = "{ transitionStats(groupBy: [VO_SCHOOL, COHORT, MBO_SCHOOL]) { rows { key { voSchoolBrin cohort mboSchoolBrin } leavers enrolled switched droppedOut choseBeforeExam } total { leavers enrolled switched } } }";
/// Long enough for any of these imports on a loaded machine, short enough to end a hung test.
const BOUND: Duration = Duration::from_secs(240);

async fn region(app: &TestApp) {
    let admin = app.admin();
    app.ok(
        Some(&admin),
        "mutation { createRegion(input: {code: \"AMS\", name: \"AMS\"}) { region { id } } }",
        json!({}),
    )
    .await;
    for (brin, sector) in [("11AA", "VO"), ("12AA", "VO"), ("22BB", "MBO")] {
        app.ok(Some(&admin), "mutation($b: String!, $s: Sector!) { createSchool(input: {regionCode: \"AMS\", brin: $b, name: $b, sector: $s}) { school { id } } }", json!({"b": brin, "s": sector})).await;
    }
}

/// Leavers `range` of cohort 2023-2024 at `brin`; every third chose before the exam.
fn leavers(range: std::ops::Range<u64>, brin: &str) -> String {
    let rows: Vec<String> = range
        .map(|n| {
            let choice = if n % 3 == 0 {
                "2024-03-01"
            } else {
                "2024-07-01"
            };
            format!(
                "{},{brin},TL,E&O,2023-2024,2024-06-03,25180,{choice},",
                bsn(n)
            )
        })
        .collect();
    format!("{VO_HEADER}\n{}\n", rows.join("\n"))
}

/// An enrolment in the next school year for every even leaver of `range`; every tenth switched.
fn enrolments(range: std::ops::Range<u64>) -> String {
    let rows: Vec<String> = range
        .filter(|n| n % 2 == 0)
        .map(|n| {
            let status = if n % 10 == 0 {
                "switched,2025-02-01"
            } else {
                "enrolled,"
            };
            format!("{},22BB,25180,4,2024-08-26,{status}", bsn(n))
        })
        .collect();
    format!("{MBO_HEADER}\n{}\n", rows.join("\n"))
}

fn summary(body: &Value) -> Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["importVoLeavers"].clone()
}

/// What must hold in any case: the summary tables count each leaver once.
async fn summaries_count_each_leaver_once(app: &TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = "SELECT CAST(COALESCE(SUM(leavers), 0) AS BIGINT) AS n FROM stats_vo_cube";
    let row = app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    let cube: i64 = row.try_get("", "n").unwrap();
    assert_eq!(
        cube,
        app.count_rows("student").await,
        "stats_vo_cube counts every leaver once"
    );
}

/// Two vo files of one cohort (two schools' staff) and the mbo file (the CLI, another process),
/// all at once, on a database that already holds leavers of that cohort.
async fn import_at_once(app: &TestApp) {
    let vo_a = leavers(1_000..3_000, "11AA");
    let vo_b = leavers(3_000..5_000, "12AA");
    let mbo = app.write_file("mbo.csv", &enrolments(0..5_000));
    let mut cli = tokio::process::Command::from(app.cli_command(&[
        "import",
        "mbo-enrolments",
        mbo.to_str().unwrap(),
    ]));
    let (staff_a, staff_b) = (app.staff("11AA"), app.staff("12AA"));
    let (a, b, c) = tokio::time::timeout(BOUND, async {
        tokio::join!(
            app.upload(Some(&staff_a), IMPORT_VO, &vo_a),
            app.upload(Some(&staff_b), IMPORT_VO, &vo_b),
            cli.output(),
        )
    })
    .await
    .expect("three imports at once end in time");
    assert_eq!(summary(&a)["created"], 2_000);
    assert_eq!(summary(&b)["created"], 2_000);
    let c = c.expect("run the CLI");
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    assert!(String::from_utf8_lossy(&c.stdout).contains("2500 new"));
}

/// The same three, one after the other.
async fn import_in_turn(app: &TestApp) {
    summary(
        &app.upload(
            Some(&app.staff("11AA")),
            IMPORT_VO,
            &leavers(1_000..3_000, "11AA"),
        )
        .await,
    );
    summary(
        &app.upload(
            Some(&app.staff("12AA")),
            IMPORT_VO,
            &leavers(3_000..5_000, "12AA"),
        )
        .await,
    );
    let out = app.cli_import("mbo-enrolments", &enrolments(0..5_000));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

db_test!(
    imports_at_once_give_the_result_of_one_after_the_other,
    |app: TestApp| async move {
        let sequential = TestApp::start(app.backend).await.expect("a second app");
        for app in [&app, &sequential] {
            region(app).await;
            let preload = app
                .upload(
                    Some(&app.staff("11AA")),
                    IMPORT_VO,
                    &leavers(0..1_000, "11AA"),
                )
                .await;
            summary(&preload);
        }
        import_at_once(&app).await;
        import_in_turn(&sequential).await;

        let admin = app.admin();
        let at_once = app.ok(Some(&admin), STATS, json!({})).await;
        let in_turn = sequential
            .ok(Some(&sequential.admin()), STATS, json!({}))
            .await;
        assert_eq!(at_once, in_turn, "at once = one after the other");
        // And both equal what the files say: 5000 leavers, every even one enrolled, every tenth switched.
        assert_eq!(
            at_once["transitionStats"]["total"],
            json!({"leavers": 5000, "enrolled": 2500, "switched": 500})
        );
        summaries_count_each_leaver_once(&app).await;
        let with = "{ students(filter: {hasTransition: true}) { totalCount } }";
        assert_eq!(
            app.ok(Some(&admin), with, json!({})).await["students"]["totalCount"],
            2500
        );
        assert_eq!(app.count_rows("transition").await, 2500);
    }
);

db_test!(
    the_same_file_twice_at_once_is_new_once_and_unchanged_once,
    |app: TestApp| async move {
        region(&app).await;
        let admin = app.admin();
        let file = leavers(0..3_000, "11AA");
        let (first, second) = tokio::time::timeout(BOUND, async {
            tokio::join!(
                app.upload(Some(&admin), IMPORT_VO, &file),
                app.upload(Some(&admin), IMPORT_VO, &file)
            )
        })
        .await
        .expect("two imports end in time");
        let mut created = [
            summary(&first)["created"].clone(),
            summary(&second)["created"].clone(),
        ];
        created.sort_by_key(|v| v.as_i64());
        assert_eq!(created, [json!(0), json!(3000)]);
        let unchanged: i64 = [&first, &second]
            .iter()
            .map(|b| summary(b)["unchanged"].as_i64().unwrap())
            .sum();
        assert_eq!(unchanged, 3000);

        // Overlapping files: every count is one of the file's rows, and they add up.
        let (x, y) = (leavers(2_000..4_000, "11AA"), leavers(3_000..5_000, "11AA"));
        let (x, y) = tokio::time::timeout(BOUND, async {
            tokio::join!(
                app.upload(Some(&admin), IMPORT_VO, &x),
                app.upload(Some(&admin), IMPORT_VO, &y)
            )
        })
        .await
        .expect("two imports end in time");
        let mut new = 0;
        for body in [&x, &y] {
            let s = summary(body);
            let parts: Vec<i64> = ["created", "updated", "unchanged"]
                .iter()
                .map(|k| s[*k].as_i64().unwrap())
                .collect();
            assert!(parts.iter().all(|n| (0..=2000).contains(n)), "{s}");
            assert_eq!(parts.iter().sum::<i64>(), 2000, "{s}");
            new += parts[0];
        }
        assert_eq!(new, 2000, "4000..5000 plus 3000..4000 once");
        assert_eq!(app.count_rows("student").await, 5000);
        summaries_count_each_leaver_once(&app).await;
        let runs = "SELECT COUNT(*) AS n FROM import_run WHERE status = 'done' AND rows = created + updated + unchanged";
        assert_eq!(
            count(&app, runs).await,
            4,
            "import_run holds the same counts"
        );
    }
);

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

async fn execute(app: &TestApp, sql: &str) {
    use sea_orm::ConnectionTrait;
    app.db.execute_unprepared(sql).await.expect(sql);
}

db_test!(
    rebuild_repairs_transitions_and_summary_tables,
    |app: TestApp| async move {
        region(&app).await;
        let admin = app.admin();
        summary(
            &app.upload(Some(&admin), IMPORT_VO, &leavers(0..200, "11AA"))
                .await,
        );
        assert!(
            app.cli_import("mbo-enrolments", &enrolments(0..200))
                .status
                .success()
        );
        let sound = app.ok(Some(&admin), STATS, json!({})).await;

        // What concurrent imports used to leave behind: transitions never found, wrong flags,
        // summary rows counted twice.
        execute(&app, "DELETE FROM transition WHERE student_id IN (SELECT student_id FROM transition ORDER BY student_id LIMIT 25)").await;
        execute(&app, "UPDATE transition SET switched_first_year = NOT switched_first_year WHERE student_id IN (SELECT student_id FROM transition ORDER BY student_id DESC LIMIT 25)").await;
        execute(
            &app,
            "INSERT INTO stats_vo_cube SELECT * FROM stats_vo_cube",
        )
        .await;
        assert_ne!(app.ok(Some(&admin), STATS, json!({})).await, sound);

        let out = app.cli(&["rebuild"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("rebuilt the transitions of 200 leavers (50 changed)"),
            "{stdout}"
        );
        assert_eq!(app.ok(Some(&admin), STATS, json!({})).await, sound);
        summaries_count_each_leaver_once(&app).await;

        let again = app.cli(&["rebuild"]);
        assert!(String::from_utf8_lossy(&again.stdout).contains("(0 changed)"));
        let log = app
            .ok(
                Some(&admin),
                "{ auditEvents(filter: {action: \"rebuild\"}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(log["auditEvents"]["totalCount"], 2);
    }
);
