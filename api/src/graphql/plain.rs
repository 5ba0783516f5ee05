//! Lists of objects whose every field is a value computed before they are answered: the rows of
//! the statistics. async-graphql resolves each field of each object as a boxed future, through
//! the request guard's `resolve` hook; for the 1,000 rows of a grouped `transitionStats` that
//! was most of the server's CPU (`perf`: 40% in the rows' fields, a further 10% in putting
//! their keys in order). A [`PlainList`] answers the same GraphQL type (its fields,
//! descriptions, validation and introspection still come from the object's `#[Object]`), but
//! builds each row's value straight from what the query selected, in selection order.

use std::borrow::Cow;

use async_graphql::{
    Context, ContextSelectionSet, Name, OutputType, Positioned, SelectionField, ServerError,
    ServerResult, Value, indexmap::IndexMap, parser::types::Field, registry::Registry,
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
    /// What the field being resolved selected.
    pub fn of(ctx: &Context<'_>) -> Selection {
        let mut selection = Selection::default();
        selection.add(ctx.field());
        selection
    }

    fn add(&mut self, field: SelectionField<'_>) {
        for child in field.selection_set() {
            let key = child.alias().unwrap_or(child.name());
            let index = match self.0.iter().position(|p| p.key == key) {
                Some(index) => index,
                None => {
                    self.0.push(Picked {
                        key: Name::new(key),
                        name: child.name().to_owned(),
                        beneath: Selection::default(),
                    });
                    self.0.len() - 1
                }
            };
            self.0[index].beneath.add(child);
        }
    }

    /// `object`'s answer to this selection.
    pub fn answer<T: PlainObject>(&self, object: &T) -> ServerResult<Value> {
        let mut fields = IndexMap::with_capacity(self.0.len());
        for picked in &self.0 {
            let value = if picked.name == "__typename" {
                Value::String(T::type_name().into_owned())
            } else {
                object
                    .field(&picked.name, &picked.beneath)?
                    .ok_or_else(|| {
                        // The object's `#[Object]` has a field that `field` does not answer.
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

/// An object whose fields are values known before it is answered.
pub trait PlainObject: OutputType {
    /// The value of the field `name` (`None`: no such field), with what the query selected
    /// beneath it when it is an object.
    fn field(&self, name: &str, beneath: &Selection) -> ServerResult<Option<Value>>;
}

/// A list of plain objects, with what the query selected of them; in the schema, `[T!]!`.
pub struct PlainList<T> {
    items: Vec<T>,
    selection: Selection,
}

impl<T> PlainList<T> {
    pub fn new(ctx: &Context<'_>, items: Vec<T>) -> Self {
        PlainList {
            items,
            selection: Selection::of(ctx),
        }
    }
}

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
        _ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let items = self.items.iter().map(|item| self.selection.answer(item));
        Ok(Value::List(items.collect::<ServerResult<_>>()?))
    }
}

/// One plain object, with what the query selected of it; in the schema, `T!`.
pub struct Plain<T> {
    item: T,
    selection: Selection,
}

impl<T> Plain<T> {
    pub fn new(ctx: &Context<'_>, item: T) -> Self {
        Plain {
            item,
            selection: Selection::of(ctx),
        }
    }
}

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
        _ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        self.selection.answer(&self.item)
    }
}
