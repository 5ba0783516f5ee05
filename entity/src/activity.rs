//! A joint activity of vo and mbo schools, hosted by one school of a region.

use sea_orm::entity::prelude::*;
use vocabulary::{ActivityKind, ActivityStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub region_id: i64,
    pub host_school_id: i64,
    pub leerlab_id: Option<i64>,
    pub kind: ActivityKind,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub status: ActivityStatus,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub capacity: i32,
    pub enrolled_count: i32,
    pub cancel_reason: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
