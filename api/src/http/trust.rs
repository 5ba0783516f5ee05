//! What an operation runs (DESIGN.md section 3, HTTP, "Trusted documents"), decided in one
//! place for every door: `POST` and `GET /graphql`, each element of a batch, the `operations` of
//! a multipart upload and each `subscribe` on the websocket.
//!
//! - A `documentId` (`sha256:` and 64 lowercase hex digits) runs the registered document with
//!   that id; an unknown one is `PERSISTED_DOCUMENT_NOT_FOUND`, a malformed one and any
//!   `documentId` under `LEERROUTE_TRUSTED_DOCUMENTS=off` are `BAD_USER_INPUT`. A `query` sent
//!   beside it must be that document's text.
//! - A document sent in `query` runs under `allow` and `off`. Under `require` it runs only when
//!   it counts as registered (its bytes are a registered or a dashboard document's, or it asks
//!   for introspection only); otherwise an admin's runs and is audited (action
//!   [`AD_HOC_ACTION`], target its `sha256:` id, never its text), and anyone else's is
//!   `PERSISTED_DOCUMENT_NOT_FOUND`.

use async_graphql::{ErrorExtensionValues, Request, ServerError};

use crate::{
    app::AppState,
    audit::AuditTrail,
    auth::{Role, Viewer},
    config::TrustMode,
    documents::{PREFIX, hex_id, parse_id},
    error::AppError,
};

/// The audit action of an admin's ad-hoc document under `require`.
pub const AD_HOC_ACTION: &str = "run_ad_hoc_document";
/// Where the websocket carries a `subscribe` payload's `documentId` into the request (see
/// [`super::ws`]): async-graphql's request has no field of its own for it.
pub const WS_DOCUMENT_ID: &str = "leerroute:documentId";

/// Puts the text the operation runs into `request.query`, or says why it may not run.
pub async fn resolve(
    state: &AppState,
    viewer: &Viewer,
    audit: &AuditTrail,
    request: &mut Request,
    document_id: Option<String>,
) -> Result<(), ServerError> {
    let documents = &state.documents;
    match document_id {
        Some(_) if documents.mode == TrustMode::Off => Err(error(
            "BAD_USER_INPUT",
            "`documentId`: this service runs no trusted documents (LEERROUTE_TRUSTED_DOCUMENTS=off); send the document in `query`".to_owned(),
        )),
        Some(document_id) => {
            let Some(hex) = parse_id(&document_id) else {
                return Err(error(
                    "BAD_USER_INPUT",
                    format!("`documentId` must be `{PREFIX}` and 64 lowercase hex digits"),
                ));
            };
            let text = documents
                .text(&state.db, hex)
                .await
                .map_err(database)?
                .ok_or_else(|| {
                    error(
                        "PERSISTED_DOCUMENT_NOT_FOUND",
                        "no trusted document with this `documentId` is registered".to_owned(),
                    )
                })?;
            if !request.query.is_empty() && request.query != *text {
                return Err(error(
                    "BAD_USER_INPUT",
                    "`query` is not the text of the document `documentId` names; send one of them".to_owned(),
                ));
            }
            request.query = text.to_string();
            Ok(())
        }
        None if documents.mode != TrustMode::Require => Ok(()),
        None => {
            if documents
                .counts_as_registered(&state.db, &request.query)
                .await
                .map_err(database)?
            {
                return Ok(());
            }
            if viewer.role() == Role::Admin {
                let id = format!("{PREFIX}{}", hex_id(request.query.as_bytes()));
                audit.read(AD_HOC_ACTION, id);
                return Ok(());
            }
            Err(error(
                "PERSISTED_DOCUMENT_NOT_FOUND",
                "this service runs trusted documents only: send a registered document's `documentId`".to_owned(),
            ))
        }
    }
}

fn error(code: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

fn database(err: sea_orm::DbErr) -> ServerError {
    let mut error = async_graphql::Error::from(AppError::Database(err))
        .into_server_error(async_graphql::Pos::default());
    error.locations.clear();
    error
}
