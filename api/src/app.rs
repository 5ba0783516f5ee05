//! The state every request shares: the database, the schema, the token verifier, the secrets,
//! the service settings, the callers' budgets and the broker of live updates.
//!
//! It lives apart from the router (`http/`), so that whatever needs the state (handlers, the
//! command line, tests) imports it from here and nothing imports the router back.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    auth::verify::TokenVerifier,
    clock::Clock,
    config::{AuthArgs, ServiceArgs},
    graphql::{AppSchema, build_schema},
    live::Live,
    rate_limit::Budgets,
    secrets::Secrets,
};

/// Everything a request handler needs; shared by all requests.
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: AppSchema,
    pub verifier: TokenVerifier,
    pub secrets: Secrets,
    pub service: ServiceArgs,
    /// Every caller's budget of cost points.
    pub budgets: Arc<Budgets>,
    /// The broker of live updates (subscriptions).
    pub live: Arc<Live>,
    /// The service's today (`LEERROUTE_TODAY`).
    pub clock: Clock,
    /// The trusted documents and the mode they run in (`LEERROUTE_TRUSTED_DOCUMENTS`).
    pub documents: crate::documents::TrustedDocuments,
    /// Cancelled when the server shuts down: long-lived connections (websockets) end on it.
    pub shutdown: tokio_util::sync::CancellationToken,
}

impl AppState {
    /// Builds the state; must be called inside the tokio runtime (the live broker starts a task).
    pub fn new(
        db: DatabaseConnection,
        secrets: Secrets,
        auth: &AuthArgs,
        service: ServiceArgs,
    ) -> Result<Self, String> {
        Ok(AppState {
            schema: build_schema(Some(db.clone()), Some(&secrets.link), &service),
            verifier: TokenVerifier::new(&secrets.jwt, auth)?,
            budgets: Arc::new(Budgets::new(service.rate_limit)),
            live: Live::start(&db),
            clock: service.clock.clock(),
            shutdown: tokio_util::sync::CancellationToken::new(),
            documents: crate::documents::TrustedDocuments::new(service.trusted_documents),
            db,
            secrets,
            service,
        })
    }
}
