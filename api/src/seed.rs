//! Demo data (`leerroute seed --demo`, `serve --demo`): region Amsterdam with the leerlab of
//! IJburg College and ROC van Amsterdam, and region Harderwijk. Idempotent: whatever exists
//! (by natural key) is left alone.
//!
//! School names are real; every BRIN (`9xxx`) and every crebo (`9xxxx`) is a demo value, chosen
//! outside the ranges in use so that demo data can never be mistaken for real registrations.

use chrono::{NaiveDate, TimeZone};
use entity::{activity, leerlab_member, person, programme};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{
    auth::Viewer,
    domain::{
        LeerlabKind, LeerlabStatus, Leerweg, PersonFunction, Profile, Sector, Team,
        activity::{ActivityKind, ActivityStatus},
    },
    error::{AppError, AppResult},
    live::Live,
    service::{
        activity::{self as activities, NewActivity},
        calendar::{self, HolidayInput, NewCalendar, PeriodInput},
        catalogue::{self, NewPerson, NewProgramme, NewSchool},
        leerlab::{self, LeerlabChanges, NewLeerlab},
    },
};

/// Loads the demo regions and, through the real import, demo pupils of the Amsterdam leerlab.
pub async fn demo(db: &DatabaseConnection, link_secret: &str) -> AppResult<()> {
    let admin = Viewer::system("seed");
    amsterdam(db, &admin).await?;
    harderwijk(db, &admin).await?;
    calendars(db, &admin).await?;
    leerlab_activities(db, &admin).await?;
    pupils(db, &admin, link_secret).await
}

/// A valid demo BSN for pupil `n` (eleven test; `9` as first digit keeps them apart from the tests').
fn demo_bsn(n: u32) -> String {
    (0..16)
        .map(|step| 90_000_000 + n * 16 + step)
        .find_map(|body| {
            let digits: Vec<u32> = body
                .to_string()
                .bytes()
                .map(|b| u32::from(b - b'0'))
                .collect();
            let check = digits
                .iter()
                .zip((2..=9).rev())
                .map(|(d, w)| d * w)
                .sum::<u32>()
                % 11;
            (check < 10).then(|| format!("{body}{check}"))
        })
        .expect("a check digit among sixteen bodies")
}

/// 240 demo leavers of IJburg College over two cohorts, most of them in the leerlab, and their
/// enrolments at the ROC's colleges: enough for statistics with and without small cells.
async fn pupils(db: &DatabaseConnection, admin: &Viewer, link_secret: &str) -> AppResult<()> {
    use crate::import::{self, ImportKind, MBO_COLUMNS, VO_COLUMNS};
    let mut vo = vec![VO_COLUMNS.join(",")];
    let mut mbo = vec![MBO_COLUMNS.join(",")];
    for n in 0..240u32 {
        let pgn = demo_bsn(n);
        let cohort = 2023 + (n % 2) as i32;
        let leerweg = ["TL", "TL", "KB", "GL"][(n % 4) as usize];
        let profile = ["E&O", "Z&W", "D&P", "MVI"][(n / 4 % 4) as usize];
        let (crebo, college, level) = if n % 3 == 0 {
            ("90001", "90RA01", 4)
        } else if n % 3 == 1 {
            ("90002", "90RA02", 4)
        } else {
            ("90003", "90RA02", 2)
        };
        let in_leerlab = n % 5 != 0;
        let chose_early = in_leerlab && n % 7 != 0;
        let choice_date = if chose_early {
            format!("{}-03-15", cohort + 1)
        } else {
            format!("{}-07-01", cohort + 1)
        };
        vo.push(format!(
            "{pgn},90IJ,{leerweg},{profile},{cohort}-{},{}-06-05,{crebo},{choice_date},{}",
            cohort + 1,
            cohort + 1,
            if in_leerlab { "IJBURG-ROCVA" } else { "" }
        ));
        if n % 9 == 8 {
            continue; // no enrolment: not enrolled
        }
        let status = match n % 13 {
            0 => format!("switched,{}-01-20", cohort + 2),
            5 => format!("dropped_out,{}-11-30", cohort + 1),
            _ => "enrolled,".to_owned(),
        };
        let enrolled_crebo = if n % 11 == 3 { "90002" } else { crebo };
        mbo.push(format!(
            "{pgn},{college},{enrolled_crebo},{level},{}-08-26,{status}",
            cohort + 1
        ));
    }
    for (kind, rows) in [
        (ImportKind::VoLeavers, vo),
        (ImportKind::MboEnrolments, mbo),
    ] {
        let csv = rows.join("\n").into_bytes();
        import::run(
            db,
            admin,
            link_secret,
            kind,
            Box::new(std::io::Cursor::new(csv)),
            None,
        )
        .await?;
    }
    Ok(())
}

/// Runs a create; a `CONFLICT` means it was seeded before.
async fn once<T>(result: AppResult<T>) -> AppResult<()> {
    match result {
        Ok(_) | Err(AppError::Conflict(_)) => Ok(()),
        Err(AppError::Database(err)) if crate::error::is_unique_violation(&err) => Ok(()),
        Err(other) => Err(other),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

async fn school(
    db: &DatabaseConnection,
    admin: &Viewer,
    region: &str,
    school: (&str, &str, Sector, &str, Option<&str>),
) -> AppResult<()> {
    let (brin, name, sector, city, parent) = school;
    let new = NewSchool {
        region_code: region.to_owned(),
        brin: brin.to_owned(),
        name: name.to_owned(),
        sector,
        city: Some(city.to_owned()),
        parent_brin: parent.map(str::to_owned),
    };
    once(catalogue::create_school(db, admin, new).await).await
}

async fn mbo_programme(
    db: &DatabaseConnection,
    admin: &Viewer,
    brin: &str,
    name: &str,
    crebo: &str,
    level: i32,
) -> AppResult<()> {
    let new = NewProgramme {
        school_brin: brin.to_owned(),
        name: name.to_owned(),
        crebo: Some(crebo.to_owned()),
        level: Some(level),
        leerweg: None,
        profile: None,
    };
    once(catalogue::create_programme(db, admin, new).await).await
}

async fn vmbo_programme(
    db: &DatabaseConnection,
    admin: &Viewer,
    brin: &str,
    name: &str,
    leerweg: Leerweg,
    profile: Option<Profile>,
) -> AppResult<()> {
    let new = NewProgramme {
        school_brin: brin.to_owned(),
        name: name.to_owned(),
        crebo: None,
        level: None,
        leerweg: Some(leerweg),
        profile,
    };
    once(catalogue::create_programme(db, admin, new).await).await
}

/// Finds a demo person by e-mail, creating them when missing.
async fn person(
    db: &DatabaseConnection,
    admin: &Viewer,
    name: &str,
    email: &str,
    function: PersonFunction,
    brin: Option<&str>,
) -> AppResult<i64> {
    if let Some(found) = person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(db)
        .await?
    {
        return Ok(found.id);
    }
    let new = NewPerson {
        name: name.to_owned(),
        email: Some(email.to_owned()),
        function,
        school_brin: brin.map(str::to_owned),
    };
    Ok(catalogue::create_person(db, admin, new).await?.id)
}

async fn member(
    db: &DatabaseConnection,
    admin: &Viewer,
    leerlab_code: &str,
    person_id: i64,
    team: Team,
    role: Option<&str>,
) -> AppResult<()> {
    let exists = leerlab_member::Entity::find()
        .filter(leerlab_member::Column::PersonId.eq(person_id))
        .filter(leerlab_member::Column::Team.eq(team.as_str()))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    once(
        leerlab::add_member(
            db,
            admin,
            leerlab_code,
            person_id,
            team,
            role.map(str::to_owned),
        )
        .await,
    )
    .await
}

async fn amsterdam(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
    once(catalogue::create_region(db, admin, "AMS", "Amsterdam").await).await?;
    school(
        db,
        admin,
        "AMS",
        ("90IJ", "IJburg College", Sector::Vo, "Amsterdam", None),
    )
    .await?;
    school(
        db,
        admin,
        "AMS",
        ("90RA", "ROC van Amsterdam", Sector::Mbo, "Amsterdam", None),
    )
    .await?;
    school(
        db,
        admin,
        "AMS",
        (
            "90RA01",
            "MBO College Zuid",
            Sector::Mbo,
            "Amsterdam",
            Some("90RA"),
        ),
    )
    .await?;
    school(
        db,
        admin,
        "AMS",
        (
            "90RA02",
            "MBO College Zuidoost",
            Sector::Mbo,
            "Amsterdam",
            Some("90RA"),
        ),
    )
    .await?;
    vmbo_programme(db, admin, "90IJ", "vmbo TL", Leerweg::Tl, None).await?;
    vmbo_programme(
        db,
        admin,
        "90IJ",
        "vmbo KB Economie en ondernemen",
        Leerweg::Kb,
        Some(Profile::Eo),
    )
    .await?;
    mbo_programme(db, admin, "90RA01", "Sport en Bewegen", "90001", 4).await?;
    mbo_programme(db, admin, "90RA02", "Handel en Ondernemen", "90002", 4).await?;
    mbo_programme(db, admin, "90RA02", "Verkoper", "90003", 2).await?;

    let code = "IJBURG-ROCVA";
    once(
        leerlab::create_leerlab(db, admin, NewLeerlab {
            region_code: "AMS".into(),
            code: code.into(),
            name: "Leerlab IJburg College – ROC van Amsterdam".into(),
            kind: LeerlabKind::DoorlopendeLeerroute,
            focus: Some("LOB: kiezen vóór het examen, levensvaardigheden en een coach die blijft".into()),
            target_group: Some("Alle derdejaars TL-leerlingen, niet alleen wie naar de partneropleidingen gaat".into()),
            starts_on: Some(date(2024, 8, 19)),
        })
        .await,
    )
    .await?;
    for brin in ["90IJ", "90RA01", "90RA02"] {
        once(leerlab::add_partner(db, admin, code, brin).await).await?;
    }
    for crebo in ["90001", "90002"] {
        let programme = programme::Entity::find()
            .filter(programme::Column::Crebo.eq(crebo))
            .one(db)
            .await?;
        if let Some(programme) = programme {
            once(leerlab::add_target_programme(db, admin, code, programme.id).await).await?;
        }
    }
    leerlab::update_leerlab(db, admin, code, LeerlabChanges {
        status: Some(LeerlabStatus::Running),
        agreement_signed_on: Some(Some(date(2024, 6, 3))),
        transfer_option: Some(Some(
            "Wie de route verlaat, stroomt in op mbo-niveau 2 bij ROC van Amsterdam en haalt daar een startkwalificatie.".into(),
        )),
        ..Default::default()
    })
    .await?;

    use PersonFunction::*;
    let team = [
        (
            "Sanne de Vries",
            "s.devries@ijburgcollege.demo",
            ProjectLead,
            Some("90IJ"),
            Team::ProjectTeam,
            Some("projectleider vo"),
        ),
        (
            "Youssef El Amrani",
            "y.elamrani@rocva.demo",
            ProjectLead,
            Some("90RA"),
            Team::ProjectTeam,
            Some("projectleider mbo"),
        ),
        (
            "Marieke Jansen",
            "m.jansen@verbinder-ams.demo",
            Coordinator,
            None,
            Team::ProjectTeam,
            Some("Verbinder"),
        ),
        (
            "Peter Bakker",
            "p.bakker@ijburgcollege.demo",
            Manager,
            Some("90IJ"),
            Team::SteeringGroup,
            Some("directeur vo"),
        ),
        (
            "Anita Koster",
            "a.koster@rocva.demo",
            Manager,
            Some("90RA"),
            Team::SteeringGroup,
            Some("directeur MBO College Zuid"),
        ),
        (
            "Dewi Hartono",
            "d.hartono@rocva.demo",
            Teacher,
            Some("90RA01"),
            Team::DevelopmentGroup,
            Some("docent mbo"),
        ),
        (
            "Kees Visser",
            "k.visser@rocva.demo",
            Teacher,
            Some("90RA02"),
            Team::DevelopmentGroup,
            Some("docent mbo"),
        ),
        (
            "Fatima Bouzid",
            "f.bouzid@ijburgcollege.demo",
            Teacher,
            Some("90IJ"),
            Team::DevelopmentGroup,
            Some("docent vo"),
        ),
        (
            "Joris Smit",
            "j.smit@ijburgcollege.demo",
            Teacher,
            Some("90IJ"),
            Team::DevelopmentGroup,
            Some("docent vo"),
        ),
        (
            "Lotte Mulder",
            "l.mulder@ijburgcollege.demo",
            LobStaff,
            Some("90IJ"),
            Team::DevelopmentGroup,
            Some("decaan"),
        ),
        (
            "Mehmet Yilmaz",
            "m.yilmaz@rocva.demo",
            LobStaff,
            Some("90RA"),
            Team::DevelopmentGroup,
            Some("loopbaancoach"),
        ),
    ];
    for (name, email, function, brin, team, role) in team {
        let id = person(db, admin, name, email, function, brin).await?;
        member(db, admin, code, id, team, role).await?;
    }
    person(
        db,
        admin,
        "Noor Hendriks",
        "n.hendriks@ijburgcollege.demo",
        Coach,
        Some("90IJ"),
    )
    .await?;
    Ok(())
}

async fn harderwijk(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
    once(catalogue::create_region(db, admin, "HDW", "Harderwijk").await).await?;
    school(
        db,
        admin,
        "HDW",
        (
            "91CN",
            "Christelijk College Nassau-Veluwe",
            Sector::Vo,
            "Harderwijk",
            None,
        ),
    )
    .await?;
    school(
        db,
        admin,
        "HDW",
        ("91MC", "Morgen College", Sector::Vo, "Harderwijk", None),
    )
    .await?;
    school(
        db,
        admin,
        "HDW",
        ("91PC", "Pallas Athene College", Sector::Vo, "Ede", None),
    )
    .await?;
    school(
        db,
        admin,
        "HDW",
        ("91LS", "Landstede MBO", Sector::Mbo, "Harderwijk", None),
    )
    .await?;
    vmbo_programme(
        db,
        admin,
        "91CN",
        "vmbo BB Zorg en welzijn",
        Leerweg::Bb,
        Some(Profile::Zw),
    )
    .await?;
    vmbo_programme(
        db,
        admin,
        "91MC",
        "vmbo KB Produceren, installeren en energie",
        Leerweg::Kb,
        Some(Profile::Pie),
    )
    .await?;
    mbo_programme(db, admin, "91LS", "Helpende Zorg en Welzijn", "90011", 2).await?;
    mbo_programme(
        db,
        admin,
        "91LS",
        "Eerste Monteur Elektrotechniek",
        "90012",
        3,
    )
    .await?;
    once(
        leerlab::create_leerlab(
            db,
            admin,
            NewLeerlab {
                region_code: "HDW".into(),
                code: "HDW-ZORG".into(),
                name: "Leerlijn Zorg Harderwijk".into(),
                kind: LeerlabKind::Leerlijn,
                focus: Some("Zorg en welzijn: inhoudelijke afstemming vmbo BB/KB – mbo 2".into()),
                target_group: Some("vmbo BB/KB Z&W".into()),
                starts_on: Some(date(2025, 8, 25)),
            },
        )
        .await,
    )
    .await?;
    for brin in ["91CN", "91LS"] {
        once(leerlab::add_partner(db, admin, "HDW-ZORG", brin).await).await?;
    }
    Ok(())
}

/// The usual holidays of region Noord in 2025-2026, which Amsterdam schools follow.
fn holidays_2025_2026() -> Vec<HolidayInput> {
    [
        ("herfstvakantie", date(2025, 10, 18), date(2025, 10, 26)),
        ("kerstvakantie", date(2025, 12, 20), date(2026, 1, 4)),
        ("voorjaarsvakantie", date(2026, 2, 14), date(2026, 2, 22)),
        ("meivakantie", date(2026, 4, 25), date(2026, 5, 3)),
        ("zomervakantie", date(2026, 7, 4), date(2026, 7, 31)),
    ]
    .into_iter()
    .map(|(name, starts_on, ends_on)| HolidayInput {
        name: name.to_owned(),
        starts_on,
        ends_on,
    })
    .collect()
}

fn periods(ranges: &[(NaiveDate, NaiveDate)]) -> Vec<PeriodInput> {
    ranges
        .iter()
        .zip(1..)
        .map(|(&(starts_on, ends_on), number)| PeriodInput {
            number,
            starts_on,
            ends_on,
        })
        .collect()
}

/// 2025-2026: IJburg College in five periods, ROC van Amsterdam and its colleges in four.
/// Setting a calendar replaces the year, so seeding twice changes nothing.
async fn calendars(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
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
        calendar::set_calendar(db, admin, new).await?;
    }
    Ok(())
}

/// Published activities of the leerlab IJBURG-ROCVA; an activity of the same title is kept.
async fn leerlab_activities(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
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
        if activity.status == ActivityStatus::Draft.as_str() {
            activities::publish(db, &Live::announcer(db), admin, activity.id).await?;
        }
    }
    Ok(())
}
