//! Response fields in the order the query asked for them (GraphQL spec §7.2.2, "Serialized Map
//! Ordering"). async-graphql resolves a query's fields concurrently and keeps each object's
//! fields in the order they *finished*, so `{ school { region { code } name } }` came back with
//! `name` first. The request guard ([`super::guard`]) keeps the parsed document and, after
//! execution, puts every object's keys back in selection order ([`order_response`]): fields in
//! the order they appear, fragments (spread or inline) expanded where they stand, a key repeated
//! by several selections placed at its first.

use std::{cell::OnceCell, collections::HashMap};

use async_graphql::{
    Name, Positioned, Value,
    indexmap::IndexMap,
    parser::types::{
        DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
    },
};

/// Puts the fields of `data`, the response to `operation_name` of `document`, in the order the
/// operation selected them.
pub fn order_response(
    data: &mut Value,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(_), None) => None,
    };
    if let Some(operation) = operation {
        let plan = Plan::new(&[&operation.node.selection_set.node], &document.fragments);
        plan.apply(data, &document.fragments);
    }
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The order of one place in the response: its keys, each with the selection sets beneath it,
/// and (made when first needed) the plan of each key's value. Every item of a list shares its
/// place's plan, so the keys of a 1,000-row list are collected once, not 1,000 times.
struct Plan<'a> {
    keys: IndexMap<&'a str, Vec<&'a SelectionSet>>,
    beneath: Vec<OnceCell<Plan<'a>>>,
}

impl<'a> Plan<'a> {
    fn new(sets: &[&'a SelectionSet], fragments: &'a Fragments) -> Self {
        let mut keys = IndexMap::new();
        for set in sets {
            collect(set, fragments, &mut keys);
        }
        let beneath = (0..keys.len()).map(|_| OnceCell::new()).collect();
        Plan { keys, beneath }
    }

    /// Orders `value` (an object, a list of them, or a leaf).
    fn apply(&self, value: &mut Value, fragments: &'a Fragments) {
        match value {
            Value::List(items) => {
                for item in items {
                    self.apply(item, fragments);
                }
            }
            Value::Object(object) => self.apply_object(object, fragments),
            _ => {}
        }
    }

    /// Whether `object`'s keys already come in this plan's order. Most objects hold every key
    /// of their plan, so a walk side by side settles it without a lookup.
    fn in_order(&self, object: &IndexMap<Name, Value>) -> bool {
        if object.len() == self.keys.len() {
            return object
                .keys()
                .zip(self.keys.keys())
                .all(|(a, b)| a.as_str() == *b);
        }
        let present = self.keys.keys().filter(|key| object.contains_key(**key));
        present.copied().eq(object.keys().map(Name::as_str))
    }

    fn apply_object(&self, object: &mut IndexMap<Name, Value>, fragments: &'a Fragments) {
        if !self.in_order(object) {
            let mut ordered = IndexMap::with_capacity(object.len());
            for key in self.keys.keys() {
                if let Some((name, value)) = object.swap_remove_entry(*key) {
                    ordered.insert(name, value);
                }
            }
            // Nothing should be left; if something is, it keeps its place at the end.
            ordered.extend(object.drain(..));
            *object = ordered;
        }
        for (key, value) in object.iter_mut() {
            if !matches!(value, Value::List(_) | Value::Object(_)) {
                continue;
            }
            if let Some(index) = self.keys.get_index_of(key.as_str()) {
                let plan =
                    self.beneath[index].get_or_init(|| Plan::new(&self.keys[index], fragments));
                plan.apply(value, fragments);
            }
        }
    }
}

/// The response keys of `set` in order, each with the selection sets beneath it. Validation
/// has refused fragment cycles before anything executes, so the recursion ends.
fn collect<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    keys: &mut IndexMap<&'a str, Vec<&'a SelectionSet>>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                let key = field.alias.as_ref().unwrap_or(&field.name).node.as_str();
                keys.entry(key).or_default().push(&field.selection_set.node);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    collect(&fragment.node.selection_set.node, fragments, keys);
                }
            }
            Selection::InlineFragment(inline) => {
                collect(&inline.node.selection_set.node, fragments, keys);
            }
        }
    }
}
