//! A pupil's evaluation of their own route and what they need.

use async_graphql::{ID, Object};
use entity::self_evaluation;

use crate::{domain::Need, ids};

/// A pupil's evaluation of their own route and what they need.
pub struct SelfEvaluation(pub self_evaluation::Model);

/// A pupil's evaluation of their own route and what they need.
#[Object]
impl SelfEvaluation {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::encode("SelfEvaluation", self.0.id)
    }

    /// When it was submitted.
    async fn submitted_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.submitted_at
    }

    /// How the pupil feels, 1 (bad) to 5 (good).
    async fn wellbeing(&self) -> i32 {
        self.0.wellbeing.into()
    }

    /// The pupil's own view of their study skills, 1 to 5.
    async fn study_skills(&self) -> i32 {
        self.0.study_skills.into()
    }

    /// The pupil's own view of their life skills (DigiD, bills, appointments), 1 to 5.
    async fn life_skills(&self) -> i32 {
        self.0.life_skills.into()
    }

    /// How sure the pupil is of their choice, 1 to 5.
    async fn choice_certainty(&self) -> i32 {
        self.0.choice_certainty.into()
    }

    /// What the pupil needs help with.
    async fn needs(&self) -> Vec<Need> {
        self.0.needs.0.clone()
    }

    /// The pupil's own words.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    /// What the coach did with it.
    async fn follow_up(&self) -> Option<&str> {
        self.0.follow_up.as_deref()
    }

    /// When the coach recorded the follow-up.
    async fn follow_up_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.follow_up_at
    }
}
