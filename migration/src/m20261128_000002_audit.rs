//! The audit log ("Logboek Dataverwerkingen"): who did what to which object, and when.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    At,
    RequestId,
    Subject,
    Role,
    Action,
    Target,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(big_pk_auto(AuditEvent::Id))
                    .col(timestamp_with_time_zone(AuditEvent::At))
                    .col(string_len(AuditEvent::RequestId, 64))
                    .col(string_null(AuditEvent::Subject))
                    .col(string_len(AuditEvent::Role, 16))
                    .col(string_len(AuditEvent::Action, 64))
                    .col(string(AuditEvent::Target))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("audit_event", &["at"], false),
                index("audit_event", &["subject", "at"], false),
                index("audit_event", &["action", "at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["audit_event"]).await
    }
}
