//! The import mutations: one per format that waits for the outcome (a refused file is a
//! `BAD_USER_INPUT` error), and `startImport`, which answers at once with the queued run.
//!
//! Either way the import runs in a task of its own: the request only waits for it, so a client
//! or proxy that goes away drops the wait, not the import.

use async_graphql::{Context, Object, SimpleObject};
use tokio::sync::oneshot;

use super::input::{ImportInput, StartImportInput};
use crate::{
    error::{AppError, AppResult},
    graphql::{
        context::{db, settings, viewer},
        types::ImportRun,
    },
    import::{self, ImportKind, ImportSummary},
    service::import_runs,
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
    /// The import run, as `importRuns` lists it.
    pub run: ImportRun,
}

/// Result of `startImport`.
#[derive(SimpleObject)]
pub struct StartImportPayload {
    /// The run, `QUEUED` or already further: follow it with `importRun(id:)` until its status is
    /// `DONE`, `REFUSED` (see its `errors`) or `FAILED`.
    pub run: ImportRun,
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Imports a vo-leavers CSV and waits for the outcome (school_staff: own school's rows only;
    /// admin). One transaction.
    async fn import_vo_leavers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `ImportInput` is described.")]
        input: ImportInput,
    ) -> AppResult<ImportPayload> {
        import_and_wait(ctx, ImportKind::VoLeavers, input).await
    }

    /// Imports an mbo-enrolments CSV and waits for the outcome (school_staff: own school's rows
    /// only; admin). One transaction.
    async fn import_mbo_enrolments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `ImportInput` is described.")]
        input: ImportInput,
    ) -> AppResult<ImportPayload> {
        import_and_wait(ctx, ImportKind::MboEnrolments, input).await
    }

    /// Imports a vo-pupils CSV (the roster of years 3 and 4) and waits for the outcome
    /// (school_staff: own school's rows only; admin). One transaction.
    async fn import_vo_pupils(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `ImportInput` is described.")]
        input: ImportInput,
    ) -> AppResult<ImportPayload> {
        import_and_wait(ctx, ImportKind::VoPupils, input).await
    }

    /// Imports an mbo-applications CSV and waits for the outcome (school_staff: own school's
    /// rows only; admin). One transaction; every status change goes into the history.
    async fn import_mbo_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `ImportInput` is described.")]
        input: ImportInput,
    ) -> AppResult<ImportPayload> {
        import_and_wait(ctx, ImportKind::MboApplications, input).await
    }

    /// Starts an import of any format and answers at once with its run (school_staff: own
    /// school's rows only; admin). For large files: nothing holds the request open.
    async fn start_import(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to import; every field of `StartImportInput` is described.")]
        input: StartImportInput,
    ) -> AppResult<StartImportPayload> {
        let job = import_job(ctx, input.kind)?;
        let file = uploaded(ctx, &input.file)?;
        let (queued, _running) = spawn_import(job.clone(), file);
        let run = recorded(queued).await?;
        let model = import_runs::get(&job.db, &job.viewer, run).await?;
        Ok(StartImportPayload {
            run: ImportRun(model),
        })
    }
}

async fn import_and_wait(
    ctx: &Context<'_>,
    kind: ImportKind,
    input: ImportInput,
) -> AppResult<ImportPayload> {
    let job = import_job(ctx, kind)?;
    let file = uploaded(ctx, &input.file)?;
    let (queued, running) = spawn_import(job.clone(), file);
    let run = recorded(queued).await?;
    let summary = running
        .await
        .map_err(|e| AppError::internal(format!("import task failed: {e}")))??;
    let model = import_runs::get(&job.db, &job.viewer, run).await?;
    Ok(payload(summary, ImportRun(model)))
}

fn payload(s: ImportSummary, run: ImportRun) -> ImportPayload {
    ImportPayload {
        rows: s.rows as i64,
        created: s.created as i64,
        updated: s.updated as i64,
        unchanged: s.unchanged as i64,
        transitions_changed: s.transitions_changed as i64,
        run,
    }
}

/// The uploaded file of the request.
fn uploaded(ctx: &Context<'_>, file: &async_graphql::Upload) -> AppResult<std::fs::File> {
    file.value(ctx)
        .map(|upload| upload.content)
        .map_err(|_| AppError::bad_input("file", "no file was uploaded under this variable"))
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
        live: Some(crate::graphql::context::live(ctx)?.clone()),
        kind,
    })
}

/// Records and runs an import in a task of its own, under this request's id: it runs to its end
/// even when the client goes away (which drops the request, not the task), and logs its outcome.
/// The run is recorded inside the task too: a client that hangs up once the run is visible may
/// drop the request before a later step would have started the import.
fn spawn_import(
    job: import::ImportJob,
    file: std::fs::File,
) -> (
    oneshot::Receiver<AppResult<i64>>,
    tokio::task::JoinHandle<AppResult<ImportSummary>>,
) {
    let request_id = crate::request_id::current();
    let (tell, queued) = oneshot::channel();
    let running = tokio::spawn(crate::request_id::scope(request_id, async move {
        let run = match import::runs::queue(&job.db, job.kind, &job.viewer).await {
            Ok(run) => run,
            Err(e) => {
                let error = AppError::from(e);
                let _ = tell.send(Err(error.clone()));
                return Err(error);
            }
        };
        // The request may be gone; the import goes on regardless.
        let _ = tell.send(Ok(run));
        let reader = Box::new(std::io::BufReader::new(file));
        import::execute(&job, run, reader, None).await
    }));
    (queued, running)
}

/// The id of the run [`spawn_import`] recorded, or why it could not record one.
async fn recorded(queued: oneshot::Receiver<AppResult<i64>>) -> AppResult<i64> {
    queued
        .await
        .map_err(|_| AppError::internal("import task ended before its run was recorded"))?
}
