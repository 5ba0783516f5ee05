//! One run of a CSV import: who, when, and what it changed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub subject: Option<String>,
    pub started_at: DateTimeUtc,
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub transitions_changed: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
