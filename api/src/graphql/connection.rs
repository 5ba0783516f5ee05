//! Relay connections built from service [`Page`]s. Our own type rather than async-graphql's, so
//! that every `…Connection` type has a description in the schema.

use std::borrow::Cow;

use async_graphql::{
    Object, TypeName,
    connection::{Edge, EmptyFields, PageInfo},
};

use super::plain::{PlainNode, PlainNodes};
use crate::{ids, service::Page};

/// A page of a list (Relay connection): its `edges` (or just the `nodes`), how to page on
/// (`pageInfo`), and how many items match the filter over all pages (`totalCount`).
pub struct Conn<T: PlainNode> {
    edges: Vec<Edge<String, T, EmptyFields>>,
    has_previous: bool,
    has_next: bool,
    total_count: i64,
}

/// A page of a list (Relay connection): its `edges` (or just the `nodes`), how to page on
/// (`pageInfo`), and how many items match the filter over all pages (`totalCount`).
#[Object(name_type)]
impl<T: PlainNode> Conn<T> {
    /// Information to page on: whether more items follow, and the cursor to continue after.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous,
            has_next_page: self.has_next,
            start_cursor: self.edges.first().map(|e| e.cursor.clone()),
            end_cursor: self.edges.last().map(|e| e.cursor.clone()),
        }
    }

    /// The items of this page with their cursors.
    async fn edges(&self) -> &[Edge<String, T, EmptyFields>] {
        &self.edges
    }

    /// The items of this page.
    async fn nodes(&self) -> PlainNodes<'_, T> {
        PlainNodes(self.edges.iter().map(|e| &e.node).collect())
    }

    /// The number of items matching the filter, over all pages.
    async fn total_count(&self) -> i64 {
        self.total_count
    }
}

impl<T: PlainNode> TypeName for Conn<T> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", T::type_name()).into()
    }
}

/// Builds a connection from a page; `key` gives each row's cursor key.
pub fn from_page<M, T: PlainNode>(
    page: Page<M>,
    has_previous: bool,
    key: impl Fn(&M) -> String,
    mut node: impl FnMut(M) -> T,
) -> Conn<T> {
    Conn {
        total_count: page.total.unwrap_or_default(),
        has_previous,
        has_next: page.has_next,
        edges: page
            .items
            .into_iter()
            .map(|item| Edge::new(ids::encode_cursor(&key(&item)), node(item)))
            .collect(),
    }
}
