//! Before the step in GraphQL (DESIGN.md 4b): applications to mbo and signals. Pupil data:
//! every application and signal handed out is within the caller's scope and audited.

mod input;
mod mutation;
mod query;

pub use mutation::PipelineMutation;
pub use query::PipelineQuery;
