//! Reading and checking the rows of both CSV formats. Each good row becomes the values of one
//! staging-table row; each bad column becomes a [`RowError`] naming line, column and reason.
//! The PGN never appears in an error: a reason says what is wrong, not what was there.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::Value;

use super::{ImportKind, RowError};
use crate::{
    domain::{
        EnrolmentStatus, Leerweg, Profile, SchoolYear, Sector, valid_brin, valid_crebo, valid_pgn,
    },
    pseudonym::Pseudonymiser,
};

/// Columns of the vo-leavers format, in DESIGN.md order.
pub const VO_COLUMNS: [&str; 9] = [
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
/// Columns of the mbo-enrolments format, in DESIGN.md order.
pub const MBO_COLUMNS: [&str; 7] = [
    "pgn",
    "school_brin",
    "crebo",
    "level",
    "enrolled_on",
    "status",
    "status_date",
];

/// What a school is, as far as an import needs to know.
#[derive(Clone, Debug)]
pub struct SchoolInfo {
    pub id: i64,
    pub region_id: i64,
    pub sector: Sector,
}

/// A leerlab and the schools taking part in it.
#[derive(Clone, Debug)]
pub struct LeerlabInfo {
    pub id: i64,
    pub partners: HashSet<i64>,
}

/// The reference data a row is checked against, loaded once before the file is read.
pub struct Lookups {
    pub schools: HashMap<String, SchoolInfo>,
    pub leerlabs: HashMap<String, LeerlabInfo>,
    /// For a school_staff upload: the schools whose rows it may contain.
    pub allowed_schools: Option<HashSet<i64>>,
    pub pseudonymiser: Pseudonymiser,
}

/// Maps header names to field positions, or explains what is wrong with the header.
pub fn header_positions(
    kind: ImportKind,
    header: &csv::StringRecord,
) -> Result<Vec<usize>, Vec<RowError>> {
    let expected: &[&str] = match kind {
        ImportKind::VoLeavers => &VO_COLUMNS,
        ImportKind::MboEnrolments => &MBO_COLUMNS,
    };
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let mut errors = Vec::new();
    for name in &names {
        if !expected.contains(&name.as_str()) {
            errors.push(RowError::new(
                1,
                name,
                format!(
                    "unknown column; the header must be `{}`",
                    expected.join(",")
                ),
            ));
        }
    }
    let positions: Vec<usize> = expected
        .iter()
        .filter_map(|column| match names.iter().position(|n| n == column) {
            Some(at) => Some(at),
            None => {
                errors.push(RowError::new(
                    1,
                    column,
                    "missing column in the header".to_owned(),
                ));
                None
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(positions)
    } else {
        Err(errors)
    }
}

/// Collects the errors of one row.
struct Check {
    line: u64,
    errors: Vec<RowError>,
}

impl Check {
    fn fail(&mut self, column: &str, reason: impl Into<String>) {
        self.errors
            .push(RowError::new(self.line, column, reason.into()));
    }

    fn date(&mut self, column: &str, text: &str) -> Option<NaiveDate> {
        let parsed = (text.len() == 10)
            .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
            .flatten();
        if parsed.is_none() {
            self.fail(column, format!("`{text}` is not a date like 2025-06-20"));
        }
        parsed
    }

    fn optional_date(&mut self, column: &str, text: &str) -> Option<Option<NaiveDate>> {
        if text.is_empty() {
            Some(None)
        } else {
            self.date(column, text).map(Some)
        }
    }

    fn pseudonym(&mut self, text: &str, lookups: &Lookups) -> Option<String> {
        if valid_pgn(text) {
            Some(lookups.pseudonymiser.pseudonym(text))
        } else {
            self.fail(
                "pgn",
                "not a valid PGN (BSN or onderwijsnummer: 9 digits passing the eleven test)",
            );
            None
        }
    }

    fn school<'a>(
        &mut self,
        text: &str,
        sector: Sector,
        lookups: &'a Lookups,
    ) -> Option<&'a SchoolInfo> {
        let brin = text.to_uppercase();
        if !valid_brin(&brin) {
            self.fail("school_brin", format!("`{text}` is not a BRIN"));
            return None;
        }
        let Some(school) = lookups.schools.get(&brin) else {
            self.fail("school_brin", format!("unknown BRIN `{brin}`"));
            return None;
        };
        if school.sector != sector {
            let expected = if sector == Sector::Vo {
                "a vo (vmbo)"
            } else {
                "an mbo"
            };
            self.fail("school_brin", format!("`{brin}` is not {expected} school"));
            return None;
        }
        if lookups
            .allowed_schools
            .as_ref()
            .is_some_and(|allowed| !allowed.contains(&school.id))
        {
            self.fail(
                "school_brin",
                format!("`{brin}` is not your school: upload only your own school's rows"),
            );
            return None;
        }
        Some(school)
    }
}

/// A 64-bit hash of a record's identity. Duplicates within a file are first sought on this one
/// integer column (cheap to compare); only if two rows share it are the full identities compared.
fn fingerprint(identity: &impl std::hash::Hash) -> i64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    // The default SipHash with fixed keys: the same identity hashes alike throughout an import.
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(identity)
        as i64
}

/// Field `i` of the format, trimmed; positions come from the header.
fn field<'r>(record: &'r csv::StringRecord, positions: &[usize], i: usize) -> &'r str {
    record.get(positions[i]).unwrap_or_default().trim()
}

/// Checks a vo-leavers row and returns its staging values:
/// `line, pseudonym, region_id, school_id, leerweg, profile, school_year, cohort, exam_date,
/// choice_crebo, choice_date, chose_before_exam, leerlab_id, window_start, window_end, fingerprint`.
pub fn vo_leaver(
    line: u64,
    record: &csv::StringRecord,
    positions: &[usize],
    lookups: &Lookups,
) -> Result<Vec<Value>, Vec<RowError>> {
    let mut check = Check {
        line,
        errors: Vec::new(),
    };
    let f = |i| field(record, positions, i);
    let pseudonym = check.pseudonym(f(0), lookups);
    let school = check.school(f(1), Sector::Vo, lookups).cloned();
    let leerweg = Leerweg::parse(&f(2).to_uppercase());
    if leerweg.is_none() {
        check.fail(
            "leerweg",
            format!("`{}` is not a leerweg (BB, KB, GL, TL)", f(2)),
        );
    }
    let profile = Profile::parse(f(3));
    if profile.is_none() {
        check.fail(
            "profiel",
            format!(
                "`{}` is not a profiel (BWI, D&P, E&O, GR, HBR, MaT, MVI, M&T, PIE, Z&W)",
                f(3)
            ),
        );
    }
    let year = SchoolYear::parse(f(4));
    if year.is_none() {
        check.fail(
            "school_year",
            format!("`{}` is not a school year like 2024-2025", f(4)),
        );
    }
    let exam_date = check.date("exam_date", f(5));
    if let (Some(year), Some(exam)) = (year, exam_date)
        && SchoolYear::containing(exam) != year
    {
        check.fail("exam_date", format!("{exam} is not in school year {year}"));
    }
    let choice_crebo = (!f(6).is_empty()).then(|| f(6).to_owned());
    if choice_crebo.as_deref().is_some_and(|c| !valid_crebo(c)) {
        check.fail(
            "choice_crebo",
            format!("`{}` is not a crebo code of 5 digits", f(6)),
        );
    }
    let choice_date = check.optional_date("choice_date", f(7));
    let leerlab = match f(8) {
        "" => Some(None),
        code => match lookups.leerlabs.get(code) {
            None => {
                check.fail("leerlab_code", format!("unknown leerlab `{code}`"));
                None
            }
            Some(lab)
                if school
                    .as_ref()
                    .is_some_and(|s| !lab.partners.contains(&s.id)) =>
            {
                check.fail(
                    "leerlab_code",
                    format!("the school is not a partner of leerlab `{code}`"),
                );
                None
            }
            Some(lab) => Some(Some(lab.id)),
        },
    };
    let (
        Some(pseudonym),
        Some(school),
        Some(leerweg),
        Some(profile),
        Some(year),
        Some(exam_date),
        Some(choice_date),
        Some(leerlab),
    ) = (
        pseudonym,
        school,
        leerweg,
        profile,
        year,
        exam_date,
        choice_date,
        leerlab,
    )
    else {
        return Err(check.errors);
    };
    if !check.errors.is_empty() {
        return Err(check.errors);
    }
    let next = year.next();
    let identity = fingerprint(&(&pseudonym, year.0));
    Ok(vec![
        (line as i64).into(),
        pseudonym.into(),
        school.region_id.into(),
        school.id.into(),
        leerweg.as_str().into(),
        profile.as_str().into(),
        year.to_string().into(),
        year.0.into(),
        exam_date.into(),
        choice_crebo.into(),
        choice_date.into(),
        choice_date.is_some_and(|d| d < exam_date).into(),
        leerlab.into(),
        next.first_day().into(),
        next.last_day().into(),
        identity.into(),
    ])
}

/// Checks an mbo-enrolments row and returns its staging values:
/// `line, pseudonym, school_id, crebo, level, enrolled_on, status, status_date, status_days, fingerprint`.
pub fn mbo_enrolment(
    line: u64,
    record: &csv::StringRecord,
    positions: &[usize],
    lookups: &Lookups,
) -> Result<Vec<Value>, Vec<RowError>> {
    let mut check = Check {
        line,
        errors: Vec::new(),
    };
    let f = |i| field(record, positions, i);
    let pseudonym = check.pseudonym(f(0), lookups);
    let school = check.school(f(1), Sector::Mbo, lookups).cloned();
    let crebo = valid_crebo(f(2)).then(|| f(2).to_owned());
    if crebo.is_none() {
        check.fail(
            "crebo",
            format!("`{}` is not a crebo code of 5 digits", f(2)),
        );
    }
    let level = f(3).parse::<i16>().ok().filter(|l| (1..=4).contains(l));
    if level.is_none() {
        check.fail("level", format!("`{}` is not an mbo level 1 to 4", f(3)));
    }
    let enrolled_on = check.date("enrolled_on", f(4));
    let status = EnrolmentStatus::parse(f(5));
    if status.is_none() {
        check.fail(
            "status",
            format!(
                "`{}` is not one of enrolled, switched, dropped_out, graduated",
                f(5)
            ),
        );
    }
    let status_date = check.optional_date("status_date", f(6));
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
        check.fail(
            "status_date",
            format!("{end} is before enrolled_on {start}"),
        );
    }
    let (
        Some(pseudonym),
        Some(school),
        Some(crebo),
        Some(level),
        Some(enrolled_on),
        Some(status),
        Some(status_date),
    ) = (
        pseudonym,
        school,
        crebo,
        level,
        enrolled_on,
        status,
        status_date,
    )
    else {
        return Err(check.errors);
    };
    if !check.errors.is_empty() {
        return Err(check.errors);
    }
    let status_days = status_date.map(|d| (d - enrolled_on).num_days() as i32);
    let identity = fingerprint(&(&pseudonym, school.id, &crebo, enrolled_on));
    Ok(vec![
        (line as i64).into(),
        pseudonym.into(),
        school.id.into(),
        crebo.into(),
        level.into(),
        enrolled_on.into(),
        status.as_str().into(),
        status_date.into(),
        status_days.into(),
        identity.into(),
    ])
}
