//! The enums of the domain, the roles and the statistics' dimensions as GraphQL enums. Those
//! layers declare their enums with [`documented!`](crate::domain::documented) and know nothing of
//! GraphQL; this module gives each one the GraphQL enum async-graphql's derive would make: the
//! name of the type (or the one given here), its values in SCREAMING_SNAKE_CASE, and the doc
//! comments as descriptions.

use std::{borrow::Cow, sync::OnceLock};

use async_graphql::{
    ContextSelectionSet, InputType, InputValueResult, Positioned, ServerResult, Value,
    indexmap::IndexMap,
    parser::types::Field,
    registry::{Deprecation, MetaEnumValue, MetaType, MetaTypeId, Registry},
    resolver_utils::{EnumItem, EnumType, enum_value, parse_enum},
};

use crate::{
    auth::Role,
    domain::{
        Documented, EnrolmentStatus, LeerlabKind, LeerlabStatus, Leerweg, LegalInstrument, Need,
        PartnerRole, PersonFunction, Profile, Sector, Team,
        activity::{ActivityKind, ActivityStatus, Attendance},
        pipeline::{ApplicationSource, ApplicationStatus, SignalKind, SignalStatus, StudentStatus},
    },
    service::{needs::NeedsDimension, pipeline_stats::PipelineDimension, statistics::Dimension},
};

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
fn items<T: Documented>() -> Vec<EnumItem<T>> {
    T::VALUES
        .iter()
        .map(|&(value, name, _)| EnumItem {
            name: Box::leak(screaming_snake(name).into_boxed_str()),
            value,
        })
        .collect()
}

/// Registers `T` as the GraphQL enum `name`.
fn register<T: Documented + InputType>(registry: &mut Registry, name: &str) -> String {
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

/// Makes each type a GraphQL enum, named as the type or as given (`Type as "Name"`).
macro_rules! graphql_enums {
    ($($ty:ident $(as $name:literal)?),+ $(,)?) => {$(
        impl EnumType for $ty {
            fn items() -> &'static [EnumItem<Self>] {
                static ITEMS: OnceLock<Vec<EnumItem<$ty>>> = OnceLock::new();
                ITEMS.get_or_init(items::<$ty>)
            }
        }

        impl InputType for $ty {
            type RawValueType = Self;

            fn type_name() -> Cow<'static, str> {
                Cow::Borrowed(graphql_enums!(@name $ty $(, $name)?))
            }

            fn create_type_info(registry: &mut Registry) -> String {
                register::<$ty>(registry, &<$ty as InputType>::type_name())
            }

            fn parse(value: Option<Value>) -> InputValueResult<Self> {
                parse_enum(value.unwrap_or_default())
            }

            fn to_value(&self) -> Value {
                enum_value(*self)
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }
        }

        impl async_graphql::OutputType for $ty {
            fn type_name() -> Cow<'static, str> {
                <$ty as InputType>::type_name()
            }

            fn create_type_info(registry: &mut Registry) -> String {
                <$ty as InputType>::create_type_info(registry)
            }

            async fn resolve(
                &self,
                _: &ContextSelectionSet<'_>,
                _: &Positioned<Field>,
            ) -> ServerResult<Value> {
                Ok(enum_value(*self))
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
    Dimension as "TransitionDimension",
    NeedsDimension,
    PipelineDimension,
);
