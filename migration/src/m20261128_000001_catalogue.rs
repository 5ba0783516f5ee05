//! The regional catalogue: regions, schools, programmes, people and leerlabs with their
//! partners, target programmes and team members.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Region {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum School {
    Table,
    Id,
    RegionId,
    ParentId,
    Brin,
    Name,
    Sector,
    City,
}

#[derive(DeriveIden)]
enum Programme {
    Table,
    Id,
    SchoolId,
    Name,
    Crebo,
    Level,
    Leerweg,
    Profile,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    SchoolId,
    Name,
    Email,
    Function,
}

#[derive(DeriveIden)]
enum Leerlab {
    Table,
    Id,
    RegionId,
    Code,
    Name,
    Kind,
    Status,
    Focus,
    TargetGroup,
    StartsOn,
    AgreementSignedOn,
    TransferOption,
    Instruments,
}

#[derive(DeriveIden)]
enum LeerlabPartner {
    Table,
    Id,
    LeerlabId,
    SchoolId,
    Role,
    RegisteredWithDuoOn,
}

#[derive(DeriveIden)]
enum LeerlabTargetProgramme {
    Table,
    Id,
    LeerlabId,
    ProgrammeId,
}

#[derive(DeriveIden)]
enum LeerlabMember {
    Table,
    Id,
    LeerlabId,
    PersonId,
    Team,
    Role,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .col(big_pk_auto(Region::Id))
                    .col(string_len(Region::Code, 32))
                    .col(string(Region::Name))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(School::Table)
                    .col(big_pk_auto(School::Id))
                    .col(big_integer(School::RegionId))
                    .col(big_integer_null(School::ParentId))
                    .col(string_len(School::Brin, 6))
                    .col(string(School::Name))
                    .col(string_len(School::Sector, 8))
                    .col(string_null(School::City))
                    .foreign_key(&mut foreign_key(
                        School::Table,
                        School::RegionId,
                        Region::Table,
                        false,
                    ))
                    .foreign_key(&mut foreign_key(
                        School::Table,
                        School::ParentId,
                        School::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Programme::Table)
                    .col(big_pk_auto(Programme::Id))
                    .col(big_integer(Programme::SchoolId))
                    .col(string(Programme::Name))
                    .col(string_len_null(Programme::Crebo, 5))
                    .col(small_integer_null(Programme::Level))
                    .col(string_len_null(Programme::Leerweg, 2))
                    .col(string_len_null(Programme::Profile, 8))
                    .foreign_key(&mut foreign_key(
                        Programme::Table,
                        Programme::SchoolId,
                        School::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(big_pk_auto(Person::Id))
                    .col(big_integer_null(Person::SchoolId))
                    .col(string(Person::Name))
                    .col(string_null(Person::Email))
                    .col(string_len(Person::Function, 32))
                    .foreign_key(&mut foreign_key(
                        Person::Table,
                        Person::SchoolId,
                        School::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Leerlab::Table)
                    .col(big_pk_auto(Leerlab::Id))
                    .col(big_integer(Leerlab::RegionId))
                    .col(string_len(Leerlab::Code, 32))
                    .col(string(Leerlab::Name))
                    .col(string_len(Leerlab::Kind, 32))
                    .col(string_len(Leerlab::Status, 16))
                    .col(text_null(Leerlab::Focus))
                    .col(text_null(Leerlab::TargetGroup))
                    .col(date_null(Leerlab::StartsOn))
                    .col(date_null(Leerlab::AgreementSignedOn))
                    .col(text_null(Leerlab::TransferOption))
                    .col(string(Leerlab::Instruments).default(""))
                    .foreign_key(&mut foreign_key(
                        Leerlab::Table,
                        Leerlab::RegionId,
                        Region::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LeerlabPartner::Table)
                    .col(big_pk_auto(LeerlabPartner::Id))
                    .col(big_integer(LeerlabPartner::LeerlabId))
                    .col(big_integer(LeerlabPartner::SchoolId))
                    .col(string_len(LeerlabPartner::Role, 8))
                    .col(date_null(LeerlabPartner::RegisteredWithDuoOn))
                    .foreign_key(&mut foreign_key(
                        LeerlabPartner::Table,
                        LeerlabPartner::LeerlabId,
                        Leerlab::Table,
                        true,
                    ))
                    .foreign_key(&mut foreign_key(
                        LeerlabPartner::Table,
                        LeerlabPartner::SchoolId,
                        School::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LeerlabTargetProgramme::Table)
                    .col(big_pk_auto(LeerlabTargetProgramme::Id))
                    .col(big_integer(LeerlabTargetProgramme::LeerlabId))
                    .col(big_integer(LeerlabTargetProgramme::ProgrammeId))
                    .foreign_key(&mut foreign_key(
                        LeerlabTargetProgramme::Table,
                        LeerlabTargetProgramme::LeerlabId,
                        Leerlab::Table,
                        true,
                    ))
                    .foreign_key(&mut foreign_key(
                        LeerlabTargetProgramme::Table,
                        LeerlabTargetProgramme::ProgrammeId,
                        Programme::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LeerlabMember::Table)
                    .col(big_pk_auto(LeerlabMember::Id))
                    .col(big_integer(LeerlabMember::LeerlabId))
                    .col(big_integer(LeerlabMember::PersonId))
                    .col(string_len(LeerlabMember::Team, 32))
                    .col(string_null(LeerlabMember::Role))
                    .foreign_key(&mut foreign_key(
                        LeerlabMember::Table,
                        LeerlabMember::LeerlabId,
                        Leerlab::Table,
                        true,
                    ))
                    .foreign_key(&mut foreign_key(
                        LeerlabMember::Table,
                        LeerlabMember::PersonId,
                        Person::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("region", &["code"], true),
                index("school", &["brin"], true),
                index("school", &["region_id"], false),
                index("school", &["parent_id"], false),
                index("programme", &["school_id", "crebo"], true),
                index("programme", &["school_id", "leerweg", "profile"], true),
                index("programme", &["crebo"], false),
                index("person", &["email"], true),
                index("person", &["school_id"], false),
                index("leerlab", &["code"], true),
                index("leerlab", &["region_id"], false),
                index("leerlab_partner", &["leerlab_id", "school_id"], true),
                index("leerlab_partner", &["school_id"], false),
                index(
                    "leerlab_target_programme",
                    &["leerlab_id", "programme_id"],
                    true,
                ),
                index("leerlab_target_programme", &["programme_id"], false),
                index("leerlab_member", &["leerlab_id", "person_id", "team"], true),
                index("leerlab_member", &["person_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "leerlab_member",
                "leerlab_target_programme",
                "leerlab_partner",
                "leerlab",
                "person",
                "programme",
                "school",
                "region",
            ],
        )
        .await
    }
}
