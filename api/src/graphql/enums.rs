//! The api's own enums as GraphQL enums: the statistics' dimensions. The domain's enums (in the
//! `vocabulary` crate) are GraphQL enums through its `graphql` feature, made the same way: the
//! name of the type (or the one given here), values in SCREAMING_SNAKE_CASE, doc comments as
//! descriptions.

use crate::service::{
    needs::NeedsDimension, pipeline_stats::PipelineDimension, statistics::Dimension,
};

vocabulary::graphql_enums!(
    Dimension as "TransitionDimension",
    NeedsDimension,
    PipelineDimension,
);
