//! Leerlabs: vo + mbo partnerships, their partners, teams, target programmes and legal status.

use chrono::NaiveDate;
use entity::{
    leerlab, leerlab_member, leerlab_partner, leerlab_target_programme, person, programme, region,
    school,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use super::{
    Page, PageArgs,
    catalogue::{conflict_on_duplicate, require_region, require_school},
    optional_text, page_by_id, required_text,
};
use crate::{
    audit,
    auth::{Viewer, policy::ensure, scope},
    db,
    domain::{
        LeerlabKind, LeerlabStatus, LegalInstrument, PartnerRole, Team, TextList, instruments_list,
        valid_code,
    },
    error::{AppError, AppResult},
};

/// Filters of `leerlabs(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct LeerlabFilter {
    pub region_code: Option<String>,
    pub kind: Option<LeerlabKind>,
    pub status: Option<LeerlabStatus>,
}

pub async fn leerlab_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<leerlab::Model>> {
    Ok(leerlab::Entity::find()
        .filter(leerlab::Column::Code.eq(code.trim()))
        .one(db)
        .await?)
}

/// The leerlab with `code`, or `NOT_FOUND` naming the input `field`.
pub async fn require_leerlab(
    db: &impl ConnectionTrait,
    code: &str,
    field: &str,
) -> AppResult<leerlab::Model> {
    leerlab_by_code(db, code)
        .await?
        .ok_or_else(|| AppError::not_found_in(field, format!("no leerlab with code `{code}`")))
}

pub async fn list_leerlabs(
    db: &DatabaseConnection,
    filter: &LeerlabFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Page<leerlab::Model>> {
    let mut condition = Condition::all();
    if let Some(code) = &filter.region_code {
        let region_ids = region::Entity::find()
            .select_only()
            .column(region::Column::Id)
            .filter(region::Column::Code.eq(code.as_str()))
            .into_query();
        condition = condition.add(leerlab::Column::RegionId.in_subquery(region_ids));
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(leerlab::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        condition = condition.add(leerlab::Column::Status.eq(status));
    }
    page_by_id(
        db,
        leerlab::Entity::find().filter(condition),
        leerlab::Column::Id,
        page,
        want_total,
    )
    .await
}

pub(super) use crate::auth::scope::catalogue::can_manage_region as can_manage;

/// What `createLeerlab` takes.
pub struct NewLeerlab {
    pub region_code: String,
    pub code: String,
    pub name: String,
    pub kind: LeerlabKind,
    pub focus: Option<String>,
    pub target_group: Option<String>,
    pub starts_on: Option<NaiveDate>,
}

/// `createLeerlab`: a new leerlab starts as `PLANNED`.
pub async fn create_leerlab(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: NewLeerlab,
) -> AppResult<leerlab::Model> {
    let region = require_region(db, &input.region_code, "regionCode").await?;
    ensure(can_manage(viewer, region.id))?;
    let code = input.code.trim().to_owned();
    if !valid_code(&code) {
        return Err(AppError::bad_input(
            "code",
            "a leerlab code is 1 to 32 letters, digits, `-` or `_`",
        ));
    }
    let txn = db::begin_write(db).await?;
    let leerlab = leerlab::ActiveModel {
        region_id: Set(region.id),
        code: Set(code.clone()),
        name: Set(required_text("name", &input.name, 200)?),
        kind: Set(input.kind),
        status: Set(LeerlabStatus::Planned),
        focus: Set(optional_text("focus", input.focus.as_deref(), 2000)?),
        target_group: Set(optional_text(
            "targetGroup",
            input.target_group.as_deref(),
            2000,
        )?),
        starts_on: Set(input.starts_on),
        agreement_signed_on: Set(None),
        transfer_option: Set(None),
        instruments: Set(TextList::default()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        conflict_on_duplicate(e, format!("a leerlab with code `{code}` already exists"))
    })?;
    audit::record_write(&txn, viewer, "leerlab.create", format!("Leerlab:{code}")).await?;
    txn.commit().await?;
    Ok(leerlab)
}

/// What `updateLeerlab` may change. `None` leaves a field; `Some(None)` clears a clearable one.
#[derive(Default)]
pub struct LeerlabChanges {
    pub name: Option<String>,
    pub status: Option<LeerlabStatus>,
    pub focus: Option<Option<String>>,
    pub target_group: Option<Option<String>>,
    pub starts_on: Option<Option<NaiveDate>>,
    pub agreement_signed_on: Option<Option<NaiveDate>>,
    pub transfer_option: Option<Option<String>>,
    pub instruments: Option<Vec<LegalInstrument>>,
}

/// `updateLeerlab`, with the rules of the Wet doorlopende leerroutes:
/// a leerlab runs only with a vo and an mbo partner; the legal instruments need a leerroute
/// with a signed agreement, an overstapoptie (transfer option) and every partner registered with DUO.
pub async fn update_leerlab(
    db: &DatabaseConnection,
    viewer: &Viewer,
    code: &str,
    changes: LeerlabChanges,
) -> AppResult<leerlab::Model> {
    let current = require_leerlab(db, code, "code").await?;
    ensure(can_manage(viewer, current.region_id))?;
    let partners = partners_of(db, current.id).await?;
    let mut next = current.clone();
    if let Some(name) = &changes.name {
        next.name = required_text("name", name, 200)?;
    }
    if let Some(status) = changes.status {
        next.status = status;
    }
    if let Some(focus) = &changes.focus {
        next.focus = optional_text("focus", focus.as_deref(), 2000)?;
    }
    if let Some(group) = &changes.target_group {
        next.target_group = optional_text("targetGroup", group.as_deref(), 2000)?;
    }
    if let Some(starts_on) = changes.starts_on {
        next.starts_on = starts_on;
    }
    if let Some(signed) = changes.agreement_signed_on {
        next.agreement_signed_on = signed;
    }
    if let Some(option) = &changes.transfer_option {
        next.transfer_option = optional_text("transferOption", option.as_deref(), 4000)?;
    }
    if let Some(instruments) = &changes.instruments {
        next.instruments = instruments_list(instruments);
    }
    check_leerlab_rules(&next, &partners)?;
    let txn = db::begin_write(db).await?;
    let mut active: leerlab::ActiveModel = current.into();
    active.name = Set(next.name);
    active.status = Set(next.status);
    active.focus = Set(next.focus);
    active.target_group = Set(next.target_group);
    active.starts_on = Set(next.starts_on);
    active.agreement_signed_on = Set(next.agreement_signed_on);
    active.transfer_option = Set(next.transfer_option);
    active.instruments = Set(next.instruments);
    let updated = active.update(&txn).await?;
    audit::record_write(
        &txn,
        viewer,
        "leerlab.update",
        format!("Leerlab:{}", updated.code),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// The rules a leerlab must satisfy after any change.
fn check_leerlab_rules(
    leerlab: &leerlab::Model,
    partners: &[leerlab_partner::Model],
) -> AppResult<()> {
    let status = leerlab.status;
    let has = |role: PartnerRole| partners.iter().any(|p| p.role == role);
    if status == LeerlabStatus::Running && !(has(PartnerRole::Vo) && has(PartnerRole::Mbo)) {
        return Err(AppError::bad_input(
            "status",
            "a leerlab can only be RUNNING with at least one VO and one MBO partner",
        ));
    }
    if leerlab.instruments.0.is_empty() {
        return Ok(());
    }
    let kind = leerlab.kind;
    let refusal = if !kind.is_leerroute() {
        Some("the legal instruments are only for a doorlopende or geïntegreerde leerroute")
    } else if leerlab.agreement_signed_on.is_none() {
        Some(
            "the legal instruments need a cooperation agreement signed by both boards (agreementSignedOn)",
        )
    } else if leerlab.transfer_option.is_none() {
        Some("the cooperation agreement must describe the overstapoptie (transferOption)")
    } else if partners.is_empty() || partners.iter().any(|p| p.registered_with_duo_on.is_none()) {
        Some(
            "the legal instruments may be used only once every partner has registered the leerroute with DUO",
        )
    } else {
        None
    };
    match refusal {
        Some(message) => Err(AppError::bad_input("instruments", message)),
        None => Ok(()),
    }
}

pub async fn partners_of(
    db: &impl ConnectionTrait,
    leerlab_id: i64,
) -> AppResult<Vec<leerlab_partner::Model>> {
    Ok(leerlab_partner::Entity::find()
        .filter(leerlab_partner::Column::LeerlabId.eq(leerlab_id))
        .all(db)
        .await?)
}

/// `addLeerlabPartner`: the partner's role follows its school's sector.
pub async fn add_partner(
    db: &DatabaseConnection,
    viewer: &Viewer,
    leerlab_code: &str,
    school_brin: &str,
) -> AppResult<(leerlab::Model, leerlab_partner::Model)> {
    let leerlab = require_leerlab(db, leerlab_code, "leerlabCode").await?;
    ensure(can_manage(viewer, leerlab.region_id))?;
    let school = require_school(db, school_brin, "schoolBrin").await?;
    let role = PartnerRole::from(school.sector);
    let txn = db::begin_write(db).await?;
    let partner = leerlab_partner::ActiveModel {
        leerlab_id: Set(leerlab.id),
        school_id: Set(school.id),
        role: Set(role),
        registered_with_duo_on: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        conflict_on_duplicate(
            e,
            format!(
                "`{}` is already a partner of `{}`",
                school.brin, leerlab.code
            ),
        )
    })?;
    audit::record_write(
        &txn,
        viewer,
        "leerlab.partner.add",
        format!("Leerlab:{}/School:{}", leerlab.code, school.brin),
    )
    .await?;
    txn.commit().await?;
    Ok((leerlab, partner))
}

/// `addLeerlabMember`: a person joins one of the leerlab's teams.
pub async fn add_member(
    db: &DatabaseConnection,
    viewer: &Viewer,
    leerlab_code: &str,
    person_id: i64,
    team: Team,
    role: Option<String>,
) -> AppResult<(leerlab::Model, leerlab_member::Model)> {
    let leerlab = require_leerlab(db, leerlab_code, "leerlabCode").await?;
    ensure(can_manage(viewer, leerlab.region_id))?;
    let person = person::Entity::find_by_id(person_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_in("personId", "no such person"))?;
    let txn = db::begin_write(db).await?;
    let member = leerlab_member::ActiveModel {
        leerlab_id: Set(leerlab.id),
        person_id: Set(person.id),
        team: Set(team),
        role: Set(optional_text("role", role.as_deref(), 200)?),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        conflict_on_duplicate(
            e,
            format!("this person is already on that team of `{}`", leerlab.code),
        )
    })?;
    audit::record_write(
        &txn,
        viewer,
        "leerlab.member.add",
        format!("Leerlab:{}/Person:{}", leerlab.code, person.id),
    )
    .await?;
    txn.commit().await?;
    Ok((leerlab, member))
}

/// `addLeerlabTargetProgramme`: an mbo programme of a partner (or of a college of a partner ROC).
pub async fn add_target_programme(
    db: &DatabaseConnection,
    viewer: &Viewer,
    leerlab_code: &str,
    programme_id: i64,
) -> AppResult<leerlab::Model> {
    let leerlab = require_leerlab(db, leerlab_code, "leerlabCode").await?;
    ensure(can_manage(viewer, leerlab.region_id))?;
    let programme = programme::Entity::find_by_id(programme_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_in("programmeId", "no such programme"))?;
    let school = school::Entity::find_by_id(programme.school_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("programme without school"))?;
    if programme.crebo.is_none() {
        return Err(AppError::bad_input(
            "programmeId",
            "a target programme must be an mbo programme",
        ));
    }
    let partner_schools: Vec<i64> = partners_of(db, leerlab.id)
        .await?
        .iter()
        .map(|p| p.school_id)
        .collect();
    let related = partner_schools.contains(&school.id)
        || school
            .parent_id
            .is_some_and(|p| partner_schools.contains(&p));
    if !related {
        return Err(AppError::bad_input(
            "programmeId",
            "the programme's school is not a partner of this leerlab",
        ));
    }
    let txn = db::begin_write(db).await?;
    leerlab_target_programme::ActiveModel {
        leerlab_id: Set(leerlab.id),
        programme_id: Set(programme.id),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        conflict_on_duplicate(
            e,
            "this programme is already a target of the leerlab".to_owned(),
        )
    })?;
    audit::record_write(
        &txn,
        viewer,
        "leerlab.target.add",
        format!("Leerlab:{}/Programme:{}", leerlab.code, programme.id),
    )
    .await?;
    txn.commit().await?;
    Ok(leerlab)
}

/// `registerLeerroute`: a partner school records that it registered the leerroute with DUO.
/// Only for a leerroute kind with a signed agreement, and not before the agreement was signed.
pub async fn register_leerroute(
    db: &DatabaseConnection,
    viewer: &Viewer,
    leerlab_code: &str,
    school_brin: &str,
    registered_on: NaiveDate,
) -> AppResult<(leerlab::Model, leerlab_partner::Model)> {
    let leerlab = require_leerlab(db, leerlab_code, "leerlabCode").await?;
    let school = require_school(db, school_brin, "schoolBrin").await?;
    ensure(scope::catalogue::can_register_leerroute(
        viewer,
        school.id,
        leerlab.region_id,
    ))?;
    if !leerlab.kind.is_leerroute() {
        return Err(AppError::bad_input(
            "leerlabCode",
            "only a doorlopende or geïntegreerde leerroute is registered with DUO",
        ));
    }
    let Some(signed) = leerlab.agreement_signed_on else {
        return Err(AppError::bad_input(
            "leerlabCode",
            "the cooperation agreement must be signed (agreementSignedOn) before registering with DUO",
        ));
    };
    if registered_on < signed {
        return Err(AppError::bad_input(
            "registeredWithDuoOn",
            "registration cannot precede the signed agreement",
        ));
    }
    let partner = leerlab_partner::Entity::find()
        .filter(leerlab_partner::Column::LeerlabId.eq(leerlab.id))
        .filter(leerlab_partner::Column::SchoolId.eq(school.id))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::bad_input(
                "schoolBrin",
                format!("`{}` is not a partner of `{}`", school.brin, leerlab.code),
            )
        })?;
    let txn = db::begin_write(db).await?;
    let mut active: leerlab_partner::ActiveModel = partner.into();
    active.registered_with_duo_on = Set(Some(registered_on));
    let partner = active.update(&txn).await?;
    audit::record_write(
        &txn,
        viewer,
        "leerlab.register",
        format!("Leerlab:{}/School:{}", leerlab.code, school.brin),
    )
    .await?;
    txn.commit().await?;
    Ok((leerlab, partner))
}
