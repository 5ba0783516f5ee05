//! The schema history of Leerroute, runnable on SQLite and PostgreSQL alike.
//!
//! Every migration has a `down` so that a release can be rolled back; a test
//! migrates up, all the way down and up again on both databases.

pub use sea_orm_migration::prelude::*;

pub mod change_triggers;
mod m20261128_000001_catalogue;
mod m20261128_000002_audit;
mod m20261128_000003_pupils;
mod m20261128_000004_statistics;
mod m20261128_000005_activities;
mod m20261202_000004_imports;
mod m20261202_000010_cell_keys;
mod m20261202_000011_pupil_data;
mod m20261202_000012_retention;
mod m20261202_000013_pipeline;
mod m20261202_000014_trusted_documents;
mod m20261202_000015_change_feed;
mod m20261203_000016_purged_pipeline;
mod m20261203_000017_incremental_signals;
mod m20261203_000018_statistics_by_region;
mod util;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_catalogue::Migration),
            Box::new(m20261128_000002_audit::Migration),
            Box::new(m20261128_000003_pupils::Migration),
            Box::new(m20261128_000004_statistics::Migration),
            Box::new(m20261128_000005_activities::Migration),
            Box::new(m20261202_000004_imports::Migration),
            Box::new(m20261202_000013_pipeline::Migration),
            Box::new(m20261202_000010_cell_keys::Migration),
            // Registered after 000013, which landed first: databases that already ran it stay valid.
            Box::new(m20261202_000011_pupil_data::Migration),
            Box::new(m20261202_000012_retention::Migration),
            Box::new(m20261202_000014_trusted_documents::Migration),
            Box::new(m20261202_000015_change_feed::Migration),
            Box::new(m20261203_000016_purged_pipeline::Migration),
            Box::new(m20261203_000017_incremental_signals::Migration),
            Box::new(m20261203_000018_statistics_by_region::Migration),
        ]
    }
}
