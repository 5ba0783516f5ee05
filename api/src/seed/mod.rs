//! Demo data (`leerroute seed --demo`, `serve --demo`): region Amsterdam with the leerlab of
//! IJburg College and ROC van Amsterdam, and region Harderwijk. Idempotent: whatever exists
//! (by natural key) is left alone.
//!
//! School names are real; every BRIN (`9xxx`) and every crebo (`9xxxx`) is a demo value, chosen
//! outside the ranges in use so that demo data can never be mistaken for real registrations.

mod evaluations;
mod pipeline;
mod planning;
mod pupils;
mod regions;

use chrono::NaiveDate;
use entity::{leerlab_member, person};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{
    auth::Viewer,
    domain::{Leerweg, PersonFunction, Profile, Sector, Team},
    error::{AppError, AppResult},
    service::{
        catalogue::{self, NewPerson, NewProgramme, NewSchool},
        leerlab,
    },
};

/// Loads the demo regions and, through the real import, demo pupils of the Amsterdam leerlab:
/// leavers of two cohorts, and the pipeline of the demo date's school year (`clock`).
pub async fn demo(
    db: &DatabaseConnection,
    link_secret: &str,
    clock: crate::clock::Clock,
) -> AppResult<()> {
    let admin = Viewer::system("seed").on(&clock);
    regions::amsterdam(db, &admin).await?;
    regions::harderwijk(db, &admin).await?;
    planning::calendars(db, &admin).await?;
    planning::leerlab_activities(db, &admin).await?;
    pupils::pupils(db, &admin, link_secret).await?;
    // The leavers' evaluations, before the pipeline's pupils exist (the evaluations are seeded
    // once, for the pupils there are at the first run).
    evaluations::evaluations(db, &admin).await?;
    pipeline::pipeline(db, &admin, link_secret).await
}

/// Runs a create; a `CONFLICT` means it was seeded before.
pub(super) async fn once<T>(result: AppResult<T>) -> AppResult<()> {
    match result {
        Ok(_) | Err(AppError::Conflict(_)) => Ok(()),
        Err(AppError::Database(err)) if crate::error::is_unique_violation(&err) => Ok(()),
        Err(other) => Err(other),
    }
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

pub(super) async fn school(
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

pub(super) async fn mbo_programme(
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

pub(super) async fn vmbo_programme(
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
pub(super) async fn person(
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

pub(super) async fn member(
    db: &DatabaseConnection,
    admin: &Viewer,
    leerlab_code: &str,
    person_id: i64,
    team: Team,
    role: Option<&str>,
) -> AppResult<()> {
    let exists = leerlab_member::Entity::find()
        .filter(leerlab_member::Column::PersonId.eq(person_id))
        .filter(leerlab_member::Column::Team.eq(team))
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
