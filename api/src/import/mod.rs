//! Imports of vmbo leavers and mbo enrolments (DESIGN.md section 4), from the CLI and GraphQL.
//!
//! A file is read as a stream: a blocking thread parses and checks rows and sends them in
//! batches to a temporary staging table inside the import's one transaction, so memory does not
//! grow with the file. When the whole file is read, duplicates are found in SQL; any bad row
//! rejects the file (the transaction rolls back, nothing is written) with every bad row listed.
//! Otherwise one upsert moves the rows into place and the affected transitions are recomputed.

mod rows;
mod sql;

use std::{
    collections::{HashMap, HashSet},
    io::Read,
    sync::Arc,
};

use entity::{leerlab, leerlab_partner, school};
use sea_orm::{DatabaseConnection, EntityTrait, Value};
use serde::Serialize;

use rows::{LeerlabInfo, Lookups, SchoolInfo};
pub use rows::{MBO_COLUMNS, VO_COLUMNS};

use crate::{
    audit,
    auth::{Role, Viewer},
    db,
    domain::Sector,
    error::{AppError, AppResult},
    pseudonym::Pseudonymiser,
};

/// Rows per batch sent from the reading thread to the database.
const BATCH_ROWS: usize = 5_000;
/// Bad rows listed in an error; the count covers all of them.
pub const LISTED_ERRORS: usize = 1_000;

/// Which of the two CSV formats.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImportKind {
    VoLeavers,
    MboEnrolments,
}

impl ImportKind {
    /// The name used in commands and the audit log.
    pub fn name(self) -> &'static str {
        match self {
            ImportKind::VoLeavers => "vo-leavers",
            ImportKind::MboEnrolments => "mbo-enrolments",
        }
    }
}

/// One problem in one row.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
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

/// Imports one file as `viewer`. `school_staff` may only import rows of their own school.
pub async fn run(
    db: &DatabaseConnection,
    viewer: &Viewer,
    link_secret: &str,
    kind: ImportKind,
    input: Box<dyn Read + Send>,
    progress: Option<Progress>,
) -> AppResult<ImportSummary> {
    crate::auth::policy::ensure(matches!(viewer.role(), Role::Admin | Role::SchoolStaff))?;
    let lookups = load_lookups(db, viewer, link_secret).await?;
    let txn = db::begin_write(db).await?;
    sql::tune(&txn).await?;
    let run = sql::start_run(&txn, kind, viewer.subject()).await?;
    sql::create_stage(&txn, kind).await?;
    let mut phases = Phases::start(kind);

    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<Vec<Value>>>(4);
    let reader =
        tokio::task::spawn_blocking(move || read_file(kind, input, &lookups, progress, sender));
    while let Some(batch) = receiver.recv().await {
        sql::stage_rows(&txn, kind, batch).await?;
    }
    let outcome = reader
        .await
        .map_err(|e| AppError::internal(format!("import reader failed: {e}")))?;
    sql::analyze(&txn, sql::stage_table(kind)).await?;
    phases.done("read, check and stage");

    let mut errors = outcome.errors;
    let mut error_count = outcome.error_count;
    if outcome.header_ok {
        let (duplicates, duplicate_count) = sql::duplicates(&txn, kind, LISTED_ERRORS).await?;
        errors.extend(duplicates);
        error_count += duplicate_count;
        phases.done("duplicates");
    }
    if error_count > 0 {
        drop(txn); // rolls back: nothing of this file is written
        return Err(rejected(kind, errors, error_count));
    }

    let upserted = sql::upsert(&txn, kind, run).await?;
    phases.done("upsert");
    let (transitions_changed, cohorts) = sql::refresh_transitions(&txn, kind, run).await?;
    phases.done("transitions");
    crate::service::statistics::refresh_cohorts(&txn, &cohorts).await?;
    phases.done("summary tables");
    sql::drop_stage(&txn, kind).await?;
    let summary = ImportSummary {
        rows: outcome.rows,
        created: upserted.created,
        updated: upserted.updated,
        unchanged: outcome.rows - upserted.created - upserted.updated,
        transitions_changed,
    };
    sql::finish_run(&txn, run, &summary).await?;
    let target = format!(
        "Import:{} rows={} created={} updated={}",
        kind.name(),
        summary.rows,
        summary.created,
        summary.updated
    );
    audit::record_write(&txn, viewer, &format!("import.{}", kind.name()), target).await?;
    txn.commit().await?;
    phases.done("commit");
    Ok(summary)
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
            import = self.kind.name(),
            phase,
            seconds,
            "import phase done"
        );
        self.last = std::time::Instant::now();
    }
}

/// The `BAD_USER_INPUT` error of a refused file, with every listed bad row in its details.
fn rejected(kind: ImportKind, mut errors: Vec<RowError>, count: u64) -> AppError {
    errors.sort_by_key(|e| e.line);
    errors.truncate(LISTED_ERRORS);
    let listed = errors.len();
    let message = format!(
        "{count} problem(s) in the {} file; nothing was imported{}",
        kind.name(),
        if (listed as u64) < count {
            format!(" (first {listed} listed)")
        } else {
            String::new()
        }
    );
    AppError::BadInput {
        field: "file".to_owned(),
        message,
        details: Some(serde_json::json!({ "errorCount": count, "errors": errors })),
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
                sector: Sector::from_db(&s.sector),
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
    let allowed_schools =
        (viewer.role() == Role::SchoolStaff).then(|| viewer.school_ids.iter().copied().collect());
    Ok(Lookups {
        schools,
        leerlabs,
        allowed_schools,
        pseudonymiser: Pseudonymiser::new(link_secret),
    })
}

/// What the reading thread found.
struct ReadOutcome {
    rows: u64,
    header_ok: bool,
    errors: Vec<RowError>,
    error_count: u64,
}

impl ReadOutcome {
    fn add_errors(&mut self, errors: Vec<RowError>) {
        self.error_count += errors.len() as u64;
        let room = LISTED_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(errors.into_iter().take(room));
    }
}

/// Reads and checks the whole file on a blocking thread, sending good rows in batches.
fn read_file(
    kind: ImportKind,
    input: Box<dyn Read + Send>,
    lookups: &Lookups,
    progress: Option<Progress>,
    sender: tokio::sync::mpsc::Sender<Vec<Vec<Value>>>,
) -> ReadOutcome {
    let mut outcome = ReadOutcome {
        rows: 0,
        header_ok: false,
        errors: Vec::new(),
        error_count: 0,
    };
    let input = CountingReader {
        inner: input,
        read: 0,
        progress,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let positions = match reader.headers() {
        Ok(header) => match rows::header_positions(kind, header) {
            Ok(positions) => positions,
            Err(errors) => {
                outcome.add_errors(errors);
                return outcome;
            }
        },
        Err(e) => {
            outcome.add_errors(vec![RowError::new(
                1,
                "header",
                format!("unreadable header: {}", csv_reason(&e)),
            )]);
            return outcome;
        }
    };
    outcome.header_ok = true;
    let width = positions.len();
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                outcome.rows += 1;
                outcome.add_errors(vec![RowError::new(line, "row", csv_reason(&e))]);
                continue;
            }
        }
        outcome.rows += 1;
        let line = record.position().map_or(line, |p| p.line());
        if record.len() != width {
            outcome.add_errors(vec![RowError::new(
                line,
                "row",
                format!("{} fields, expected {width}", record.len()),
            )]);
            continue;
        }
        let checked = match kind {
            ImportKind::VoLeavers => rows::vo_leaver(line, &record, &positions, lookups),
            ImportKind::MboEnrolments => rows::mbo_enrolment(line, &record, &positions, lookups),
        };
        match checked {
            Ok(values) => batch.push(values),
            Err(errors) => outcome.add_errors(errors),
        }
        if batch.len() == BATCH_ROWS && sender.blocking_send(std::mem::take(&mut batch)).is_err() {
            return outcome;
        }
    }
    if !batch.is_empty() {
        let _ = sender.blocking_send(batch);
    }
    outcome
}

/// A CSV error without the record's content (which may hold a PGN).
fn csv_reason(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields, expected {expected_len}"),
        csv::ErrorKind::Io(e) => format!("read error: {e}"),
        _ => "malformed CSV (check the quoting)".to_owned(),
    }
}

/// Counts bytes for the progress callback.
struct CountingReader {
    inner: Box<dyn Read + Send>,
    read: u64,
    progress: Option<Progress>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if let Some(progress) = &self.progress {
            progress(self.read);
        }
        Ok(n)
    }
}
