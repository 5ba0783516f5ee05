//! Links from an identity provider's subject to a pupil record.
//!
//! A token of an identity provider names the person by the provider's `sub`, which is not one
//! of our ids (a numeric `sub` must never read `Student:N`). Such a student reaches pupil data
//! only once an admin or their school has linked the subject to their record, and only while
//! their token's school covers that record.

use chrono::Utc;
use entity::{identity_link, student};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::{
    audit::{self, Sealed},
    auth::{Role, Viewer, policy::ensure, scope},
    db,
    error::{AppError, AppResult},
    service::pupils::student_target,
};

/// The longest issuer or subject accepted (the column's size).
const MAX_LENGTH: usize = 255;

/// The record linked to `subject` of the provider `issuer`, if that record is at a school the
/// token covers. A link made without an issuer ("") holds for the subject under any issuer.
pub async fn linked_student(
    db: &impl ConnectionTrait,
    issuer: &str,
    subject: &str,
    school_ids: &[i64],
) -> Result<Option<i64>, DbErr> {
    if school_ids.is_empty() {
        return Ok(None);
    }
    let links = identity_link::Entity::find()
        .filter(identity_link::Column::Subject.eq(subject))
        .filter(identity_link::Column::Issuer.is_in([issuer, ""]))
        // The link under the token's own issuer wins over one without an issuer.
        .order_by_desc(identity_link::Column::Issuer)
        .all(db)
        .await?;
    let Some(link) = links.into_iter().next() else {
        return Ok(None);
    };
    let record = student::Entity::find_by_id(link.student_id)
        .filter(student::Column::SchoolId.is_in(school_ids.to_vec()))
        .one(db)
        .await?;
    Ok(record.map(|r| r.id))
}

/// `linkIdentity`: links a provider's subject to a pupil record (staff of the record's school,
/// admin). A subject already linked to a record the caller does not cover is FORBIDDEN, so
/// no school can take over another school's pupil's login.
pub async fn link_identity(
    db: &DatabaseConnection,
    viewer: &Viewer,
    student_id: i64,
    issuer: &str,
    subject: &str,
) -> AppResult<Sealed<student::Model>> {
    ensure(viewer.is_admin() || viewer.role() == Role::SchoolStaff)?;
    let subject = subject.trim();
    let issuer = issuer.trim();
    if subject.is_empty() || subject.len() > MAX_LENGTH {
        return Err(AppError::bad_input(
            "subject",
            format!("the subject is the provider's `sub`: 1 to {MAX_LENGTH} characters"),
        ));
    }
    if issuer.len() > MAX_LENGTH {
        return Err(AppError::bad_input(
            "issuer",
            format!("the issuer is at most {MAX_LENGTH} characters"),
        ));
    }
    let record = student::Entity::find_by_id(student_id).one(db).await?;
    let record = match record {
        Some(r) if scope::manages_record(viewer, r.school_id) => r,
        None if viewer.is_admin() => return Err(AppError::not_found("no such student")),
        _ => return Err(AppError::Forbidden),
    };
    let txn = db::begin_write(db).await?;
    let existing = identity_link::Entity::find()
        .filter(identity_link::Column::Issuer.eq(issuer))
        .filter(identity_link::Column::Subject.eq(subject))
        .one(&txn)
        .await?;
    let now = Utc::now();
    match existing {
        Some(link) => {
            let linked = student::Entity::find_by_id(link.student_id)
                .one(&txn)
                .await?;
            ensure(linked.is_none_or(|l| scope::manages_record(viewer, l.school_id)))?;
            let mut active: identity_link::ActiveModel = link.into();
            active.student_id = Set(record.id);
            active.linked_by = Set(viewer.subject());
            active.linked_at = Set(now);
            active.update(&txn).await?;
        }
        None => {
            identity_link::ActiveModel {
                issuer: Set(issuer.to_owned()),
                subject: Set(subject.to_owned()),
                student_id: Set(record.id),
                linked_by: Set(viewer.subject()),
                linked_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record_write(&txn, viewer, "identity.link", student_target(record.id)).await?;
    txn.commit().await?;
    Ok(Sealed::new(record))
}
