//! An mbo programme a leerlab leads towards.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leerlab_target_programme")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub leerlab_id: i64,
    pub programme_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
