//! The change feed (DESIGN.md 4c): `change_entry` (the latest version of every node, and the
//! tombstones of deleted ones), `change_meta` (SQLite's version counter and the version up to
//! which tombstones were pruned), and the triggers that keep them ([`crate::change_triggers`]).
//! `import_run.cohorts` says which cohorts' statistics an import may have changed.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::change_triggers::{self, Dialect, NODES};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChangeEntry {
    Table,
    Type,
    RowId,
    RegionId,
    SchoolId,
    Version,
    Deleted,
    Moved,
    DeletedOn,
}

#[derive(DeriveIden)]
enum ChangeMeta {
    Table,
    Id,
    Version,
    PrunedVersion,
    ScopeCheckedOn,
    Paused,
}

#[derive(DeriveIden)]
enum ImportRun {
    Table,
    Cohorts,
}

/// The advisory lock that orders the stamping of versions at commit.
const STAMP_LOCK: i64 = 7_411_500_015;

fn dialect(manager: &SchemaManager) -> Dialect {
    match manager.get_database_backend() {
        DbBackend::Postgres => Dialect::Postgres,
        _ => Dialect::Sqlite,
    }
}

async fn run(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager.get_connection().execute_unprepared(sql).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeEntry::Table)
                    .col(string_len(ChangeEntry::Type, 32))
                    .col(big_integer(ChangeEntry::RowId))
                    .col(big_integer(ChangeEntry::RegionId))
                    .col(big_integer(ChangeEntry::SchoolId))
                    .col(big_integer(ChangeEntry::Version))
                    .col(small_integer(ChangeEntry::Deleted))
                    .col(small_integer(ChangeEntry::Moved))
                    .col(date_null(ChangeEntry::DeletedOn))
                    .primary_key(
                        Index::create()
                            .col(ChangeEntry::Type)
                            .col(ChangeEntry::RowId)
                            .col(ChangeEntry::RegionId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::util::index(
                "change_entry",
                &["version", "type", "row_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChangeMeta::Table)
                    .col(integer(ChangeMeta::Id).primary_key())
                    .col(big_integer(ChangeMeta::Version))
                    .col(big_integer(ChangeMeta::PrunedVersion))
                    .col(date_null(ChangeMeta::ScopeCheckedOn))
                    .col(small_integer(ChangeMeta::Paused).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ImportRun::Table)
                    .add_column(string_len_null(ImportRun::Cohorts, 200))
                    .to_owned(),
            )
            .await?;
        // Every record there is now, at version 1.
        run(
            manager,
            "INSERT INTO change_meta (id, version, pruned_version) VALUES (1, 1, 0)",
        )
        .await?;
        for node in NODES {
            run(
                manager,
                &format!(
                    "INSERT INTO change_entry (type, row_id, region_id, school_id, version, deleted, moved) \
                     SELECT '{ty}', r.id, {region}, {school}, 1, 0, 0 FROM {table} r",
                    ty = node.ty,
                    region = node.region,
                    school = node.school,
                    table = node.table,
                ),
            )
            .await?;
        }
        let d = dialect(manager);
        if d == Dialect::Postgres {
            for sql in [
                "CREATE SEQUENCE change_version_seq START 2".to_owned(),
                "CREATE TABLE change_pending (xid BIGINT PRIMARY KEY)".to_owned(),
                format!(
                    "CREATE FUNCTION change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     DECLARE v bigint; BEGIN \
                     PERFORM pg_advisory_xact_lock({STAMP_LOCK}); \
                     v := nextval('change_version_seq'); \
                     UPDATE change_entry SET version = v WHERE version = -NEW.xid; \
                     DELETE FROM change_pending WHERE xid = NEW.xid; \
                     RETURN NULL; END $$"
                ),
                "CREATE CONSTRAINT TRIGGER change_stamp AFTER INSERT ON change_pending \
                 DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_stamp()"
                    .to_owned(),
            ] {
                run(manager, &sql).await?;
            }
        }
        for trigger in change_triggers::all(d) {
            for sql in change_triggers::create_sql(d, &trigger) {
                run(manager, &sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let d = dialect(manager);
        for trigger in change_triggers::all(d) {
            for sql in change_triggers::drop_sql(d, &trigger) {
                run(manager, &sql).await?;
            }
        }
        if d == Dialect::Postgres {
            for sql in [
                "DROP TRIGGER IF EXISTS change_stamp ON change_pending",
                "DROP FUNCTION IF EXISTS change_stamp()",
                "DROP TABLE IF EXISTS change_pending",
                "DROP SEQUENCE IF EXISTS change_version_seq",
            ] {
                run(manager, sql).await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ImportRun::Table)
                    .drop_column(ImportRun::Cohorts)
                    .to_owned(),
            )
            .await?;
        crate::util::drop_tables(manager, &["change_meta", "change_entry"]).await
    }
}
