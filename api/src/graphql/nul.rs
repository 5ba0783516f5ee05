//! Strings with a NUL character are refused before anything runs: PostgreSQL cannot store one
//! (its text type ends at NUL) and would answer a database error, while SQLite would store it
//! silently; refusing it on both keeps them alike and the answer a clear `BAD_USER_INPUT`.

use async_graphql::{
    ErrorExtensionValues, Positioned, ServerError, ServerResult, Value as ConstValue, Variables,
    parser::types::{Directive, ExecutableDocument, Selection, SelectionSet},
};

use crate::error::ErrorCode;

/// Refuses a NUL character in `variables` or in the arguments written in `document`.
pub fn check(document: &ExecutableDocument, variables: &Variables) -> ServerResult<()> {
    if variables.values().any(const_has_nul) || document_has_nul(document) {
        return Err(nul_refused());
    }
    Ok(())
}

/// Whether an argument as written has a NUL (its variables are checked as [`Variables`]). A
/// macro because the parser does not re-export the type of written values.
macro_rules! written_has_nul {
    ($value:expr) => {
        $value
            .clone()
            .into_const_with(|_| Ok::<_, std::convert::Infallible>(ConstValue::Null))
            .is_ok_and(|value| const_has_nul(&value))
    };
}

fn nul_refused() -> ServerError {
    let mut error = ServerError::new(
        "a string argument contains a NUL character (U+0000), which no field accepts",
        None,
    );
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", ErrorCode::BadUserInput.as_str());
    error.extensions = Some(extensions);
    error
}

fn document_has_nul(document: &ExecutableDocument) -> bool {
    document.operations.iter().any(|(_, operation)| {
        let op = &operation.node;
        directives_have_nul(&op.directives)
            || op.variable_definitions.iter().any(|v| {
                v.node
                    .default_value
                    .as_ref()
                    .is_some_and(|d| const_has_nul(&d.node))
            })
            || set_has_nul(&op.selection_set.node)
    }) || document.fragments.values().any(|fragment| {
        directives_have_nul(&fragment.node.directives)
            || set_has_nul(&fragment.node.selection_set.node)
    })
}

fn set_has_nul(set: &SelectionSet) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => {
            let field = &field.node;
            field
                .arguments
                .iter()
                .any(|(_, v)| written_has_nul!(v.node))
                || directives_have_nul(&field.directives)
                || set_has_nul(&field.selection_set.node)
        }
        Selection::InlineFragment(inline) => {
            directives_have_nul(&inline.node.directives)
                || set_has_nul(&inline.node.selection_set.node)
        }
        Selection::FragmentSpread(spread) => directives_have_nul(&spread.node.directives),
    })
}

fn directives_have_nul(directives: &[Positioned<Directive>]) -> bool {
    directives.iter().any(|d| {
        d.node
            .arguments
            .iter()
            .any(|(_, v)| written_has_nul!(v.node))
    })
}

fn const_has_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(s) => s.contains('\0'),
        ConstValue::List(items) => items.iter().any(const_has_nul),
        ConstValue::Object(fields) => fields.values().any(const_has_nul),
        _ => false,
    }
}
