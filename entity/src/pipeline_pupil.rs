//! The `pipelineStats` figures of one roster record (0 or 1 each), kept up to date by imports,
//! signal evaluations and the API.

use sea_orm::entity::prelude::*;
use vocabulary::Leerweg;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pipeline_pupil")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_id: i64,
    pub region_id: i64,
    pub cohort: i32,
    pub school_id: i64,
    pub leerweg: Leerweg,
    pub leerlab_id: Option<i64>,
    pub year: i16,
    pub applied: i16,
    pub applied_before_april: i16,
    pub offered: i16,
    pub not_admitted: i16,
    pub withdrawn: i16,
    pub enrolled: i16,
    pub open_signal: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
