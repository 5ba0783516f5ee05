//! The demo regions: Amsterdam with the leerlab of IJburg College and ROC van Amsterdam, and
//! Harderwijk with its leerlijn in care.

use entity::programme;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{date, mbo_programme, member, once, person, school, vmbo_programme};
use crate::{
    auth::Viewer,
    domain::{LeerlabKind, LeerlabStatus, Leerweg, PersonFunction, Profile, Sector, Team},
    error::AppResult,
    service::{
        catalogue,
        leerlab::{self, LeerlabChanges, NewLeerlab},
    },
};

pub(super) async fn amsterdam(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
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

pub(super) async fn harderwijk(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
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
