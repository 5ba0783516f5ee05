//! The demo's pipeline (DESIGN.md 4b), relative to the demo date (`LEERROUTE_TODAY`): IJburg
//! College's current third- and fourth-year pupils (mostly in the leerlab), their applications
//! in every status, and last year's leavers whose step went well or not, so that signals of every
//! kind are open on the demo date. All through the real imports, which evaluate the signals.

use chrono::{Duration, NaiveDate};
use sea_orm::DatabaseConnection;

use super::pupils::demo_bsn;
use crate::{
    auth::Viewer,
    domain::SchoolYear,
    error::AppResult,
    import::{self, APPLICATION_COLUMNS, ImportKind, MBO_COLUMNS, ROSTER_COLUMNS, VO_COLUMNS},
};

/// Pupil numbers of the demo pipeline (the leavers of `super::pupils` use 0..240).
const THIRD_YEAR: std::ops::Range<u32> = 1000..1050;
const FOURTH_YEAR: std::ops::Range<u32> = 1050..1100;
const LAST_YEARS_LEAVERS: std::ops::Range<u32> = 1100..1140;

/// The files of the demo pipeline for `today`, in import order.
fn files(today: NaiveDate) -> Vec<(ImportKind, Vec<String>)> {
    let year = SchoolYear::containing(today);
    let last = SchoolYear(year.0 - 1);
    let ago = |days: i64| (today - Duration::days(days)).to_string();
    let in_leerlab = |n: u32| {
        if n.is_multiple_of(6) {
            ""
        } else {
            "IJBURG-ROCVA"
        }
    };
    let leerweg = |n: u32| ["TL", "KB", "GL", "TL", "BB"][(n % 5) as usize];

    let mut roster = vec![ROSTER_COLUMNS.join(",")];
    for n in THIRD_YEAR.chain(FOURTH_YEAR) {
        let class = if THIRD_YEAR.contains(&n) { 3 } else { 4 };
        roster.push(format!(
            "{},90IJ,{},E&O,{year},{class},{}",
            demo_bsn(n),
            leerweg(n),
            in_leerlab(n)
        ));
    }

    let mut leavers = vec![VO_COLUMNS.join(",")];
    for n in LAST_YEARS_LEAVERS {
        leavers.push(format!(
            "{},90IJ,{},Z&W,{last},{}-06-05,90001,{}-03-01,{}",
            demo_bsn(n),
            leerweg(n),
            last.0 + 1,
            last.0 + 1,
            in_leerlab(n)
        ));
    }

    let mut applications = vec![APPLICATION_COLUMNS.join(",")];
    let mut apply =
        |n: u32, brin: &str, crebo: &str, level: u8, applied: String, status: &str, on: String| {
            applications.push(format!(
                "{},{brin},{crebo},{level},{applied},{status},{on}",
                demo_bsn(n)
            ));
        };
    // This year's fourth-years: every status, and some who have not applied yet.
    for n in FOURTH_YEAR {
        let pgn = n;
        match n % 10 {
            0 | 1 => {}
            2 | 3 => apply(pgn, "90RA01", "90001", 4, ago(30), "received", ago(30)),
            4 => apply(
                pgn,
                "90RA02",
                "90002",
                4,
                ago(40),
                "intake_planned",
                ago(20),
            ),
            5 | 6 => apply(pgn, "90RA02", "90003", 2, ago(50), "offered", ago(10)),
            7 => apply(pgn, "90RA01", "90001", 4, ago(45), "not_admitted", ago(20)),
            8 => {
                apply(pgn, "90RA01", "90001", 4, ago(45), "withdrawn", ago(25));
                apply(pgn, "90RA02", "90002", 4, ago(24), "received", ago(24));
            }
            _ => {
                apply(pgn, "90RA01", "90001", 4, ago(60), "not_admitted", ago(30));
                apply(pgn, "90RA02", "90003", 2, ago(29), "offered", ago(5));
            }
        }
    }
    // Last year's leavers: most enrolled; some never applied (NO_APPLICATION), were offered a
    // place but never started (NOT_STARTED), were refused with nothing else (NO_ALTERNATIVE), or
    // dropped out (DROPPED_OUT).
    let mut enrolments = vec![MBO_COLUMNS.join(",")];
    let start = format!("{}-08-26", last.0 + 1);
    let applied = format!("{}-02-01", last.0 + 1);
    let decided = format!("{}-06-15", last.0 + 1);
    for n in LAST_YEARS_LEAVERS {
        match n % 8 {
            0 => {}
            5 => apply(
                n,
                "90RA02",
                "90002",
                4,
                applied.clone(),
                "offered",
                decided.clone(),
            ),
            7 => apply(
                n,
                "90RA01",
                "90001",
                4,
                applied.clone(),
                "not_admitted",
                decided.clone(),
            ),
            kind => {
                apply(
                    n,
                    "90RA01",
                    "90001",
                    4,
                    applied.clone(),
                    "enrolled",
                    decided.clone(),
                );
                let ended = if kind == 6 {
                    let dropped = (NaiveDate::parse_from_str(&start, "%Y-%m-%d").expect("a date")
                        + Duration::days(30))
                    .min(today);
                    format!("dropped_out,{dropped}")
                } else {
                    "enrolled,".to_owned()
                };
                enrolments.push(format!("{},90RA01,90001,4,{start},{ended}", demo_bsn(n)));
            }
        }
    }
    // Applications and enrolments first: they wait for their pupils, and no signal is raised
    // by one file only to be resolved by the next.
    vec![
        (ImportKind::MboApplications, applications),
        (ImportKind::MboEnrolments, enrolments),
        (ImportKind::VoPupils, roster),
        (ImportKind::VoLeavers, leavers),
    ]
}

/// Imports the demo pipeline for the seed's today.
pub(super) async fn pipeline(
    db: &DatabaseConnection,
    admin: &Viewer,
    link_secret: &str,
) -> AppResult<()> {
    for (kind, rows) in files(admin.today()) {
        let job = import::ImportJob {
            db: db.clone(),
            viewer: admin.clone(),
            link_secret: link_secret.to_owned(),
            kind,
            live: None,
        };
        let csv = rows.join("\n").into_bytes();
        import::run(&job, Box::new(std::io::Cursor::new(csv)), None).await?;
    }
    Ok(())
}
