//! The demo's school calendars of 2025-2026 and the published activities of its leerlab.

use chrono::{NaiveDate, TimeZone};
use entity::activity;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::date;
use crate::{
    auth::Viewer,
    domain::activity::{ActivityKind, ActivityStatus},
    error::AppResult,
    live::Live,
    service::{
        activity::{self as activities, NewActivity},
        planning::{self, NewCalendar, NewHoliday, NewPeriod},
    },
};

/// The usual holidays of region Noord in 2025-2026, which Amsterdam schools follow.
fn holidays_2025_2026() -> Vec<NewHoliday> {
    [
        ("herfstvakantie", date(2025, 10, 18), date(2025, 10, 26)),
        ("kerstvakantie", date(2025, 12, 20), date(2026, 1, 4)),
        ("voorjaarsvakantie", date(2026, 2, 14), date(2026, 2, 22)),
        ("meivakantie", date(2026, 4, 25), date(2026, 5, 3)),
        ("zomervakantie", date(2026, 7, 4), date(2026, 7, 31)),
    ]
    .into_iter()
    .map(|(name, starts_on, ends_on)| NewHoliday {
        name: name.to_owned(),
        starts_on,
        ends_on,
    })
    .collect()
}

fn periods(ranges: &[(NaiveDate, NaiveDate)]) -> Vec<NewPeriod> {
    ranges
        .iter()
        .zip(1..)
        .map(|(&(starts_on, ends_on), number)| NewPeriod {
            number,
            starts_on,
            ends_on,
        })
        .collect()
}

/// 2025-2026: IJburg College in five periods, ROC van Amsterdam and its colleges in four.
/// Setting a calendar replaces the year, so seeding twice changes nothing.
pub(super) async fn calendars(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
    let ijburg = periods(&[
        (date(2025, 8, 25), date(2025, 10, 10)),
        (date(2025, 10, 13), date(2025, 12, 19)),
        (date(2026, 1, 5), date(2026, 3, 6)),
        (date(2026, 3, 9), date(2026, 5, 15)),
        (date(2026, 5, 18), date(2026, 7, 3)),
    ]);
    let roc = periods(&[
        (date(2025, 8, 25), date(2025, 11, 7)),
        (date(2025, 11, 10), date(2026, 1, 30)),
        (date(2026, 2, 2), date(2026, 4, 17)),
        (date(2026, 4, 20), date(2026, 7, 3)),
    ]);
    let schools = [
        ("90IJ", &ijburg),
        ("90RA", &roc),
        ("90RA01", &roc),
        ("90RA02", &roc),
    ];
    for (brin, periods) in schools {
        let new = NewCalendar {
            school_brin: brin.to_owned(),
            school_year: "2025-2026".to_owned(),
            periods: periods.clone(),
            holidays: holidays_2025_2026(),
        };
        planning::set_calendar(db, admin, new).await?;
    }
    Ok(())
}

/// Published activities of the leerlab IJBURG-ROCVA; an activity of the same title is kept.
pub(super) async fn leerlab_activities(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
    let amsterdam = |y, m, d, h, min| {
        chrono_tz::Europe::Amsterdam
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("unambiguous demo time")
            .to_utc()
    };
    let demo = [
        (
            ActivityKind::InfoSession,
            "Voorlichting mbo-opleidingen voor derdejaars TL",
            "Alle derdejaars TL-leerlingen horen van mbo-studenten en docenten wat Sport en Bewegen en Handel en Ondernemen inhouden. Kies vóór je examen, niet pas erna.",
            "IJburg College, aula",
            "90IJ",
            vec!["90IJ", "90RA01", "90RA02"],
            (amsterdam(2025, 10, 2, 13, 0), amsterdam(2025, 10, 2, 15, 0)),
            120,
        ),
        (
            ActivityKind::CampusVisit,
            "Campusbezoek MBO College Zuid: Sport en Bewegen",
            "Een ochtend meedraaien op de campus: lessen volgen, praten met studenten en de sporthal zien.",
            "MBO College Zuid",
            "90RA01",
            vec!["90IJ", "90RA01"],
            (
                amsterdam(2025, 11, 20, 9, 0),
                amsterdam(2025, 11, 20, 12, 0),
            ),
            30,
        ),
        (
            ActivityKind::GuestLesson,
            "Gastles budgetcoach: rekeningen, DUO en DigiD",
            "Een budgetcoach laat zien hoe je rekeningen betaalt, studiefinanciering bij DUO aanvraagt en DigiD gebruikt.",
            "IJburg College, lokaal 2.14",
            "90IJ",
            vec!["90IJ", "90RA02"],
            (
                amsterdam(2026, 3, 12, 10, 0),
                amsterdam(2026, 3, 12, 11, 30),
            ),
            25,
        ),
    ];
    for (kind, title, description, location, host, schools, (starts_at, ends_at), capacity) in demo
    {
        let existing = activity::Entity::find()
            .filter(activity::Column::Title.eq(title))
            .one(db)
            .await?;
        let activity = match existing {
            Some(found) => found,
            None => {
                let new = NewActivity {
                    region_code: "AMS".into(),
                    host_school_brin: host.into(),
                    participating_school_brins: schools.into_iter().map(str::to_owned).collect(),
                    leerlab_code: Some("IJBURG-ROCVA".into()),
                    kind,
                    title: title.into(),
                    description: Some(description.into()),
                    location: Some(location.into()),
                    starts_at,
                    ends_at,
                    capacity,
                };
                activities::create(db, admin, new).await?
            }
        };
        if activity.status == ActivityStatus::Draft {
            activities::publish(db, &Live::announcer(db), admin, activity.id).await?;
        }
    }
    Ok(())
}
