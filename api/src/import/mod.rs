//! The CSV imports (DESIGN.md section 4), from the CLI and GraphQL, on one framework.
//!
//! An import kind ([`format::ImportFormat`]) says how a row is checked and where it goes; the
//! framework does the same for every kind:
//! 1. the run is recorded (`queued`, [`runs`]) and waits for the database's import lock
//!    ([`lock`]), so imports never interleave;
//! 2. a blocking thread parses and checks the file ([`reader`]) and sends good rows in batches
//!    to a staging table inside the import's one transaction ([`stage`]), so memory does not grow
//!    with the file;
//! 3. duplicates within the file and rows that would give a record to another school are found
//!    in SQL ([`write`]); any bad row refuses the whole file (the transaction rolls back, nothing
//!    is written) with every bad row listed by line and column, never with a cell's value;
//! 4. otherwise the rows are written (counts taken from the writes), the kind recomputes what
//!    depends on them (transitions), the summary tables of the touched cohorts are refreshed, and
//!    the run is committed `done` with its counts, and audited, together with the data.

mod check;
pub mod format;
pub mod lock;
mod mbo_applications;
mod mbo_enrolments;
mod reader;
pub mod rebuild;
pub mod runs;
mod stage;
pub mod transitions;
mod vo_leavers;
mod vo_pupils;
pub mod write;

use std::{
    collections::{HashMap, HashSet},
    io::Read,
    sync::Arc,
};

use entity::{leerlab, leerlab_partner, school};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait};
use serde::Serialize;

pub use check::Lookups;
use check::{LeerlabInfo, SchoolInfo};
use format::ImportFormat;
pub use mbo_applications::COLUMNS as APPLICATION_COLUMNS;
pub use mbo_enrolments::COLUMNS as MBO_COLUMNS;
pub use vo_leavers::COLUMNS as VO_COLUMNS;
pub use vo_pupils::COLUMNS as ROSTER_COLUMNS;

use crate::{
    audit,
    auth::{Role, Viewer, scope},
    db,
    error::{AppError, AppResult},
    ids,
    pseudonym::Pseudonymiser,
    service::{
        change_stamp,
        disclosure::RecordKeys,
        signals::{self, Persons},
    },
};

/// Bad rows listed in an error; the count covers all of them.
pub const LISTED_ERRORS: usize = 1_000;

pub use vocabulary::ImportKind;

/// How `kind` is read, checked and written.
pub fn format_of(kind: ImportKind) -> &'static dyn ImportFormat {
    match kind {
        ImportKind::VoLeavers => &vo_leavers::VoLeavers,
        ImportKind::MboEnrolments => &mbo_enrolments::MboEnrolments,
        ImportKind::VoPupils => &vo_pupils::VoPupils,
        ImportKind::MboApplications => &mbo_applications::MboApplications,
    }
}

/// One problem in one row. `column` is a column of the format (or `header`, `row`) and
/// `reason` never contains a value from the file.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

impl RowError {
    pub fn new(line: u64, column: &str, reason: String) -> Self {
        RowError {
            line,
            column: column.to_owned(),
            reason,
        }
    }
}

/// What a successful import did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportSummary {
    /// The import run (`import_run.id`).
    pub run: i64,
    /// Data rows in the file.
    pub rows: u64,
    /// Records that did not exist yet.
    pub created: u64,
    /// Existing records whose values changed.
    pub updated: u64,
    /// Existing records left exactly as they were.
    pub unchanged: u64,
    /// Pupils whose transition changed.
    pub transitions_changed: u64,
}

/// Reports bytes read so far, for a progress bar.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// Everything an import needs besides the file.
#[derive(Clone)]
pub struct ImportJob {
    pub db: DatabaseConnection,
    pub viewer: Viewer,
    pub link_secret: String,
    pub kind: ImportKind,
    /// Where the signals an import raises are announced (`signalRaised`).
    pub live: Option<Arc<crate::live::Live>>,
}

/// Refuses callers who may not import at all (`school_staff` may import their own school's
/// rows, admin anything).
pub fn authorise(viewer: &Viewer) -> AppResult<()> {
    crate::auth::policy::ensure(matches!(viewer.role(), Role::Admin | Role::SchoolStaff))
}

/// Imports one file and waits for the outcome: records the run, then [`execute`]s it.
pub async fn run(
    job: &ImportJob,
    input: Box<dyn Read + Send>,
    progress: Option<Progress>,
) -> AppResult<ImportSummary> {
    authorise(&job.viewer)?;
    let run = runs::queue(&job.db, job.kind, &job.viewer).await?;
    execute(job, run, input, progress).await
}

/// Runs a queued import run to its end: waits for the import lock, imports, records the outcome
/// (`done` with the data; `refused` or `failed` otherwise) and logs it.
pub async fn execute(
    job: &ImportJob,
    run: i64,
    input: Box<dyn Read + Send>,
    progress: Option<Progress>,
) -> AppResult<ImportSummary> {
    let kind = job.kind.as_str();
    let started = std::time::Instant::now();
    tracing::info!(run, kind, subject = job.viewer.subject(), "import queued");
    let result = match lock::acquire(&job.db, Some(run)).await {
        Ok(lock) => {
            let result = locked(job, run, input, progress).await;
            if result.is_ok() {
                // Under the lock, so the next import plans with this one's statistics.
                crate::db::after_bulk_write(&job.db).await;
            }
            lock.release().await;
            result
        }
        Err(e) => Err(e.into()),
    };
    match &result {
        Ok(s) => tracing::info!(
            run,
            kind,
            rows = s.rows,
            created = s.created,
            updated = s.updated,
            unchanged = s.unchanged,
            transitions_changed = s.transitions_changed,
            "import done"
        ),
        Err(AppError::BadInput { .. }) => tracing::info!(run, kind, "import refused"),
        Err(_) => {
            tracing::warn!(run, kind, "import failed");
            if let Err(e) = runs::failed(&job.db, run).await {
                tracing::warn!(run, error = %e, "could not mark the import run failed");
            }
        }
    }
    let outcome = match &result {
        Ok(_) => "done",
        Err(AppError::BadInput { .. }) => "refused",
        Err(_) => "failed",
    };
    crate::metrics::global().import(kind, outcome, started.elapsed());
    result
}

/// The import proper, holding the lock.
async fn locked(
    job: &ImportJob,
    run: i64,
    input: Box<dyn Read + Send>,
    progress: Option<Progress>,
) -> AppResult<ImportSummary> {
    runs::start(&job.db, run).await?;
    let format = format_of(job.kind);
    let target = format.target();
    let lookups = load_lookups(&job.db, &job.viewer, &job.link_secret).await?;
    let txn = db::begin_write(&job.db).await?;
    tune(&txn).await?;
    stage::create(&txn, target).await?;
    let mut phases = Phases::start(job.kind);

    let (sender, mut receiver) = tokio::sync::mpsc::channel(4);
    let reader = tokio::task::spawn_blocking(move || {
        reader::read_file(format, input, &lookups, progress, sender)
    });
    while let Some(batch) = receiver.recv().await {
        stage::insert(&txn, target, batch).await?;
    }
    let outcome = reader
        .await
        .map_err(|e| AppError::internal(format!("import reader failed: {e}")))?;
    stage::filled(&txn, target).await?;
    phases.done("read, check and stage");

    let mut errors = outcome.errors;
    let mut error_count = outcome.error_count;
    if outcome.header_ok {
        let allowed = scope::import_schools(&job.viewer);
        for found in [
            write::duplicates(&txn, target, &outcome.suspected_duplicates, LISTED_ERRORS).await?,
            write::takeovers(&txn, target, allowed, LISTED_ERRORS).await?,
        ] {
            errors.extend(found.errors);
            error_count += found.count;
        }
        phases.done("duplicates and other schools' records");
    }
    if error_count > 0 {
        txn.rollback().await?; // nothing of this file is written
        return Err(refuse(job, run, outcome.rows, errors, error_count).await?);
    }

    // The feed's triggers are paused while the import writes; its rows are stamped at once.
    change_stamp::pause(&txn, true).await?;
    let written = format.write(&txn, run).await?;
    phases.done("write");
    // Listed before the transitions, which look them up too.
    let written_persons = Persons::of_import(&txn, target.table, run).await?;
    let derived = format.after_write(&txn, run).await?;
    phases.done("transitions");
    change_stamp::pause(&txn, false).await?;
    let persons = signals::persons::of_list(signals::persons::IMPORT_PERSONS);
    change_stamp::stamp_import(&txn, target.table, run, &persons).await?;
    // PostgreSQL plans what follows (summaries, signals and their feed stamps) from statistics
    // that do not know this import's rows yet: it chose nested loops over them, and the signals
    // of 50,000 new leavers took minutes. SQLite has no such statistics.
    for table in [target.table, "change_entry"] {
        transitions::analyze(&txn, table).await?;
    }
    phases.done("change feed");
    crate::service::statistics::refresh_regions(&txn, &derived.cohort_regions).await?;
    phases.done("summary tables");
    let evaluated =
        crate::service::signals::refresh_in(&txn, job.viewer.today(), written_persons).await?;
    if let Some(live) = &job.live {
        live.announce_signals(&txn, &evaluated.raised).await?;
    }
    phases.done("signals");
    stage::drop(&txn, target).await?;
    db::drop_table(&txn, signals::persons::IMPORT_PERSONS).await?;
    let summary = ImportSummary {
        run,
        rows: outcome.rows,
        created: written.created,
        updated: written.updated,
        unchanged: outcome.rows - written.created - written.updated,
        transitions_changed: derived.transitions_changed,
    };
    let cohorts = runs::touched_cohorts(&txn, run, &derived.cohorts()).await?;
    runs::done(&txn, run, &summary, &cohorts).await?;
    audit::record_write(
        &txn,
        &job.viewer,
        &format!("import.{}", job.kind.as_str()),
        audit_target(&summary),
    )
    .await?;
    txn.commit().await?;
    phases.done("commit");
    if let Some(live) = &job.live {
        live.committed_signals(&evaluated.raised);
    }
    Ok(summary)
}

/// The audit row's target: the run and its counts, no pupil data.
fn audit_target(s: &ImportSummary) -> String {
    format!(
        "ImportRun:{} rows={} created={} updated={} unchanged={} transitionsChanged={}",
        ids::encode("ImportRun", s.run).0,
        s.rows,
        s.created,
        s.updated,
        s.unchanged,
        s.transitions_changed
    )
}

/// Records and audits a refused file, and returns the `BAD_USER_INPUT` error that lists its
/// bad rows.
async fn refuse(
    job: &ImportJob,
    run: i64,
    rows: u64,
    mut errors: Vec<RowError>,
    count: u64,
) -> Result<AppError, DbErr> {
    errors.sort_by_key(|e| e.line);
    errors.truncate(LISTED_ERRORS);
    runs::refused(&job.db, run, rows, &errors, count).await?;
    let target = format!(
        "ImportRun:{} rows={rows} errors={count}",
        ids::encode("ImportRun", run).0
    );
    let action = format!("import.{}.refused", job.kind.as_str());
    audit::record_write(&job.db, &job.viewer, &action, target).await?;
    Ok(rejected(job.kind, run, errors, count))
}

/// On PostgreSQL, gives the import's transaction room to sort and hash in memory (its joins and
/// window run over a whole file at once). On SQLite, keeps the import connection's page caches
/// small (16 MB each), so that a large file costs disk, not memory; measured no slower (the
/// writers' connections keep temporary tables in a file, see `db::sqlite_writers`).
async fn tune(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        db::execute(txn, include_str!("sql/import_tune_postgres.sql"), vec![]).await?;
    } else {
        let cache = include_str!("sql/import_tune_sqlite_cache.sql");
        db::execute(txn, cache, vec![]).await?;
        let temp_cache = include_str!("sql/import_tune_sqlite_temp_cache.sql");
        db::execute(txn, temp_cache, vec![]).await?;
    }
    Ok(())
}

/// Logs how long each phase of an import took (at debug level: `RUST_LOG=leerroute=debug`).
struct Phases {
    kind: ImportKind,
    last: std::time::Instant,
}

impl Phases {
    fn start(kind: ImportKind) -> Self {
        Phases {
            kind,
            last: std::time::Instant::now(),
        }
    }

    fn done(&mut self, phase: &str) {
        let seconds = self.last.elapsed().as_secs_f64();
        tracing::debug!(
            import = self.kind.as_str(),
            phase,
            seconds,
            "import phase done"
        );
        self.last = std::time::Instant::now();
    }
}

/// The `BAD_USER_INPUT` error of a refused file, with every listed bad row and the run in its
/// details.
fn rejected(kind: ImportKind, run: i64, errors: Vec<RowError>, count: u64) -> AppError {
    let listed = errors.len();
    let message = format!(
        "{count} problem(s) in the {} file; nothing was imported{}",
        kind.as_str(),
        if (listed as u64) < count {
            format!(" (first {listed} listed)")
        } else {
            String::new()
        }
    );
    AppError::BadInput {
        field: "file".to_owned(),
        message,
        details: Some(serde_json::json!({
            "errorCount": count,
            "errors": errors,
            "run": ids::encode("ImportRun", run).0,
        })),
    }
}

/// Reference data for checking rows: every school and leerlab, and the caller's scope.
async fn load_lookups(
    db: &DatabaseConnection,
    viewer: &Viewer,
    link_secret: &str,
) -> AppResult<Lookups> {
    let schools = school::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            let info = SchoolInfo {
                id: s.id,
                region_id: s.region_id,
                sector: s.sector,
            };
            (s.brin, info)
        })
        .collect();
    let mut partners: HashMap<i64, HashSet<i64>> = HashMap::new();
    for partner in leerlab_partner::Entity::find().all(db).await? {
        partners
            .entry(partner.leerlab_id)
            .or_default()
            .insert(partner.school_id);
    }
    let leerlabs = leerlab::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|l| {
            let info = LeerlabInfo {
                id: l.id,
                partners: partners.remove(&l.id).unwrap_or_default(),
            };
            (l.code, info)
        })
        .collect();
    let allowed_schools = scope::import_schools(viewer).map(|ids| ids.iter().copied().collect());
    Ok(Lookups {
        schools,
        leerlabs,
        allowed_schools,
        pseudonymiser: Pseudonymiser::new(link_secret),
        record_keys: RecordKeys::new(link_secret),
        today: viewer.today(),
    })
}
