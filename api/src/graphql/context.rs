//! Typed access to what a resolver needs from its context: the database, the caller,
//! the request's loaders and audit trail. Missing data is a wiring bug, reported as INTERNAL.

use std::sync::Arc;

use async_graphql::{Context, dataloader::DataLoader};
use sea_orm::DatabaseConnection;

use super::loaders::Db;
use crate::{
    audit::{AuditTrail, PupilData, Reads, Sealed},
    auth::Viewer,
    clock::Clock,
    error::{AppError, AppResult},
    live::Live,
};

/// Settings that resolvers read (from the schema's data).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Smallest count published in statistics.
    pub min_cell: i64,
    /// Key that pseudonymises PGNs in uploads.
    pub link_secret: String,
    /// Record keys and the smallest count shown, for protected statistics.
    pub disclosure: crate::service::disclosure::Disclosure,
}

fn get<'a, T: Send + Sync + 'static>(ctx: &'a Context<'_>, what: &str) -> AppResult<&'a T> {
    ctx.data_opt::<T>()
        .ok_or_else(|| AppError::internal(format!("{what} missing from the GraphQL context")))
}

pub fn db<'a>(ctx: &'a Context<'_>) -> AppResult<&'a DatabaseConnection> {
    get(ctx, "database")
}

pub fn viewer<'a>(ctx: &'a Context<'_>) -> AppResult<&'a Viewer> {
    get(ctx, "viewer")
}

pub fn loader<'a>(ctx: &'a Context<'_>) -> AppResult<&'a DataLoader<Db>> {
    get(ctx, "loaders")
}

/// Where this request's reads of pupil data are noted: its audit trail, or at once on a
/// websocket, which has no request end at which a trail would be written.
pub fn reads<'a>(ctx: &'a Context<'_>) -> AppResult<Reads<'a>> {
    Ok(match ctx.data_opt::<Arc<AuditTrail>>() {
        Some(trail) => Reads::Trail(trail),
        None => Reads::AtOnce {
            db: db(ctx)?,
            viewer: viewer(ctx)?,
        },
    })
}

/// Hands out sealed pupil data, noting its reads (see [`Sealed`]).
pub async fn open<T: PupilData>(ctx: &Context<'_>, sealed: Sealed<T>) -> AppResult<T> {
    Ok(sealed.open(&reads(ctx)?).await?)
}

/// The broker of live updates (publications, subscriptions).
pub fn live<'a>(ctx: &'a Context<'_>) -> AppResult<&'a Arc<Live>> {
    get(ctx, "live broker")
}

/// The service's today (`LEERROUTE_TODAY`).
pub fn clock<'a>(ctx: &'a Context<'_>) -> AppResult<&'a Clock> {
    get(ctx, "clock")
}

pub fn settings<'a>(ctx: &'a Context<'_>) -> AppResult<&'a Settings> {
    get(ctx, "settings")
}

/// Whether the client selected `field` on the value being resolved (to skip costly counts).
pub fn selects(ctx: &Context<'_>, field: &str) -> bool {
    ctx.look_ahead().field(field).exists()
}
