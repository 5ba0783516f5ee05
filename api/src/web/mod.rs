//! The pages the binary serves to browsers: GraphiQL (`GET /graphql` from a browser) and the
//! Verbinders' dashboard (`GET /dashboard`), with every script, style and font embedded
//! (`/assets/…`, from `api/assets/`). Nothing is loaded from elsewhere, and each page is
//! served with a Content-Security-Policy that allows no source but the service itself.
//!
//! The pages hold no data: the dashboard asks `/graphql` for every number with the visitor's
//! own token, so scope and disclosure control are the API's, as for any other client.

mod assets;
pub mod dashboard;
mod graphiql;
mod headers;

use axum::{Router, routing::get};

pub use assets::{ASSETS, Asset};
pub use graphiql::graphiql_page;

/// The texts of the dashboard's own GraphQL documents (`/assets/dashboard/queries/`), which
/// count as trusted documents.
pub fn dashboard_documents() -> impl Iterator<Item = &'static str> {
    ASSETS
        .iter()
        .filter(|asset| {
            asset.path.starts_with("dashboard/queries/") && asset.path.ends_with(".graphql")
        })
        .filter_map(|asset| std::str::from_utf8(asset.bytes).ok())
}

/// The routes of the dashboard and of the embedded assets (GraphiQL's page itself is served
/// by the `/graphql` handler through [`graphiql_page`]).
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/dashboard", get(dashboard::page))
        .route("/assets/{*path}", get(assets::serve))
}
