//! Pupil data only where it belongs:
//! - `secret_check` binds a database to its link secret: it holds a check value (an HMAC of a
//!   fixed text under the secret, from which the secret cannot be recovered), so a command run
//!   with a missing or different secret is refused instead of pseudonymising every pupil anew;
//! - `identity_link` links an identity provider's subject (with its issuer) to a pupil record,
//!   the only way such a token reaches pupil data (DESIGN.md section 3, Tokens).

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SecretCheck {
    Table,
    Name,
    CheckValue,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdentityLink {
    Table,
    Id,
    Issuer,
    Subject,
    StudentId,
    LinkedBy,
    LinkedAt,
}

#[derive(DeriveIden)]
enum Student {
    Table,
}

fn secret_check() -> TableCreateStatement {
    Table::create()
        .table(SecretCheck::Table)
        .col(string_len(SecretCheck::Name, 32).primary_key())
        .col(string_len(SecretCheck::CheckValue, 64))
        .col(timestamp_with_time_zone(SecretCheck::CreatedAt))
        .to_owned()
}

fn identity_link() -> TableCreateStatement {
    Table::create()
        .table(IdentityLink::Table)
        .col(big_pk_auto(IdentityLink::Id))
        // "" when the provider's tokens carry no `iss`.
        .col(string_len(IdentityLink::Issuer, 255))
        .col(string_len(IdentityLink::Subject, 255))
        .col(big_integer(IdentityLink::StudentId))
        .col(string_len_null(IdentityLink::LinkedBy, 255))
        .col(timestamp_with_time_zone(IdentityLink::LinkedAt))
        // The link goes with the record (retention).
        .foreign_key(&mut foreign_key(
            IdentityLink::Table,
            IdentityLink::StudentId,
            Student::Table,
            true,
        ))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(secret_check()).await?;
        manager.create_table(identity_link()).await?;
        manager
            .create_index(index("identity_link", &["issuer", "subject"], true))
            .await?;
        manager
            .create_index(index("identity_link", &["student_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["identity_link", "secret_check"]).await
    }
}
