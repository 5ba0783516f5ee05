//! A pupil who left a vmbo school in one school year, pseudonymised, with their transition to mbo.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub pseudonym: String,
    pub region_id: i64,
    pub school_id: i64,
    pub leerweg: String,
    pub profile: String,
    pub school_year: String,
    pub cohort: i32,
    pub exam_date: Date,
    pub choice_crebo: Option<String>,
    pub choice_date: Option<Date>,
    pub chose_before_exam: bool,
    pub leerlab_id: Option<i64>,
    pub window_start: Date,
    pub window_end: Date,
    pub enrolment_id: Option<i64>,
    pub transition_school_id: Option<i64>,
    pub transition_crebo: Option<String>,
    pub transition_level: Option<i16>,
    pub transition_enrolled_on: Option<Date>,
    pub transition_status: Option<String>,
    pub transition_status_date: Option<Date>,
    pub switched_first_year: bool,
    pub dropped_out_first_year: bool,
    pub choice_matched: bool,
    pub level_vs_expected: Option<i16>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
