//! Relay connections built from service [`Page`]s.

use async_graphql::{
    OutputType, SimpleObject,
    connection::{Connection, Edge},
};

use crate::{ids, service::Page};

/// Fields every connection has beside `edges`, `nodes` and `pageInfo`.
#[derive(SimpleObject)]
pub struct ConnectionTotals {
    /// The number of items matching the filter, over all pages.
    pub total_count: i64,
}

/// A connection whose cursors are opaque strings.
pub type Conn<T> = Connection<String, T, ConnectionTotals>;

/// Builds a connection from a page; `key` gives each row's cursor key.
pub fn from_page<M, T: OutputType>(
    page: Page<M>,
    has_previous: bool,
    key: impl Fn(&M) -> String,
    node: impl Fn(M) -> T,
) -> Conn<T> {
    let totals = ConnectionTotals {
        total_count: page.total.unwrap_or_default(),
    };
    let mut connection = Connection::with_additional_fields(has_previous, page.has_next, totals);
    connection.edges = page
        .items
        .into_iter()
        .map(|item| Edge::new(ids::encode_cursor(&key(&item)), node(item)))
        .collect();
    connection
}
