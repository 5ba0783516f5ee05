//! An enrolment of a (pseudonymised) pupil in an mbo programme.

use sea_orm::entity::prelude::*;
use vocabulary::EnrolmentStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrolment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub pseudonym: String,
    pub school_id: i64,
    pub crebo: String,
    pub level: i16,
    pub enrolled_on: Date,
    pub status: EnrolmentStatus,
    pub status_date: Option<Date>,
    pub status_days: Option<i32>,
    pub import_run: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
