//! The depth limit of queries (`LEERROUTE_MAX_DEPTH`), with one allowance for introspection.
//!
//! The standard introspection queries of graphql-js and graphql-core unwrap list and non-null
//! types with a chain of nine nested `ofType` fields, which puts them at depth 15 and made
//! GraphiQL, `gql` and schemathesis fail at the default limit of 12. Inside `__schema` and
//! `__type`, `ofType` therefore adds no depth: it returns one object or null, so a chain of
//! them costs what its text costs (the complexity limit counts every field), while each list
//! field (`types`, `fields`, `args`, …) still counts as a level, so a fan-out
//! (`types { fields { type { fields … } } }`) is held at the same limit as any query.
//! Everything else is counted as async-graphql's own `limit_depth` counts it.

use std::collections::HashMap;

use async_graphql::{
    ErrorExtensionValues, ServerError, ServerResult,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use crate::error::ErrorCode;

/// Fragment spreads nested deeper than this are refused outright: no real query needs it, and
/// it bounds the recursion before validation has rejected fragment cycles.
const MAX_SPREAD_NESTING: usize = 64;

/// Refuses `document` when an operation is nested deeper than `limit`.
pub fn check(document: &ExecutableDocument, limit: usize) -> ServerResult<()> {
    match query_depth(document) {
        Some(depth) if depth <= limit => Ok(()),
        _ => Err(too_deep()),
    }
}

fn too_deep() -> ServerError {
    let mut error = ServerError::new("The query is nested too deep.", None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", ErrorCode::QueryTooComplex.as_str());
    error.extensions = Some(extensions);
    error
}

/// The depth of the deepest operation of `document`, counted as the module docs say; `None`
/// when fragment spreads nest beyond [`MAX_SPREAD_NESTING`].
pub fn query_depth(document: &ExecutableDocument) -> Option<usize> {
    let mut walk = Walk {
        document,
        memo: HashMap::new(),
        spreads: 0,
    };
    let mut deepest = 0;
    for (_, operation) in document.operations.iter() {
        deepest = deepest.max(walk.selection_set(&operation.node.selection_set.node, false)?);
    }
    Some(deepest)
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    /// Depth of each fragment's selection set (it does not depend on where it is spread).
    memo: HashMap<(&'a str, bool), usize>,
    spreads: usize,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet, introspection: bool) -> Option<usize> {
        let mut deepest = 0;
        for item in &set.items {
            let depth = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let inside = introspection || name == "__schema" || name == "__type";
                    let own = usize::from(!(introspection && name == "ofType"));
                    own + self.selection_set(&field.node.selection_set.node, inside)?
                }
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.node.selection_set.node, introspection)?
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str(), introspection)?
                }
            };
            deepest = deepest.max(depth);
        }
        Some(deepest)
    }

    fn fragment(&mut self, name: &'a str, introspection: bool) -> Option<usize> {
        if let Some(depth) = self.memo.get(&(name, introspection)) {
            return Some(*depth);
        }
        // An unknown fragment is validation's to refuse.
        let Some(fragment) = self.document.fragments.get(name) else {
            return Some(0);
        };
        self.spreads += 1;
        if self.spreads > MAX_SPREAD_NESTING {
            return None;
        }
        let depth = self.selection_set(&fragment.node.selection_set.node, introspection)?;
        self.spreads -= 1;
        self.memo.insert((name, introspection), depth);
        Some(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(query: &str) -> Option<usize> {
        query_depth(&async_graphql::parser::parse_query(query).expect("parses"))
    }

    #[test]
    fn fields_count_as_async_graphql_counts_them() {
        assert_eq!(depth("{ a }"), Some(1));
        assert_eq!(depth("{ a { b { c } } d }"), Some(3));
        assert_eq!(
            depth("{ a { ...F } } fragment F on T { b { ... on U { c } } }"),
            Some(3)
        );
    }

    #[test]
    fn of_type_is_free_only_inside_introspection() {
        let chain = "ofType { ofType { ofType { ofType { name } } } }";
        assert_eq!(
            depth(&format!("{{ __type(name: \"X\") {{ {chain} }} }}")),
            Some(2)
        );
        assert_eq!(depth(&format!("{{ x {{ {chain} }} }}")), Some(6));
        assert_eq!(
            depth("{ __schema { types { fields { type { fields { name } } } } } }"),
            Some(6)
        );
    }

    #[test]
    fn fragment_cycles_and_chains_end() {
        assert_eq!(depth("{ ...A } fragment A on Query { a ...A }"), None);
        let chain: String = (0..100)
            .map(|i| format!("fragment F{i} on Query {{ ...F{} }} ", i + 1))
            .collect();
        assert_eq!(depth(&format!("{{ ...F0 }} {chain}")), None);
    }
}
