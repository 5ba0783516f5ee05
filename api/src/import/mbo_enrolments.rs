//! `mbo-enrolments`: one row per enrolment at an mbo school (DESIGN.md section 4), identified
//! by (pupil, school, crebo, enrolled_on). The school is part of the identity, so a row can
//! never move an enrolment to another school.

use async_trait::async_trait;
use sea_orm::{DatabaseTransaction, DbErr};

use super::{
    ImportKind, RowError,
    check::{Check, Lookups},
    format::{Column, Derived, ImportFormat, Staged, Target, column, fingerprint},
    transitions::{self, Affected},
};
use crate::domain::{EnrolmentStatus, Sector, valid_crebo};

/// Columns of the mbo-enrolments format, in DESIGN.md order.
pub const COLUMNS: [&str; 7] = [
    "pgn",
    "school_brin",
    "crebo",
    "level",
    "enrolled_on",
    "status",
    "status_date",
];

const STAGE: [Column; 8] = [
    column("pseudonym", "VARCHAR(64) NOT NULL"),
    column("school_id", "BIGINT NOT NULL"),
    column("crebo", "VARCHAR(5) NOT NULL"),
    column("level", "SMALLINT NOT NULL"),
    column("enrolled_on", "DATE NOT NULL"),
    column("status", "VARCHAR(16) NOT NULL"),
    column("status_date", "DATE"),
    column("status_days", "INTEGER"),
];

static TARGET: Target = Target {
    table: "enrolment",
    stage: "import_mbo_stage",
    columns: &STAGE,
    identity: &["pseudonym", "school_id", "crebo", "enrolled_on"],
    compared: &["level", "status", "status_date"],
    owner: None,
    duplicate: ("pgn", "the same pupil, school_brin, crebo and enrolled_on"),
};

/// The mbo-enrolments import.
pub struct MboEnrolments;

#[async_trait]
impl ImportFormat for MboEnrolments {
    fn kind(&self) -> ImportKind {
        ImportKind::MboEnrolments
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
        let enrolled_on = check.date("enrolled_on", f[4]);
        let status = check.require(
            "status",
            EnrolmentStatus::parse(f[5]),
            "not one of enrolled, switched, dropped_out, graduated",
        );
        let status_date = check.optional_date("status_date", f[6]);
        match (status, status_date) {
            (Some(EnrolmentStatus::Enrolled), Some(Some(_))) => check.fail(
                "status_date",
                "must be empty while the status is `enrolled`",
            ),
            (Some(s), Some(None)) if s != EnrolmentStatus::Enrolled => check.fail(
                "status_date",
                format!("required when the status is `{}`", s.as_str()),
            ),
            _ => {}
        }
        if let (Some(start), Some(Some(end))) = (enrolled_on, status_date)
            && end < start
        {
            check.fail("status_date", "before the row's enrolled_on");
        }
        let checked = (|| {
            Some((
                pseudonym?,
                school?,
                crebo?,
                level?,
                enrolled_on?,
                status?,
                status_date?,
            ))
        })();
        let (pseudonym, school, crebo, level, enrolled_on, status, status_date) =
            check.finish(checked)?;
        let status_days = status_date.map(|d| (d - enrolled_on).num_days() as i32);
        let identity = fingerprint(&(&pseudonym, school.id, &crebo, enrolled_on));
        Ok(Staged {
            values: vec![
                pseudonym.into(),
                school.id.into(),
                crebo.into(),
                level.into(),
                enrolled_on.into(),
                status.into(),
                status_date.into(),
                status_days.into(),
            ],
            identity,
        })
    }

    async fn after_write(&self, txn: &DatabaseTransaction, _run: i64) -> Result<Derived, DbErr> {
        transitions::refresh(txn, Affected::PersonsOfImport).await
    }
}
