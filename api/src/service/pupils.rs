//! Pupil records: who may see which pupil, and the writes on pupils (coach, self-evaluation).
//!
//! Scope lives in the SQL: every query on `student` carries the rule of
//! [`students`](crate::auth::scope::students), so a pupil outside the caller's scope is never
//! loaded, and "not yours" and "does not exist" look the same.

use chrono::{NaiveDate, Utc};
use entity::{
    coach_assignment, person, self_evaluation, self_evaluation_need, student, transition,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::{Page, PageArgs, catalogue, leerlab, optional_text, page_by_id};
use crate::{
    audit::{self, PupilData, Read, Sealed},
    auth::{Role, Viewer, policy::ensure, scope::students},
    db,
    domain::{
        EnrolmentStatus, Leerweg, Need, PersonFunction, Profile, SchoolYear, TextList,
        pipeline::{SignalStatus, StudentStatus},
    },
    error::{AppError, AppResult},
};

pub use crate::auth::scope::visible_among;

/// Filters of `students(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct StudentFilter {
    pub school_brin: Option<String>,
    pub school_year: Option<String>,
    pub leerweg: Option<Leerweg>,
    pub profile: Option<Profile>,
    pub leerlab_code: Option<String>,
    pub has_transition: Option<bool>,
    pub year: Option<i32>,
    pub status: Option<StudentStatus>,
    pub has_application: Option<bool>,
    pub has_open_signal: Option<bool>,
}

/// Filters of `transitions(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct TransitionFilter {
    pub vo_school_brin: Option<String>,
    pub mbo_school_brin: Option<String>,
    pub school_year: Option<String>,
    pub crebo: Option<String>,
    pub status: Option<EnrolmentStatus>,
}

/// A condition that matches nothing (an unknown code in a filter).
fn nothing() -> Condition {
    Condition::all().add(student::Column::Id.lt(0))
}

async fn school_condition(
    db: &impl ConnectionTrait,
    brin: &str,
    column: student::Column,
) -> AppResult<Condition> {
    Ok(match catalogue::school_by_brin(db, brin).await? {
        Some(school) => Condition::all().add(column.eq(school.id)),
        None => nothing(),
    })
}

fn school_year_condition(year: &str) -> AppResult<Condition> {
    let year = SchoolYear::parse(year).ok_or_else(|| {
        AppError::bad_input(
            "schoolYear",
            format!("`{year}` is not a school year like 2024-2025"),
        )
    })?;
    Ok(Condition::all().add(student::Column::Cohort.eq(year.0)))
}

pub async fn list_students(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &StudentFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Sealed<Page<student::Model>>> {
    let mut condition = Condition::all().add(scope_or_forbidden(viewer)?);
    if let Some(brin) = &filter.school_brin {
        condition = condition.add(school_condition(db, brin, student::Column::SchoolId).await?);
    }
    if let Some(year) = &filter.school_year {
        condition = condition.add(school_year_condition(year)?);
    }
    if let Some(leerweg) = filter.leerweg {
        condition = condition.add(student::Column::Leerweg.eq(leerweg));
    }
    if let Some(profile) = filter.profile {
        condition = condition.add(student::Column::Profile.eq(profile));
    }
    if let Some(code) = &filter.leerlab_code {
        condition = condition.add(match leerlab::leerlab_by_code(db, code).await? {
            Some(lab) => Condition::all().add(student::Column::LeerlabId.eq(lab.id)),
            None => nothing(),
        });
    }
    if let Some(year) = filter.year {
        condition = condition.add(student::Column::Year.eq(year));
    }
    if let Some(status) = filter.status {
        condition = condition.add(student::Column::Status.eq(status));
    }
    if let Some(has) = filter.has_application {
        let applicants = entity::application::Entity::find()
            .select_only()
            .column(entity::application::Column::Pseudonym)
            .into_query();
        condition = condition.add(if has {
            student::Column::Pseudonym.in_subquery(applicants)
        } else {
            student::Column::Pseudonym.not_in_subquery(applicants)
        });
    }
    if let Some(has) = filter.has_open_signal {
        let signalled = entity::signal::Entity::find()
            .select_only()
            .column(entity::signal::Column::Pseudonym)
            .filter(entity::signal::Column::Status.ne(SignalStatus::Resolved))
            .into_query();
        condition = condition.add(if has {
            student::Column::Pseudonym.in_subquery(signalled)
        } else {
            student::Column::Pseudonym.not_in_subquery(signalled)
        });
    }
    if let Some(has) = filter.has_transition {
        let with_transition = transitions_where(Condition::all());
        condition = condition.add(if has {
            student::Column::Id.in_subquery(with_transition)
        } else {
            student::Column::Id.not_in_subquery(with_transition)
        });
    }
    Ok(Sealed::new(
        page_of_students(db, condition, page, want_total).await?,
    ))
}

/// A pupil record read for its transition: its read is audited as `transition.read`.
#[derive(Clone, Debug)]
pub struct TransitionRecord(pub student::Model);

impl PupilData for TransitionRecord {
    fn reads(&self, reads: &mut Vec<Read>) {
        reads.push(("transition.read", student_target(self.0.id)));
    }
}

pub async fn list_transitions(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &TransitionFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Sealed<Page<TransitionRecord>>> {
    let mut condition = Condition::all().add(scope_or_forbidden(viewer)?);
    if let Some(brin) = &filter.vo_school_brin {
        condition = condition.add(school_condition(db, brin, student::Column::SchoolId).await?);
    }
    if let Some(year) = &filter.school_year {
        condition = condition.add(school_year_condition(year)?);
    }
    let mut of_transition = Condition::all();
    if let Some(brin) = &filter.mbo_school_brin {
        let school = catalogue::school_by_brin(db, brin)
            .await?
            .map_or(-1, |s| s.id);
        of_transition = of_transition.add(transition::Column::SchoolId.eq(school));
    }
    if let Some(crebo) = &filter.crebo {
        of_transition = of_transition.add(transition::Column::Crebo.eq(crebo.as_str()));
    }
    if let Some(status) = filter.status {
        of_transition = of_transition.add(transition::Column::Status.eq(status));
    }
    condition = condition.add(student::Column::Id.in_subquery(transitions_where(of_transition)));
    let page = page_of_students(db, condition, page, want_total).await?;
    Ok(Sealed::new(page.map(TransitionRecord)))
}

/// The ids of the pupils whose transition matches `condition`.
fn transitions_where(condition: Condition) -> sea_orm::sea_query::SelectStatement {
    transition::Entity::find()
        .select_only()
        .column(transition::Column::StudentId)
        .filter(condition)
        .into_query()
}

/// The caller's pupil scope; `FORBIDDEN` for roles that see no pupils.
fn scope_or_forbidden(viewer: &Viewer) -> AppResult<Condition> {
    students(viewer, viewer.today()).ok_or(AppError::Forbidden)
}

async fn page_of_students(
    db: &DatabaseConnection,
    condition: Condition,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Page<student::Model>> {
    let select = student::Entity::find().filter(condition);
    page_by_id(db, select, student::Column::Id, page, want_total).await
}

/// One pupil the caller may see. Out of scope and nonexistent give the same `FORBIDDEN`
/// (admin, who sees everything, gets `NOT_FOUND` for an id that does not exist).
pub async fn get_student(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Sealed<student::Model>> {
    Ok(Sealed::new(find_student(db, viewer, id).await?))
}

/// [`get_student`] for the writes here, which hand out nothing but what they return.
async fn find_student(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<student::Model> {
    let found = student::Entity::find_by_id(id)
        .filter(scope_or_forbidden(viewer)?)
        .one(db)
        .await?;
    match found {
        Some(student) => Ok(student),
        None if viewer.is_admin() => Err(AppError::not_found("no such student")),
        None => Err(AppError::Forbidden),
    }
}

/// `assignCoach`: a person whose function is coach becomes the pupil's supercoach from `from`;
/// the previous assignment ends the day before (the history is kept).
pub async fn assign_coach(
    db: &DatabaseConnection,
    viewer: &Viewer,
    student_id: i64,
    person_id: i64,
    from: NaiveDate,
) -> AppResult<Sealed<student::Model>> {
    ensure(viewer.is_admin() || viewer.role() == Role::SchoolStaff)?;
    let student = find_student(db, viewer, student_id).await?;
    let coach = person::Entity::find_by_id(person_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found_in("personId", "no such person"))?;
    if coach.function != PersonFunction::Coach {
        return Err(AppError::bad_input(
            "personId",
            "only a person whose function is COACH can be a supercoach",
        ));
    }
    let txn = db::begin_write(db).await?;
    let open = coach_assignment::Entity::find()
        .filter(coach_assignment::Column::StudentId.eq(student.id))
        .filter(
            Condition::any()
                .add(coach_assignment::Column::EndsOn.is_null())
                .add(coach_assignment::Column::EndsOn.gte(from)),
        )
        .order_by_asc(coach_assignment::Column::StartsOn)
        .all(&txn)
        .await?;
    for assignment in open {
        if assignment.starts_on >= from {
            return Err(AppError::bad_input(
                "from",
                format!(
                    "the pupil already has a coach from {}; assign from a later date",
                    assignment.starts_on
                ),
            ));
        }
        let mut active: coach_assignment::ActiveModel = assignment.into();
        active.ends_on = Set(from.pred_opt());
        active.update(&txn).await?;
    }
    coach_assignment::ActiveModel {
        student_id: Set(student.id),
        person_id: Set(coach.id),
        starts_on: Set(from),
        ends_on: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record_write(
        &txn,
        viewer,
        "student.coach.assign",
        student_target(student.id),
    )
    .await?;
    txn.commit().await?;
    Ok(Sealed::new(student))
}

/// What a pupil says in a self-evaluation.
pub struct NewEvaluation {
    pub wellbeing: i32,
    pub study_skills: i32,
    pub life_skills: i32,
    pub choice_certainty: i32,
    pub needs: Vec<Need>,
    pub comment: Option<String>,
}

/// `submitSelfEvaluation`: a pupil evaluates their own route (admin may too, e.g. from paper).
pub async fn submit_self_evaluation(
    db: &DatabaseConnection,
    viewer: &Viewer,
    student_id: i64,
    input: NewEvaluation,
) -> AppResult<self_evaluation::Model> {
    ensure(viewer.is_admin() || viewer.student_id == Some(student_id))?;
    let student = find_student(db, viewer, student_id).await?;
    let scores = [
        ("wellbeing", input.wellbeing),
        ("studySkills", input.study_skills),
        ("lifeSkills", input.life_skills),
        ("choiceCertainty", input.choice_certainty),
    ];
    for (field, score) in scores {
        if !(1..=5).contains(&score) {
            return Err(AppError::bad_input(
                field,
                format!("`{field}` is a score from 1 to 5"),
            ));
        }
    }
    let mut needs = input.needs.clone();
    needs.sort();
    needs.dedup();
    let comment = optional_text("comment", input.comment.as_deref(), 4000)?;
    let txn = db::begin_write(db).await?;
    let evaluation = self_evaluation::ActiveModel {
        student_id: Set(student.id),
        submitted_at: Set(Utc::now()),
        wellbeing: Set(input.wellbeing as i16),
        study_skills: Set(input.study_skills as i16),
        life_skills: Set(input.life_skills as i16),
        choice_certainty: Set(input.choice_certainty as i16),
        needs: Set(TextList(needs.clone())),
        comment: Set(comment),
        follow_up: Set(None),
        follow_up_by: Set(None),
        follow_up_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if !needs.is_empty() {
        let rows = needs.iter().map(|need| self_evaluation_need::ActiveModel {
            evaluation_id: Set(evaluation.id),
            student_id: Set(student.id),
            need: Set(*need),
            ..Default::default()
        });
        self_evaluation_need::Entity::insert_many(rows)
            .exec(&txn)
            .await?;
    }
    audit::record_write(
        &txn,
        viewer,
        "student.evaluation.submit",
        student_target(student.id),
    )
    .await?;
    txn.commit().await?;
    Ok(evaluation)
}

/// `recordEvaluationFollowUp`: the pupil's current coach notes what was done with an evaluation.
pub async fn record_follow_up(
    db: &DatabaseConnection,
    viewer: &Viewer,
    evaluation_id: i64,
    follow_up: &str,
) -> AppResult<self_evaluation::Model> {
    let evaluation = self_evaluation::Entity::find_by_id(evaluation_id)
        .one(db)
        .await?;
    let Some(evaluation) = evaluation else {
        return Err(if viewer.is_admin() {
            AppError::not_found("no such evaluation")
        } else {
            AppError::Forbidden
        });
    };
    // The coach scope of `get_student` admits only the pupil's current coach.
    find_student(db, viewer, evaluation.student_id).await?;
    ensure(viewer.is_admin() || viewer.role() == Role::Coach)?;
    let text = super::required_text("followUp", follow_up, 4000)?;
    let txn = db::begin_write(db).await?;
    let mut active: self_evaluation::ActiveModel = evaluation.into();
    active.follow_up = Set(Some(text));
    active.follow_up_by = Set(viewer.person_id);
    active.follow_up_at = Set(Some(Utc::now()));
    let evaluation = active.update(&txn).await?;
    audit::record_write(
        &txn,
        viewer,
        "student.evaluation.follow_up",
        student_target(evaluation.student_id),
    )
    .await?;
    txn.commit().await?;
    Ok(evaluation)
}

/// The audit-log target of a pupil: their global id, never anything that identifies them.
pub fn student_target(id: i64) -> String {
    format!("Student:{}", crate::ids::encode("Student", id).0)
}
