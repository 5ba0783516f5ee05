//! Response fields in the order the query asked for them (GraphQL spec §7.2.2, "Serialized Map
//! Ordering"). async-graphql resolves a query's fields concurrently and keeps each object's
//! fields in the order they *finished*, so `{ school { region { code } name } }` came back with
//! `name` first. The request guard ([`super::guard`]) keeps the parsed document and, after
//! execution, puts every object's keys back in selection order ([`order_response`]): fields in
//! the order they appear, fragments (spread or inline) expanded where they stand, a key repeated
//! by several selections placed at its first.

use std::collections::HashMap;

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
        let sets = [&operation.node.selection_set.node];
        order(data, &sets, &document.fragments);
    }
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Orders `value` (an object, a list of them, or a leaf) by the selection sets that chose it.
fn order(value: &mut Value, sets: &[&SelectionSet], fragments: &Fragments) {
    match value {
        Value::List(items) => {
            for item in items {
                order(item, sets, fragments);
            }
        }
        Value::Object(object) => order_object(object, sets, fragments),
        _ => {}
    }
}

fn order_object(object: &mut IndexMap<Name, Value>, sets: &[&SelectionSet], fragments: &Fragments) {
    let mut keys: IndexMap<&str, Vec<&SelectionSet>> = IndexMap::new();
    for set in sets {
        collect(set, fragments, &mut keys);
    }
    let present = keys.keys().filter(|key| object.contains_key(**key));
    if !present.copied().eq(object.keys().map(Name::as_str)) {
        let mut ordered = IndexMap::with_capacity(object.len());
        for key in keys.keys() {
            if let Some((name, value)) = object.swap_remove_entry(*key) {
                ordered.insert(name, value);
            }
        }
        // Nothing should be left; if something is, it keeps its place at the end.
        ordered.extend(object.drain(..));
        *object = ordered;
    }
    for (key, value) in object.iter_mut() {
        if let Some(children) = keys.get(key.as_str()) {
            order(value, children, fragments);
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
