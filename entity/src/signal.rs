//! An alert that a person may be lost between vmbo and mbo; `student_id` is their latest record.

use sea_orm::entity::prelude::*;
use vocabulary::{SignalKind, SignalStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub pseudonym: String,
    pub student_id: i64,
    pub kind: SignalKind,
    pub status: SignalStatus,
    pub raised_on: Date,
    pub resolved_on: Option<Date>,
    pub assignee_id: Option<i64>,
    pub dormant: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
