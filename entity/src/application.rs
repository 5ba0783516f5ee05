//! A (pseudonymised) pupil's application to an mbo programme, with its current status.

use sea_orm::entity::prelude::*;
use vocabulary::ApplicationStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub pseudonym: String,
    pub school_id: i64,
    pub crebo: String,
    pub level: i16,
    pub applied_on: Date,
    pub status: ApplicationStatus,
    pub status_date: Date,
    pub import_run: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
