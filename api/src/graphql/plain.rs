//! Lists of objects whose every field is a value computed before they are answered: the rows of
//! the statistics. async-graphql resolves each field of each object as a boxed future, through
//! the request guard's `resolve` hook; for the 1,000 rows of a grouped `transitionStats` that
//! was most of the server's CPU (`perf`: 40% in the rows' fields, a further 10% in putting
//! their keys in order). A [`PlainList`] answers the same GraphQL type (its fields,
//! descriptions, validation and introspection still come from the object's `#[Object]`), but
//! builds each row's value straight from what the query selected, in selection order.
//!
//! The same for the `nodes` of a connection page whose selection asks only for fields that need
//! nothing but the node ([`PlainNode`], [`PlainNodes`]): the schools of a region in the
//! catalogue query every portal sends first.

use std::{borrow::Cow, collections::HashMap};

use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ServerError, ServerResult, Value,
    indexmap::IndexMap,
    parser::types::{Field, FragmentDefinition, Selection as DocSelection, SelectionSet},
    registry::Registry,
    resolver_utils::resolve_list,
};

/// What a query selected of an object: response keys in order, each with its field's name and
/// what it selected beneath. Fields that share a response key are merged, as GraphQL merges
/// them (validation has made sure they are the same field); fragments are expanded where they
/// stand, and `@skip`/`@include` have been applied before execution.
#[derive(Default)]
pub struct Selection(Vec<Picked>);

struct Picked {
    key: Name,
    name: String,
    beneath: Selection,
}

impl Selection {
    /// What a field's selection set selects, with the document's fragments. (They are public in
    /// async-graphql, which is pinned, but hidden from its docs.)
    fn of(ctx: &ContextSelectionSet<'_>) -> Selection {
        let mut selection = Selection::default();
        selection.add(&ctx.item.node, &ctx.query_env.fragments);
        selection
    }

    fn add(&mut self, set: &SelectionSet, fragments: &Fragments) {
        for item in &set.items {
            match &item.node {
                DocSelection::Field(field) => {
                    let field = &field.node;
                    let key = field.alias.as_ref().unwrap_or(&field.name).node.as_str();
                    self.beneath(key, &field.name.node)
                        .add(&field.selection_set.node, fragments);
                }
                DocSelection::FragmentSpread(spread) => {
                    if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                        self.add(&fragment.node.selection_set.node, fragments);
                    }
                }
                DocSelection::InlineFragment(inline) => {
                    self.add(&inline.node.selection_set.node, fragments);
                }
            }
        }
    }

    /// What is selected beneath the response key `key` (field `name`), added at its first.
    fn beneath(&mut self, key: &str, name: &str) -> &mut Selection {
        let index = match self.0.iter().position(|p| p.key == key) {
            Some(index) => index,
            None => {
                self.0.push(Picked {
                    key: Name::new(key),
                    name: name.to_owned(),
                    beneath: Selection::default(),
                });
                self.0.len() - 1
            }
        };
        &mut self.0[index].beneath
    }

    /// `object`'s answer to this selection.
    pub fn answer<T: PlainObject>(&self, object: &T) -> ServerResult<Value> {
        self.answer_with::<T>(|name, beneath| object.field(name, beneath))
    }

    /// Whether this selects nothing but `__typename` and the given leaf fields.
    fn only(&self, fields: &[&str]) -> bool {
        self.0.iter().all(|p| {
            p.beneath.0.is_empty() && (p.name == "__typename" || fields.contains(&p.name.as_str()))
        })
    }

    fn answer_with<T: OutputType>(
        &self,
        field: impl Fn(&str, &Selection) -> ServerResult<Option<Value>>,
    ) -> ServerResult<Value> {
        let mut fields = IndexMap::with_capacity(self.0.len());
        for picked in &self.0 {
            let value = if picked.name == "__typename" {
                Value::String(T::type_name().into_owned())
            } else {
                field(&picked.name, &picked.beneath)?.ok_or_else(|| {
                    // The object's `#[Object]` has a field that the plain answer lacks.
                    ServerError::new(
                        format!("{}.{} has no plain answer", T::type_name(), picked.name),
                        None,
                    )
                })?
            };
            fields.insert(picked.key.clone(), value);
        }
        Ok(Value::Object(fields))
    }
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// A node of a connection whose scalar fields need nothing but the node itself. When a query
/// selects only those of a page's `nodes` (`schools(first: 20) { nodes { brin name } }`), the
/// page is answered plainly; otherwise, as always, by the node's `#[Object]`.
pub trait PlainNode: OutputType {
    /// The fields [`PlainNode::plain_field`] answers.
    const PLAIN: &'static [&'static str] = &[];

    /// The value of one of [`PlainNode::PLAIN`].
    fn plain_field(&self, _name: &str) -> Option<Value> {
        None
    }
}

/// The `nodes` of a connection page, in the schema `[T!]!`.
pub struct PlainNodes<'a, T>(pub Vec<&'a T>);

impl<T: PlainNode> OutputType for PlainNodes<'_, T> {
    fn type_name() -> Cow<'static, str> {
        <Vec<&T> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<&T> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<&T> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        // Node types without plain fields skip reading the selection at all.
        let plain = (!T::PLAIN.is_empty())
            .then(|| Selection::of(ctx))
            .filter(|selection| selection.only(T::PLAIN));
        let Some(selection) = plain else {
            return resolve_list(ctx, field, self.0.iter(), Some(self.0.len())).await;
        };
        let answer = |node: &&T| selection.answer_with::<T>(|name, _| Ok(node.plain_field(name)));
        Ok(Value::List(
            self.0.iter().map(answer).collect::<ServerResult<_>>()?,
        ))
    }
}

/// An object whose fields are values known before it is answered.
pub trait PlainObject: OutputType {
    /// The value of the field `name` (`None`: no such field), with what the query selected
    /// beneath it when it is an object.
    fn field(&self, name: &str, beneath: &Selection) -> ServerResult<Option<Value>>;
}

/// A list of plain objects; in the schema, `[T!]!`.
pub struct PlainList<T>(pub Vec<T>);

impl<T: PlainObject> OutputType for PlainList<T> {
    fn type_name() -> Cow<'static, str> {
        <Vec<T> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<T> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<T> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let selection = Selection::of(ctx);
        let items = self.0.iter().map(|item| selection.answer(item));
        Ok(Value::List(items.collect::<ServerResult<_>>()?))
    }
}

/// One plain object; in the schema, `T!`.
pub struct Plain<T>(pub T);

impl<T: PlainObject> OutputType for Plain<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        Selection::of(ctx).answer(&self.0)
    }
}
