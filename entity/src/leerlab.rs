//! A vo + mbo partnership developing a continuous route.

use sea_orm::entity::prelude::*;
use vocabulary::{LeerlabKind, LeerlabStatus, LegalInstrument, TextList};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leerlab")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub region_id: i64,
    pub code: String,
    pub name: String,
    pub kind: LeerlabKind,
    pub status: LeerlabStatus,
    pub focus: Option<String>,
    pub target_group: Option<String>,
    pub starts_on: Option<Date>,
    pub agreement_signed_on: Option<Date>,
    pub transfer_option: Option<String>,
    pub instruments: TextList<LegalInstrument>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
