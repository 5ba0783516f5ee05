//! Who manages what of the catalogue: a region's schools and leerlabs, a school's own things;
//! and whose import runs a caller reads.

use entity::{import_run, school};
use sea_orm::{ColumnTrait, Condition};

use crate::auth::{Role, Viewer};

/// Who may create and change a region's schools and leerlabs: its coordinator, or admin. An
/// integration account reads its region but never writes it.
pub fn can_manage_region(viewer: &Viewer, region_id: i64) -> bool {
    viewer.role() != Role::Integration && viewer.covers_region(region_id)
}

/// Who may manage a school's own things (programmes, people, calendar, hosted activities):
/// its staff, a coordinator of its region, or admin.
pub fn can_manage_school(viewer: &Viewer, school: &school::Model) -> bool {
    match viewer.role() {
        Role::Admin => true,
        Role::SchoolStaff => viewer.covers_school(school.id),
        Role::Coordinator => viewer.covers_region(school.region_id),
        _ => false,
    }
}

/// Who may add a person without a school: a coordinator, or admin.
pub fn can_add_regional_person(viewer: &Viewer) -> bool {
    viewer.is_admin() || viewer.role() == Role::Coordinator
}

/// Who may register a leerroute with DUO for a school: the school's own staff, or whoever
/// manages the leerlab's region.
pub fn can_register_leerroute(viewer: &Viewer, school_id: i64, leerlab_region_id: i64) -> bool {
    match viewer.role() {
        Role::SchoolStaff => viewer.covers_school(school_id),
        _ => can_manage_region(viewer, leerlab_region_id),
    }
}

/// The import runs `viewer` may read: every run for admin, the runs uploaded for their schools
/// for school staff, none for anyone else. A run holds no pupil data.
pub fn import_runs(viewer: &Viewer) -> Condition {
    match viewer.role() {
        Role::Admin => Condition::all(),
        Role::SchoolStaff if !viewer.school_ids.is_empty() => Condition::all()
            .add(import_run::Column::SchoolId.is_in(viewer.school_ids.iter().copied())),
        _ => Condition::all().add(import_run::Column::Id.lt(0)),
    }
}

/// The schools whose records an import by `viewer` may write: their own for school staff;
/// `None` (any school) for admin and the command line. A row of another school's pupil is
/// refused, so no upload takes a pupil over.
pub fn import_schools(viewer: &Viewer) -> Option<&[i64]> {
    (viewer.role() == Role::SchoolStaff).then_some(viewer.school_ids.as_slice())
}
