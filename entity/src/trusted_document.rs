//! A trusted document: a GraphQL document registered with `leerroute documents add`, addressed
//! by the lowercase hex SHA-256 of its exact bytes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trusted_document")]
pub struct Model {
    /// 64 lowercase hex digits (the `documentId` without its `sha256:` prefix).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub body: String,
    /// The document's operation names, comma-separated.
    pub operation_names: String,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
