//! The CSV imports in GraphQL: one mutation per format (waiting for the outcome), `startImport`
//! (answers at once with the queued run), and `importRuns` / `importRun` to follow a run. Every
//! import runs in a task of its own, so a client that goes away does not cancel it.

mod input;
mod mutation;
mod query;

pub use mutation::ImportMutation;
pub use query::ImportQuery;
