//! Joint activities: a draft exists only for those who may change it, and who records whose
//! enrolment, attendance and reflection.

use entity::activity;
use sea_orm::{ColumnTrait, Condition};

use crate::{
    auth::{Role, Viewer},
    domain::activity::ActivityStatus,
};

/// Whether `viewer` may change `activity` (and so see it as a draft): staff of the host school,
/// the region's coordinator, or admin.
pub fn may_write(viewer: &Viewer, activity: &activity::Model) -> bool {
    match viewer.role() {
        Role::Admin => true,
        Role::SchoolStaff => viewer.covers_school(activity.host_school_id),
        Role::Coordinator => viewer.covers_region(activity.region_id),
        _ => false,
    }
}

/// Whether `viewer` may know that `activity` exists.
pub fn may_see(viewer: &Viewer, activity: &activity::Model) -> bool {
    activity.status != ActivityStatus::Draft || may_write(viewer, activity)
}

/// [`may_see`] as a condition: published and cancelled activities for all, drafts only for those
/// who may write them.
pub fn visible_to(viewer: &Viewer) -> Condition {
    let public = activity::Column::Status.ne(ActivityStatus::Draft);
    let own_drafts = match viewer.role() {
        Role::Admin => return Condition::all(),
        Role::Coordinator => viewer.region_id.map(|r| activity::Column::RegionId.eq(r)),
        Role::SchoolStaff => {
            Some(activity::Column::HostSchoolId.is_in(viewer.school_ids.iter().copied()))
        }
        _ => None,
    };
    let mut condition = Condition::any().add(public);
    if let Some(own) = own_drafts {
        condition = condition.add(own);
    }
    condition
}

/// Whose enrolment `viewer` may make or withdraw: their own (student), their school's pupils'
/// (staff), anyone's (admin).
pub fn may_enrol(viewer: &Viewer, student_id: i64, pupil_school_id: i64) -> bool {
    match viewer.role() {
        Role::Admin => true,
        Role::Student => viewer.student_id == Some(student_id),
        Role::SchoolStaff => viewer.covers_school(pupil_school_id),
        _ => false,
    }
}

/// Who records a pupil's attendance: admin, or staff of the host school or of the pupil's school.
pub fn may_record_attendance(
    viewer: &Viewer,
    activity: &activity::Model,
    pupil_school_id: Option<i64>,
) -> bool {
    viewer.is_admin()
        || (viewer.role() == Role::SchoolStaff
            && (viewer.covers_school(activity.host_school_id)
                || pupil_school_id.is_some_and(|school| viewer.covers_school(school))))
}

/// Who writes a pupil's reflection on an activity: the pupil themself.
pub fn may_reflect(viewer: &Viewer, student_id: i64) -> bool {
    viewer.role() == Role::Student && viewer.student_id == Some(student_id)
}
