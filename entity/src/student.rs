//! A pupil's record at a vmbo school in one school year (years 3 and 4, and leavers), pseudonymised.
//! While `status` is `IN_SCHOOL` the leaver columns (`exam_date`, choice, window) are placeholders.

use sea_orm::entity::prelude::*;
use vocabulary::{Leerweg, Profile, StudentStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub pseudonym: String,
    pub region_id: i64,
    pub school_id: i64,
    pub leerweg: Leerweg,
    pub profile: Profile,
    pub school_year: String,
    pub cohort: i32,
    pub exam_date: Date,
    pub choice_crebo: Option<String>,
    pub choice_date: Option<Date>,
    pub chose_before_exam: bool,
    pub leerlab_id: Option<i64>,
    pub window_start: Date,
    pub window_end: Date,
    pub import_run: i64,
    /// The pupil's record key for disclosure control, masked (-1 until filled in).
    pub record_key: i16,
    pub updated_at: DateTimeUtc,
    pub year: i16,
    pub status: StudentStatus,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
