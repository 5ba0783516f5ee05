//! The Verbinders' dashboard: one static page (`api/assets/dashboard/`) that signs in with a
//! token and draws what `transitionStats`, `needsStats`, `pipelineStats` and `signals` return for it.

use axum::response::{Html, IntoResponse, Response};

use super::headers::secure;

const PAGE: &str = include_str!("../../assets/dashboard/index.html");

/// The GraphQL documents the dashboard sends, by operation name, as the page fetches them
/// from `/assets/dashboard/queries/`. Trusted-document registration can take them from here.
pub const DOCUMENTS: &[(&str, &str)] = &[
    (
        "DashboardViewer",
        include_str!("../../assets/dashboard/queries/viewer.graphql"),
    ),
    (
        "DashboardNames",
        include_str!("../../assets/dashboard/queries/names.graphql"),
    ),
    (
        "DashboardCohorts",
        include_str!("../../assets/dashboard/queries/cohorts.graphql"),
    ),
    (
        "DashboardFlow",
        include_str!("../../assets/dashboard/queries/flow.graphql"),
    ),
    (
        "DashboardRates",
        include_str!("../../assets/dashboard/queries/rates.graphql"),
    ),
    (
        "DashboardNeeds",
        include_str!("../../assets/dashboard/queries/needs.graphql"),
    ),
    (
        "DashboardSignals",
        include_str!("../../assets/dashboard/queries/signals.graphql"),
    ),
    (
        "DashboardSchoolYear",
        include_str!("../../assets/dashboard/queries/schoolyear.graphql"),
    ),
    (
        "DashboardPipeline",
        include_str!("../../assets/dashboard/queries/pipeline.graphql"),
    ),
];

/// `GET /dashboard`: the same page for everyone; without a token it shows only the sign-in.
pub async fn page() -> Response {
    let mut response = Html(PAGE).into_response();
    secure(&mut response);
    response
}
