//! One run of a CSV import: who, when, how far it got, and what it changed. No pupil data.

use sea_orm::entity::prelude::*;
use vocabulary::{ImportKind, RunStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: ImportKind,
    pub subject: Option<String>,
    /// When the file arrived (the run was queued).
    pub started_at: DateTimeUtc,
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub transitions_changed: i64,
    /// `queued`, `running`, `done`, `refused` or `failed`.
    pub status: RunStatus,
    pub unchanged: i64,
    /// Bad rows of a refused file; `errors` lists the first of them (JSON, no cell values).
    pub error_count: i64,
    pub errors: Option<String>,
    /// The school whose staff uploaded the file (none for admin and the CLI).
    pub school_id: Option<i64>,
    pub finished_at: Option<DateTimeUtc>,
    /// The process that runs it, so that a run whose process died can be marked failed.
    pub owner: Option<String>,
    /// The school years (comma-separated) whose statistics the run may have changed, once done.
    pub cohorts: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
