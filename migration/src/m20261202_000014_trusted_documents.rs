//! Trusted documents (DESIGN.md section 3, HTTP): GraphQL documents registered ahead of time
//! with `leerroute documents add`, addressed by the lowercase hex SHA-256 of the file's exact
//! bytes. They live in the database so that every replica sees a new one at once.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::drop_tables;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrustedDocument {
    Table,
    Id,
    Body,
    OperationNames,
    AddedAt,
}

fn trusted_document() -> TableCreateStatement {
    Table::create()
        .table(TrustedDocument::Table)
        // 64 lowercase hex digits, without the `sha256:` prefix.
        .col(string_len(TrustedDocument::Id, 64).primary_key())
        .col(text(TrustedDocument::Body))
        // The document's operation names, comma-separated ("" for one anonymous operation).
        .col(string_len(TrustedDocument::OperationNames, 1024))
        .col(timestamp_with_time_zone(TrustedDocument::AddedAt))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(trusted_document()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["trusted_document"]).await
    }
}
