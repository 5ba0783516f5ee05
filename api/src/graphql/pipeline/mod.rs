//! Before the step in GraphQL (DESIGN.md 4b): applications to mbo, signals and `pipelineStats`. Pupil data:
//! every application and signal handed out is within the caller's scope and audited.

mod input;
mod mutation;
mod query;
mod stats;

pub use mutation::PipelineMutation;
pub use query::PipelineQuery;
pub use stats::PipelineStatsQuery;
