//! Regions, schools, programmes and people: the public catalogue of a region.

use entity::{person, programme, region, school};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use super::{optional_text, required_text};
use crate::{
    audit,
    auth::{Viewer, policy::ensure, scope},
    db,
    domain::{
        Leerweg, PersonFunction, Profile, Sector, valid_brin, valid_code, valid_crebo, valid_level,
    },
    error::{AppError, AppResult, is_unique_violation},
};

mod lists;

pub use lists::{
    PersonFilter, ProgrammeFilter, SchoolFilter, list_people, list_programmes, list_regions,
    list_schools,
};

pub async fn region_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await?)
}

pub async fn school_by_brin(
    db: &impl ConnectionTrait,
    brin: &str,
) -> AppResult<Option<school::Model>> {
    Ok(school::Entity::find()
        .filter(school::Column::Brin.eq(brin.trim().to_uppercase()))
        .one(db)
        .await?)
}

/// The ids of the school a filter names and of its locations or colleges (a filter on an ROC
/// covers its colleges), the school first; empty for an unknown BRIN, `None` without a BRIN.
pub async fn school_with_locations(
    db: &impl ConnectionTrait,
    brin: Option<&str>,
) -> AppResult<Option<Vec<i64>>> {
    let Some(brin) = brin else {
        return Ok(None);
    };
    let Some(school) = school_by_brin(db, brin).await? else {
        return Ok(Some(Vec::new()));
    };
    let locations = school::Entity::find()
        .filter(school::Column::ParentId.eq(school.id))
        .all(db)
        .await?;
    Ok(Some(
        std::iter::once(school.id)
            .chain(locations.into_iter().map(|l| l.id))
            .collect(),
    ))
}

/// The region with `code`, or `NOT_FOUND` naming the input `field`.
pub async fn require_region(
    db: &impl ConnectionTrait,
    code: &str,
    field: &str,
) -> AppResult<region::Model> {
    region_by_code(db, code)
        .await?
        .ok_or_else(|| AppError::not_found_in(field, format!("no region with code `{code}`")))
}

/// The school with `brin`, or `NOT_FOUND` naming the input `field`.
pub async fn require_school(
    db: &impl ConnectionTrait,
    brin: &str,
    field: &str,
) -> AppResult<school::Model> {
    school_by_brin(db, brin)
        .await?
        .ok_or_else(|| AppError::not_found_in(field, format!("no school with BRIN `{brin}`")))
}

/// `createRegion`: admin only.
pub async fn create_region(
    db: &DatabaseConnection,
    viewer: &Viewer,
    code: &str,
    name: &str,
) -> AppResult<region::Model> {
    ensure(viewer.is_admin())?;
    let code = code.trim();
    if !valid_code(code) {
        return Err(AppError::bad_input(
            "code",
            "a region code is 1 to 32 letters, digits, `-` or `_`",
        ));
    }
    let name = required_text("name", name, 200)?;
    let txn = db::begin_write(db).await?;
    let region = region::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| conflict_on_duplicate(e, format!("a region with code `{code}` already exists")))?;
    audit::record_write(&txn, viewer, "region.create", format!("Region:{code}")).await?;
    txn.commit().await?;
    Ok(region)
}

/// What `createSchool` takes.
pub struct NewSchool {
    pub region_code: String,
    pub brin: String,
    pub name: String,
    pub sector: Sector,
    pub city: Option<String>,
    pub parent_brin: Option<String>,
}

/// `createSchool`: a coordinator in their own region, or admin.
pub async fn create_school(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: NewSchool,
) -> AppResult<school::Model> {
    let region = require_region(db, &input.region_code, "regionCode").await?;
    ensure(scope::catalogue::can_manage_region(viewer, region.id))?;
    let brin = input.brin.trim().to_uppercase();
    if !valid_brin(&brin) {
        return Err(AppError::bad_input(
            "brin",
            format!(
                "`{}` is not a BRIN: 2 digits, 2 capital letters, optionally 2 digits",
                input.brin
            ),
        ));
    }
    let name = required_text("name", &input.name, 200)?;
    let city = optional_text("city", input.city.as_deref(), 100)?;
    let parent_id = match &input.parent_brin {
        Some(parent) => Some(valid_parent(db, parent, region.id, input.sector).await?.id),
        None => None,
    };
    let txn = db::begin_write(db).await?;
    let school = school::ActiveModel {
        region_id: Set(region.id),
        parent_id: Set(parent_id),
        brin: Set(brin.clone()),
        name: Set(name),
        sector: Set(input.sector),
        city: Set(city),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| conflict_on_duplicate(e, format!("a school with BRIN `{brin}` already exists")))?;
    audit::record_write(&txn, viewer, "school.create", format!("School:{brin}")).await?;
    txn.commit().await?;
    Ok(school)
}

/// A parent (an ROC above its colleges) must be in the same region and sector.
async fn valid_parent(
    db: &impl ConnectionTrait,
    brin: &str,
    region_id: i64,
    sector: Sector,
) -> AppResult<school::Model> {
    let parent = school_by_brin(db, brin).await?.ok_or_else(|| {
        AppError::bad_input("parentBrin", format!("no school with BRIN `{brin}`"))
    })?;
    if parent.region_id != region_id || parent.sector != sector {
        return Err(AppError::bad_input(
            "parentBrin",
            "the parent school must be in the same region and sector",
        ));
    }
    Ok(parent)
}

/// What `updateSchool` may change; `None` leaves a field as it is.
pub struct SchoolChanges {
    pub name: Option<String>,
    pub city: Option<Option<String>>,
    pub parent_brin: Option<Option<String>>,
    pub region_code: Option<String>,
}

/// `updateSchool`: a coordinator of the school's region, or admin.
pub async fn update_school(
    db: &DatabaseConnection,
    viewer: &Viewer,
    brin: &str,
    changes: SchoolChanges,
) -> AppResult<school::Model> {
    let school = require_school(db, brin, "brin").await?;
    ensure(scope::catalogue::can_manage_region(
        viewer,
        school.region_id,
    ))?;
    let mut active: school::ActiveModel = school.clone().into();
    if let Some(name) = &changes.name {
        active.name = Set(required_text("name", name, 200)?);
    }
    if let Some(city) = &changes.city {
        active.city = Set(optional_text("city", city.as_deref(), 100)?);
    }
    if let Some(parent) = &changes.parent_brin {
        let sector = school.sector;
        active.parent_id = Set(match parent {
            Some(parent) if parent.trim().eq_ignore_ascii_case(&school.brin) => {
                return Err(AppError::bad_input(
                    "parentBrin",
                    "a school cannot be its own parent",
                ));
            }
            Some(parent) => Some(valid_parent(db, parent, school.region_id, sector).await?.id),
            None => None,
        });
    }
    let moved = match &changes.region_code {
        Some(code) => Some(require_region(db, code, "regionCode").await?.id),
        None => None,
    }
    .filter(|&region| region != school.region_id);
    if moved.is_some() {
        super::school_move::check(viewer, &school)?;
    }
    let txn = db::begin_write(db).await?;
    let mut school = active.update(&txn).await?;
    if let Some(region) = moved {
        super::school_move::move_school(&txn, school.id, region).await?;
        school.region_id = region;
    }
    audit::record_write(
        &txn,
        viewer,
        "school.update",
        format!("School:{}", school.brin),
    )
    .await?;
    txn.commit().await?;
    Ok(school)
}

/// What `createProgramme` takes.
pub struct NewProgramme {
    pub school_brin: String,
    pub name: String,
    pub crebo: Option<String>,
    pub level: Option<i32>,
    pub leerweg: Option<Leerweg>,
    pub profile: Option<Profile>,
}

/// `createProgramme`: staff of the school, a coordinator of its region, or admin.
/// An mbo programme has a crebo and a level; a vmbo programme a leerweg (and usually a profiel).
pub async fn create_programme(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: NewProgramme,
) -> AppResult<programme::Model> {
    let school = require_school(db, &input.school_brin, "schoolBrin").await?;
    ensure(can_manage_school(viewer, &school))?;
    let name = required_text("name", &input.name, 200)?;
    match school.sector {
        Sector::Mbo => {
            let crebo = input.crebo.as_deref().map(str::trim).unwrap_or_default();
            if !valid_crebo(crebo) {
                return Err(AppError::bad_input(
                    "crebo",
                    "an mbo programme needs a crebo code of 5 digits",
                ));
            }
            if !input.level.is_some_and(valid_level) {
                return Err(AppError::bad_input(
                    "level",
                    "an mbo programme needs a level from 1 to 4",
                ));
            }
            if input.leerweg.is_some() || input.profile.is_some() {
                let field = if input.leerweg.is_some() {
                    "leerweg"
                } else {
                    "profile"
                };
                return Err(AppError::bad_input(
                    field,
                    "leerweg and profile are for vmbo programmes only",
                ));
            }
        }
        Sector::Vo => {
            if input.crebo.is_some() || input.level.is_some() {
                let field = if input.crebo.is_some() {
                    "crebo"
                } else {
                    "level"
                };
                return Err(AppError::bad_input(
                    field,
                    "crebo and level are for mbo programmes only",
                ));
            }
            if input.leerweg.is_none() {
                return Err(AppError::bad_input(
                    "leerweg",
                    "a vmbo programme needs a leerweg",
                ));
            }
        }
    }
    let txn = db::begin_write(db).await?;
    let programme = programme::ActiveModel {
        school_id: Set(school.id),
        name: Set(name),
        crebo: Set(input.crebo.map(|c| c.trim().to_owned())),
        level: Set(input.level.map(|l| l as i16)),
        leerweg: Set(input.leerweg),
        profile: Set(input.profile),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        conflict_on_duplicate(
            e,
            format!("school `{}` already has this programme", school.brin),
        )
    })?;
    audit::record_write(
        &txn,
        viewer,
        "programme.create",
        format!("Programme:{}", programme.id),
    )
    .await?;
    txn.commit().await?;
    Ok(programme)
}

/// What `createPerson` takes.
pub struct NewPerson {
    pub name: String,
    pub email: Option<String>,
    pub function: PersonFunction,
    pub school_brin: Option<String>,
}

/// `createPerson`: staff of the person's school, a coordinator (of the school's region), or admin.
pub async fn create_person(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: NewPerson,
) -> AppResult<person::Model> {
    let school = match &input.school_brin {
        Some(brin) => Some(require_school(db, brin, "schoolBrin").await?),
        None => None,
    };
    match &school {
        Some(school) => ensure(can_manage_school(viewer, school))?,
        None => ensure(scope::catalogue::can_add_regional_person(viewer))?,
    }
    let name = required_text("name", &input.name, 200)?;
    let email = optional_text("email", input.email.as_deref(), 254)?.map(|e| e.to_lowercase());
    if email.as_deref().is_some_and(|e| !looks_like_email(e)) {
        return Err(AppError::bad_input("email", "not an e-mail address"));
    }
    let txn = db::begin_write(db).await?;
    let person = person::ActiveModel {
        school_id: Set(school.map(|s| s.id)),
        name: Set(name),
        email: Set(email),
        function: Set(input.function),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        conflict_on_duplicate(
            e,
            "a person with this e-mail address already exists".to_owned(),
        )
    })?;
    audit::record_write(
        &txn,
        viewer,
        "person.create",
        format!("Person:{}", person.id),
    )
    .await?;
    txn.commit().await?;
    Ok(person)
}

fn looks_like_email(email: &str) -> bool {
    email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
    })
}

pub use crate::auth::scope::can_manage_school;

/// Turns a unique-key violation into `CONFLICT` with a message that names the key.
pub fn conflict_on_duplicate(err: sea_orm::DbErr, message: String) -> AppError {
    if is_unique_violation(&err) {
        AppError::Conflict(message)
    } else {
        AppError::Database(err)
    }
}
