//! `vo-leavers`: one row per pupil leaving a vmbo school (DESIGN.md section 4). A leaver is
//! identified by (pupil, school year); the record belongs to its vmbo school for good.

use async_trait::async_trait;
use sea_orm::{DatabaseTransaction, DbErr};

use super::{
    ImportKind, RowError,
    check::{Check, Lookups},
    format::{Column, Derived, ImportFormat, Staged, Target, column, fingerprint},
    transitions::{self, Affected},
};
use crate::domain::{Leerweg, Profile, SchoolYear, Sector, pipeline::StudentStatus, valid_crebo};

/// Columns of the vo-leavers format, in DESIGN.md order.
pub const COLUMNS: [&str; 9] = [
    "pgn",
    "school_brin",
    "leerweg",
    "profiel",
    "school_year",
    "exam_date",
    "choice_crebo",
    "choice_date",
    "leerlab_code",
];

const STAGE: [Column; 16] = [
    column("pseudonym", "VARCHAR(64) NOT NULL"),
    column("region_id", "BIGINT NOT NULL"),
    column("school_id", "BIGINT NOT NULL"),
    column("leerweg", "VARCHAR(2) NOT NULL"),
    column("profile", "VARCHAR(8) NOT NULL"),
    column("school_year", "VARCHAR(9) NOT NULL"),
    column("cohort", "INTEGER NOT NULL"),
    column("exam_date", "DATE NOT NULL"),
    column("choice_crebo", "VARCHAR(5)"),
    column("choice_date", "DATE"),
    column("chose_before_exam", "BOOLEAN NOT NULL"),
    column("leerlab_id", "BIGINT"),
    column("window_start", "DATE NOT NULL"),
    column("window_end", "DATE NOT NULL"),
    column("status", "VARCHAR(9) NOT NULL"),
    column("record_key", "SMALLINT NOT NULL"),
];

/// Leavers go to `student`; region, cohort, `chose_before_exam`, the enrolment window and the
/// record key follow from the compared columns and the identity. A leaver row makes a roster
/// record `LEFT` (its values win); a record it creates gets `year` 4 (the column's default).
static TARGET: Target = Target {
    table: "student",
    stage: "import_vo_stage",
    columns: &STAGE,
    identity: &["pseudonym", "school_year"],
    compared: &[
        "school_id",
        "leerweg",
        "profile",
        "exam_date",
        "choice_crebo",
        "choice_date",
        "leerlab_id",
        "status",
    ],
    owner: Some("school_id"),
    duplicate: ("pgn", "the same pupil and school_year"),
};

/// The vo-leavers import.
pub struct VoLeavers;

#[async_trait]
impl ImportFormat for VoLeavers {
    fn kind(&self) -> ImportKind {
        ImportKind::VoLeavers
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
        let school = check.school(f[1], Sector::Vo, lookups).cloned();
        let leerweg = check.require(
            "leerweg",
            Leerweg::parse(&f[2].to_uppercase()),
            "not a leerweg (BB, KB, GL, TL)",
        );
        let profile = check.require(
            "profiel",
            Profile::parse(f[3]),
            "not a profiel (BWI, D&P, E&O, GR, HBR, MaT, MVI, M&T, PIE, Z&W)",
        );
        let year = check.require(
            "school_year",
            SchoolYear::parse(f[4]),
            "not a school year like 2024-2025",
        );
        let exam_date = check.date("exam_date", f[5]);
        if let (Some(year), Some(exam)) = (year, exam_date)
            && SchoolYear::containing(exam) != year
        {
            check.fail("exam_date", "not in the row's school_year");
        }
        let choice_crebo = (!f[6].is_empty()).then(|| f[6].to_owned());
        if choice_crebo.as_deref().is_some_and(|c| !valid_crebo(c)) {
            check.fail("choice_crebo", "not a crebo code of 5 digits");
        }
        let choice_date = check.optional_date("choice_date", f[7]);
        let leerlab = leerlab(&mut check, f[8], school.as_ref().map(|s| s.id), lookups);
        let checked = (|| {
            Some((
                pseudonym?,
                school?,
                leerweg?,
                profile?,
                year?,
                exam_date?,
                choice_date?,
                leerlab?,
            ))
        })();
        let (pseudonym, school, leerweg, profile, year, exam_date, choice_date, leerlab) =
            check.finish(checked)?;
        let next = year.next();
        let identity = fingerprint(&(&pseudonym, year.0));
        let record_key = lookups.record_keys.stored_key(&pseudonym);
        Ok(Staged {
            values: vec![
                pseudonym.into(),
                school.region_id.into(),
                school.id.into(),
                leerweg.into(),
                profile.into(),
                year.to_string().into(),
                year.0.into(),
                exam_date.into(),
                choice_crebo.into(),
                choice_date.into(),
                choice_date.is_some_and(|d| d < exam_date).into(),
                leerlab.into(),
                next.first_day().into(),
                next.last_day().into(),
                StudentStatus::Left.into(),
                record_key.into(),
            ],
            identity,
        })
    }

    async fn after_write(&self, txn: &DatabaseTransaction, run: i64) -> Result<Derived, DbErr> {
        transitions::refresh(txn, Affected::LeaversOfRun(run)).await
    }
}

/// The leerlab of a row: empty, or a known leerlab of which the row's school is a partner.
pub(super) fn leerlab(
    check: &mut Check,
    code: &str,
    school: Option<i64>,
    lookups: &Lookups,
) -> Option<Option<i64>> {
    if code.is_empty() {
        return Some(None);
    }
    match lookups.leerlabs.get(code) {
        None => {
            check.fail("leerlab_code", "no leerlab has this code");
            None
        }
        Some(lab) if school.is_some_and(|s| !lab.partners.contains(&s)) => {
            check.fail(
                "leerlab_code",
                "the row's school is not a partner of this leerlab",
            );
            None
        }
        Some(lab) => Some(Some(lab.id)),
    }
}
