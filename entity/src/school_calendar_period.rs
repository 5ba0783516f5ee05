//! A numbered period of a school's year (IJburg College has five, ROC van Amsterdam four).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "school_calendar_period")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub calendar_id: i64,
    pub school_id: i64,
    pub number: i16,
    pub starts_on: Date,
    pub ends_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
