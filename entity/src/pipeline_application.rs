//! The `pipelineStats` figures of one roster record for one mbo school it applied to.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pipeline_application")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub mbo_school_id: i64,
    pub applied_before_april: i16,
    pub offered: i16,
    pub not_admitted: i16,
    pub withdrawn: i16,
    pub enrolled: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
