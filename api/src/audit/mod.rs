//! The audit log, on the model of the government's "Logboek Dataverwerkingen": for every read
//! of pupil-level data and every write, who (subject, role), when, what (action) and on which
//! object (target).
//!
//! Writes are recorded inside the transaction that makes them, so a write and its record
//! commit or roll back together. Reads are collected per request in an [`AuditTrail`] and
//! written at the end of the request in one multi-row insert, not one insert per row.

mod sealed;

use std::sync::Mutex;

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait};

pub use sealed::{PupilData, Read, Reads, Sealed};

use crate::auth::{Role, Viewer};

/// Rows per INSERT statement, well under SQLite's bound-parameter limit.
const ROWS_PER_INSERT: usize = 1000;

/// The reads of pupil data made during one request, written when the request ends.
pub struct AuditTrail {
    request_id: String,
    subject: Option<String>,
    role: Role,
    reads: Mutex<Vec<(String, String)>>,
}

impl AuditTrail {
    pub fn new(viewer: &Viewer, request_id: String) -> Self {
        AuditTrail {
            request_id,
            subject: viewer.subject(),
            role: viewer.role(),
            reads: Mutex::new(Vec::new()),
        }
    }

    /// Notes that `target` was read by this request.
    pub fn read(&self, action: &str, target: impl Into<String>) {
        self.reads
            .lock()
            .expect("audit trail lock")
            .push((action.to_owned(), target.into()));
    }

    /// Writes every noted read (deduplicated) in as few statements as possible.
    /// On SQLite into the journal of [`crate::audit_journal`], so that a running import (which
    /// holds the main file's write lock) never holds up a read.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, DbErr> {
        let mut reads = std::mem::take(&mut *self.reads.lock().expect("audit trail lock"));
        reads.sort_unstable();
        reads.dedup();
        let at = Utc::now();
        let journal = crate::audit_journal::journal_of(db).await?;
        let target = journal.as_ref().map_or(db, |j| &j.db);
        for chunk in reads.chunks(ROWS_PER_INSERT) {
            let rows = chunk.iter().map(|(action, target)| {
                row(
                    at,
                    &self.request_id,
                    self.subject.clone(),
                    self.role,
                    action,
                    target,
                )
            });
            audit_event::Entity::insert_many(rows).exec(target).await?;
        }
        Ok(reads.len())
    }
}

/// Records a write inside the caller's transaction.
pub async fn record_write(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    action: &str,
    target: impl Into<String>,
) -> Result<(), DbErr> {
    let event = row(
        Utc::now(),
        &crate::request_id::current(),
        viewer.subject(),
        viewer.role(),
        action,
        &target.into(),
    );
    audit_event::Entity::insert(event).exec(db).await?;
    Ok(())
}

fn row(
    at: chrono::DateTime<Utc>,
    request_id: &str,
    subject: Option<String>,
    role: Role,
    action: &str,
    target: &str,
) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        at: Set(at),
        request_id: Set(request_id.to_owned()),
        subject: Set(subject),
        role: Set(role),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        ..Default::default()
    }
}
