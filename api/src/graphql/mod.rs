//! The GraphQL schema, split by domain: each domain (`catalogue`, `leerlab`, `pupils`, `imports`,
//! `activity`, `planning`, `access`, `statistics`) contributes a query and a mutation object,
//! merged here, with its inputs beside them; the object types live in [`types`], one file each.
//! Limits (depth, complexity) and the access policy are part of the schema, so they hold for
//! every transport (HTTP, websocket, tests).

pub mod access;
pub mod activity;
pub mod aliases;
pub mod catalogue;
pub mod changes;
pub mod connection;
pub mod context;
pub mod cost;
pub mod depth;
mod enums;
pub mod field_order;
pub mod guard;
pub mod imports;
pub mod leerlab;
// The loaders hand pupil data out sealed (or as part of a record already opened).
#[allow(clippy::disallowed_types)]
pub mod loaders;
pub mod node;
pub mod nul;
pub mod pipeline;
pub mod plain;
pub mod planning;
pub mod pupils;
pub mod root_policy;
pub mod scalars;
pub mod statistics;
pub mod types;

use async_graphql::{MaybeUndefined, MergedObject, Schema};
use sea_orm::DatabaseConnection;

use crate::config::ServiceArgs;
use root_policy::Guarded;

/// Every query of the service.
#[derive(MergedObject, Default)]
pub struct Query(
    catalogue::CatalogueQuery,
    leerlab::LeerlabQuery,
    access::AccessQuery,
    node::NodeQuery,
    pupils::PupilQuery,
    imports::ImportQuery,
    statistics::StatisticsQuery,
    activity::ActivityQuery,
    planning::PlanningQuery,
    pipeline::PipelineQuery,
    pipeline::PipelineStatsQuery,
    changes::ChangeQuery,
);

/// Every mutation of the service.
#[derive(MergedObject, Default)]
pub struct Mutation(
    catalogue::CatalogueMutation,
    leerlab::LeerlabMutation,
    pupils::PupilMutation,
    imports::ImportMutation,
    activity::ActivityMutation,
    planning::PlanningMutation,
    pipeline::PipelineMutation,
);

/// Every subscription of the service (over `GET /graphql/ws`). Not a `MergedSubscription`:
/// subscription fields resolve with their own object as parent type, so the one object is
/// itself named `Subscription` for the access policy. A second domain with subscriptions adds
/// its fields there.
pub type Subscription = activity::ActivitySubscription;

/// The schema; its query and mutation roots are checked against the access policy.
pub type AppSchema = Schema<Guarded<Query>, Guarded<Mutation>, Subscription>;

/// Builds the schema. `db` and `link_secret` are `None` only to print the SDL.
pub fn build_schema(
    db: Option<DatabaseConnection>,
    link_secret: Option<&str>,
    service: &ServiceArgs,
) -> AppSchema {
    build_schema_with(
        db,
        link_secret,
        service,
        None::<crate::documents::cli::CheckOnly>,
    )
}

/// As [`build_schema`], with one more extension (`leerroute documents add` checks documents
/// with one that stops before anything runs).
pub fn build_schema_with(
    db: Option<DatabaseConnection>,
    link_secret: Option<&str>,
    service: &ServiceArgs,
    extra: Option<impl async_graphql::extensions::ExtensionFactory>,
) -> AppSchema {
    let mut builder = Schema::build(
        Guarded(Query::default()),
        Guarded(Mutation::default()),
        Subscription::default(),
    )
    .extension(guard::Guard {
        max_depth: service.max_depth,
        max_aliases: service.max_aliases,
    })
    .limit_complexity(service.max_complexity)
    .data(service.clock.clock())
    .data(context::Settings {
        min_cell: service.min_cell,
        link_secret: link_secret.unwrap_or_default().to_owned(),
        disclosure: crate::service::disclosure::Disclosure::new(
            link_secret.unwrap_or_default(),
            service.min_cell,
        ),
    });
    if let Some(db) = db {
        builder = builder.data(db);
    }
    if let Some(extra) = extra {
        builder = builder.extension(extra);
    }
    if !service.introspection {
        // "Did you mean …" would spell out a private schema one typo at a time.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The SDL that `leerroute schema` prints and `api/schema.graphql` holds.
pub fn sdl() -> String {
    build_schema(None, None, &ServiceArgs::default()).sdl()
}

/// `MaybeUndefined` as "leave it" (`None`), "clear it" (`Some(None)`) or "set it".
pub fn tri_state<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}
