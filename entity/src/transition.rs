//! A leaver's step to mbo: the earliest enrolment in the school year after leaving.

use sea_orm::entity::prelude::*;
use vocabulary::EnrolmentStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transition")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_id: i64,
    pub enrolment_id: i64,
    pub school_id: i64,
    pub crebo: String,
    pub level: i16,
    pub enrolled_on: Date,
    pub status: EnrolmentStatus,
    pub status_date: Option<Date>,
    pub switched_first_year: bool,
    pub dropped_out_first_year: bool,
    pub choice_matched: bool,
    pub level_vs_expected: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
