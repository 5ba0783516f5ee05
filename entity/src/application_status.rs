//! One status an application has had: which, reached when, recorded when, from where, by whom.

use sea_orm::entity::prelude::*;
use vocabulary::{ApplicationSource, ApplicationStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_status")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i64,
    pub status: ApplicationStatus,
    pub status_date: Date,
    pub at: DateTimeUtc,
    pub source: ApplicationSource,
    pub subject: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
