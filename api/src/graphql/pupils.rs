//! Pupil records in GraphQL: leavers, their transitions, supercoach and self-evaluations, and
//! the CSV imports. Every pupil that leaves through here is written to the audit log.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Upload};
use entity::{coach_assignment, self_evaluation, student, transition};

use super::{
    catalogue::{Person, School},
    connection::{Conn, from_page},
    context::{audit, db, loader, selects, settings, viewer},
    leerlab::Leerlab,
    loaders::{
        CoachAssignmentsOfStudent, EvaluationsOfStudent, LeerlabById, PersonById, SchoolById,
        TransitionOfStudent,
    },
    scalars::Date,
};
use crate::{
    domain::{EnrolmentStatus, Leerweg, Need, Profile},
    error::{AppError, AppResult},
    ids,
    import::{self, ImportKind, ImportSummary},
    service::{
        PageArgs,
        pupils::{self as service, NewEvaluation, StudentFilter, TransitionFilter, student_target},
    },
};

/// Notes in the audit trail that these pupils were read.
fn audited(ctx: &Context<'_>, action: &str, rows: &[student::Model]) -> AppResult<()> {
    let trail = audit(ctx)?;
    for row in rows {
        trail.read(action, student_target(row.id));
    }
    Ok(())
}

/// A pupil who left a vmbo school in a school year (pseudonymised: no name, no PGN).
pub struct Student(pub student::Model);

/// A pupil who left a vmbo school in a school year (pseudonymised: no name, no PGN).
#[Object]
impl Student {
    /// Opaque global id (Relay). A student's token carries it as `sub`.
    pub async fn id(&self) -> ID {
        ids::encode("Student", self.0.id)
    }

    /// The vmbo school the pupil left (for mbo staff: the pupil's vmbo background).
    async fn school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.0.school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("student without school"))
    }

    /// The vmbo track.
    async fn leerweg(&self) -> Leerweg {
        Leerweg::from_db(&self.0.leerweg)
    }

    /// The vmbo profiel.
    async fn profile(&self) -> Profile {
        Profile::from_db(&self.0.profile)
    }

    /// The school year in which the pupil left vmbo, such as `2024-2025` (their cohort).
    async fn school_year(&self) -> &str {
        &self.0.school_year
    }

    /// Date of the pupil's final exam.
    async fn exam_date(&self) -> Date {
        Date(self.0.exam_date)
    }

    /// The crebo of the mbo programme the pupil chose, if known.
    async fn choice_crebo(&self) -> Option<&str> {
        self.0.choice_crebo.as_deref()
    }

    /// When the pupil made that choice.
    async fn choice_date(&self) -> Option<Date> {
        self.0.choice_date.map(Date)
    }

    /// Whether the pupil chose before their exam (the leerlab's aim: choose early).
    async fn chose_before_exam(&self) -> bool {
        self.0.chose_before_exam
    }

    /// The leerlab the pupil took part in.
    async fn leerlab(&self, ctx: &Context<'_>) -> AppResult<Option<Leerlab>> {
        let Some(id) = self.0.leerlab_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(LeerlabById(id)).await?.map(Leerlab))
    }

    /// The pupil's step to mbo: the earliest enrolment in the school year after leaving; null if none.
    async fn transition(&self, ctx: &Context<'_>) -> AppResult<Option<Transition>> {
        let Some(transition) = loader(ctx)?
            .load_one(TransitionOfStudent(self.0.id))
            .await?
        else {
            return Ok(None);
        };
        audit(ctx)?.read("transition.read", student_target(self.0.id));
        Ok(Some(Transition {
            student: self.0.clone(),
            transition,
        }))
    }

    /// The pupil's current supercoach.
    async fn coach(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        let today = chrono::Utc::now().date_naive();
        let assignments = loader(ctx)?
            .load_one(CoachAssignmentsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        let current = assignments
            .iter()
            .find(|a| a.starts_on <= today && a.ends_on.is_none_or(|end| end >= today));
        let Some(current) = current else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(PersonById(current.person_id))
            .await?
            .map(Person))
    }

    /// Every supercoach the pupil has had, oldest first.
    async fn coach_history(&self, ctx: &Context<'_>) -> AppResult<Vec<CoachAssignment>> {
        let assignments = loader(ctx)?
            .load_one(CoachAssignmentsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(assignments.into_iter().map(CoachAssignment).collect())
    }

    /// The pupil's self-evaluations, oldest first.
    async fn evaluations(&self, ctx: &Context<'_>) -> AppResult<Vec<SelfEvaluation>> {
        let rows = loader(ctx)?
            .load_one(EvaluationsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        if !rows.is_empty() {
            audit(ctx)?.read("evaluation.read", student_target(self.0.id));
        }
        Ok(rows.into_iter().map(SelfEvaluation).collect())
    }
}

/// How the mbo level a pupil started at compares with the inspectorate's "passend niveau"
/// (BB → 2, KB → 3, GL/TL → 4).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum LevelComparison {
    /// Started below the expected level.
    Below,
    /// Started at the expected level.
    At,
    /// Started above the expected level.
    Above,
}

/// A pupil's step from vmbo to mbo: their first enrolment in the school year after leaving.
pub struct Transition {
    pub student: student::Model,
    pub transition: transition::Model,
}

/// A pupil's step from vmbo to mbo: their first enrolment in the school year after leaving.
#[Object]
impl Transition {
    /// The pupil.
    async fn student(&self) -> Student {
        Student(self.student.clone())
    }

    /// The mbo school the pupil enrolled at.
    async fn mbo_school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.transition.school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("transition without school"))
    }

    /// Crebo of the programme.
    async fn crebo(&self) -> &str {
        &self.transition.crebo
    }

    /// mbo level of the programme.
    async fn level(&self) -> i32 {
        i32::from(self.transition.level)
    }

    /// Date of enrolment.
    async fn enrolled_on(&self) -> Date {
        Date(self.transition.enrolled_on)
    }

    /// What became of the enrolment.
    async fn status(&self) -> EnrolmentStatus {
        EnrolmentStatus::from_db(&self.transition.status)
    }

    /// When the status last changed (null while enrolled).
    async fn status_date(&self) -> Option<Date> {
        self.transition.status_date.map(Date)
    }

    /// Switched within 365 days of enrolling.
    async fn switched_in_first_year(&self) -> bool {
        self.transition.switched_first_year
    }

    /// Dropped out within 365 days of enrolling.
    async fn dropped_out_in_first_year(&self) -> bool {
        self.transition.dropped_out_first_year
    }

    /// The pupil started the programme they had chosen (crebo equals the choice).
    async fn choice_matched(&self) -> bool {
        self.transition.choice_matched
    }

    /// The level compared with the expected level of the pupil's leerweg.
    async fn level_compared_to_expected(&self) -> LevelComparison {
        match self.transition.level_vs_expected {
            ..0 => LevelComparison::Below,
            0 => LevelComparison::At,
            _ => LevelComparison::Above,
        }
    }
}

/// A supercoach's assignment to a pupil.
pub struct CoachAssignment(pub coach_assignment::Model);

/// A supercoach's assignment to a pupil.
#[Object]
impl CoachAssignment {
    /// The coach.
    async fn coach(&self, ctx: &Context<'_>) -> AppResult<Person> {
        loader(ctx)?
            .load_one(PersonById(self.0.person_id))
            .await?
            .map(Person)
            .ok_or_else(|| AppError::internal("assignment without person"))
    }

    /// First day as the pupil's coach.
    async fn from(&self) -> Date {
        Date(self.0.starts_on)
    }

    /// Last day, null for the current coach.
    async fn until(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }
}

/// A pupil's evaluation of their own route and what they need.
pub struct SelfEvaluation(pub self_evaluation::Model);

/// A pupil's evaluation of their own route and what they need.
#[Object]
impl SelfEvaluation {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::encode("SelfEvaluation", self.0.id)
    }

    /// When it was submitted.
    async fn submitted_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.submitted_at
    }

    /// How the pupil feels, 1 (bad) to 5 (good).
    async fn wellbeing(&self) -> i32 {
        self.0.wellbeing.into()
    }

    /// The pupil's own view of their study skills, 1 to 5.
    async fn study_skills(&self) -> i32 {
        self.0.study_skills.into()
    }

    /// The pupil's own view of their life skills (DigiD, bills, appointments), 1 to 5.
    async fn life_skills(&self) -> i32 {
        self.0.life_skills.into()
    }

    /// How sure the pupil is of their choice, 1 to 5.
    async fn choice_certainty(&self) -> i32 {
        self.0.choice_certainty.into()
    }

    /// What the pupil needs help with.
    async fn needs(&self) -> Vec<Need> {
        self.0
            .needs
            .split(',')
            .filter(|n| !n.is_empty())
            .map(Need::from_db)
            .collect()
    }

    /// The pupil's own words.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    /// What the coach did with it.
    async fn follow_up(&self) -> Option<&str> {
        self.0.follow_up.as_deref()
    }

    /// When the coach recorded the follow-up.
    async fn follow_up_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.follow_up_at
    }
}

/// Filters of `students`; all given filters must match.
#[derive(InputObject, Default)]
pub struct StudentFilterInput {
    /// Only leavers of this vmbo school.
    pub school_brin: Option<String>,
    /// Only leavers of this school year (cohort), such as `2024-2025`.
    pub school_year: Option<String>,
    /// Only this leerweg.
    pub leerweg: Option<Leerweg>,
    /// Only this profiel.
    pub profile: Option<Profile>,
    /// Only pupils of this leerlab.
    pub leerlab_code: Option<String>,
    /// Only pupils with (true) or without (false) a transition to mbo.
    pub has_transition: Option<bool>,
}

/// Filters of `transitions`; all given filters must match.
#[derive(InputObject, Default)]
pub struct TransitionFilterInput {
    /// Only pupils who left this vmbo school.
    pub vo_school_brin: Option<String>,
    /// Only pupils who enrolled at this mbo school.
    pub mbo_school_brin: Option<String>,
    /// Only pupils who left vmbo in this school year, such as `2024-2025`.
    pub school_year: Option<String>,
    /// Only transitions to this crebo.
    pub crebo: Option<String>,
    /// Only transitions with this status.
    pub status: Option<EnrolmentStatus>,
}

#[derive(Default)]
pub struct PupilQuery;

#[Object]
impl PupilQuery {
    /// Pupils the caller may see: vmbo staff their school's leavers, mbo staff the pupils who
    /// enrolled with them, a coach their pupils, a student themselves. Audited.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn students(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            StudentFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Student>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let filter = StudentFilter {
            school_brin: f.school_brin,
            school_year: f.school_year,
            leerweg: f.leerweg,
            profile: f.profile,
            leerlab_code: f.leerlab_code,
            has_transition: f.has_transition,
        };
        let page = service::list_students(
            db(ctx)?,
            viewer(ctx)?,
            &filter,
            args,
            selects(ctx, "totalCount"),
        )
        .await?;
        audited(ctx, "student.read", &page.items)?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |s| s.id.to_string(),
            Student,
        ))
    }

    /// One pupil by global id. `FORBIDDEN` alike for a pupil out of scope and an id that does not exist.
    async fn student(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pupil's global id.")] id: ID,
    ) -> AppResult<Student> {
        let id = ids::decode_as(&id, "Student", "id")?;
        let student = service::get_student(db(ctx)?, viewer(ctx)?, id).await?;
        audited(ctx, "student.read", std::slice::from_ref(&student))?;
        Ok(Student(student))
    }

    /// Transitions of the pupils the caller may see (same scope as `students`). Audited.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn transitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            TransitionFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Transition>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let filter = TransitionFilter {
            vo_school_brin: f.vo_school_brin,
            mbo_school_brin: f.mbo_school_brin,
            school_year: f.school_year,
            crebo: f.crebo,
            status: f.status,
        };
        let page = service::list_transitions(
            db(ctx)?,
            viewer(ctx)?,
            &filter,
            args,
            selects(ctx, "totalCount"),
        )
        .await?;
        audited(ctx, "transition.read", &page.items)?;
        let keys = page.items.iter().map(|s| TransitionOfStudent(s.id));
        let mut transitions = loader(ctx)?.load_many(keys).await?;
        let mut page = page;
        // A transition removed between the two reads leaves its pupil out of this page.
        page.items
            .retain(|s| transitions.contains_key(&TransitionOfStudent(s.id)));
        Ok(from_page(
            page,
            args.after.is_some(),
            |s| s.id.to_string(),
            |student| {
                let transition = transitions
                    .remove(&TransitionOfStudent(student.id))
                    .expect("kept above");
                Transition {
                    student,
                    transition,
                }
            },
        ))
    }
}

/// Input of the imports: one CSV file (GraphQL multipart request).
#[derive(InputObject)]
pub struct ImportInput {
    /// The CSV file, UTF-8 with a header row, in the format of DESIGN.md section 4.
    pub file: Upload,
}

/// What an import did. A refused file is an error instead (`BAD_USER_INPUT`, field `file`,
/// every bad row in `extensions.details.errors`), and nothing is written.
#[derive(SimpleObject)]
pub struct ImportPayload {
    /// Data rows in the file.
    pub rows: i64,
    /// Records that were new.
    pub created: i64,
    /// Existing records whose values changed.
    pub updated: i64,
    /// Existing records left as they were.
    pub unchanged: i64,
    /// Pupils whose transition changed.
    pub transitions_changed: i64,
}

impl From<ImportSummary> for ImportPayload {
    fn from(s: ImportSummary) -> Self {
        ImportPayload {
            rows: s.rows as i64,
            created: s.created as i64,
            updated: s.updated as i64,
            unchanged: s.unchanged as i64,
            transitions_changed: s.transitions_changed as i64,
        }
    }
}

/// Input of `assignCoach`.
#[derive(InputObject)]
pub struct AssignCoachInput {
    /// Global id of the pupil.
    pub student_id: ID,
    /// Global id of a person whose function is COACH.
    pub person_id: ID,
    /// First day of the assignment; the previous coach's assignment ends the day before.
    pub from: Date,
}

/// Result of `assignCoach`.
#[derive(SimpleObject)]
pub struct AssignCoachPayload {
    /// The pupil, with their new coach.
    pub student: Student,
}

/// Input of `submitSelfEvaluation`.
#[derive(InputObject)]
pub struct SubmitSelfEvaluationInput {
    /// Global id of the pupil (their own).
    pub student_id: ID,
    /// How the pupil feels, 1 (bad) to 5 (good).
    pub wellbeing: i32,
    /// Study skills, 1 to 5.
    pub study_skills: i32,
    /// Life skills (DigiD, bills, appointments), 1 to 5.
    pub life_skills: i32,
    /// How sure the pupil is of their choice, 1 to 5.
    pub choice_certainty: i32,
    /// What the pupil needs help with.
    pub needs: Vec<Need>,
    /// The pupil's own words.
    pub comment: Option<String>,
}

/// Result of `submitSelfEvaluation` and `recordEvaluationFollowUp`.
#[derive(SimpleObject)]
pub struct SelfEvaluationPayload {
    /// The evaluation.
    pub evaluation: SelfEvaluation,
}

/// Input of `recordEvaluationFollowUp`.
#[derive(InputObject)]
pub struct RecordEvaluationFollowUpInput {
    /// Global id of the evaluation.
    pub evaluation_id: ID,
    /// What the coach did or agreed with the pupil.
    pub follow_up: String,
}

#[derive(Default)]
pub struct PupilMutation;

#[Object]
impl PupilMutation {
    /// Imports a vo-leavers CSV (school_staff: own school's rows only; admin). One transaction.
    async fn import_vo_leavers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `ImportInput` is described.")]
        input: ImportInput,
    ) -> AppResult<ImportPayload> {
        run_import(ctx, ImportKind::VoLeavers, input).await
    }

    /// Imports an mbo-enrolments CSV (school_staff: own school's rows only; admin). One transaction.
    async fn import_mbo_enrolments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `ImportInput` is described.")]
        input: ImportInput,
    ) -> AppResult<ImportPayload> {
        run_import(ctx, ImportKind::MboEnrolments, input).await
    }

    /// Makes a coach the pupil's supercoach from a date (the pupil's school staff, admin).
    async fn assign_coach(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `AssignCoachInput` is described.")] input: AssignCoachInput,
    ) -> AppResult<AssignCoachPayload> {
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let person_id = ids::decode_as(&input.person_id, "Person", "personId")?;
        let student =
            service::assign_coach(db(ctx)?, viewer(ctx)?, student_id, person_id, input.from.0)
                .await?;
        audited(ctx, "student.read", std::slice::from_ref(&student))?;
        Ok(AssignCoachPayload {
            student: Student(student),
        })
    }

    /// A pupil evaluates their own route and says what they need (the pupil themself).
    async fn submit_self_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to change; every field of `SubmitSelfEvaluationInput` is described."
        )]
        input: SubmitSelfEvaluationInput,
    ) -> AppResult<SelfEvaluationPayload> {
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let evaluation = NewEvaluation {
            wellbeing: input.wellbeing,
            study_skills: input.study_skills,
            life_skills: input.life_skills,
            choice_certainty: input.choice_certainty,
            needs: input.needs,
            comment: input.comment,
        };
        let saved =
            service::submit_self_evaluation(db(ctx)?, viewer(ctx)?, student_id, evaluation).await?;
        Ok(SelfEvaluationPayload {
            evaluation: SelfEvaluation(saved),
        })
    }

    /// The pupil's current coach records the follow-up of an evaluation.
    async fn record_evaluation_follow_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to change; every field of `RecordEvaluationFollowUpInput` is described."
        )]
        input: RecordEvaluationFollowUpInput,
    ) -> AppResult<SelfEvaluationPayload> {
        let id = ids::decode_as(&input.evaluation_id, "SelfEvaluation", "evaluationId")?;
        let saved = service::record_follow_up(db(ctx)?, viewer(ctx)?, id, &input.follow_up).await?;
        Ok(SelfEvaluationPayload {
            evaluation: SelfEvaluation(saved),
        })
    }
}

async fn run_import(
    ctx: &Context<'_>,
    kind: ImportKind,
    input: ImportInput,
) -> AppResult<ImportPayload> {
    let upload = input
        .file
        .value(ctx)
        .map_err(|_| AppError::bad_input("file", "no file was uploaded under this variable"))?;
    let reader = Box::new(std::io::BufReader::new(upload.content));
    let summary = import::run(
        db(ctx)?,
        viewer(ctx)?,
        &settings(ctx)?.link_secret,
        kind,
        reader,
        None,
    )
    .await?;
    Ok(summary.into())
}
