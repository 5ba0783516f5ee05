//! Reading a file on a blocking thread: CSV parsing, the header, every row checked by its
//! format, duplicates suspected by identity fingerprint, good rows sent on in batches.

use std::{collections::HashMap, io::Read};

use sea_orm::Value;
use tokio::sync::mpsc::Sender;

use super::{LISTED_ERRORS, Progress, RowError, check, check::Lookups, format::ImportFormat};

/// Rows per batch sent from the reading thread to the database.
pub const BATCH_ROWS: usize = 5_000;

/// What the reading thread found.
pub struct ReadOutcome {
    pub rows: u64,
    pub header_ok: bool,
    pub errors: Vec<RowError>,
    pub error_count: u64,
    /// `(line, earlier line)` of rows whose identity fingerprint appeared before.
    pub suspected_duplicates: Vec<(u64, u64)>,
}

impl ReadOutcome {
    pub fn add_errors(&mut self, errors: Vec<RowError>) {
        self.error_count += errors.len() as u64;
        let room = LISTED_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(errors.into_iter().take(room));
    }
}

/// Reads and checks the whole file, sending good rows (`line` first) in batches.
pub fn read_file(
    format: &dyn ImportFormat,
    input: Box<dyn Read + Send>,
    lookups: &Lookups,
    progress: Option<Progress>,
    sender: Sender<Vec<Vec<Value>>>,
) -> ReadOutcome {
    let mut outcome = ReadOutcome {
        rows: 0,
        header_ok: false,
        errors: Vec::new(),
        error_count: 0,
        suspected_duplicates: Vec::new(),
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
        Ok(header) => match check::header_positions(format.header(), header) {
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
    let mut first_lines: HashMap<u64, u64> = HashMap::new();
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
        let fields: Vec<&str> = positions
            .iter()
            .map(|&at| record.get(at).unwrap_or_default().trim())
            .collect();
        match format.check(line, &fields, lookups) {
            Ok(staged) => {
                if let Some(&first) = first_lines.get(&staged.identity) {
                    outcome.suspected_duplicates.push((line, first));
                } else {
                    first_lines.insert(staged.identity, line);
                }
                let mut values = Vec::with_capacity(staged.values.len() + 1);
                values.push(Value::from(line as i64));
                values.extend(staged.values);
                batch.push(values);
            }
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
        csv::ErrorKind::Io(e) => format!("read error: {}", e.kind()),
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
