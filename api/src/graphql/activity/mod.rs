//! Joint activities in GraphQL: the queries, the mutations of an activity's life cycle and of
//! enrolment, and the `activityPublished` subscription.

mod input;
mod mutation;
mod query;
mod subscription;

pub use mutation::ActivityMutation;
pub use query::{ActivityQuery, visible_activity};
pub use subscription::ActivitySubscription;
