//! An import refreshes the summary tables only for the (cohort, region) pairs of the leavers it
//! touched, which keeps a school's upload into a national database fast; the statistics after
//! every step still equal a full `leerroute rebuild`.

use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test, small_region};
use serde_json::{Value, json};

const STATS: &str = "{ transitionStats(groupBy: [VO_SCHOOL, COHORT, MBO_SCHOOL, LEERWEG]) { rows { key { voSchoolBrin cohort mboSchoolBrin leerweg } leavers enrolled switched droppedOut choseBeforeExam } total { leavers enrolled } } }";

/// Leavers `range` of `cohort` (its first year) at `brin` on track `leerweg`.
fn leavers(range: std::ops::Range<u64>, brin: &str, cohort: i32, leerweg: &str) -> String {
    let rows: Vec<String> = range
        .map(|n| {
            let (year, next) = (cohort, cohort + 1);
            format!(
                "{},{brin},{leerweg},E&O,{year}-{next},{next}-06-03,25180,{next}-03-01,",
                bsn(n)
            )
        })
        .collect();
    format!("{VO_HEADER}\n{}\n", rows.join("\n"))
}

/// An enrolment at `brin` after the summer of `cohort` for every even leaver of `range`.
fn enrolments(range: std::ops::Range<u64>, brin: &str, cohort: i32) -> String {
    let rows: Vec<String> = range
        .filter(|n| n % 2 == 0)
        .map(|n| format!("{},{brin},25180,4,{}-08-26,enrolled,", bsn(n), cohort + 1))
        .collect();
    format!("{MBO_HEADER}\n{}\n", rows.join("\n"))
}

fn import(app: &TestApp, kind: &str, csv: &str) {
    let out = app.cli_import(kind, csv);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The statistics now, and those after a full rebuild: they must be the same.
async fn stats_equal_a_rebuild(app: &TestApp, step: &str) -> Value {
    let admin = app.admin();
    let incremental = app.ok(Some(&admin), STATS, json!({})).await;
    let out = app.cli(&["rebuild"]);
    assert!(out.status.success(), "{step}: rebuild failed");
    let rebuilt = app.ok(Some(&admin), STATS, json!({})).await;
    assert_eq!(
        incremental, rebuilt,
        "{step}: the summary tables differ from a rebuild"
    );
    rebuilt
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

db_test!(
    an_import_refreshes_only_its_own_regions_and_still_equals_a_rebuild,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        small_region(&app, "UTR", "31CC", "42DD").await;
        import(&app, "vo-leavers", &leavers(0..40, "11AA", 2023, "TL"));
        import(&app, "vo-leavers", &leavers(100..130, "31CC", 2023, "TL"));
        import(&app, "vo-leavers", &leavers(200..210, "31CC", 2022, "BB"));
        stats_equal_a_rebuild(&app, "leavers of two regions").await;

        // A stray summary row in Utrecht's 2023 cohort: an import of Amsterdam's leavers of that
        // cohort must not touch it (a rebuild later removes it).
        let utrecht = "(SELECT id FROM region WHERE code = 'UTR')";
        let stray = format!(
            "INSERT INTO stats_vo_cube SELECT * FROM stats_vo_cube WHERE region_id = {utrecht} AND cohort = 2023"
        );
        use sea_orm::ConnectionTrait;
        app.db.execute_unprepared(&stray).await.unwrap();
        let utrecht_rows =
            format!("SELECT COUNT(*) FROM stats_vo_cube WHERE region_id = {utrecht}");
        let before = count(&app, &utrecht_rows).await;

        import(&app, "mbo-enrolments", &enrolments(0..40, "22BB", 2023));
        // Some of Amsterdam's leavers change track: their groups move within the region.
        import(&app, "vo-leavers", &leavers(0..10, "11AA", 2023, "KB"));
        assert_eq!(
            count(&app, &utrecht_rows).await,
            before,
            "imports of Amsterdam left Utrecht's summary rows alone"
        );
        let out = app.cli(&["rebuild"]);
        assert!(out.status.success());
        import(&app, "mbo-enrolments", &enrolments(100..130, "42DD", 2023));
        let stats = stats_equal_a_rebuild(&app, "enrolments and a change of track").await;
        assert_eq!(stats["transitionStats"]["total"]["leavers"], 80);
        assert_eq!(stats["transitionStats"]["total"]["enrolled"], 35);
    }
);
