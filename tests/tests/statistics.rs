//! Transition statistics: every published number is compared with statistics computed here, in
//! the test, from the rows the test generated; hidden cells must not be recoverable from the
//! published ones by solving the additive identities; the CSV export matches GraphQL.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use leerroute::auth::Role;
use leerroute_tests::{MBO_HEADER, TestApp, VO_HEADER, bsn, db_test};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};

const VO: [&str; 3] = ["11AA", "12AA", "13AA"];
const MBO: [&str; 2] = ["22BB", "23BB"];
const LEERWEGEN: [&str; 4] = ["BB", "KB", "GL", "TL"];
const PROFILES: [(&str, &str); 3] = [("E&O", "EO"), ("Z&W", "ZW"), ("PIE", "PIE")];
const CREBOS: [&str; 3] = ["25180", "25181", "25655"];

/// One generated leaver and their (first) transition, as the test understands DESIGN.md.
#[derive(Clone, Debug)]
struct Leaver {
    cohort: i32,
    vo: &'static str,
    leerweg: &'static str,
    profile: &'static str,
    leerlab: Option<&'static str>,
    chose_before_exam: bool,
    choice: Option<&'static str>,
    transition: Option<(&'static str, &'static str, i64, &'static str, i64)>, // school, crebo, level, status, days until status
}

impl Leaver {
    fn key(&self, dim: &str) -> Value {
        let t = self.transition;
        match dim {
            "COHORT" => json!(format!("{}-{}", self.cohort, self.cohort + 1)),
            "VO_SCHOOL" => json!(self.vo),
            "MBO_SCHOOL" => t.map_or(Value::Null, |t| json!(t.0)),
            "LEERWEG" => json!(self.leerweg),
            "PROFILE" => json!(PROFILES.iter().find(|p| p.0 == self.profile).unwrap().1),
            "CREBO" => t.map_or(Value::Null, |t| json!(t.1)),
            "LEVEL" => t.map_or(Value::Null, |t| json!(t.2)),
            "LEERLAB" => self.leerlab.map_or(Value::Null, |l| json!(l)),
            _ => unreachable!(),
        }
    }

    /// leavers, enrolled, notEnrolled, retained, switched, droppedOut, choseBeforeExam, choiceMatched, below, at, above
    fn measures(&self) -> [i64; 11] {
        let mut m = [0; 11];
        m[0] = 1;
        m[6] = self.chose_before_exam as i64;
        match self.transition {
            None => m[2] = 1,
            Some((_, crebo, level, status, days)) => {
                m[1] = 1;
                let switched = status == "switched" && days < 365;
                let dropped = status == "dropped_out" && days < 365;
                m[4] = switched as i64;
                m[5] = dropped as i64;
                m[3] = (!switched && !dropped) as i64;
                m[7] = (self.choice == Some(crebo)) as i64;
                let expected = match self.leerweg {
                    "BB" => 2,
                    "KB" => 3,
                    _ => 4,
                };
                m[8 + (level.cmp(&expected) as i64 + 1) as usize] = 1;
            }
        }
        m
    }
}

const FIELDS: [&str; 11] = [
    "leavers",
    "enrolled",
    "notEnrolled",
    "retained",
    "switched",
    "droppedOut",
    "choseBeforeExam",
    "choiceMatched",
    "belowExpectedLevel",
    "atExpectedLevel",
    "aboveExpectedLevel",
];
const KEY_FIELDS: [(&str, &str); 8] = [
    ("COHORT", "cohort"),
    ("VO_SCHOOL", "voSchoolBrin"),
    ("MBO_SCHOOL", "mboSchoolBrin"),
    ("LEERWEG", "leerweg"),
    ("PROFILE", "profile"),
    ("CREBO", "crebo"),
    ("LEVEL", "level"),
    ("LEERLAB", "leerlabCode"),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Generates `n` leavers over three cohorts with enrolments (some outside the window, some
/// several per pupil), imports them, and returns the test's own view of each leaver.
async fn generate(app: &TestApp, seed: u64, n: usize) -> Vec<Leaver> {
    let admin = app.admin();
    app.ok(
        Some(&admin),
        "mutation { createRegion(input: {code: \"AMS\", name: \"Amsterdam\"}) { region { id } } }",
        json!({}),
    )
    .await;
    app.ok(
        Some(&admin),
        "mutation { createRegion(input: {code: \"HDW\", name: \"Harderwijk\"}) { region { id } } }",
        json!({}),
    )
    .await;
    for (brin, sector) in VO
        .iter()
        .map(|b| (b, "VO"))
        .chain(MBO.iter().map(|b| (b, "MBO")))
    {
        app.ok(Some(&admin), "mutation($b: String!, $s: Sector!) { createSchool(input: {regionCode: \"AMS\", brin: $b, name: $b, sector: $s}) { school { id } } }", json!({"b": brin, "s": sector})).await;
    }
    for lab in ["LAB1", "LAB2"] {
        app.ok(Some(&admin), "mutation($c: String!) { createLeerlab(input: {regionCode: \"AMS\", code: $c, name: $c, kind: LEERLIJN}) { leerlab { id } } }", json!({"c": lab})).await;
        for brin in ["11AA", "12AA", "22BB"] {
            app.ok(Some(&admin), "mutation($c: String!, $b: String!) { addLeerlabPartner(input: {leerlabCode: $c, schoolBrin: $b}) { partner { role } } }", json!({"c": lab, "b": brin})).await;
        }
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut leavers = Vec::new();
    let mut vo_rows = Vec::new();
    let mut mbo_rows = Vec::new();
    for i in 0..n {
        let pgn = bsn(seed * 100_000 + i as u64);
        let cohort = 2022 + rng.random_range(0..3);
        let vo = VO[rng.random_range(0..VO.len())];
        let leerweg = LEERWEGEN[rng.random_range(0..4)];
        let profile = PROFILES[rng.random_range(0..PROFILES.len())].0;
        let leerlab = if vo != "13AA" && rng.random_bool(0.4) {
            Some(["LAB1", "LAB2"][rng.random_range(0..2)])
        } else {
            None
        };
        let exam = date(cohort + 1, 6, 1);
        let choice = rng
            .random_bool(0.7)
            .then(|| CREBOS[rng.random_range(0..CREBOS.len())]);
        let choice_date = choice.map(|_| exam + Duration::days(rng.random_range(-120..60)));
        vo_rows.push(format!(
            "{pgn},{vo},{leerweg},{profile},{}-{},{exam},{},{},{}",
            cohort,
            cohort + 1,
            choice.unwrap_or(""),
            choice_date.map(|d| d.to_string()).unwrap_or_default(),
            leerlab.unwrap_or("")
        ));
        // Enrolments: maybe one too early (before the window), one or two in the window, one later.
        let window_start = date(cohort + 1, 8, 1);
        let mut transition = None;
        let mut used_days = Vec::new();
        if rng.random_bool(0.2) {
            mbo_rows.push(format!(
                "{pgn},22BB,25999,2,{},enrolled,",
                window_start - Duration::days(40)
            ));
        }
        let in_window = if rng.random_bool(0.75) {
            rng.random_range(1..3)
        } else {
            0
        };
        for _ in 0..in_window {
            let mut offset = rng.random_range(0..330);
            while used_days.contains(&offset) {
                offset += 1;
            }
            used_days.push(offset);
            let school = MBO[rng.random_range(0..MBO.len())];
            let crebo = CREBOS[rng.random_range(0..CREBOS.len())];
            let level = rng.random_range(1..5);
            let enrolled_on = window_start + Duration::days(offset);
            let (status, days) = match rng.random_range(0..10) {
                0..=5 => ("enrolled", 0),
                6 | 7 => ("switched", rng.random_range(10..500)),
                8 => ("dropped_out", rng.random_range(10..500)),
                _ => ("graduated", rng.random_range(300..900)),
            };
            let status_date = if status == "enrolled" {
                String::new()
            } else {
                (enrolled_on + Duration::days(days)).to_string()
            };
            mbo_rows.push(format!(
                "{pgn},{school},{crebo},{level},{enrolled_on},{status},{status_date}"
            ));
            let earliest = transition.is_none_or(|(_, _, _, _, _, o)| offset < o);
            if earliest {
                transition = Some((school, crebo, level, status, days, offset));
            }
        }
        if rng.random_bool(0.1) {
            mbo_rows.push(format!(
                "{pgn},23BB,25655,3,{},enrolled,",
                window_start + Duration::days(400)
            ));
        }
        leavers.push(Leaver {
            cohort,
            vo,
            leerweg,
            profile,
            leerlab,
            chose_before_exam: choice_date.is_some_and(|d| d < exam),
            choice,
            transition: transition.map(|(s, c, l, st, d, _)| (s, c, l, st, d)),
        });
    }
    let vo_csv = format!("{VO_HEADER}\n{}\n", vo_rows.join("\n"));
    let mbo_csv = format!("{MBO_HEADER}\n{}\n", mbo_rows.join("\n"));
    // Half the runs import the mbo file first: linking must not depend on the order.
    let order: Vec<(&str, String)> = if seed.is_multiple_of(2) {
        vec![("vo-leavers", vo_csv), ("mbo-enrolments", mbo_csv)]
    } else {
        vec![("mbo-enrolments", mbo_csv), ("vo-leavers", vo_csv)]
    };
    for (kind, csv) in order {
        let out = app.cli_import(kind, &csv);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    leavers
}

/// The test's own statistics: per group key (JSON of the grouped key fields), the measures.
fn expected(
    leavers: &[Leaver],
    group_by: &[&str],
    keep: impl Fn(&Leaver) -> bool,
) -> BTreeMap<String, [i64; 11]> {
    let mut groups: BTreeMap<String, [i64; 11]> = BTreeMap::new();
    for leaver in leavers.iter().filter(|l| keep(l)) {
        let key: Vec<Value> = group_by.iter().map(|d| leaver.key(d)).collect();
        let entry = groups
            .entry(serde_json::to_string(&key).unwrap())
            .or_insert([0; 11]);
        for (slot, value) in entry.iter_mut().zip(leaver.measures()) {
            *slot += value;
        }
    }
    groups
}

const STATS: &str = "query($f: TransitionStatsFilter, $g: [TransitionDimension!]!) { transitionStats(filter: $f, groupBy: $g) {
  minCellSize
  rows { key { cohort voSchoolBrin mboSchoolBrin leerweg profile crebo level leerlabCode } leavers enrolled notEnrolled retained switched droppedOut choseBeforeExam choiceMatched belowExpectedLevel atExpectedLevel aboveExpectedLevel enrolledRate retainedRate }
  total { leavers enrolled notEnrolled retained switched droppedOut choseBeforeExam choiceMatched belowExpectedLevel atExpectedLevel aboveExpectedLevel }
} }";

fn published(row: &Value) -> [Option<i64>; 11] {
    FIELDS.map(|f| row[f].as_i64())
}

fn row_key(row: &Value, group_by: &[&str]) -> String {
    let key: Vec<Value> = group_by
        .iter()
        .map(|d| row["key"][KEY_FIELDS.iter().find(|(k, _)| k == d).unwrap().1].clone())
        .collect();
    serde_json::to_string(&key).unwrap()
}

/// Checks a published table against the expected one: every shown number is right, every small
/// number is hidden, admin sees everything. Returns the published cells (rows then total).
fn compare(
    body: &Value,
    expect: &BTreeMap<String, [i64; 11]>,
    group_by: &[&str],
    admin: bool,
) -> (Vec<[i64; 11]>, Vec<[Option<i64>; 11]>) {
    let stats = &body["transitionStats"];
    let rows = stats["rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        expect.len(),
        "one row per non-empty group ({group_by:?})"
    );
    let min = stats["minCellSize"].as_i64().unwrap();
    let mut truth = Vec::new();
    let mut shown = Vec::new();
    for row in rows {
        let key = row_key(row, group_by);
        let want = expect
            .get(&key)
            .unwrap_or_else(|| panic!("unexpected group {key}"));
        truth.push(*want);
        shown.push(published(row));
    }
    let mut total = [0i64; 11];
    for want in expect.values() {
        for (t, v) in total.iter_mut().zip(want) {
            *t += v;
        }
    }
    truth.push(total);
    shown.push(published(&stats["total"]));
    for (want, got) in truth.iter().zip(&shown) {
        for m in 0..11 {
            match got[m] {
                Some(value) => assert_eq!(value, want[m], "{} of {group_by:?}", FIELDS[m]),
                None => {
                    assert!(!admin, "admin sees every number");
                }
            }
            if !admin && want[m] >= 1 && want[m] < min {
                assert!(
                    got[m].is_none(),
                    "small count {} of {} published",
                    want[m],
                    FIELDS[m]
                );
            }
        }
    }
    (truth, shown)
}

/// Tries to recover hidden cells by solving the identities (within rows, down columns, and any
/// chain of them) with Gaussian elimination; returns the cells it can determine.
fn recoverable(shown: &[[Option<i64>; 11]]) -> Vec<(usize, usize)> {
    let unknowns: Vec<(usize, usize)> = shown
        .iter()
        .enumerate()
        .flat_map(|(r, row)| {
            (0..11)
                .filter(move |&m| row[m].is_none())
                .map(move |m| (r, m))
        })
        .collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let at = |cell: (usize, usize)| unknowns.iter().position(|&u| u == cell);
    let mut equations: Vec<Vec<f64>> = Vec::new();
    let mut add = |terms: Vec<((usize, usize), f64)>| {
        let mut eq = vec![0.0; unknowns.len()];
        for (cell, coefficient) in terms {
            if let Some(i) = at(cell) {
                eq[i] += coefficient;
            }
        }
        if eq.iter().any(|c| *c != 0.0) {
            equations.push(eq);
        }
    };
    for r in 0..shown.len() {
        add(vec![((r, 0), 1.0), ((r, 1), -1.0), ((r, 2), -1.0)]);
        add(vec![
            ((r, 1), 1.0),
            ((r, 3), -1.0),
            ((r, 4), -1.0),
            ((r, 5), -1.0),
        ]);
        add(vec![
            ((r, 1), 1.0),
            ((r, 8), -1.0),
            ((r, 9), -1.0),
            ((r, 10), -1.0),
        ]);
    }
    let total = shown.len() - 1;
    if total > 0 {
        for m in 0..11 {
            let mut terms: Vec<((usize, usize), f64)> = (0..total).map(|r| ((r, m), 1.0)).collect();
            terms.push(((total, m), -1.0));
            add(terms);
        }
    }
    // Reduced row echelon form with partial pivoting.
    let cols = unknowns.len();
    let mut row = 0;
    let mut pivots = Vec::new();
    for col in 0..cols {
        let Some(best) = (row..equations.len())
            .max_by(|&a, &b| equations[a][col].abs().total_cmp(&equations[b][col].abs()))
        else {
            break;
        };
        if equations[best][col].abs() < 1e-9 {
            continue;
        }
        equations.swap(row, best);
        let lead = equations[row][col];
        for v in equations[row].iter_mut() {
            *v /= lead;
        }
        for other in 0..equations.len() {
            if other != row && equations[other][col].abs() > 1e-12 {
                let factor = equations[other][col];
                let pivot_row = equations[row].clone();
                for (value, pivot) in equations[other].iter_mut().zip(pivot_row) {
                    *value -= factor * pivot;
                }
            }
        }
        pivots.push((row, col));
        row += 1;
    }
    pivots
        .into_iter()
        .filter(|&(r, col)| (0..cols).all(|c| c == col || equations[r][c].abs() < 1e-9))
        .map(|(_, col)| unknowns[col])
        .collect()
}

const GROUPINGS: [&[&str]; 9] = [
    &[],
    &["COHORT"],
    &["VO_SCHOOL", "COHORT"],
    &["MBO_SCHOOL"],
    &["LEERLAB"],
    &["CREBO", "LEVEL"],
    &["LEERWEG", "PROFILE"],
    &["LEERLAB", "LEERWEG", "COHORT"],
    &[
        "COHORT",
        "VO_SCHOOL",
        "MBO_SCHOOL",
        "LEERWEG",
        "PROFILE",
        "CREBO",
        "LEVEL",
        "LEERLAB",
    ],
];

db_test!(
    every_published_number_is_right_and_hidden_cells_stay_hidden,
    |app: TestApp| async move {
        let leavers = generate(&app, 7, 400).await;
        let admin = app.admin();
        let coordinator = app.coordinator("AMS");
        let mut hidden_seen = 0;
        for group_by in GROUPINGS {
            let expect = expected(&leavers, group_by, |_| true);
            let as_admin = app.ok(Some(&admin), STATS, json!({"g": group_by})).await;
            compare(&as_admin, &expect, group_by, true);
            let as_coordinator = app
                .ok(Some(&coordinator), STATS, json!({"g": group_by}))
                .await;
            let (_, shown) = compare(&as_coordinator, &expect, group_by, false);
            hidden_seen += shown.iter().flatten().filter(|c| c.is_none()).count();
            let recovered = recoverable(&shown);
            assert!(
                recovered.is_empty(),
                "{group_by:?}: hidden cells {recovered:?} can be recomputed"
            );
        }
        assert!(
            hidden_seen > 20,
            "the data has small cells, so suppression was really exercised ({hidden_seen})"
        );
    }
);

db_test!(filters_select_the_right_pupils, |app: TestApp| async move {
    let leavers = generate(&app, 8, 250).await;
    let admin = app.admin();
    type Keep = Box<dyn Fn(&Leaver) -> bool>;
    let cases: Vec<(Value, Keep)> = vec![
        (
            json!({"cohorts": ["2022-2023", "2024-2025"]}),
            Box::new(|l| l.cohort == 2022 || l.cohort == 2024),
        ),
        (
            json!({"voSchoolBrin": "12AA"}),
            Box::new(|l| l.vo == "12AA"),
        ),
        (
            json!({"mboSchoolBrin": "23BB"}),
            Box::new(|l| l.transition.is_some_and(|t| t.0 == "23BB")),
        ),
        (
            json!({"leerlabCode": "LAB2"}),
            Box::new(|l| l.leerlab == Some("LAB2")),
        ),
        (
            json!({"leerweg": "KB", "level": 3}),
            Box::new(|l| l.leerweg == "KB" && l.transition.is_some_and(|t| t.2 == 3)),
        ),
        (json!({"regionCode": "AMS"}), Box::new(|_| true)),
        (json!({"regionCode": "HDW"}), Box::new(|_| false)),
    ];
    for (filter, keep) in cases {
        for group_by in [&["COHORT"][..], &["VO_SCHOOL", "MBO_SCHOOL"][..]] {
            let expect = expected(&leavers, group_by, &keep);
            let body = app
                .ok(Some(&admin), STATS, json!({"f": filter, "g": group_by}))
                .await;
            compare(&body, &expect, group_by, true);
        }
    }
});

db_test!(statistics_scope_by_role, |app: TestApp| async move {
    generate(&app, 9, 60).await;
    let query = |filter: Value| json!({"f": filter, "g": ["COHORT"]});
    let ok = |body: &Value| body.get("errors").is_none();
    let integration = app.token(Role::Integration, Some("AMS"), None, Some("script"));
    assert!(ok(&app
        .gql(Some(&integration), STATS, query(json!({})))
        .await));
    assert!(ok(&app
        .gql(
            Some(&app.coordinator("AMS")),
            STATS,
            query(json!({"regionCode": "AMS"}))
        )
        .await));
    assert_eq!(
        app.error_code(
            Some(&app.coordinator("AMS")),
            STATS,
            query(json!({"regionCode": "HDW"}))
        )
        .await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.error_code(
            Some(&app.coordinator("HDW")),
            STATS,
            query(json!({"regionCode": "AMS"}))
        )
        .await,
        "FORBIDDEN"
    );
    let hdw = app
        .ok(Some(&app.coordinator("HDW")), STATS, query(json!({})))
        .await;
    assert_eq!(
        hdw["transitionStats"]["total"]["leavers"], 0,
        "a coordinator sees only their own region"
    );
    let staff = app.staff("11AA");
    assert_eq!(
        app.error_code(Some(&staff), STATS, query(json!({}))).await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.error_code(Some(&staff), STATS, query(json!({"voSchoolBrin": "12AA"})))
            .await,
        "FORBIDDEN"
    );
    assert!(ok(&app
        .gql(Some(&staff), STATS, query(json!({"voSchoolBrin": "11AA"})))
        .await));
    assert!(ok(&app
        .gql(
            Some(&app.staff("22BB")),
            STATS,
            query(json!({"mboSchoolBrin": "22BB"}))
        )
        .await));
    let student = app.token(Role::Student, None, Some("11AA"), Some("1"));
    let coach = app.token(Role::Coach, None, None, Some("1"));
    assert_eq!(
        app.error_code(Some(&student), STATS, query(json!({})))
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.error_code(Some(&coach), STATS, query(json!({}))).await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.error_code(None, STATS, query(json!({}))).await,
        "UNAUTHENTICATED"
    );
});

db_test!(csv_export_matches_graphql, |app: TestApp| async move {
    generate(&app, 10, 200).await;
    let coordinator = app.coordinator("AMS");
    let body = app
        .ok(
            Some(&coordinator),
            STATS,
            json!({"f": {"cohorts": ["2023-2024", "2024-2025"]}, "g": ["VO_SCHOOL", "COHORT"]}),
        )
        .await;
    let response = app.get("/export/transition-stats.csv?cohorts=2023-2024,2024-2025&groupBy=VO_SCHOOL&groupBy=COHORT", Some(&coordinator)).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(&header[..3], ["row", "vo_school_brin", "cohort"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let rows = body["transitionStats"]["rows"].as_array().unwrap();
    assert_eq!(records.len(), rows.len() + 1);
    for (record, row) in records
        .iter()
        .zip(rows.iter().chain([&body["transitionStats"]["total"]]))
    {
        if &record[0] == "group" {
            assert_eq!(&record[1], row["key"]["voSchoolBrin"].as_str().unwrap());
            assert_eq!(&record[2], row["key"]["cohort"].as_str().unwrap());
        }
        for (i, field) in FIELDS.iter().enumerate() {
            let csv_value = &record[3 + i];
            match row[field].as_i64() {
                Some(v) => assert_eq!(csv_value, v.to_string(), "{field}"),
                None => assert_eq!(csv_value, "", "a hidden cell is an empty field"),
            }
        }
    }
    assert_eq!(
        app.get("/export/transition-stats.csv", None).await.status(),
        401
    );
    assert_eq!(
        app.get(
            "/export/transition-stats.csv?regionCode=HDW",
            Some(&coordinator)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.get(
            "/export/transition-stats.csv?groupBy=NOPE",
            Some(&coordinator)
        )
        .await
        .status(),
        400
    );
});

db_test!(
    needs_are_counted_and_suppressed,
    |app: TestApp| async move {
        generate(&app, 11, 40).await;
        let admin = app.admin();
        let students = app
            .ok(
                Some(&admin),
                "{ students(first: 100) { nodes { id school { brin } } } }",
                json!({}),
            )
            .await;
        let mut rng = StdRng::seed_from_u64(11);
        let all_needs = [
            "DIGID",
            "FINANCES",
            "DUO",
            "APPOINTMENTS",
            "PLANNING",
            "STUDY_SKILLS",
            "INTERNSHIP",
            "STUDY_CHOICE",
            "WELLBEING",
            "OTHER",
        ];
        let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
        let mut respondents: BTreeMap<String, i64> = BTreeMap::new();
        for node in students["students"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .take(30)
        {
            let id = node["id"].as_str().unwrap();
            let school = node["school"]["brin"].as_str().unwrap().to_owned();
            let token = app.token(Role::Student, None, Some(&school), Some(id));
            let mut named = std::collections::BTreeSet::new();
            for _ in 0..rng.random_range(1..3) {
                let needs: Vec<&str> = all_needs
                    .iter()
                    .copied()
                    .filter(|_| rng.random_bool(0.3))
                    .collect();
                named.extend(needs.iter().map(|n| n.to_string()));
                app.ok(Some(&token), "mutation($i: SubmitSelfEvaluationInput!) { submitSelfEvaluation(input: $i) { evaluation { id } } }", json!({"i": {"studentId": id, "wellbeing": 3, "studySkills": 3, "lifeSkills": 3, "choiceCertainty": 3, "needs": needs}})).await;
            }
            *respondents.entry(school.clone()).or_default() += 1;
            for need in named {
                *expected.entry((school.clone(), need)).or_default() += 1;
            }
        }
        let query = "query($g: [NeedsDimension!]!) { needsStats(groupBy: $g) { minCellSize rows { key { schoolBrin } respondents needs { need pupils } } total { respondents needs { need pupils } } } }";
        let exact = app.ok(Some(&admin), query, json!({"g": ["SCHOOL"]})).await;
        for row in exact["needsStats"]["rows"].as_array().unwrap() {
            let school = row["key"]["schoolBrin"].as_str().unwrap().to_owned();
            assert_eq!(row["respondents"].as_i64().unwrap(), respondents[&school]);
            for need in row["needs"].as_array().unwrap() {
                let want = expected
                    .get(&(school.clone(), need["need"].as_str().unwrap().to_owned()))
                    .copied()
                    .unwrap_or(0);
                assert_eq!(need["pupils"].as_i64().unwrap(), want);
            }
        }
        assert_eq!(exact["needsStats"]["total"]["respondents"], 30);
        let suppressed = app
            .ok(
                Some(&app.coordinator("AMS")),
                query,
                json!({"g": ["SCHOOL"]}),
            )
            .await;
        for row in suppressed["needsStats"]["rows"].as_array().unwrap() {
            for need in row["needs"].as_array().unwrap() {
                if let Some(n) = need["pupils"].as_i64() {
                    assert!(n == 0 || n >= 5, "small need count {n} published");
                }
            }
        }
    }
);
