//! A person on one of a leerlab's teams.

use sea_orm::entity::prelude::*;
use vocabulary::Team;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leerlab_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub leerlab_id: i64,
    pub person_id: i64,
    pub team: Team,
    pub role: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
