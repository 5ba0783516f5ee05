//! A school taking part in a leerlab.

use sea_orm::entity::prelude::*;
use vocabulary::PartnerRole;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leerlab_partner")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub leerlab_id: i64,
    pub school_id: i64,
    pub role: PartnerRole,
    pub registered_with_duo_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
