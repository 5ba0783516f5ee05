//! A pupil enrolled in an activity, with their attendance and own reflection: pupil data.

use sea_orm::entity::prelude::*;
use vocabulary::Attendance;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_enrolment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    pub student_id: i64,
    pub enrolled_at: DateTimeUtc,
    pub attendance: Option<Attendance>,
    pub attendance_recorded_at: Option<DateTimeUtc>,
    pub reflection: Option<String>,
    pub reflected_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
