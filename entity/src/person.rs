//! Staff of schools: teachers, LOB staff, project leads, coaches, coordinators.

use sea_orm::entity::prelude::*;
use vocabulary::PersonFunction;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: Option<i64>,
    pub name: String,
    pub email: Option<String>,
    pub function: PersonFunction,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
