//! Pupil records in GraphQL: leavers, their transitions, supercoach and self-evaluations (the
//! CSV imports are in `graphql::imports`). Every pupil that leaves through here is written to
//! the audit log.

mod input;
mod mutation;
mod query;

pub use mutation::PupilMutation;
pub use query::PupilQuery;
