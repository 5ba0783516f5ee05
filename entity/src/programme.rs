//! Programmes: mbo qualifications (crebo + level) or vmbo leerweg + profiel.

use sea_orm::entity::prelude::*;
use vocabulary::{Leerweg, Profile};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub name: String,
    pub crebo: Option<String>,
    pub level: Option<i16>,
    pub leerweg: Option<Leerweg>,
    pub profile: Option<Profile>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
