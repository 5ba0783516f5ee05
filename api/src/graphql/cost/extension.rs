//! The schema extension that spends an operation's cost from its caller's budget (see the
//! module docs of [`super`]). It is the outermost extension, so that a parse refused by any
//! other (depth, NUL characters) pays as well.

use std::sync::{Arc, Mutex};

use async_graphql::{
    ErrorExtensionValues, Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
    },
    parser::types::{DocumentOperations, ExecutableDocument},
};

use super::{Meter, actual};
use crate::rate_limit::Refused;

/// Spends every operation's cost from the budget of the [`Meter`] in its request data (an
/// operation without one, run outside any door, spends nothing).
pub struct CostLimit;

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostExtension::default())
    }
}

#[derive(Default)]
struct CostExtension {
    document: Mutex<Option<ExecutableDocument>>,
}

#[async_trait::async_trait]
impl Extension for CostExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parsed = next.run(ctx, query, variables).await;
        match &parsed {
            Ok(document) => {
                *self.document.lock().unwrap_or_else(|e| e.into_inner()) = Some(document.clone());
            }
            Err(_) => {
                if let Some(meter) = ctx.data_opt::<Arc<Meter>>() {
                    meter.refused();
                }
            }
        }
        parsed
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let meter = ctx.data_opt::<Arc<Meter>>();
        let result = match next.run(ctx).await {
            Ok(result) => result,
            Err(errors) => {
                if let Some(meter) = meter {
                    meter.refused();
                }
                return Err(errors);
            }
        };
        let Some(meter) = meter else {
            return Ok(result);
        };
        let requested = result.complexity as u64;
        match meter.reserve(requested) {
            Ok(()) => Ok(result),
            Err(Refused::NeverFits { cost, limit }) => Err(vec![refusal(
                format!(
                    "the query costs {cost} points, more than a whole window of {limit} \
                     points holds; ask for less (smaller `first`, fewer statistics)"
                ),
                "QUERY_TOO_COMPLEX",
                None,
            )]),
            Err(Refused::OverBudget { wait }) => {
                let seconds = wait.as_secs().max(1);
                Err(vec![refusal(
                    format!(
                        "the query costs {requested} points, more than is left of this \
                         window; try again in {seconds} s"
                    ),
                    "RATE_LIMITED",
                    Some(seconds),
                )])
            }
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        let Some(meter) = ctx.data_opt::<Arc<Meter>>() else {
            return response;
        };
        let document = self
            .document
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(document) = document {
            let name = operation_name
                .map(str::to_owned)
                .or_else(|| single_name(&document));
            meter.set_operation(name);
            let registry = &ctx.schema_env.registry;
            let cost = actual::cost(registry, &document, operation_name, &response.data);
            meter.settle(cost);
        }
        response
    }
}

/// The name of a document's only operation.
fn single_name(document: &ExecutableDocument) -> Option<String> {
    match &document.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.to_string())
        }
        DocumentOperations::Multiple(_) => None,
    }
}

fn refusal(message: String, code: &str, retry_after: Option<u64>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    if let Some(seconds) = retry_after {
        extensions.set("retryAfter", seconds);
    }
    error.extensions = Some(extensions);
    error
}
