//! The pupil mutations and their payloads: the CSV imports (a school's staff), a pupil's
//! supercoach, self-evaluations and their follow-up.

use async_graphql::{Context, Object, SimpleObject};

use super::input::{
    AssignCoachInput, ImportInput, RecordEvaluationFollowUpInput, SubmitSelfEvaluationInput,
};
use crate::{
    error::{AppError, AppResult},
    graphql::{
        context::{audit, db, settings, viewer},
        types::{SelfEvaluation, Student},
    },
    ids,
    import::{self, ImportKind, ImportSummary},
    service::pupils::{self as service, student_target},
};

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

/// Result of `assignCoach`.
#[derive(SimpleObject)]
pub struct AssignCoachPayload {
    /// The pupil, with their new coach.
    pub student: Student,
}

/// Result of `submitSelfEvaluation` and `recordEvaluationFollowUp`.
#[derive(SimpleObject)]
pub struct SelfEvaluationPayload {
    /// The evaluation.
    pub evaluation: SelfEvaluation,
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
        audit(ctx)?.read("student.read", student_target(student.id));
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
        let saved =
            service::submit_self_evaluation(db(ctx)?, viewer(ctx)?, student_id, input.into())
                .await?;
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
    let job = import_job(ctx, kind)?;
    let upload = input
        .file
        .value(ctx)
        .map_err(|_| AppError::bad_input("file", "no file was uploaded under this variable"))?;
    let run = import::runs::queue(&job.db, kind, &job.viewer).await?;
    let summary = spawn_import(job, run, upload.content)
        .await
        .map_err(|e| AppError::internal(format!("import task failed: {e}")))??;
    Ok(summary.into())
}

/// The import of `kind` for this request's caller, refused before the file is looked at when
/// the caller may not import.
fn import_job(ctx: &Context<'_>, kind: ImportKind) -> AppResult<import::ImportJob> {
    let viewer = viewer(ctx)?;
    import::authorise(viewer)?;
    Ok(import::ImportJob {
        db: db(ctx)?.clone(),
        viewer: viewer.clone(),
        link_secret: settings(ctx)?.link_secret.clone(),
        kind,
    })
}

/// Runs a queued import in a task of its own, under this request's id: it runs to its end even
/// when the client goes away (which drops the request, not the task).
fn spawn_import(
    job: import::ImportJob,
    run: i64,
    file: std::fs::File,
) -> tokio::task::JoinHandle<AppResult<ImportSummary>> {
    let request_id = crate::request_id::current();
    tokio::spawn(crate::request_id::scope(request_id, async move {
        let reader = Box::new(std::io::BufReader::new(file));
        import::execute(&job, run, reader, None).await
    }))
}
