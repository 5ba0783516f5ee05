//! One import run: what was uploaded, how far it got, and what it did. No pupil data.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::import_run;

use super::School;
use crate::{
    error::AppResult,
    graphql::{context::loader, loaders::SchoolById},
    ids,
    import::{ImportKind, RowError, runs::RunStatus},
};

/// One bad row of a refused file. The reason never repeats the cell's value.
#[derive(SimpleObject)]
pub struct ImportRowError {
    /// Line in the file (the header is line 1).
    pub line: i64,
    /// The column of the format (`header` or `row` when the problem is not one column's).
    pub column: String,
    /// What is wrong and what is expected.
    pub reason: String,
}

/// One import run: what was uploaded, how far it got, and what it did. No pupil data.
pub struct ImportRun(pub import_run::Model);

impl ImportRun {
    fn done(&self) -> bool {
        self.0.status == RunStatus::Done
    }

    fn count_when_done(&self, n: i64) -> Option<i64> {
        self.done().then_some(n)
    }
}

/// One import run: what was uploaded, how far it got, and what it did. No pupil data.
#[Object]
impl ImportRun {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("ImportRun", self.0.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "ImportRun", self.0.id).await
    }

    /// Which format was imported.
    async fn kind(&self) -> Option<ImportKind> {
        Some(self.0.kind)
    }

    /// How far it got.
    async fn status(&self) -> RunStatus {
        self.0.status
    }

    /// The token subject that uploaded the file.
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    /// The school whose staff uploaded it (null for admin and the command line).
    async fn school(&self, ctx: &Context<'_>) -> AppResult<Option<School>> {
        let Some(id) = self.0.school_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(SchoolById(id)).await?.map(School))
    }

    /// When the file arrived.
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }

    /// When it was done, refused or failed (null while queued or running).
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }

    /// Data rows in the file (once done or refused).
    async fn rows(&self) -> Option<i64> {
        matches!(self.0.status, RunStatus::Done | RunStatus::Refused).then_some(self.0.rows)
    }

    /// Records that were new (once done).
    async fn created(&self) -> Option<i64> {
        self.count_when_done(self.0.created)
    }

    /// Existing records whose values changed (once done).
    async fn updated(&self) -> Option<i64> {
        self.count_when_done(self.0.updated)
    }

    /// Existing records left as they were (once done).
    async fn unchanged(&self) -> Option<i64> {
        self.count_when_done(self.0.unchanged)
    }

    /// Pupils whose transition changed (once done).
    async fn transitions_changed(&self) -> Option<i64> {
        self.count_when_done(self.0.transitions_changed)
    }

    /// The school years (cohorts, `2024-2025`) whose statistics the run may have changed, once
    /// done: what a sync reads again.
    async fn cohorts(&self) -> Vec<String> {
        let listed = self.0.cohorts.as_deref().unwrap_or_default();
        listed
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Bad rows of a refused file (0 otherwise).
    async fn error_count(&self) -> i64 {
        self.0.error_count
    }

    /// The first 1000 bad rows of a refused file, by line.
    async fn errors(&self) -> Vec<ImportRowError> {
        let listed: Vec<RowError> = self
            .0
            .errors
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        listed
            .into_iter()
            .map(|e| ImportRowError {
                line: e.line as i64,
                column: e.column,
                reason: e.reason,
            })
            .collect()
    }
}
