//! An identity provider's subject (with its issuer) linked to a pupil record: the only way a
//! student token of an identity provider reaches pupil data.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The token's `iss`, "" when it has none.
    pub issuer: String,
    pub subject: String,
    pub student_id: i64,
    pub linked_by: Option<String>,
    pub linked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
