//! `mbo-applications`: one row per application to an mbo programme (DESIGN.md sections 4 and
//! 4b), identified by (pupil, school, crebo, applied_on). The school is part of the identity, so
//! a row can never move an application to another school. An import may set any status; every
//! status an application reaches is kept in its history (source `IMPORT`).

use async_trait::async_trait;
use sea_orm::{DatabaseTransaction, DbErr};

use super::{
    ImportKind, RowError,
    check::{Check, Lookups},
    format::{Column, Derived, ImportFormat, Staged, Target, column, fingerprint},
};
use crate::{
    domain::{Sector, pipeline::ApplicationStatus, valid_crebo},
    service::applications,
};

/// Columns of the mbo-applications format, in DESIGN.md order.
pub const COLUMNS: [&str; 7] = [
    "pgn",
    "school_brin",
    "crebo",
    "level",
    "applied_on",
    "status",
    "status_date",
];

const STAGE: [Column; 7] = [
    column("pseudonym", "VARCHAR(64) NOT NULL"),
    column("school_id", "BIGINT NOT NULL"),
    column("crebo", "VARCHAR(5) NOT NULL"),
    column("level", "SMALLINT NOT NULL"),
    column("applied_on", "DATE NOT NULL"),
    column("status", "VARCHAR(16) NOT NULL"),
    column("status_date", "DATE NOT NULL"),
];

static TARGET: Target = Target {
    table: "application",
    stage: "import_application_stage",
    columns: &STAGE,
    identity: &["pseudonym", "school_id", "crebo", "applied_on"],
    compared: &["level", "status", "status_date"],
    owner: None,
    duplicate: ("pgn", "the same pupil, school_brin, crebo and applied_on"),
};

/// The mbo-applications import.
pub struct MboApplications;

#[async_trait]
impl ImportFormat for MboApplications {
    fn kind(&self) -> ImportKind {
        ImportKind::MboApplications
    }

    fn header(&self) -> &'static [&'static str] {
        &COLUMNS
    }

    fn target(&self) -> &'static Target {
        &TARGET
    }

    fn check(&self, line: u64, f: &[&str], lookups: &Lookups) -> Result<Staged, Vec<RowError>> {
        let mut check = Check::new(line);
        let pseudonym = check.pseudonym(f[0], lookups);
        let school = check.school(f[1], Sector::Mbo, lookups).cloned();
        let crebo = check.require(
            "crebo",
            valid_crebo(f[2]).then(|| f[2].to_owned()),
            "not a crebo code of 5 digits",
        );
        let level = check.require(
            "level",
            f[3].parse::<i16>().ok().filter(|l| (1..=4).contains(l)),
            "not an mbo level 1 to 4",
        );
        let applied_on = check.date("applied_on", f[4]);
        let status = check.require(
            "status",
            ApplicationStatus::parse(f[5]),
            "not one of received, intake_planned, offered, not_admitted, withdrawn, enrolled",
        );
        let status_date = check.date("status_date", f[6]);
        if let Some(date) = status_date {
            if applied_on.is_some_and(|applied| date < applied) {
                check.fail("status_date", "before the row's applied_on");
            } else if date > lookups.today {
                check.fail("status_date", "after today");
            }
        }
        let checked = (|| {
            Some((
                pseudonym?,
                school?,
                crebo?,
                level?,
                applied_on?,
                status?,
                status_date?,
            ))
        })();
        let (pseudonym, school, crebo, level, applied_on, status, status_date) =
            check.finish(checked)?;
        let identity = fingerprint(&(&pseudonym, school.id, &crebo, applied_on));
        Ok(Staged {
            values: vec![
                pseudonym.into(),
                school.id.into(),
                crebo.into(),
                level.into(),
                applied_on.into(),
                status.into(),
                status_date.into(),
            ],
            identity,
        })
    }

    async fn after_write(&self, txn: &DatabaseTransaction, run: i64) -> Result<Derived, DbErr> {
        applications::record_imported_statuses(txn, run).await?;
        Ok(Derived::default())
    }
}
