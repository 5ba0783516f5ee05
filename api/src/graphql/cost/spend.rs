//! Spending an operation's cost from its caller's budget (see the module docs of [`super`]),
//! for the request guard ([`crate::graphql::guard`]), which calls these at each step.

use std::sync::Arc;

use async_graphql::{
    ErrorExtensionValues, Response, ServerError, ValidationResult,
    extensions::ExtensionContext,
    parser::types::{DocumentOperations, ExecutableDocument},
};

use super::{Meter, actual};
use crate::rate_limit::Refused;

/// A parse or validation that was refused pays as well (1 point).
pub fn refused(ctx: &ExtensionContext<'_>) {
    if let Some(meter) = ctx.data_opt::<Arc<Meter>>() {
        meter.refused();
    }
}

/// Reserves a validated operation's requested cost (its complexity) from the budget of the
/// [`Meter`] in its request data, or refuses it. An operation without a meter, run outside any
/// door, spends nothing.
pub fn reserve(
    ctx: &ExtensionContext<'_>,
    result: ValidationResult,
) -> Result<ValidationResult, Vec<ServerError>> {
    let Some(meter) = ctx.data_opt::<Arc<Meter>>() else {
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

/// Pays the actual cost of an executed operation: the same sum over what it returned.
pub fn settle(
    ctx: &ExtensionContext<'_>,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    response: &Response,
) {
    let Some(meter) = ctx.data_opt::<Arc<Meter>>() else {
        return;
    };
    let name = operation_name
        .map(str::to_owned)
        .or_else(|| single_name(document));
    meter.set_operation(name);
    let registry = &ctx.schema_env.registry;
    meter.settle(actual::cost(
        registry,
        document,
        operation_name,
        &response.data,
    ));
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
