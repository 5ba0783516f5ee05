//! The row rules of pupil data (DESIGN.md 3 and 4b): which pupil records, applications and
//! signals a caller may reach, as conditions and subqueries the service layer adds to its SQL.
//! A row out of scope is never loaded, so "not yours" and "does not exist" look the same.

use chrono::{Duration, NaiveDate};
use entity::{application, coach_assignment, enrolment, signal, student};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    sea_query::SelectStatement,
};

use crate::auth::{Role, Viewer};
use crate::{
    domain::{
        SchoolYear,
        pipeline::{ApplicationStatus, SignalStatus, StudentStatus},
    },
    error::AppResult,
};

// Pupil records.
/// The pupils a caller may see, as a condition on `student`; `None` when they may see none.
///
/// - school staff: the persons with a record at their school (vmbo: every record of their pupils,
///   leavers included), with an enrolment at their school, or whose application to their school
///   reaches them ([`reaching_applicants`]);
/// - rmc: the persons of its region with a signal it works on ([`rmc_persons`]);
/// - a coach: the pupils currently assigned to them; a student: themselves; admin: everyone.
pub fn students(viewer: &Viewer, today: NaiveDate) -> Option<Condition> {
    match viewer.role() {
        Role::Admin => Some(Condition::all()),
        Role::SchoolStaff if !viewer.school_ids.is_empty() => {
            let enrolled_here = plausibly_enrolled_at(&viewer.school_ids);
            let applied_here = reaching_applicants(&viewer.school_ids, today);
            Some(
                Condition::any()
                    .add(student::Column::Pseudonym.in_subquery(persons_at(&viewer.school_ids)))
                    .add(student::Column::Pseudonym.in_subquery(enrolled_here))
                    .add(student::Column::Pseudonym.in_subquery(applied_here)),
            )
        }
        Role::Rmc => viewer.region_id.map(|region| {
            let persons = rmc_persons(region, today);
            Condition::all().add(student::Column::Pseudonym.in_subquery(persons))
        }),
        Role::Student => viewer
            .student_id
            .map(|id| Condition::all().add(student::Column::Id.eq(id))),
        Role::Coach => viewer.person_id.map(|person| {
            let assigned = coach_assignment::Entity::find()
                .select_only()
                .column(coach_assignment::Column::StudentId)
                .filter(coach_assignment::Column::PersonId.eq(person))
                .filter(current_assignment(today))
                .into_query();
            Condition::all().add(student::Column::Id.in_subquery(assigned))
        }),
        _ => None,
    }
}

/// The persons with a plausible enrolment at one of `school_ids`: one that started on or after
/// the day the person left vmbo (the exam date of a record that has `LEFT`). An enrolment file
/// can name any PGN with any date, so an enrolment alone (say, dated 2001, or of a pupil still
/// in school) reaches no vmbo record, transition, coach or evaluation (DESIGN.md 4b).
fn plausibly_enrolled_at(school_ids: &[i64]) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
    let left = Alias::new("left_record");
    Query::select()
        .column((enrolment::Entity, enrolment::Column::Pseudonym))
        .from(enrolment::Entity)
        .join_as(
            JoinType::InnerJoin,
            student::Entity,
            left.clone(),
            Expr::col((left.clone(), student::Column::Pseudonym))
                .equals((enrolment::Entity, enrolment::Column::Pseudonym)),
        )
        .and_where(
            Expr::col((enrolment::Entity, enrolment::Column::SchoolId)).is_in(school_ids.to_vec()),
        )
        .and_where(Expr::col((left.clone(), student::Column::Status)).eq(StudentStatus::Left))
        .and_where(
            Expr::col((enrolment::Entity, enrolment::Column::EnrolledOn))
                .gte(Expr::col((left, student::Column::ExamDate))),
        )
        .to_owned()
}

/// Of `ids`, the pupils the caller may see, by the rule of [`students`]: for every response that
/// carries pupil data outside the pupil queries themselves.
pub async fn visible_among(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
) -> AppResult<std::collections::HashSet<i64>> {
    let Some(condition) = students(viewer, viewer.today()).filter(|_| !ids.is_empty()) else {
        return Ok(Default::default());
    };
    let visible = student::Entity::find()
        .select_only()
        .column(student::Column::Id)
        .filter(student::Column::Id.is_in(ids.to_vec()))
        .filter(condition)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    Ok(visible.into_iter().collect())
}

/// An assignment that runs on `today`.
fn current_assignment(today: NaiveDate) -> Condition {
    Condition::all()
        .add(coach_assignment::Column::StartsOn.lte(today))
        .add(
            Condition::any()
                .add(coach_assignment::Column::EndsOn.is_null())
                .add(coach_assignment::Column::EndsOn.gte(today)),
        )
}

// Applications.

/// The persons (pseudonyms) with a record at one of `schools`.
pub fn persons_at(schools: &[i64]) -> SelectStatement {
    student::Entity::find()
        .select_only()
        .column(student::Column::Pseudonym)
        .filter(student::Column::SchoolId.is_in(schools.to_vec()))
        .into_query()
}

/// The persons with a record among `ids`.
fn persons_of_records(ids: SelectStatement) -> SelectStatement {
    student::Entity::find()
        .select_only()
        .column(student::Column::Pseudonym)
        .filter(student::Column::Id.in_subquery(ids))
        .into_query()
}

/// The applicants whose person mbo staff of `schools` may read (DESIGN.md 4b): an application
/// to one of those schools that is open (or enrolled), or that closed in the current school year
/// (until 31 July of the school year in which it closed). For the pupil scope of mbo staff.
pub fn reaching_applicants(schools: &[i64], today: NaiveDate) -> SelectStatement {
    let this_year = SchoolYear::containing(today).first_day();
    application::Entity::find()
        .select_only()
        .column(application::Column::Pseudonym)
        .filter(application::Column::SchoolId.is_in(schools.to_vec()))
        .filter(
            Condition::any()
                .add(application::Column::Status.is_in(ApplicationStatus::OPEN))
                .add(application::Column::StatusDate.gte(this_year)),
        )
        .into_query()
}

/// The pupils (record ids) a coach is assigned to on `today`.
pub fn coached_records(person: i64, today: NaiveDate) -> SelectStatement {
    coach_assignment::Entity::find()
        .select_only()
        .column(coach_assignment::Column::StudentId)
        .filter(coach_assignment::Column::PersonId.eq(person))
        .filter(coach_assignment::Column::StartsOn.lte(today))
        .filter(
            Condition::any()
                .add(coach_assignment::Column::EndsOn.is_null())
                .add(coach_assignment::Column::EndsOn.gte(today)),
        )
        .into_query()
}

/// The applications a caller may read, as a condition on `application`; `None` for none.
///
/// vmbo staff: every application of their pupils; mbo staff: the applications to their school
/// (never the applicant's others); a student their own; a coach those of the pupils assigned to
/// them now; rmc those of the pupils in its scope; admin all.
pub fn applications(viewer: &Viewer, today: NaiveDate) -> Option<Condition> {
    let pseudonym = application::Column::Pseudonym;
    match viewer.role() {
        Role::Admin => Some(Condition::all()),
        Role::SchoolStaff if !viewer.school_ids.is_empty() => Some(
            Condition::any()
                .add(application::Column::SchoolId.is_in(viewer.school_ids.clone()))
                .add(pseudonym.in_subquery(persons_at(&viewer.school_ids))),
        ),
        Role::Student => viewer.student_id.map(|id| {
            let own = student::Entity::find()
                .select_only()
                .column(student::Column::Id)
                .filter(student::Column::Id.eq(id))
                .into_query();
            Condition::all().add(pseudonym.in_subquery(persons_of_records(own)))
        }),
        Role::Coach => viewer.person_id.map(|person| {
            let coached = persons_of_records(coached_records(person, today));
            Condition::all().add(pseudonym.in_subquery(coached))
        }),
        Role::Rmc => viewer
            .region_id
            .map(|region| Condition::all().add(pseudonym.in_subquery(rmc_persons(region, today)))),
        _ => None,
    }
}

// Signals.

/// The persons `rmc` of `region` reads (DESIGN.md 4b): those of its region (their latest
/// record's) with an `OPEN` or `IN_PROGRESS` signal, or one resolved in the last 90 days.
pub fn rmc_persons(region: i64, today: NaiveDate) -> SelectStatement {
    let in_region = student::Entity::find()
        .select_only()
        .column(student::Column::Id)
        .filter(student::Column::RegionId.eq(region))
        .into_query();
    signal::Entity::find()
        .select_only()
        .column(signal::Column::Pseudonym)
        .filter(signal::Column::StudentId.in_subquery(in_region))
        .filter(
            Condition::any()
                .add(signal::Column::Status.ne(SignalStatus::Resolved))
                .add(signal::Column::ResolvedOn.gte(today - Duration::days(90))),
        )
        .into_query()
}

/// Persons with an open application to, or an enrolment at, one of `schools`: whose signals
/// mbo staff of those schools read.
fn persons_with_mbo_ties(schools: &[i64]) -> (SelectStatement, SelectStatement) {
    let applied = application::Entity::find()
        .select_only()
        .column(application::Column::Pseudonym)
        .filter(application::Column::SchoolId.is_in(schools.to_vec()))
        .filter(application::Column::Status.is_in(ApplicationStatus::OPEN))
        .into_query();
    let enrolled = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Pseudonym)
        .filter(enrolment::Column::SchoolId.is_in(schools.to_vec()))
        .into_query();
    (applied, enrolled)
}

/// The signals a caller may read, as a condition on `signal`; `None` for none (students never
/// read signals). vmbo staff: their pupils'; mbo staff: those of pupils with an open application
/// to, or an enrolment at, their school; a coach: their pupils'; rmc: those of the pupils in
/// its scope; admin: all.
pub fn signals(viewer: &Viewer, today: NaiveDate) -> Option<Condition> {
    let pseudonym = signal::Column::Pseudonym;
    match viewer.role() {
        Role::Admin => Some(Condition::all()),
        Role::SchoolStaff if !viewer.school_ids.is_empty() => {
            let (applied, enrolled) = persons_with_mbo_ties(&viewer.school_ids);
            Some(
                Condition::any()
                    .add(pseudonym.in_subquery(persons_at(&viewer.school_ids)))
                    .add(pseudonym.in_subquery(applied))
                    .add(pseudonym.in_subquery(enrolled)),
            )
        }
        Role::Coach => viewer.person_id.map(|person| {
            let records = coached_records(person, today);
            Condition::all().add(
                signal::Column::Pseudonym.in_subquery(
                    student::Entity::find()
                        .select_only()
                        .column(student::Column::Pseudonym)
                        .filter(student::Column::Id.in_subquery(records))
                        .into_query(),
                ),
            )
        }),
        Role::Rmc => viewer
            .region_id
            .map(|region| Condition::all().add(pseudonym.in_subquery(rmc_persons(region, today)))),
        _ => None,
    }
}

// What of a reachable person a caller sees.

/// Whether a person is `viewer`'s pupil: a record of theirs is at one of the viewer's schools.
pub fn is_their_pupil(viewer: &Viewer, record_schools: impl IntoIterator<Item = i64>) -> bool {
    record_schools
        .into_iter()
        .any(|school| viewer.covers_school(school))
}

/// Whether `viewer` sees a reachable person's applications only in part: school staff see all
/// of them for their own pupils ([`is_their_pupil`]), otherwise only those to their own schools
/// ([`sees_application`]); everyone else who reaches the person sees them all.
pub fn sees_applications_in_part(viewer: &Viewer) -> bool {
    viewer.role() == Role::SchoolStaff
}

/// For school staff ([`sees_applications_in_part`]): whether they see one application.
pub fn sees_application(viewer: &Viewer, their_pupil: bool, application_school_id: i64) -> bool {
    their_pupil || viewer.covers_school(application_school_id)
}

/// How a caller reads the signals of a person whose record they reach.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PersonSignals {
    /// Never: students do not see signals.
    Hidden,
    /// Through the signal scope ([`signals`]): staff of a school other than the record's, who see
    /// a signal only while the pupil has an open application to, or an enrolment at, their school.
    Scoped,
    /// All of them: everyone else who reaches the record.
    All,
}

/// How `viewer` reads the signals of a person whose record, at `record_school_id`, they reach.
pub fn person_signals(viewer: &Viewer, record_school_id: i64) -> PersonSignals {
    match viewer.role() {
        Role::Student => PersonSignals::Hidden,
        Role::SchoolStaff if !viewer.covers_school(record_school_id) => PersonSignals::Scoped,
        _ => PersonSignals::All,
    }
}

/// Whether the caller may work on a signal: `rmc` of the pupil's region, staff of the pupil's
/// vmbo school, admin.
pub async fn may_work_on_signal(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    found: &signal::Model,
) -> AppResult<bool> {
    Ok(match viewer.role() {
        Role::Admin => true,
        Role::Rmc => {
            let record = student::Entity::find_by_id(found.student_id)
                .one(db)
                .await?;
            record.is_some_and(|r| Some(r.region_id) == viewer.region_id)
        }
        Role::SchoolStaff => student::Entity::find()
            .filter(student::Column::Pseudonym.eq(found.pseudonym.as_str()))
            .filter(student::Column::SchoolId.is_in(viewer.school_ids.clone()))
            .one(db)
            .await?
            .is_some(),
        _ => false,
    })
}

/// Who manages a pupil record (links a login to it, assigns its coach): staff of the record's
/// school, or admin.
pub fn manages_record(viewer: &Viewer, record_school_id: i64) -> bool {
    matches!(viewer.role(), Role::Admin | Role::SchoolStaff)
        && viewer.covers_school(record_school_id)
}

/// Who records and updates a school's applications: its own staff, or admin.
pub fn records_applications_of(viewer: &Viewer, school_id: i64) -> bool {
    matches!(viewer.role(), Role::Admin | Role::SchoolStaff) && viewer.covers_school(school_id)
}
