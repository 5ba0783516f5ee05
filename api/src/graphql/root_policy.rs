//! The access policy at the roots of the schema: every root query, mutation and subscription
//! field is checked against [`policy::rule`](crate::auth::policy::rule) before it resolves.
//!
//! Query and mutation roots are wrapped in [`Guarded`], which checks in `resolve_field`, where
//! async-graphql hands it each root field; the subscription root carries [`RootGuard`]. Both
//! see root fields only. (A schema extension with a `resolve` hook would see every field of
//! every object, and async-graphql then runs every field through the extension chain: that
//! was a sixth of the CPU time of a catalogue query.)

use std::borrow::Cow;

use async_graphql::{
    Context, ContextSelectionSet, Guard, ObjectType, OutputType, PathSegment, Positioned,
    ServerError, ServerResult, Value,
    parser::types::Field,
    registry::Registry,
    resolver_utils::{ContainerType, resolve_container},
};

use crate::auth::{Viewer, policy::check_root_field};

/// A root object whose fields are checked against the policy before they resolve.
#[derive(Default)]
pub struct Guarded<T>(pub T);

/// The policy's verdict on the root field of `ctx` under the root type `root`.
fn verdict(ctx: &Context<'_>, root: &str) -> async_graphql::Result<()> {
    let anonymous = Viewer::anonymous();
    let viewer = ctx.data_opt::<Viewer>().unwrap_or(&anonymous);
    check_root_field(viewer, root, ctx.item.node.name.node.as_str()).map_err(Into::into)
}

impl<T: ObjectType> OutputType for Guarded<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<T: ObjectType> ContainerType for Guarded<T> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        if let Err(err) = verdict(ctx, &T::type_name()) {
            // As a field error of the root field: its path, no location.
            let mut error: ServerError = err.into_server_error(ctx.item.pos);
            error.locations.clear();
            error.path = vec![PathSegment::Field(
                ctx.item.node.response_key().node.to_string(),
            )];
            return Err(error);
        }
        self.0.resolve_field(ctx).await
    }

    async fn find_entity(&self, ctx: &Context<'_>, params: &Value) -> ServerResult<Option<Value>> {
        self.0.find_entity(ctx, params).await
    }
}

impl<T: ObjectType> ObjectType for Guarded<T> {}

/// The policy as the guard of every field of the subscription root (named `Subscription`).
pub struct RootGuard;

impl Guard for RootGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        verdict(ctx, "Subscription")
    }
}
