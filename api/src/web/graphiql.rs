//! GraphiQL, served from the binary: React, GraphiQL and graphql-ws are vendored (see
//! `api/assets/vendor/`), and `api/assets/graphiql/init.js` starts it against `/graphql` and
//! `/graphql/ws`, keeping its tabs, history and headers in `sessionStorage`.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};

use super::headers::secure;

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

/// The GraphiQL page, or 404 when introspection is off (GraphiQL needs it, and a private
/// schema should not advertise an explorer).
pub fn graphiql_page(introspection: bool) -> Response {
    if !introspection {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut response = Html(PAGE).into_response();
    secure(&mut response);
    response
}
