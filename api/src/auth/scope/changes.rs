//! Which rows of the change feed (`changes(since:)`, DESIGN.md 4c) a caller hears of at all: a
//! region's callers their region's, everyone the current catalogue, and of pupil data what their
//! scope reaches (school staff their schools', a pupil their own record, a coach their region's).
//! Each row the feed then delivers is still loaded through the pupil scope.

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};

use crate::{
    auth::{Role, Viewer},
    db,
    service::changes::CATALOGUE,
};

/// A column of the feed's `change_entry` rows (`e`).
pub(crate) fn e(column: &str) -> Expr {
    Expr::col((Alias::new("e"), Alias::new(column)))
}

/// The change rows a caller may hear of at all: their region's (callers with a `region` claim),
/// else the current rows of the catalogue and those of pupil data at their school.
pub fn audience(viewer: &Viewer) -> Option<Condition> {
    let current = Condition::all().add(e("moved").eq(0));
    let catalogue = e("type").is_in(CATALOGUE);
    match viewer.role() {
        Role::Admin => Some(current),
        Role::Coordinator | Role::Integration => viewer.region_id.map(|region| {
            Condition::all()
                .add(e("region_id").eq(region))
                .add(catalogue)
        }),
        Role::Rmc => viewer.region_id.map(|region| {
            let mut types = CATALOGUE.to_vec();
            types.extend(["Student", "Application", "Signal"]);
            Condition::all()
                .add(e("region_id").eq(region))
                .add(e("type").is_in(types))
        }),
        Role::SchoolStaff if !viewer.school_ids.is_empty() => {
            let schools = viewer.school_ids.clone();
            let mut pupils = Condition::any().add(
                Condition::all()
                    .add(e("type").is_in(["Student", "Signal", "ImportRun", "Application"]))
                    .add(e("school_id").is_in(schools)),
            );
            // mbo staff: the records of persons who applied or enrolled there, so that they
            // hear a DELETE when that reach ends.
            let list = viewer
                .school_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let tied = db::sql_template(
                include_str!("sql/changes_mbo_staff_pupils.sql"),
                &[("list", &list)],
            );
            pupils = pupils.add(
                Condition::all()
                    .add(e("type").eq("Student"))
                    .add(Expr::cust(format!("e.row_id IN ({tied})"))),
            );
            if let Some(region) = viewer.school_region_id {
                // The applications of their pupils to other schools.
                pupils = pupils.add(
                    Condition::all()
                        .add(e("type").eq("Application"))
                        .add(e("region_id").eq(region)),
                );
            }
            Some(current.add(Condition::any().add(catalogue).add(pupils)))
        }
        Role::Student => {
            let mut any = Condition::any().add(catalogue);
            if let Some(id) = viewer.student_id {
                any = any.add(
                    Condition::all()
                        .add(e("type").eq("Student"))
                        .add(e("row_id").eq(id)),
                );
            }
            if let Some(region) = viewer.school_region_id {
                any = any.add(
                    Condition::all()
                        .add(e("type").eq("Application"))
                        .add(e("region_id").eq(region)),
                );
            }
            Some(current.add(any))
        }
        Role::Coach => {
            let mut any = Condition::any().add(catalogue);
            if let Some(person) = viewer.person_id {
                any = any.add(
                    Condition::all()
                        .add(e("type").is_in(["Student", "Application", "Signal"]))
                        .add(e("region_id").in_subquery(coach_region(person))),
                );
            }
            Some(current.add(any))
        }
        _ => None,
    }
}

/// The region of a coach's school.
fn coach_region(person: i64) -> SelectStatement {
    let (p, s) = (Alias::new("p"), Alias::new("s"));
    Query::select()
        .column((s.clone(), Alias::new("region_id")))
        .from_as(entity::person::Entity, p.clone())
        .join_as(
            sea_orm::sea_query::JoinType::InnerJoin,
            entity::school::Entity,
            s.clone(),
            Expr::col((s, Alias::new("id"))).equals((p.clone(), Alias::new("school_id"))),
        )
        .and_where(Expr::col((p, Alias::new("id"))).eq(person))
        .to_owned()
}
