//! Every error leaves with a code: async-graphql's own parse, validation and limit errors (which
//! it makes without one) get `QUERY_TOO_COMPLEX` or `BAD_USER_INPUT`. Used by every door that
//! speaks GraphQL (`/graphql` and the websocket).

use async_graphql::{ErrorExtensions, Response, ServerError};

use crate::error::ErrorCode;

/// Gives each error of `response` that has no `extensions.code` one.
pub fn add_error_codes(response: &mut Response) {
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if !has_code {
            let code = classify(error);
            let extended = async_graphql::Error::new(error.message.clone())
                .extend_with(|_, e| e.set("code", code.as_str()));
            error.extensions = extended.extensions;
        }
    }
}

/// async-graphql makes its parse, validation and limit errors without a code and as text only,
/// so its own limit messages are the one place left where a code is read from text.
fn classify(error: &ServerError) -> ErrorCode {
    let message = error.message.as_str();
    if message.contains("too complex")
        || message.contains("nested too deep")
        || message.contains("too many")
    {
        ErrorCode::QueryTooComplex
    } else {
        ErrorCode::BadUserInput
    }
}
