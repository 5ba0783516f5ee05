//! The public catalogue in GraphQL: regions, schools, programmes and people.

mod input;
mod mutation;
mod query;

pub use mutation::CatalogueMutation;
pub use query::CatalogueQuery;
