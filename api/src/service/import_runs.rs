//! Reading import runs: admin sees every run, school staff the runs uploaded for their school
//! (and its locations). A run holds no pupil data: kind, status, counts, row errors without
//! cell values.

use entity::import_run;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{Page, PageArgs};
use crate::{
    auth::Viewer,
    error::{AppError, AppResult},
    import::{ImportKind, runs::RunStatus},
};

/// Filters of `importRuns(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct ImportRunFilter {
    pub kind: Option<ImportKind>,
    pub status: Option<RunStatus>,
    /// Runs uploaded by this school's staff.
    pub school_id: Option<i64>,
}

pub use crate::auth::scope::import_runs as scope;

/// Import runs, newest first; the cursor is the id of the last run seen.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &ImportRunFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Page<import_run::Model>> {
    let mut condition = scope(viewer);
    if let Some(kind) = filter.kind {
        condition = condition.add(import_run::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        condition = condition.add(import_run::Column::Status.eq(status));
    }
    if let Some(school) = filter.school_id {
        condition = condition.add(import_run::Column::SchoolId.eq(school));
    }
    let select = import_run::Entity::find().filter(condition);
    let total = if want_total {
        Some(select.clone().count(db).await? as i64)
    } else {
        None
    };
    let mut select = select;
    if let Some(after) = page.after {
        select = select.filter(import_run::Column::Id.lt(after));
    }
    let rows = select
        .order_by_desc(import_run::Column::Id)
        .limit(page.first + 1)
        .all(db)
        .await?;
    Ok(Page::from_fetch(rows, page.first, total))
}

/// One run; `FORBIDDEN` when it does not exist or is not the viewer's.
pub async fn get(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<import_run::Model> {
    import_run::Entity::find_by_id(id)
        .filter(scope(viewer))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)
}
