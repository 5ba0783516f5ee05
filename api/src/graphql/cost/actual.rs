//! The actual cost of an operation: the sum validation computes for the requested cost, taken
//! over what the response holds. A field costs 1 plus its children; a connection (a field with
//! a cost function whose type is a `…Connection`) costs 1 plus its children where each of its
//! lists (`edges`, `nodes`) counts every returned item, instead of `first` times one; any other
//! list counts its costliest item once (as validation counts it once); a weighted aggregate
//! ([`super::WEIGHTS`]) costs its weight, or 1 when it returned null. Fields the response does
//! not hold (a fragment of another type) cost nothing, so the actual cost never exceeds the
//! requested one.

use async_graphql::{
    Name, Value,
    parser::types::{
        DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
    },
    registry::{MetaType, Registry},
};

/// Fragments nested deeper than this are not followed (validation has refused cycles).
const MAX_NESTING: usize = 64;

/// The actual cost of the operation `name` of `document` (the only one when `None`), whose
/// response data is `data`.
pub fn cost(
    registry: &Registry,
    document: &ExecutableDocument,
    name: Option<&str>,
    data: &Value,
) -> u64 {
    let operation = match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) => operations.values().next(),
    };
    let Some(operation) = operation else {
        return 0;
    };
    let root = match operation.node.ty {
        OperationType::Query => Some(registry.query_type.as_str()),
        OperationType::Mutation => registry.mutation_type.as_deref(),
        OperationType::Subscription => registry.subscription_type.as_deref(),
    };
    let walk = Walk { registry, document };
    let parent = root.and_then(|root| registry.types.get(root));
    walk.selection_set(&operation.node.selection_set.node, parent, data, false, 0)
}

struct Walk<'a> {
    registry: &'a Registry,
    document: &'a ExecutableDocument,
}

impl Walk<'_> {
    /// The cost of `set` on the object `value` of type `parent`; `sum_lists` inside a
    /// connection.
    fn selection_set(
        &self,
        set: &SelectionSet,
        parent: Option<&MetaType>,
        value: &Value,
        sum_lists: bool,
        nesting: usize,
    ) -> u64 {
        let Value::Object(fields) = value else {
            return 0;
        };
        let mut total = 0;
        for item in &set.items {
            total += match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    if name == "__typename" {
                        continue;
                    }
                    let key = field.alias.as_ref().map_or(&field.name.node, |a| &a.node);
                    let Some(value) = fields.get(key) else {
                        continue;
                    };
                    self.field(
                        parent,
                        name,
                        &field.selection_set.node,
                        value,
                        sum_lists,
                        nesting,
                    )
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let ty = match &inline.type_condition {
                        Some(condition) => self.registry.types.get(condition.node.on.node.as_str()),
                        None => parent,
                    };
                    self.selection_set(&inline.selection_set.node, ty, value, sum_lists, nesting)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match self.document.fragments.get(&Name::new(name)) {
                        Some(fragment) if nesting < MAX_NESTING => {
                            let on = fragment.node.type_condition.node.on.node.as_str();
                            self.selection_set(
                                &fragment.node.selection_set.node,
                                self.registry.types.get(on),
                                value,
                                sum_lists,
                                nesting + 1,
                            )
                        }
                        _ => 0,
                    }
                }
            };
        }
        total
    }

    fn field(
        &self,
        parent: Option<&MetaType>,
        name: &str,
        set: &SelectionSet,
        value: &Value,
        sum_lists: bool,
        nesting: usize,
    ) -> u64 {
        let meta = parent.and_then(|ty| ty.field_by_name(name));
        let ty = meta.and_then(|f| self.registry.concrete_type_by_name(&f.ty));
        // Validation applies a field's own cost function only on object types.
        let custom = matches!(parent, Some(MetaType::Object { .. }))
            && meta.is_some_and(|f| f.compute_complexity.is_some());
        if custom {
            if let Some(weight) = parent.and_then(|p| super::weight(p.name(), name)) {
                return if *value == Value::Null {
                    1
                } else {
                    weight as u64
                };
            }
            if ty.is_some_and(|t| t.name().ends_with("Connection")) {
                return 1 + self.children(set, ty, value, true, nesting);
            }
        }
        1 + self.children_of_field(set, ty, value, sum_lists, nesting)
    }

    /// A field's children: over a list, the sum of its items' (inside a connection) or the
    /// costliest item's.
    fn children_of_field(
        &self,
        set: &SelectionSet,
        ty: Option<&MetaType>,
        value: &Value,
        sum_lists: bool,
        nesting: usize,
    ) -> u64 {
        match value {
            Value::List(items) => {
                let costs = items
                    .iter()
                    .map(|item| self.children_of_field(set, ty, item, false, nesting));
                if sum_lists {
                    costs.sum()
                } else {
                    costs.max().unwrap_or(0)
                }
            }
            _ => self.children(set, ty, value, false, nesting),
        }
    }

    fn children(
        &self,
        set: &SelectionSet,
        ty: Option<&MetaType>,
        value: &Value,
        sum_lists: bool,
        nesting: usize,
    ) -> u64 {
        if set.items.is_empty() {
            return 0;
        }
        self.selection_set(set, ty, value, sum_lists, nesting)
    }
}
