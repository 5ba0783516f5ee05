//! Response fields in the order the query asked for them (GraphQL spec §7.2.2, "Serialized Map
//! Ordering"). async-graphql resolves a query's fields concurrently and keeps each object's
//! fields in the order they *finished*, so `{ school { region { code } name } }` came back with
//! `name` first. This extension keeps the parsed document and, after execution, puts every
//! object's keys back in selection order: fields in the order they appear, fragments (spread or
//! inline) expanded where they stand, a key repeated by several selections placed at its first.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use async_graphql::{
    Name, Positioned, Response, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    indexmap::IndexMap,
    parser::types::{
        DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
    },
};

/// The schema extension that orders response fields as the query did.
pub struct FieldOrder;

impl ExtensionFactory for FieldOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldOrderExtension::default())
    }
}

/// One per request: the document between parsing and the end of execution.
#[derive(Default)]
struct FieldOrderExtension {
    document: Mutex<Option<ExecutableDocument>>,
}

#[async_trait::async_trait]
impl Extension for FieldOrderExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut kept) = self.document.lock() {
            *kept = Some(document.clone());
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self.document.lock().ok().and_then(|mut kept| kept.take());
        if let Some(document) = document {
            let operation = match (&document.operations, operation_name) {
                (DocumentOperations::Single(operation), _) => Some(operation),
                (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
                (DocumentOperations::Multiple(_), None) => None,
            };
            if let Some(operation) = operation {
                let sets = [&operation.node.selection_set.node];
                order(&mut response.data, &sets, &document.fragments);
            }
        }
        response
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
