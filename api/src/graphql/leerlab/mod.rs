//! Leerlabs in GraphQL: the partnership, its partners, teams, target programmes and legal status.

mod input;
mod mutation;
mod query;

pub use mutation::LeerlabMutation;
pub use query::LeerlabQuery;
