//! Pupil records in GraphQL: leavers, their transitions, supercoach and self-evaluations, and
//! the CSV imports. Every pupil that leaves through here is written to the audit log.

mod input;
mod mutation;
mod query;

pub use mutation::PupilMutation;
pub use query::PupilQuery;
