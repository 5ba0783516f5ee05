//! A note on a signal (append-only).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signal_note")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub signal_id: i64,
    pub at: DateTimeUtc,
    pub author: String,
    pub text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
