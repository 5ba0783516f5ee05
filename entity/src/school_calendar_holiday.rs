//! A named holiday of a school's year, such as herfstvakantie; it may fall inside a period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "school_calendar_holiday")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub calendar_id: i64,
    pub school_id: i64,
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
