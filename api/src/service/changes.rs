//! The change feed (DESIGN.md 4c): which records changed after a version, for one caller.
//!
//! The database keeps `change_entry` itself (triggers of migration 000015), so every write path
//! is covered. Here the feed is read: one statement per page, in version order, over the rows
//! the caller's *audience* covers (their region, their school), each marked visible when the
//! record is live and in the caller's scope now (`UPSERT`), else delivered as a `DELETE`, so a
//! replica that applies the feed equals a full pull. Scope changes that no write causes (an rmc
//! scope that ends 90 days after a resolution, a coach assignment that starts or ends, the end
//! of an mbo school's reach on 1 August) are recorded by [`record_scope_by_date`].

use entity::{activity, application, import_run, signal, student};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Value,
    sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query, SelectStatement},
};

use super::{Page, activity as activities, import_runs};
use crate::{
    audit::{PupilData, Read, Sealed},
    auth::{
        Role, Viewer,
        scope::{self, changes::e},
    },
    db,
    error::{AppError, AppResult},
    ids,
};

/// Node types of the public catalogue.
pub const CATALOGUE: [&str; 6] = [
    "Region",
    "School",
    "Programme",
    "Person",
    "Leerlab",
    "Activity",
];
/// Catalogue types every caller may read whole (activities depend on status).
const PUBLIC: [&str; 5] = ["Region", "School", "Programme", "Person", "Leerlab"];

/// One record of a page of changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub version: i64,
    pub ty: String,
    pub row_id: i64,
    /// Live and in the caller's scope now: an `UPSERT`; otherwise a `DELETE`.
    pub upsert: bool,
}

impl Change {
    /// The cursor of this change in its page.
    pub fn cursor_key(&self) -> String {
        format!("{}:{}:{}", self.version, self.ty, self.row_id)
    }
}

/// Where a page starts: after this (version, type, row id).
pub type After = (i64, String, i64);

/// Decodes a cursor made from [`Change::cursor_key`].
pub fn decode_after(cursor: &str) -> AppResult<After> {
    let key = ids::decode_cursor(cursor)?;
    let mut parts = key.splitn(3, ':');
    let bad = || AppError::bad_input("after", "not a cursor of this list");
    let version = parts.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    let ty = parts.next().ok_or_else(bad)?.to_owned();
    let row_id = parts.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    Ok((version, ty, row_id))
}

/// A `since:` (or `changeVersion`) value: a decimal integer of 0 or more.
pub fn parse_version(field: &str, text: &str) -> AppResult<i64> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| AppError::bad_input(field, "a change version: a decimal integer, 0 or more"))
}

fn of_type(ty: &str, ids: SelectStatement) -> Condition {
    Condition::all()
        .add(e("type").eq(ty))
        .add(e("row_id").in_subquery(ids))
}

/// The change rows of records the caller may read now (not yet whether they are live).
fn in_scope(viewer: &Viewer) -> Condition {
    let today = viewer.today();
    let mut any = Condition::any().add(e("type").is_in(PUBLIC)).add(of_type(
        "Activity",
        activity::Entity::find()
            .select_only()
            .column(activity::Column::Id)
            .filter(activities::visible_to(viewer))
            .into_query(),
    ));
    if let Some(scope) = scope::students(viewer, today) {
        let ids = student::Entity::find()
            .select_only()
            .column(student::Column::Id)
            .filter(scope)
            .into_query();
        any = any.add(of_type("Student", ids));
    }
    if let Some(scope) = scope::applications(viewer, today) {
        let ids = application::Entity::find()
            .select_only()
            .column(application::Column::Id)
            .filter(scope)
            .into_query();
        any = any.add(of_type("Application", ids));
    }
    if let Some(scope) = scope::signals(viewer, today) {
        let ids = signal::Entity::find()
            .select_only()
            .column(signal::Column::Id)
            .filter(scope)
            .into_query();
        any = any.add(of_type("Signal", ids));
    }
    let runs = import_run::Entity::find()
        .select_only()
        .column(import_run::Column::Id)
        .filter(import_runs::scope(viewer))
        .into_query();
    any.add(of_type("ImportRun", runs))
}

/// A page of the records changed after `since` that `viewer` hears of, oldest first. `since`
/// 0 lists the live records the caller may read (no deletes). `want_total` counts them all.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    since: i64,
    first: u64,
    after: Option<&After>,
    want_total: bool,
) -> AppResult<Page<Change>> {
    let Some(audience) = scope::changes::audience(viewer) else {
        return Err(AppError::Forbidden);
    };
    let pruned = pruned_version(db).await?;
    if since != 0 && since < pruned {
        return Err(AppError::StaleVersion {
            min_version: pruned,
        });
    }
    let visible = Condition::all()
        .add(e("deleted").eq(0))
        .add(e("moved").eq(0))
        .add(in_scope(viewer));
    // Callers with a region claim hear only of their region; others also of every record
    // they may read now (an mbo school's applicants, say), beyond their audience.
    let region_claim = matches!(
        viewer.role(),
        Role::Coordinator | Role::Integration | Role::Rmc
    );
    let heard = match (since, region_claim) {
        (0, _) => Condition::all().add(audience).add(visible.clone()),
        (_, true) => audience,
        (_, false) => Condition::any().add(audience).add(visible.clone()),
    };
    let mut filter = Condition::all().add(e("version").gt(since)).add(heard);
    let backend = db.get_database_backend();
    let total = match want_total {
        true => {
            let count = Query::select()
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                .from_as(Alias::new("change_entry"), Alias::new("e"))
                .cond_where(filter.clone())
                .to_owned();
            let row = db.query_one_raw(backend.build(&count)).await?;
            Some(
                row.map(|r| r.try_get::<i64>("", "n"))
                    .transpose()?
                    .unwrap_or(0),
            )
        }
        false => None,
    };
    if let Some((version, ty, row_id)) = after {
        filter = filter.add(
            Condition::any().add(e("version").gt(*version)).add(
                Condition::all().add(e("version").eq(*version)).add(
                    Condition::any().add(e("type").gt(ty.as_str())).add(
                        Condition::all()
                            .add(e("type").eq(ty.as_str()))
                            .add(e("row_id").gt(*row_id)),
                    ),
                ),
            ),
        );
    }
    let select = Query::select()
        .columns([
            (Alias::new("e"), Alias::new("version")),
            (Alias::new("e"), Alias::new("type")),
            (Alias::new("e"), Alias::new("row_id")),
        ])
        .expr_as(Expr::case(visible, 1).finally(0), Alias::new("visible"))
        .from_as(Alias::new("change_entry"), Alias::new("e"))
        .cond_where(filter)
        .order_by((Alias::new("e"), Alias::new("version")), Order::Asc)
        .order_by((Alias::new("e"), Alias::new("type")), Order::Asc)
        .order_by((Alias::new("e"), Alias::new("row_id")), Order::Asc)
        .limit(first + 1)
        .to_owned();
    let mut items = Vec::new();
    for row in db.query_all_raw(backend.build(&select)).await? {
        items.push(Change {
            version: row.try_get("", "version")?,
            ty: row.try_get("", "type")?,
            row_id: row.try_get("", "row_id")?,
            upsert: row.try_get::<i32>("", "visible")? == 1,
        });
    }
    Ok(Page::from_fetch(items, first, total))
}

async fn scalar(db: &impl ConnectionTrait, sql: &str) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(db::statement(db.get_database_backend(), sql, vec![]))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "v"))
        .transpose()?
        .unwrap_or(0))
}

/// The version up to which tombstones were pruned: a `since` below it may have missed deletes.
pub async fn pruned_version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    scalar(db, include_str!("sql/changes_pruned_version.sql")).await
}

/// `Query.changeVersion`: the latest version a client can have seen.
pub async fn current_version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let latest = scalar(db, include_str!("sql/changes_latest_version.sql")).await?;
    Ok(std::cmp::max(latest, pruned_version(db).await?))
}

/// The version of each of `ids` of type `ty` (its latest change).
pub async fn versions_of(
    db: &impl ConnectionTrait,
    ty: &str,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = db::sql_template(
        include_str!("sql/changes_versions_of.sql"),
        &[("ids", &db::placeholders(ids.len()))],
    );
    let mut values: Vec<Value> = vec![ty.into()];
    values.extend(ids.iter().map(|&id| Value::from(id)));
    let rows = db
        .query_all_raw(db::statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.try_get("", "row_id")?, r.try_get("", "v")?)))
        .collect()
}

pub use super::change_stamp::{daily, prune, record_scope_by_date, touch};

/// The pupil records behind the `UPSERT`s of a page: pupil records, signals and applications
/// (their scope was checked in the page's statement).
#[derive(Clone, Debug, Default)]
pub struct PupilRows {
    pub students: Vec<student::Model>,
    pub signals: Vec<signal::Model>,
    pub applications: Vec<application::Model>,
}

impl PupilData for PupilRows {
    fn reads(&self, reads: &mut Vec<Read>) {
        self.students.reads(reads);
        self.signals.reads(reads);
        self.applications.reads(reads);
    }
}

/// Loads the [`PupilRows`] of a page: one statement per type that has any.
pub async fn pupil_rows(
    db: &impl ConnectionTrait,
    entries: &[Change],
) -> Result<Sealed<PupilRows>, DbErr> {
    let ids = |ty: &str| -> Vec<i64> {
        entries
            .iter()
            .filter(|e| e.upsert && e.ty == ty)
            .map(|e| e.row_id)
            .collect()
    };
    Ok(Sealed::new(PupilRows {
        students: by_ids::<student::Entity>(db, student::Column::Id, ids("Student")).await?,
        signals: by_ids::<signal::Entity>(db, signal::Column::Id, ids("Signal")).await?,
        applications: by_ids::<application::Entity>(
            db,
            application::Column::Id,
            ids("Application"),
        )
        .await?,
    }))
}

/// The rows of `E` with these ids; no statement when there are none.
async fn by_ids<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    ids: Vec<i64>,
) -> Result<Vec<E::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    E::find().filter(id.is_in(ids)).all(db).await
}
