//! The activity mutations and their payloads: an activity's life cycle (its school's staff,
//! the region's coordinator) and pupils' enrolment and attendance.

use async_graphql::{Context, Object, SimpleObject};
use entity::activity;

use super::input::{
    CancelActivityInput, CreateActivityInput, DeleteActivityInput, EnrolInActivityInput,
    PublishActivityInput, RecordAttendanceInput, UpdateActivityInput, WithdrawFromActivityInput,
};
use crate::{
    audit::Sealed,
    error::AppResult,
    graphql::{
        context::{db, live, open, viewer},
        types::{Activity, ActivityEnrolment},
    },
    ids,
    service::{
        activity::{self as service, EnrolmentRow},
        pupils,
    },
};

/// Result of mutations that change an activity.
#[derive(SimpleObject)]
pub struct ActivityPayload {
    /// The activity as it is now.
    pub activity: Activity,
}

/// Result of `deleteActivity`.
#[derive(SimpleObject)]
pub struct DeleteActivityPayload {
    /// Global id of the activity that was deleted.
    pub deleted_id: async_graphql::ID,
}

/// Result of `enrolInActivity` and `recordAttendance`.
#[derive(SimpleObject)]
pub struct ActivityEnrolmentPayload {
    /// The activity as it is now.
    pub activity: Activity,
    /// The enrolment as it is now; null when the caller may not read the pupil (staff of a
    /// hosting school recording another school's pupil), by the rule of `students`.
    pub enrolment: Option<ActivityEnrolment>,
}

fn payload(activity: activity::Model) -> ActivityPayload {
    ActivityPayload {
        activity: Activity(activity),
    }
}

/// The payload of an enrolment change: the enrolment (pupil data: the pupil's own reflection)
/// only if the caller may read the pupil, and then on the audit trail.
async fn enrolment_payload(
    ctx: &Context<'_>,
    (activity, row): (activity::Model, Sealed<EnrolmentRow>),
) -> AppResult<ActivityEnrolmentPayload> {
    let student_id = row.check(|row| row.enrolment.student_id);
    let visible = pupils::visible_among(db(ctx)?, viewer(ctx)?, &[student_id]).await?;
    let enrolment = if visible.contains(&student_id) {
        Some(ActivityEnrolment(open(ctx, row).await?))
    } else {
        None
    };
    Ok(ActivityEnrolmentPayload {
        activity: Activity(activity),
        enrolment,
    })
}

#[derive(Default)]
pub struct ActivityMutation;

#[Object]
impl ActivityMutation {
    /// Plans an activity as a DRAFT (staff of the host school, the region's coordinator, admin).
    async fn create_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity to plan.")] input: CreateActivityInput,
    ) -> AppResult<ActivityPayload> {
        let created = service::create(db(ctx)?, viewer(ctx)?, input.into()).await?;
        Ok(payload(created))
    }

    /// Changes a draft or published activity (those who may create it).
    async fn update_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity and what changes.")] input: UpdateActivityInput,
    ) -> AppResult<ActivityPayload> {
        let id = ids::decode_as(&input.id, "Activity", "id")?;
        let updated = service::update(db(ctx)?, viewer(ctx)?, id, input.into()).await?;
        Ok(payload(updated))
    }

    /// Publishes a draft: everyone sees it, pupils may enrol, and `activityPublished`
    /// subscribers of its region hear of it.
    async fn publish_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to publish.")] input: PublishActivityInput,
    ) -> AppResult<ActivityPayload> {
        let id = ids::decode_as(&input.id, "Activity", "id")?;
        let published = service::publish(db(ctx)?, live(ctx)?, viewer(ctx)?, id).await?;
        Ok(payload(published))
    }

    /// Cancels a published activity, with a reason that everyone sees.
    async fn cancel_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity and why it is cancelled.")] input: CancelActivityInput,
    ) -> AppResult<ActivityPayload> {
        let id = ids::decode_as(&input.id, "Activity", "id")?;
        let cancelled = service::cancel(db(ctx)?, viewer(ctx)?, id, &input.reason).await?;
        Ok(payload(cancelled))
    }

    /// Deletes a draft (whoever may change it); any other status answers CONFLICT (cancel a
    /// published activity instead). The change feed lists a `DELETE`.
    async fn delete_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to delete.")] input: DeleteActivityInput,
    ) -> AppResult<DeleteActivityPayload> {
        let id = ids::decode_as(&input.id, "Activity", "id")?;
        service::delete(db(ctx)?, viewer(ctx)?, id).await?;
        Ok(DeleteActivityPayload {
            deleted_id: input.id,
        })
    }

    /// Enrols a pupil of a participating school in a published activity; CONFLICT when it is
    /// full, cancelled or the pupil is already enrolled.
    async fn enrol_in_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity and the pupil.")] input: EnrolInActivityInput,
    ) -> AppResult<ActivityEnrolmentPayload> {
        let activity_id = ids::decode_as(&input.activity_id, "Activity", "activityId")?;
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let result = service::enrol(db(ctx)?, viewer(ctx)?, activity_id, student_id).await?;
        enrolment_payload(ctx, result).await
    }

    /// Withdraws a pupil from an activity and frees their place (the pupil themself, staff of
    /// the pupil's school, admin); `NOT_FOUND` when the pupil is not enrolled, `CONFLICT` when
    /// the activity is cancelled.
    async fn withdraw_from_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity and the pupil.")] input: WithdrawFromActivityInput,
    ) -> AppResult<ActivityPayload> {
        let activity_id = ids::decode_as(&input.activity_id, "Activity", "activityId")?;
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let activity = service::withdraw(db(ctx)?, viewer(ctx)?, activity_id, student_id).await?;
        Ok(payload(activity))
    }

    /// Records whether an enrolled pupil came (staff of the host school or of the pupil's
    /// school) and/or the pupil's own reflection (the pupil themself).
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity, the pupil, and what to record.")]
        input: RecordAttendanceInput,
    ) -> AppResult<ActivityEnrolmentPayload> {
        let activity_id = ids::decode_as(&input.activity_id, "Activity", "activityId")?;
        let student_id = ids::decode_as(&input.student_id, "Student", "studentId")?;
        let changes = input.into();
        let result =
            service::record_attendance(db(ctx)?, viewer(ctx)?, activity_id, student_id, changes)
                .await?;
        enrolment_payload(ctx, result).await
    }
}
