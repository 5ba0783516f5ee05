//! `vo-pupils`: the roster of current vmbo pupils in years 3 and 4, one row per pupil per school
//! year (DESIGN.md sections 4 and 4b). A roster pupil is a `student` record with status
//! `IN_SCHOOL`, identified like a leaver by (pupil, school year); a leaver row for the same pupil
//! and year later updates that record and makes it `LEFT`.
//!
//! Once a record is `LEFT` the leaver's values win: a roster row for it changes nothing.

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{DatabaseTransaction, DbErr};

use super::{
    ImportKind, RowError,
    check::{Check, Lookups},
    format::{Column, ImportFormat, Staged, Target, column, fingerprint},
    vo_leavers::leerlab,
    write::Written,
};
use crate::{
    db::{execute, sql_template},
    domain::{Leerweg, Profile, SchoolYear, Sector, pipeline::StudentStatus},
};

/// Columns of the vo-pupils format, in DESIGN.md order.
pub const COLUMNS: [&str; 7] = [
    "pgn",
    "school_brin",
    "leerweg",
    "profiel",
    "school_year",
    "year",
    "leerlab_code",
];

/// The roster's values, then what a `student` row needs besides: the leaver columns hold
/// placeholders (the API shows them only once the record is `LEFT`).
const STAGE: [Column; 15] = [
    column("pseudonym", "VARCHAR(64) NOT NULL"),
    column("region_id", "BIGINT NOT NULL"),
    column("school_id", "BIGINT NOT NULL"),
    column("leerweg", "VARCHAR(2) NOT NULL"),
    column("profile", "VARCHAR(8) NOT NULL"),
    column("school_year", "VARCHAR(9) NOT NULL"),
    column("cohort", "INTEGER NOT NULL"),
    column("year", "SMALLINT NOT NULL"),
    column("leerlab_id", "BIGINT"),
    column("status", "VARCHAR(9) NOT NULL"),
    column("exam_date", "DATE NOT NULL"),
    column("chose_before_exam", "BOOLEAN NOT NULL"),
    column("window_start", "DATE NOT NULL"),
    column("window_end", "DATE NOT NULL"),
    column("record_key", "SMALLINT NOT NULL"),
];

/// What a roster row may change on a record that is still `IN_SCHOOL`.
const COMPARED: [&str; 6] = [
    "school_id",
    "leerweg",
    "profile",
    "year",
    "leerlab_id",
    "region_id",
];

static TARGET: Target = Target {
    table: "student",
    stage: "import_roster_stage",
    columns: &STAGE,
    identity: &["pseudonym", "school_year"],
    compared: &COMPARED,
    owner: Some("school_id"),
    duplicate: ("pgn", "the same pupil and school_year"),
};

/// The vo-pupils import.
pub struct VoPupils;

#[async_trait]
impl ImportFormat for VoPupils {
    fn kind(&self) -> ImportKind {
        ImportKind::VoPupils
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
        let school_year = check.require(
            "school_year",
            SchoolYear::parse(f[4]),
            "not a school year like 2024-2025",
        );
        let year = check.require(
            "year",
            f[5].trim()
                .parse::<i16>()
                .ok()
                .filter(|y| (3..=4).contains(y)),
            "not a vmbo year 3 or 4",
        );
        let leerlab = leerlab(&mut check, f[6], school.as_ref().map(|s| s.id), lookups);
        let checked = (|| {
            Some((
                pseudonym?,
                school?,
                leerweg?,
                profile?,
                school_year?,
                year?,
                leerlab?,
            ))
        })();
        let (pseudonym, school, leerweg, profile, school_year, year, leerlab) =
            check.finish(checked)?;
        let next = school_year.next();
        let identity = fingerprint(&(&pseudonym, school_year.0));
        let record_key = lookups.record_keys.stored_key(&pseudonym);
        Ok(Staged {
            values: vec![
                pseudonym.into(),
                school.region_id.into(),
                school.id.into(),
                leerweg.into(),
                profile.into(),
                school_year.to_string().into(),
                school_year.0.into(),
                year.into(),
                leerlab.into(),
                StudentStatus::InSchool.into(),
                school_year.last_day().into(),
                false.into(),
                next.first_day().into(),
                next.last_day().into(),
                record_key.into(),
            ],
            identity,
        })
    }

    /// Updates records still `IN_SCHOOL` whose roster values changed and inserts new ones; a
    /// `LEFT` record keeps the leaver's values (and counts as unchanged).
    async fn write(&self, txn: &DatabaseTransaction, run: i64) -> Result<Written, DbErr> {
        let now = Utc::now();
        let set: Vec<String> = COMPARED.iter().map(|c| format!("{c} = st.{c}")).collect();
        let changed: Vec<String> = COMPARED
            .iter()
            .map(|c| format!("student.{c} IS DISTINCT FROM st.{c}"))
            .collect();
        let update = sql_template(
            include_str!("sql/vo_pupils_update_changed.sql"),
            &[("set", &set.join(", ")), ("changed", &changed.join(" OR "))],
        );
        let in_school = StudentStatus::InSchool.as_str();
        let updated = execute(txn, &update, vec![run.into(), now.into(), in_school.into()]).await?;
        let columns: Vec<&str> = STAGE.iter().map(|c| c.name).collect();
        let staged: Vec<String> = columns.iter().map(|c| format!("st.{c}")).collect();
        let insert = sql_template(
            include_str!("sql/vo_pupils_insert_new.sql"),
            &[
                ("columns", &columns.join(", ")),
                ("staged", &staged.join(", ")),
            ],
        );
        let created = execute(txn, &insert, vec![run.into(), now.into()]).await?;
        Ok(Written { created, updated })
    }
}
