//! A participating school for which an activity falls outside its time in session.

use async_graphql::SimpleObject;

use super::School;
use crate::graphql::scalars::Date;

/// A participating school for which the activity falls outside its time in session.
#[derive(SimpleObject)]
pub struct ActivityConflict {
    /// The school.
    pub school: School,
    /// The first day of the activity that is not in session for the school.
    pub day: Date,
    /// Why: the holiday it falls in, or that it is outside the school's periods.
    pub reason: String,
}
