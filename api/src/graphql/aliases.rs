//! The alias cap (`LEERROUTE_MAX_ALIASES`): a document may name at most so many fields under an
//! alias. Aliases are how one request asks for the same expensive field many times over (sixty
//! aliases of `transitionStats` took 5.3 s against 0.1 s for one), so they are counted before
//! anything runs: over the whole document, once for every field an alias names, a fragment's
//! aliases as often as the fragment is spread.

use std::collections::HashMap;

use async_graphql::{
    ErrorExtensionValues, ServerError, ServerResult,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// Refuses `document` when it names more than `limit` fields under an alias.
pub fn check(document: &ExecutableDocument, limit: usize) -> ServerResult<()> {
    let count = alias_count(document);
    if count > limit {
        return Err(too_many(count, limit));
    }
    Ok(())
}

fn too_many(count: usize, most: usize) -> ServerError {
    let message = if count == usize::MAX {
        format!("The query has too many aliases (at most {most}).")
    } else {
        format!("The query has too many aliases: {count} (at most {most}).")
    };
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", "QUERY_TOO_COMPLEX");
    error.extensions = Some(extensions);
    error
}

/// The aliases of every operation of `document`, fragments counted per spread (saturating:
/// a fragment cycle, which validation refuses, counts as `usize::MAX`).
pub fn alias_count(document: &ExecutableDocument) -> usize {
    let mut walk = Walk {
        document,
        memo: HashMap::new(),
        open: Vec::new(),
    };
    document
        .operations
        .iter()
        .fold(0usize, |sum, (_, operation)| {
            sum.saturating_add(walk.selection_set(&operation.node.selection_set.node))
        })
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    memo: HashMap<&'a str, usize>,
    /// Fragments being counted (a cycle among them is infinite).
    open: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> usize {
        let mut count = 0usize;
        for item in &set.items {
            let here = match &item.node {
                Selection::Field(field) => {
                    let own = usize::from(field.node.alias.is_some());
                    own.saturating_add(self.selection_set(&field.node.selection_set.node))
                }
                Selection::InlineFragment(fragment) => {
                    self.selection_set(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str())
                }
            };
            count = count.saturating_add(here);
        }
        count
    }

    fn fragment(&mut self, name: &'a str) -> usize {
        if let Some(count) = self.memo.get(name) {
            return *count;
        }
        if self.open.contains(&name) {
            return usize::MAX;
        }
        // An unknown fragment is validation's to refuse.
        let Some((key, fragment)) = self.document.fragments.get_key_value(name) else {
            return 0;
        };
        self.open.push(key.as_str());
        let count = self.selection_set(&fragment.node.selection_set.node);
        self.open.pop();
        self.memo.insert(key.as_str(), count);
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> usize {
        alias_count(&async_graphql::parser::parse_query(query).expect("parses"))
    }

    #[test]
    fn aliases_count_per_field_and_per_spread() {
        assert_eq!(count("{ a b { c } }"), 0);
        assert_eq!(count("{ x: a y: a b { z: c } }"), 3);
        assert_eq!(
            count("{ ...F ...F b { ...F } } fragment F on Q { one: a two: a }"),
            6
        );
        assert_eq!(count("query A { x: a } query B { y: a }"), 2);
    }

    #[test]
    fn fragment_cycles_are_infinite() {
        assert_eq!(
            count("{ ...A } fragment A on Q { x: a ...B } fragment B on Q { ...A }"),
            usize::MAX
        );
    }

    #[test]
    fn doubling_fragments_saturate() {
        let mut query = String::from("{ ...F0 } ");
        for i in 0..70 {
            query.push_str(&format!(
                "fragment F{i} on Q {{ ...F{n} ...F{n} }} ",
                n = i + 1
            ));
        }
        query.push_str("fragment F70 on Q { x: a }");
        assert_eq!(count(&query), usize::MAX);
    }
}
