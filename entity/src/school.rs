//! vmbo schools (VO) and mbo institutions or colleges (MBO).

use sea_orm::entity::prelude::*;
use vocabulary::Sector;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "school")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub region_id: i64,
    pub parent_id: Option<i64>,
    pub brin: String,
    pub name: String,
    pub sector: Sector,
    pub city: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
