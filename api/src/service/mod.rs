//! The logic and SQL of each domain, callable from GraphQL, the CLI and tests alike.
//! Nothing here knows about GraphQL; scope checks take the [`Viewer`](crate::auth::Viewer).

pub mod activity;
pub mod applications;
pub mod audit_log;
pub mod catalogue;
pub mod change_stamp;
pub mod changes;
pub mod daily;
pub mod disclosure;
pub mod identity;
pub mod import_runs;
pub mod leerlab;
pub mod leerlab_partners;
pub mod needs;
pub mod pipeline;
pub mod pipeline_purged;
pub mod pipeline_stats;
pub mod planning;
pub mod pupils;
pub mod retention;
pub mod school_move;
pub mod signals;
pub mod statistics;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{Alias, Expr, Query},
};

use crate::{
    error::{AppError, AppResult},
    ids,
};

/// Page size when a client gives no `first`.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest `first` a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Forward pagination: at most `first` rows after the row with id `after`.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct PageArgs {
    pub first: u64,
    pub after: Option<i64>,
}

impl PageArgs {
    /// Validates `first` (0..=100) and decodes an id cursor.
    pub fn new(first: Option<i32>, after: Option<&str>) -> AppResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => n as u64,
            Some(_) => {
                return Err(AppError::bad_input(
                    "first",
                    format!("`first` must be between 0 and {MAX_PAGE_SIZE}"),
                ));
            }
        };
        let after = match after {
            None => None,
            Some(cursor) => Some(
                ids::decode_cursor(cursor)?
                    .parse::<i64>()
                    .map_err(|_| AppError::bad_input("after", "not a cursor of this list"))?,
            ),
        };
        Ok(PageArgs { first, after })
    }

    /// The complexity a connection field adds: its page size times its children.
    pub fn complexity(first: Option<i32>, child: usize) -> usize {
        let first = first.map_or(DEFAULT_PAGE_SIZE as usize, |n| n.clamp(0, 100) as usize);
        first.max(1) * child + 1
    }
}

/// One page of rows, with whether more follow and (when asked for) the total count.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub total: Option<i64>,
}

impl<T> Page<T> {
    /// Cuts a fetch of `first + 1` rows down to `first`, noting whether there was more.
    pub fn from_fetch(mut items: Vec<T>, first: u64, total: Option<i64>) -> Self {
        let has_next = items.len() as u64 > first;
        items.truncate(first as usize);
        Page {
            items,
            has_next,
            total,
        }
    }

    /// A page with nothing on it.
    pub fn empty() -> Self {
        Page {
            items: Vec::new(),
            has_next: false,
            total: Some(0),
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next: self.has_next,
            total: self.total,
        }
    }
}

/// The column that carries a page's total count in [`page_by_id`].
const PAGE_TOTAL: &str = "page_total";

/// Pages `select` by ascending id; counts all matching rows only when `want_total`, in the
/// same statement (an uncorrelated subquery, evaluated once), so a page costs one round trip.
/// Only a page after a cursor that comes back empty needs a second statement for its count.
pub async fn page_by_id<E, C>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    id: C,
    args: PageArgs,
    want_total: bool,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ColumnTrait,
{
    let mut page = select.clone();
    if want_total {
        let mut counting = Query::select();
        counting
            .expr(Expr::cust("COUNT(*)"))
            .from_subquery(select.clone().into_query(), Alias::new("counted"));
        page = page.expr_as(Expr::SubQuery(None, Box::new(counting.into())), PAGE_TOTAL);
    }
    if let Some(after) = args.after {
        page = page.filter(id.gt(after));
    }
    let query = page.order_by_asc(id).limit(args.first + 1).into_query();
    let rows = db
        .query_all_raw(db.get_database_backend().build(&query))
        .await?;
    let total = match (want_total, rows.first()) {
        (false, _) => None,
        (true, Some(row)) => Some(row.try_get::<i64>("", PAGE_TOTAL)?),
        (true, None) if args.after.is_none() => Some(0),
        (true, None) => Some(select.count(db).await? as i64),
    };
    let items = rows
        .iter()
        .map(|row| E::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_fetch(items, args.first, total))
}

/// A required, trimmed, non-empty text of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` may not be empty"),
        ));
    }
    if value.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` may be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// An optional text: trimmed, empty becomes `None`, at most `max` characters.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => required_text(field, v, max).map(Some),
    }
}

/// `%text%` for a case-insensitive LIKE, with the user's `%`, `_` and `\` taken literally.
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
