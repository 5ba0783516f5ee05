//! The service's today (`LEERROUTE_TODAY`) and the `rmc` role's token: the foundation that
//! signals, retention and the dashboard build on.

use leerroute::config::{ClockArgs, ServiceArgs};
use leerroute_tests::{Options, TestApp, db_test};
use serde_json::json;

fn on(day: &'static str) -> impl Fn() -> Options {
    move || Options {
        service: Some(ServiceArgs {
            clock: ClockArgs {
                today: Some(day.parse().expect("date")),
            },
            ..ServiceArgs::default()
        }),
        ..Options::default()
    }
}

const YEAR: &str = "{ currentSchoolYear { name startsOn endsOn today } }";

db_test!(
    the_last_day_of_july_is_still_the_old_school_year,
    on("2026-07-31"),
    |app: TestApp| async move {
        let data = app.ok(None, YEAR, json!({})).await;
        assert_eq!(
            data["currentSchoolYear"],
            json!({"name": "2025-2026", "startsOn": "2025-08-01", "endsOn": "2026-07-31", "today": "2026-07-31"})
        );
    }
);

db_test!(
    the_first_of_august_starts_the_next_school_year,
    on("2026-08-01"),
    |app: TestApp| async move {
        let data = app.ok(None, YEAR, json!({})).await;
        assert_eq!(data["currentSchoolYear"]["name"], "2026-2027");
        assert_eq!(data["currentSchoolYear"]["today"], "2026-08-01");
    }
);

db_test!(
    an_rmc_token_needs_a_region_and_is_refused_pupil_data_until_its_rules_exist,
    |app: TestApp| async move {
        let refused = app.cli(&["token", "--role", "rmc"]);
        assert!(!refused.status.success(), "an rmc token without a region");
        assert!(String::from_utf8_lossy(&refused.stderr).contains("--region"));
        let minted = app.cli(&["token", "--role", "rmc", "--region", "AMS"]);
        assert!(minted.status.success(), "{minted:?}");
        let token = String::from_utf8(minted.stdout).expect("utf-8");
        let token = token.trim();
        let viewer = app.ok(Some(token), "{ viewer { role } }", json!({})).await;
        assert_eq!(viewer["viewer"]["role"], "RMC");
        assert_eq!(
            app.error_code(Some(token), "{ students { totalCount } }", json!({}))
                .await,
            "FORBIDDEN"
        );
    }
);
