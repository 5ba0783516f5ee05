//! The pupil mutations and their payloads: a pupil's supercoach, self-evaluations and their
//! follow-up. (The CSV imports are in `graphql::imports`.)

use async_graphql::{Context, Object, SimpleObject};

use super::input::{
    AssignCoachInput, LinkIdentityInput, RecordEvaluationFollowUpInput, SubmitSelfEvaluationInput,
};
use crate::{
    error::AppResult,
    graphql::{
        context::{db, open, viewer},
        types::{SelfEvaluation, Student},
    },
    ids,
    service::pupils as service,
};

/// Result of `assignCoach`.
#[derive(SimpleObject)]
pub struct AssignCoachPayload {
    /// The pupil, with their new coach.
    pub student: Student,
}

/// Result of `linkIdentity`.
#[derive(SimpleObject)]
pub struct LinkIdentityPayload {
    /// The pupil record the subject now reaches.
    pub student: Student,
}

/// Result of `submitSelfEvaluation` and `recordEvaluationFollowUp`.
#[derive(SimpleObject)]
pub struct SelfEvaluationPayload {
    /// The evaluation.
    pub evaluation: SelfEvaluation,
}

#[derive(Default)]
pub struct PupilMutation;

#[Object]
impl PupilMutation {
    /// Makes a coach the pupil's supercoach from a date (the pupil's school staff, admin).
    async fn assign_coach(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; every field of `AssignCoachInput` is described.")] input: AssignCoachInput,
    ) -> AppResult<AssignCoachPayload> {
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let person_id = ids::decode_as(&input.person_id, "Person", "personId")?;
        let student =
            service::assign_coach(db(ctx)?, viewer(ctx)?, student_id, person_id, input.from.0)
                .await?;
        Ok(AssignCoachPayload {
            student: Student(open(ctx, student).await?),
        })
    }

    /// Links an identity provider's subject to a pupil record (staff of the record's school,
    /// admin): from then on a student token of the provider with that `sub`, and a school
    /// claim covering the record, reads it. Linking again moves the subject to this record.
    async fn link_identity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pupil record and the provider's subject.")] input: LinkIdentityInput,
    ) -> AppResult<LinkIdentityPayload> {
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let issuer = input.issuer.unwrap_or_default();
        let student = crate::service::identity::link_identity(
            db(ctx)?,
            viewer(ctx)?,
            student_id,
            &issuer,
            &input.subject,
        )
        .await?;
        Ok(LinkIdentityPayload {
            student: Student(open(ctx, student).await?),
        })
    }

    /// A pupil evaluates their own route and says what they need (the pupil themself).
    async fn submit_self_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to change; every field of `SubmitSelfEvaluationInput` is described."
        )]
        input: SubmitSelfEvaluationInput,
    ) -> AppResult<SelfEvaluationPayload> {
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let saved =
            service::submit_self_evaluation(db(ctx)?, viewer(ctx)?, student_id, input.into())
                .await?;
        Ok(SelfEvaluationPayload {
            evaluation: SelfEvaluation(saved),
        })
    }

    /// The pupil's current coach records the follow-up of an evaluation.
    async fn record_evaluation_follow_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to change; every field of `RecordEvaluationFollowUpInput` is described."
        )]
        input: RecordEvaluationFollowUpInput,
    ) -> AppResult<SelfEvaluationPayload> {
        let id = ids::decode_as(&input.evaluation_id, "SelfEvaluation", "evaluationId")?;
        let saved = service::record_follow_up(db(ctx)?, viewer(ctx)?, id, &input.follow_up).await?;
        Ok(SelfEvaluationPayload {
            evaluation: SelfEvaluation(saved),
        })
    }
}
