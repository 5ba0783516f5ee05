//! Every enum of the vocabulary as a GraphQL enum, as async-graphql's derive would make it: the
//! name of the type (or the one given), its values in SCREAMING_SNAKE_CASE, and the doc comments
//! as descriptions. Behind the `graphql` feature, which only the api's GraphQL layer enables.

use async_graphql::{
    InputType,
    indexmap::IndexMap,
    registry::{Deprecation, MetaEnumValue, MetaType, MetaTypeId, Registry},
    resolver_utils::EnumItem,
};

use crate::*;

/// What [`graphql_enums!`](crate::graphql_enums) needs, under one path.
#[doc(hidden)]
pub mod reexport {
    pub use async_graphql::{
        ContextSelectionSet, InputType, InputValueResult, OutputType, Positioned, ServerResult,
        Value,
        parser::types::Field,
        registry::Registry,
        resolver_utils::{EnumItem, EnumType, enum_value, parse_enum},
    };
}

/// A variant's GraphQL name, as async-graphql's derive writes it: `IntakePlanned` is
/// `INTAKE_PLANNED`, `Bb` is `BB`.
fn screaming_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}

/// A doc comment as a description, as async-graphql's derive joins it: each line trimmed.
fn description(lines: &[&str]) -> Option<String> {
    (!lines.is_empty()).then(|| {
        let joined: Vec<&str> = lines.iter().map(|line| line.trim()).collect();
        joined.join("\n").trim().to_owned()
    })
}

/// The values of `T` with their GraphQL names, made once per type.
pub fn items<T: Documented>() -> Vec<EnumItem<T>> {
    T::VALUES
        .iter()
        .map(|&(value, name, _)| EnumItem {
            name: Box::leak(screaming_snake(name).into_boxed_str()),
            value,
        })
        .collect()
}

/// Registers `T` as the GraphQL enum `name`.
pub fn register<T: Documented + InputType>(registry: &mut Registry, name: &str) -> String {
    registry.create_input_type::<T, _>(MetaTypeId::Enum, |_| MetaType::Enum {
        name: name.to_owned(),
        description: description(T::DOC),
        enum_values: T::VALUES
            .iter()
            .map(|&(_, rust_name, doc)| {
                let name = screaming_snake(rust_name);
                let value = MetaEnumValue {
                    name: name.clone(),
                    description: description(doc),
                    deprecation: Deprecation::NoDeprecated,
                    visible: None,
                    inaccessible: false,
                    tags: vec![],
                    directive_invocations: vec![],
                };
                (name, value)
            })
            .collect::<IndexMap<_, _>>(),
        visible: None,
        inaccessible: false,
        tags: vec![],
        rust_typename: Some(std::any::type_name::<T>()),
        directive_invocations: vec![],
        requires_scopes: vec![],
    })
}

/// Makes each type a GraphQL enum, named as the type or as given (`Type as "Name"`). Exported
/// so that the api's GraphQL layer does the same for its own enums (the statistics' dimensions).
#[macro_export]
macro_rules! graphql_enums {
    ($($ty:ident $(as $name:literal)?),+ $(,)?) => {$(
        impl $crate::graphql::reexport::EnumType for $ty {
            fn items() -> &'static [$crate::graphql::reexport::EnumItem<Self>] {
                static ITEMS: ::std::sync::OnceLock<Vec<$crate::graphql::reexport::EnumItem<$ty>>> =
                    ::std::sync::OnceLock::new();
                ITEMS.get_or_init($crate::graphql::items::<$ty>)
            }
        }

        impl $crate::graphql::reexport::InputType for $ty {
            type RawValueType = Self;

            fn type_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed($crate::graphql_enums!(@name $ty $(, $name)?))
            }

            fn create_type_info(registry: &mut $crate::graphql::reexport::Registry) -> String {
                $crate::graphql::register::<$ty>(
                    registry,
                    &<$ty as $crate::graphql::reexport::InputType>::type_name(),
                )
            }

            fn parse(
                value: Option<$crate::graphql::reexport::Value>,
            ) -> $crate::graphql::reexport::InputValueResult<Self> {
                $crate::graphql::reexport::parse_enum(value.unwrap_or_default())
            }

            fn to_value(&self) -> $crate::graphql::reexport::Value {
                $crate::graphql::reexport::enum_value(*self)
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }
        }

        impl $crate::graphql::reexport::OutputType for $ty {
            fn type_name() -> ::std::borrow::Cow<'static, str> {
                <$ty as $crate::graphql::reexport::InputType>::type_name()
            }

            fn create_type_info(registry: &mut $crate::graphql::reexport::Registry) -> String {
                <$ty as $crate::graphql::reexport::InputType>::create_type_info(registry)
            }

            async fn resolve(
                &self,
                _: &$crate::graphql::reexport::ContextSelectionSet<'_>,
                _: &$crate::graphql::reexport::Positioned<$crate::graphql::reexport::Field>,
            ) -> $crate::graphql::reexport::ServerResult<$crate::graphql::reexport::Value> {
                Ok($crate::graphql::reexport::enum_value(*self))
            }
        }
    )+};
    (@name $ty:ident) => { stringify!($ty) };
    (@name $ty:ident, $name:literal) => { $name };
}

graphql_enums!(
    Role,
    Sector,
    Leerweg,
    Profile,
    LeerlabKind,
    LeerlabStatus,
    PartnerRole,
    Team,
    PersonFunction,
    LegalInstrument,
    EnrolmentStatus,
    Need,
    StudentStatus,
    ApplicationStatus,
    ApplicationSource,
    SignalKind,
    SignalStatus,
    ActivityKind,
    ActivityStatus,
    Attendance,
    ImportKind,
    RunStatus as "ImportStatus",
);
