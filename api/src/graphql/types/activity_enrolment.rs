//! A pupil's place in an activity: pupil data, shown only to those who may see the pupil.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::Activity;
use crate::{
    domain::activity::Attendance,
    error::{AppError, AppResult},
    graphql::{context::loader, loaders::ActivityById},
    ids,
    service::activity::EnrolmentRow,
};

/// A pupil's place in an activity, with attendance and their own reflection. Pupil data.
pub struct ActivityEnrolment(pub EnrolmentRow);

/// A pupil's place in an activity, with attendance and their own reflection. Pupil data: shown
/// only to those who may see the pupil, and every read is audited.
#[Object]
impl ActivityEnrolment {
    /// Global id of the pupil (a Student).
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.0.enrolment.student_id)
    }

    /// The activity.
    async fn activity(&self, ctx: &Context<'_>) -> AppResult<Activity> {
        loader(ctx)?
            .load_one(ActivityById(self.0.enrolment.activity_id))
            .await?
            .map(Activity)
            .ok_or_else(|| AppError::internal("enrolment without activity"))
    }

    /// When the pupil enrolled.
    async fn enrolled_at(&self) -> DateTime<Utc> {
        self.0.enrolment.enrolled_at
    }

    /// PRESENT or ABSENT; null until recorded.
    async fn attendance(&self) -> Option<Attendance> {
        self.0.enrolment.attendance
    }

    /// When the attendance was recorded.
    async fn attendance_recorded_at(&self) -> Option<DateTime<Utc>> {
        self.0.enrolment.attendance_recorded_at
    }

    /// The pupil's own reflection on the activity.
    async fn reflection(&self) -> Option<&str> {
        self.0.enrolment.reflection.as_deref()
    }
}
