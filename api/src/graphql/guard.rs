//! The one schema extension: the checks of a document before it runs (NUL characters, aliases,
//! depth), the cost spent from the caller's budget, and the response's fields put in query order.
//!
//! One extension rather than one per concern: as soon as a schema has any extension,
//! async-graphql passes every field it resolves through each extension's `resolve` hook in
//! turn, and none of these needs that hook. Five of them cost every field of a response five
//! boxed futures.

use std::sync::{Arc, Mutex};

use async_graphql::{
    Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
    },
    parser::types::ExecutableDocument,
};

use super::{aliases, cost::spend, depth, field_order, nul};

/// The request guard, with the limits of the service's settings.
pub struct Guard {
    pub max_depth: usize,
    pub max_aliases: usize,
}

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension {
            max_depth: self.max_depth,
            max_aliases: self.max_aliases,
            document: Mutex::new(None),
        })
    }
}

/// One per request: the limits, and the document between parsing and the end of execution.
struct GuardExtension {
    max_depth: usize,
    max_aliases: usize,
    document: Mutex<Option<ExecutableDocument>>,
}

impl GuardExtension {
    /// The checks in the order the separate extensions ran them: NUL characters, then aliases,
    /// then depth.
    fn check(&self, document: &ExecutableDocument, variables: &Variables) -> ServerResult<()> {
        nul::check(document, variables)?;
        aliases::check(document, self.max_aliases)?;
        depth::check(document, self.max_depth)
    }
}

#[async_trait::async_trait]
impl Extension for GuardExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let checked = next
            .run(ctx, query, variables)
            .await
            .and_then(|document| self.check(&document, variables).map(|()| document));
        match &checked {
            Ok(document) => {
                *self.document.lock().unwrap_or_else(|e| e.into_inner()) = Some(document.clone());
            }
            // A refused parse pays too.
            Err(_) => spend::refused(ctx),
        }
        checked
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        match next.run(ctx).await {
            Ok(result) => spend::reserve(ctx, result),
            Err(errors) => {
                spend::refused(ctx);
                Err(errors)
            }
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self
            .document
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(document) = document {
            field_order::order_response(&mut response.data, &document, operation_name);
            spend::settle(ctx, &document, operation_name, &response);
        }
        response
    }
}
