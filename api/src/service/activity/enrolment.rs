//! Pupils in activities: enrolment (one conditional `UPDATE` takes the place, so two pupils
//! never both get the last one) and attendance with the pupil's own reflection.

use chrono::Utc;
use entity::{activity, activity_enrolment, activity_school, school, student};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter,
};

use super::{lifecycle::lock, require_visible};
use crate::{
    audit::{self, PupilData, Read, Sealed},
    auth::{Role, Viewer, policy::ensure, scope::activities},
    db,
    domain::activity::{ActivityStatus, Attendance},
    error::{AppError, AppResult},
    service::{catalogue::conflict_on_duplicate, optional_text, pupils::student_target},
};

/// An enrolment with the school of its pupil, which decides who may see it.
#[derive(Clone, Debug)]
pub struct EnrolmentRow {
    pub enrolment: activity_enrolment::Model,
    pub student_school_id: i64,
}

impl PupilData for EnrolmentRow {
    fn reads(&self, reads: &mut Vec<Read>) {
        self.enrolment.reads(reads);
    }
}

/// `enrolInActivity`: a pupil takes a place. A student enrols themself; staff enrol pupils of
/// their own school; admin anyone. Refused with CONFLICT when the activity is full, not
/// published, or the pupil is already enrolled.
pub async fn enrol(
    db: &DatabaseConnection,
    viewer: &Viewer,
    activity_id: i64,
    student_id: i64,
) -> AppResult<(activity::Model, Sealed<EnrolmentRow>)> {
    let pupil = require_pupil_in_scope(db, viewer, student_id).await?;
    let activity = require_visible(db, viewer, activity_id, "activityId").await?;
    if !takes_part(db, &activity, pupil.school_id).await? {
        return Err(AppError::bad_input(
            "studentId",
            "the pupil's school does not take part in this activity",
        ));
    }
    let txn = db::begin_write(db).await?;
    let taken = db::execute(
        &txn,
        include_str!("../sql/activity_take_place.sql"),
        vec![activity_id.into(), ActivityStatus::Published.into()],
    )
    .await?;
    if taken == 0 {
        return Err(why_no_place(&txn, activity_id).await);
    }
    let enrolment = activity_enrolment::ActiveModel {
        activity_id: Set(activity_id),
        student_id: Set(pupil.id),
        enrolled_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| conflict_on_duplicate(e, "the pupil is already enrolled".to_owned()))?;
    let target = format!("Activity:{activity_id}/{}", student_target(pupil.id));
    audit::record_write(&txn, viewer, "activity.enrol", target).await?;
    let activity = lock(&txn, activity_id).await?;
    txn.commit().await?;
    let row = EnrolmentRow {
        enrolment,
        student_school_id: pupil.school_id,
    };
    Ok((activity, Sealed::new(row)))
}

/// `withdrawFromActivity`: a pupil gives up their place (the same callers as `enrolInActivity`).
/// The place is freed in the transaction that deletes the enrolment; a cancelled activity keeps
/// its enrolments as they were (`CONFLICT`), and a pupil who is not enrolled is `NOT_FOUND`.
pub async fn withdraw(
    db: &DatabaseConnection,
    viewer: &Viewer,
    activity_id: i64,
    student_id: i64,
) -> AppResult<activity::Model> {
    let pupil = require_pupil_in_scope(db, viewer, student_id).await?;
    let activity = require_visible(db, viewer, activity_id, "activityId").await?;
    if activity.status == ActivityStatus::Cancelled {
        return Err(AppError::conflict("the activity is cancelled"));
    }
    let txn = db::begin_write(db).await?;
    let removed = activity_enrolment::Entity::delete_many()
        .filter(activity_enrolment::Column::ActivityId.eq(activity_id))
        .filter(activity_enrolment::Column::StudentId.eq(pupil.id))
        .exec(&txn)
        .await?
        .rows_affected;
    if removed == 0 {
        return Err(AppError::not_found_in(
            "studentId",
            "the pupil is not enrolled",
        ));
    }
    db::execute(
        &txn,
        include_str!("../sql/activity_give_back_place.sql"),
        vec![activity_id.into()],
    )
    .await?;
    let target = format!("Activity:{activity_id}/{}", student_target(pupil.id));
    audit::record_write(&txn, viewer, "activity.withdraw", target).await?;
    let activity = lock(&txn, activity_id).await?;
    txn.commit().await?;
    Ok(activity)
}

/// Why the conditional UPDATE took no place: a CONFLICT that says so.
async fn why_no_place(txn: &impl ConnectionTrait, activity_id: i64) -> AppError {
    let current = match activity::Entity::find_by_id(activity_id).one(txn).await {
        Ok(Some(current)) => current,
        Ok(None) => return AppError::not_found_in("activityId", "no such activity"),
        Err(err) => return err.into(),
    };
    match current.status {
        ActivityStatus::Draft => AppError::conflict("the activity is not published yet"),
        ActivityStatus::Cancelled => AppError::conflict("the activity is cancelled"),
        ActivityStatus::Published => AppError::conflict("the activity is full"),
    }
}

/// What `recordAttendance` changes: attendance (staff) and/or reflection (the pupil).
#[derive(Clone, Debug, Default)]
pub struct AttendanceChanges {
    pub attendance: Option<Attendance>,
    pub reflection: Option<String>,
}

/// `recordAttendance`: staff of the host school or of the pupil's school record presence; only
/// the pupil themself writes their reflection.
pub async fn record_attendance(
    db: &DatabaseConnection,
    viewer: &Viewer,
    activity_id: i64,
    student_id: i64,
    input: AttendanceChanges,
) -> AppResult<(activity::Model, Sealed<EnrolmentRow>)> {
    if input.attendance.is_none() && input.reflection.is_none() {
        return Err(AppError::bad_input(
            "attendance",
            "give an attendance, a reflection or both",
        ));
    }
    let activity = require_visible(db, viewer, activity_id, "activityId").await?;
    let pupil = student::Entity::find_by_id(student_id).one(db).await?;
    let pupil_school = pupil.as_ref().map(|p| p.school_id);
    ensure(
        (input.attendance.is_none()
            || activities::may_record_attendance(viewer, &activity, pupil_school))
            && (input.reflection.is_none() || activities::may_reflect(viewer, student_id)),
    )?;
    let reflection = optional_text("reflection", input.reflection.as_deref(), 4000)?;
    if activity.status != ActivityStatus::Published {
        return Err(AppError::conflict(
            "attendance is recorded for published activities only",
        ));
    }
    let enrolment = activity_enrolment::Entity::find()
        .filter(activity_enrolment::Column::ActivityId.eq(activity_id))
        .filter(activity_enrolment::Column::StudentId.eq(student_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_in("studentId", "the pupil is not enrolled"))?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let mut active: activity_enrolment::ActiveModel = enrolment.into();
    if let Some(attendance) = input.attendance {
        active.attendance = Set(Some(attendance));
        active.attendance_recorded_at = Set(Some(now));
    }
    if reflection.is_some() {
        active.reflection = Set(reflection);
        active.reflected_at = Set(Some(now));
    }
    let enrolment = active.update(&txn).await?;
    let target = format!("Activity:{activity_id}/{}", student_target(student_id));
    audit::record_write(&txn, viewer, "activity.attendance", target).await?;
    txn.commit().await?;
    let row = EnrolmentRow {
        enrolment,
        student_school_id: pupil.map_or(0, |p| p.school_id),
    };
    Ok((activity, Sealed::new(row)))
}

/// The pupil a viewer may enrol: themself (student), their own school's pupils (staff), anyone
/// (admin). Out of scope is FORBIDDEN whether or not the pupil exists.
async fn require_pupil_in_scope(
    db: &DatabaseConnection,
    viewer: &Viewer,
    student_id: i64,
) -> AppResult<student::Model> {
    if viewer.role() == Role::Student {
        ensure(viewer.student_id == Some(student_id))?;
    }
    match student::Entity::find_by_id(student_id).one(db).await? {
        None if viewer.is_admin() => Err(AppError::not_found_in("studentId", "no such pupil")),
        Some(pupil) if activities::may_enrol(viewer, student_id, pupil.school_id) => Ok(pupil),
        _ => Err(AppError::Forbidden),
    }
}

/// Whether a school (or the institution it is a location of) takes part in the activity.
async fn takes_part(
    db: &impl ConnectionTrait,
    activity: &activity::Model,
    school_id: i64,
) -> AppResult<bool> {
    let school = school::Entity::find_by_id(school_id).one(db).await?;
    let candidates: Vec<i64> = school
        .map(|s| [Some(s.id), s.parent_id].into_iter().flatten().collect())
        .unwrap_or_default();
    let found = activity_school::Entity::find()
        .filter(activity_school::Column::ActivityId.eq(activity.id))
        .filter(activity_school::Column::SchoolId.is_in(candidates))
        .count(db)
        .await?;
    Ok(found > 0)
}
