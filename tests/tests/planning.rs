//! Planning across period systems (DESIGN.md section 5): school calendars, `planningWeeks`
//! and `Activity.conflicts`, loaded without N+1, and the demo calendars.

mod support;

use leerroute_tests::{TestApp, db_test, small_region};
use serde_json::{Value, json};
use support::*;

const READ_CALENDAR: &str = "query($b: String!, $y: String!) { schoolCalendar(schoolBrin: $b, schoolYear: $y) { schoolYear periods { number startsOn endsOn } holidays { name startsOn endsOn } } }";
const WEEKS: &str = "query($b: [String!]!, $f: Date!, $t: Date!) { planningWeeks(schoolBrins: $b, from: $f, to: $t) { week monday allInSession schools { school { brin } period inSession holiday } } }";

async fn set(app: &TestApp, token: &str, input: Value) -> Value {
    app.gql(Some(token), SET_CALENDAR, json!({"i": input}))
        .await
}

db_test!(
    school_calendar_is_validated_and_replaced_whole,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let staff = app.staff("11AA");
        let valid = calendar_input("11AA", &FIVE_PERIODS, &HOLIDAYS);
        let with = |key: &str, value: Value| {
            let mut input = valid.clone();
            input[key] = value;
            input
        };
        let p = |n: i32, s: &str, e: &str| json!({"number": n, "startsOn": s, "endsOn": e});
        let cases = [
            (with("schoolYear", json!("2025-2027")), "schoolYear"),
            (with("periods", json!([])), "periods"),
            (
                with(
                    "periods",
                    json!([
                        p(2, "2025-08-25", "2025-10-10"),
                        p(1, "2025-10-13", "2025-12-19")
                    ]),
                ),
                "periods",
            ),
            (
                with(
                    "periods",
                    json!([
                        p(1, "2025-08-25", "2025-10-10"),
                        p(3, "2025-10-13", "2025-12-19")
                    ]),
                ),
                "periods",
            ),
            (
                with(
                    "periods",
                    json!([
                        p(1, "2025-08-25", "2025-10-13"),
                        p(2, "2025-10-13", "2025-12-19")
                    ]),
                ),
                "periods",
            ),
            (
                with("periods", json!([p(1, "2025-07-25", "2025-10-10")])),
                "periods[0].startsOn",
            ),
            (
                with("periods", json!([p(1, "2025-08-25", "2026-08-10")])),
                "periods[0].endsOn",
            ),
            (
                with("periods", json!([p(1, "2025-10-10", "2025-08-25")])),
                "periods[0].endsOn",
            ),
            (
                with(
                    "holidays",
                    json!([{"name": "zomer", "startsOn": "2026-07-04", "endsOn": "2026-08-16"}]),
                ),
                "holidays[0].endsOn",
            ),
            (
                with(
                    "holidays",
                    json!([{"name": " ", "startsOn": "2025-10-18", "endsOn": "2025-10-26"}]),
                ),
                "holidays[0].name",
            ),
        ];
        for (input, field) in cases {
            assert_eq!(
                code_and_field(&set(&app, &staff, input).await),
                ("BAD_USER_INPUT".into(), field.into())
            );
        }
        let unknown = calendar_input("99ZZ", &FIVE_PERIODS, &[]);
        assert_eq!(
            code_and_field(&set(&app, &staff, unknown).await),
            ("NOT_FOUND".into(), "schoolBrin".into())
        );
        assert_eq!(
            code_and_field(&set(&app, &app.staff("22BB"), valid.clone()).await).0,
            "FORBIDDEN"
        );
        assert_eq!(
            code_and_field(&set(&app, &app.coordinator("HDW"), valid.clone()).await).0,
            "FORBIDDEN"
        );
        assert_eq!(
            app.count_rows("school_calendar_period").await,
            0,
            "nothing half-written"
        );

        let stored = set(&app, &staff, valid).await;
        let calendar = &stored["data"]["setSchoolCalendar"]["calendar"];
        assert_eq!(calendar["periods"].as_array().unwrap().len(), 5, "{stored}");
        assert_eq!(calendar["holidays"][0]["name"], "herfstvakantie");
        // Setting the year again replaces it as a whole.
        let again = calendar_input("11AA", &FOUR_PERIODS, &HOLIDAYS[..1]);
        set(&app, &app.coordinator("AMS"), again).await;
        let read = app
            .ok(
                Some(&staff),
                READ_CALENDAR,
                json!({"b": "11AA", "y": "2025-2026"}),
            )
            .await;
        let calendar = &read["schoolCalendar"];
        assert_eq!(calendar["periods"].as_array().unwrap().len(), 4);
        assert_eq!(
            calendar["periods"][3],
            json!({"number": 4, "startsOn": "2026-04-20", "endsOn": "2026-07-03"})
        );
        assert_eq!(calendar["holidays"].as_array().unwrap().len(), 1);
        assert_eq!(app.count_rows("school_calendar_period").await, 4);
        assert_eq!(app.count_rows("school_calendar").await, 1);
        let none = app
            .ok(
                Some(&staff),
                READ_CALENDAR,
                json!({"b": "11AA", "y": "2026-2027"}),
            )
            .await;
        assert!(none["schoolCalendar"].is_null());
    }
);

db_test!(
    planning_weeks_follow_each_schools_periods,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let admin = app.admin();
        set(
            &app,
            &admin,
            calendar_input("11AA", &FIVE_PERIODS, &HOLIDAYS),
        )
        .await;
        set(
            &app,
            &admin,
            calendar_input("22BB", &FOUR_PERIODS, &HOLIDAYS),
        )
        .await;
        let vars = json!({"b": ["11AA", "22BB"], "f": "2025-10-05", "t": "2025-11-10"});
        let data = app.ok(Some(&app.staff("11AA")), WEEKS, vars.clone()).await;
        let weeks = data["planningWeeks"].as_array().unwrap();
        let summary: Vec<(String, Value, Value, bool)> = weeks
            .iter()
            .map(|w| {
                (
                    w["week"].as_str().unwrap().to_owned(),
                    w["schools"][0]["period"].clone(),
                    w["schools"][1]["period"].clone(),
                    w["allInSession"].as_bool().unwrap(),
                )
            })
            .collect();
        let row = |week: &str, a: Value, b: Value, all: bool| (week.to_owned(), a, b, all);
        assert_eq!(
            summary,
            [
                row("2025-W41", json!(1), json!(1), true),
                row("2025-W42", json!(2), json!(1), true),
                row("2025-W43", Value::Null, Value::Null, false),
                row("2025-W44", json!(2), json!(1), true),
                row("2025-W45", json!(2), json!(1), true),
                row("2025-W46", json!(2), json!(2), true),
            ]
        );
        assert_eq!(weeks[0]["monday"], "2025-10-06");
        assert_eq!(weeks[2]["schools"][1]["holiday"], "herfstvakantie");
        assert_eq!(weeks[2]["schools"][1]["inSession"], false);
        assert_eq!(
            weeks[0]["schools"][1]["school"]["brin"], "22BB",
            "schools keep the order asked"
        );

        // A school without a calendar is never in session.
        small_region(&app, "HDW", "33CC", "44DD").await;
        let bare = app
            .ok(
                Some(&admin),
                WEEKS,
                json!({"b": ["11AA", "33CC"], "f": "2025-10-06", "t": "2025-10-06"}),
            )
            .await;
        assert_eq!(
            bare["planningWeeks"][0]["schools"][1]["period"],
            Value::Null
        );
        assert_eq!(bare["planningWeeks"][0]["allInSession"], false);

        let unknown = app
            .gql(
                Some(&admin),
                WEEKS,
                json!({"b": ["11AA", "99ZZ"], "f": "2025-10-05", "t": "2025-11-10"}),
            )
            .await;
        assert_eq!(
            code_and_field(&unknown),
            ("NOT_FOUND".into(), "schoolBrins".into())
        );
        let backwards = app
            .gql(
                Some(&admin),
                WEEKS,
                json!({"b": ["11AA"], "f": "2025-11-10", "t": "2025-10-05"}),
            )
            .await;
        assert_eq!(
            code_and_field(&backwards),
            ("BAD_USER_INPUT".into(), "to".into())
        );
        let too_long = app
            .gql(
                Some(&admin),
                WEEKS,
                json!({"b": ["11AA"], "f": "2025-01-01", "t": "2028-01-01"}),
            )
            .await;
        assert_eq!(
            code_and_field(&too_long),
            ("BAD_USER_INPUT".into(), "to".into())
        );
        assert_eq!(
            app.error_code(None, WEEKS, vars.clone()).await,
            "UNAUTHENTICATED"
        );
        let integration = app.token(leerroute::auth::Role::Integration, Some("AMS"), None, None);
        assert_eq!(
            app.error_code(Some(&integration), WEEKS, vars).await,
            "FORBIDDEN"
        );
    }
);

const CONFLICTS: &str =
    "query($id: ID!) { activity(id: $id) { conflicts { school { brin } day reason } } }";

async fn conflicts(app: &TestApp, starts: &str, ends: &str) -> Vec<(String, String, String)> {
    let overrides = json!({"startsAt": starts, "endsAt": ends});
    let id = published(app, activity_input("11AA", &["22BB"], overrides)).await;
    let data = app.ok(None, CONFLICTS, json!({"id": id})).await;
    data["activity"]["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["school"]["brin"].as_str().unwrap().to_owned(),
                c["day"].as_str().unwrap().to_owned(),
                c["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

db_test!(
    activity_conflicts_name_the_holiday_or_the_gap,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let admin = app.admin();
        set(
            &app,
            &admin,
            calendar_input("11AA", &FIVE_PERIODS, &HOLIDAYS),
        )
        .await;
        set(
            &app,
            &admin,
            calendar_input("22BB", &FOUR_PERIODS, &HOLIDAYS),
        )
        .await;
        assert!(
            conflicts(&app, "2025-09-10T08:00:00Z", "2025-09-10T11:00:00Z")
                .await
                .is_empty()
        );
        // Both schools are on herfstvakantie.
        let autumn = conflicts(&app, "2025-10-21T08:00:00Z", "2025-10-21T11:00:00Z").await;
        assert_eq!(autumn.len(), 2);
        assert!(
            autumn
                .iter()
                .all(|(_, day, reason)| day == "2025-10-21" && reason.contains("herfstvakantie"))
        );
        // A two-day activity from the last day of ROC's first period into its gap: only 22BB,
        // and the reason is the second day, outside its periods.
        let gap = conflicts(&app, "2025-11-07T08:00:00Z", "2025-11-08T11:00:00Z").await;
        assert_eq!(gap.len(), 1, "{gap:?}");
        assert_eq!(gap[0].0, "22BB");
        assert_eq!(gap[0].1, "2025-11-08");
        assert!(
            gap[0].2.contains("outside the school's periods"),
            "{}",
            gap[0].2
        );
        // Days are Dutch days: 23:30 UTC on 17 October is already the first day of the holiday.
        let late = conflicts(&app, "2025-10-17T22:30:00Z", "2025-10-17T23:30:00Z").await;
        assert_eq!(late.len(), 2);
        assert_eq!(late[0].1, "2025-10-18");
    }
);

db_test!(
    calendars_and_schools_load_without_n_plus_one,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let admin = app.admin();
        set(
            &app,
            &admin,
            calendar_input("11AA", &FIVE_PERIODS, &HOLIDAYS),
        )
        .await;
        set(
            &app,
            &admin,
            calendar_input("22BB", &FOUR_PERIODS, &HOLIDAYS),
        )
        .await;
        // One chain per query, so that each loader works at one depth only (see nplus1.rs).
        let chains = [
            "hostSchool { brin } leerlab { code }",
            "participatingSchools { brin }",
            "conflicts { school { brin } reason }",
            "enrolments { studentId }",
        ];
        let mut counts = Vec::new();
        for batch in [2, 10] {
            for day in 0..batch {
                let starts = format!("2025-10-{:02}T08:00:00Z", 10 + day);
                let ends = format!("2025-10-{:02}T11:00:00Z", 10 + day);
                let times = json!({"startsAt": starts, "endsAt": ends});
                published(&app, activity_input("11AA", &["22BB"], times)).await;
            }
            let mut per_chain = Vec::new();
            for chain in chains {
                app.reset_statements();
                let query = format!(
                    "{{ activities(first: 100) {{ edges {{ node {{ title {chain} }} }} }} }}"
                );
                app.ok(Some(&admin), &query, json!({})).await;
                per_chain.push(app.statement_count());
            }
            counts.push(per_chain);
        }
        assert_eq!(
            counts[0], counts[1],
            "statements grew with the number of activities: {counts:?}"
        );
    }
);

db_test!(demo_seed_plans_ijburg_and_zuid, |app: TestApp| async move {
    for _ in 0..2 {
        let out = app.cli(&["seed", "--demo"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let weeks = app
        .ok(
            Some(&app.coordinator("AMS")),
            WEEKS,
            json!({"b": ["90IJ", "90RA01"], "f": "2025-08-01", "t": "2026-07-31"}),
        )
        .await;
    let weeks = weeks["planningWeeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 52);
    let periods = |i: usize| {
        weeks
            .iter()
            .filter_map(move |w| w["schools"][i]["period"].as_i64())
            .max()
    };
    assert_eq!((periods(0), periods(1)), (Some(5), Some(4)));
    let shared = weeks.iter().filter(|w| w["allInSession"] == true).count();
    assert!(
        (30..45).contains(&shared),
        "{shared} weeks in session for both"
    );
    let data = app
        .ok(None, "{ activities(filter: {leerlabCode: \"IJBURG-ROCVA\"}) { totalCount edges { node { kind status conflicts { reason } } } } }", json!({}))
        .await;
    assert_eq!(data["activities"]["totalCount"], 3);
    for edge in data["activities"]["edges"].as_array().unwrap() {
        assert_eq!(edge["node"]["status"], "PUBLISHED");
        assert_eq!(
            edge["node"]["conflicts"],
            json!([]),
            "demo activities fall in session"
        );
    }
    assert_eq!(app.count_rows("school_calendar").await, 4);

    // The planner's query of the README works as printed.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("{\n  planningWeeks")
        .expect("README has the planner's query");
    let query = &readme[start..start + readme[start..].find("\n```").unwrap()];
    let planned = app.ok(Some(&app.staff("90IJ")), query, json!({})).await;
    assert_eq!(planned["planningWeeks"].as_array().unwrap().len(), 13);
    assert_eq!(planned["activities"]["nodes"].as_array().unwrap().len(), 3);
});
