//! The DataLoader keys of nested connections (see [`loaders`](super)): a page of children for
//! every parent of one request level, with their counts, in one statement per page size.
//!
//! The page and its `totalCount` come from the same windowed query: `ROW_NUMBER()` numbers each
//! parent's children after the cursor, `COUNT(*)` over the parent's partition counts all of them,
//! cursor or not. The count is only computed when the client selected `totalCount`.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{leerlab, programme, school};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, Value};

use super::Db;
use crate::{
    db::{placeholders, sql_template, statement},
    service::{Page, PageArgs},
};

/// Declares a key type that loads one page of `$module` rows per parent (`$column`): the
/// parent's id, the page, and whether `totalCount` was selected.
macro_rules! child_pages {
    ($key:ident, $module:ident, $table:literal, $column:literal) => {
        #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
        pub struct $key(pub i64, pub PageArgs, pub bool);

        impl Loader<$key> for Db {
            type Value = Page<$module::Model>;
            type Error = DbErr;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, DbErr> {
                let table = ChildTable {
                    name: $table,
                    parent: $column,
                };
                let wanted: Vec<Wanted> = keys.iter().map(|k| (k.0, k.1, k.2)).collect();
                let pages = load_child_pages::<$module::Entity>(&self.db, table, &wanted).await?;
                Ok(pages
                    .into_iter()
                    .map(|((id, args, total), page)| ($key(id, args, total), page))
                    .collect())
            }
        }
    };
}

child_pages!(SchoolsOfRegion, school, "school", "region_id");
child_pages!(LeerlabsOfRegion, leerlab, "leerlab", "region_id");
child_pages!(ProgrammesOfSchool, programme, "programme", "school_id");

/// A parent, its page, and whether its total is wanted.
type Wanted = (i64, PageArgs, bool);

/// A child table and the column that points to the parent.
#[derive(Clone, Copy)]
struct ChildTable {
    name: &'static str,
    parent: &'static str,
}

/// The windowed query of one page size for `parents` parents.
fn page_sql(table: ChildTable, parents: usize, args: PageArgs, want_total: bool) -> String {
    let ChildTable { name, parent } = table;
    // After a cursor, number only the rows past it, but count them all.
    let (number, past_cursor) = match args.after {
        Some(_) => (
            format!(
                "SUM(CASE WHEN t.id > ? THEN 1 ELSE 0 END) OVER (PARTITION BY t.{parent} ORDER BY t.id)"
            ),
            "AND id > ?",
        ),
        None => (
            format!("ROW_NUMBER() OVER (PARTITION BY t.{parent} ORDER BY t.id)"),
            "",
        ),
    };
    let total = if want_total {
        format!(", COUNT(*) OVER (PARTITION BY t.{parent}) AS page_total")
    } else {
        String::new()
    };
    sql_template(
        include_str!("sql/pages_child_page.sql"),
        &[
            ("number", &number),
            ("total", &total),
            ("name", name),
            ("parent", parent),
            ("parents", &placeholders(parents)),
            ("past_cursor", past_cursor),
        ],
    )
}

/// The values of [`page_sql`], in placeholder order.
fn page_values(parents: &[i64], args: PageArgs) -> Vec<Value> {
    let mut values = Vec::new();
    if let Some(after) = args.after {
        values.push(after.into());
    }
    values.extend(parents.iter().map(|&p| Value::from(p)));
    values.push(((args.first + 1) as i64).into());
    if let Some(after) = args.after {
        values.push(after.into());
    }
    values
}

/// Loads a page of children for many parents: one statement per distinct page (size, cursor,
/// count or not), whatever the number of parents.
async fn load_child_pages<E>(
    db: &DatabaseConnection,
    table: ChildTable,
    keys: &[Wanted],
) -> Result<HashMap<Wanted, Page<E::Model>>, DbErr>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    let mut by_page: HashMap<(PageArgs, bool), Vec<i64>> = HashMap::new();
    for (parent, args, want_total) in keys {
        by_page
            .entry((*args, *want_total))
            .or_default()
            .push(*parent);
    }
    let mut pages = HashMap::new();
    for ((args, want_total), parents) in by_page {
        let sql = page_sql(table, parents.len(), args, want_total);
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(statement(backend, &sql, page_values(&parents, args)))
            .await?;
        let mut items: HashMap<i64, Vec<E::Model>> = HashMap::new();
        let mut totals: HashMap<i64, i64> = HashMap::new();
        for row in rows {
            let parent: i64 = row.try_get("", table.parent)?;
            if want_total {
                totals.insert(parent, row.try_get("", "page_total")?);
            }
            items
                .entry(parent)
                .or_default()
                .push(E::Model::from_query_result(&row, "")?);
        }
        if want_total && args.after.is_some() {
            // A parent with no row past the cursor came back without its count.
            let missing: Vec<i64> = parents
                .iter()
                .copied()
                .filter(|p| !totals.contains_key(p))
                .collect();
            totals.extend(count_children(db, table, &missing).await?);
        }
        for parent in parents {
            let fetched = items.remove(&parent).unwrap_or_default();
            // Without a row, a parent without a cursor has no children at all.
            let total = want_total.then(|| totals.get(&parent).copied().unwrap_or(0));
            pages.insert(
                (parent, args, want_total),
                Page::from_fetch(fetched, args.first, total),
            );
        }
    }
    Ok(pages)
}

/// The number of children of each parent (parents without children are left out).
async fn count_children(
    db: &DatabaseConnection,
    table: ChildTable,
    parents: &[i64],
) -> Result<HashMap<i64, i64>, DbErr> {
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    let ChildTable { name, parent } = table;
    let sql = sql_template(
        include_str!("sql/pages_count_children.sql"),
        &[
            ("parent", parent),
            ("name", name),
            ("parents", &placeholders(parents.len())),
        ],
    );
    let values = parents.iter().map(|&p| Value::from(p)).collect();
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "parent")?, row.try_get("", "n")?)))
        .collect()
}
