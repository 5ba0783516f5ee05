//! Checking what a file says: its header, and the fields every kind shares (PGN, BRIN, dates).
//!
//! A reason says what is wrong and what is expected, never what was there: a broken file may
//! hold a PGN in any column (no header, columns shifted), so no cell's value is ever repeated.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::RowError;
use crate::{
    domain::{Sector, valid_brin, valid_pgn},
    pseudonym::Pseudonymiser,
};

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
    /// The service's today: no status date may lie after it.
    pub today: NaiveDate,
}

/// Maps the header's names to field positions, in `expected` order, or says what the header
/// must be. Names are compared trimmed and case-insensitively; the order is free.
pub fn header_positions(
    expected: &[&str],
    header: &csv::StringRecord,
) -> Result<Vec<usize>, Vec<RowError>> {
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let must_be = format!("the header must be `{}` (in any order)", expected.join(","));
    if !names.iter().any(|n| expected.contains(&n.as_str())) {
        return Err(vec![RowError::new(
            1,
            "header",
            format!("line 1 is not the header: {must_be}"),
        )]);
    }
    let mut errors = Vec::new();
    for (at, name) in names.iter().enumerate() {
        if !expected.contains(&name.as_str()) {
            errors.push(RowError::new(
                1,
                "header",
                format!(
                    "column {} is not a column of this format; {must_be}",
                    at + 1
                ),
            ));
        } else if names[..at].contains(name) {
            errors.push(RowError::new(
                1,
                "header",
                format!("column {} repeats an earlier column; {must_be}", at + 1),
            ));
        }
    }
    let mut positions = Vec::with_capacity(expected.len());
    for column in expected {
        match names.iter().position(|n| n == column) {
            Some(at) => positions.push(at),
            None => errors.push(RowError::new(
                1,
                column,
                format!("missing from the header; {must_be}"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        Err(errors)
    }
}

/// Collects the errors of one row.
pub struct Check {
    line: u64,
    errors: Vec<RowError>,
}

impl Check {
    pub fn new(line: u64) -> Self {
        Check {
            line,
            errors: Vec::new(),
        }
    }

    /// Notes that `column` is wrong, and why (the reason must not contain the cell's value).
    pub fn fail(&mut self, column: &str, reason: impl Into<String>) {
        self.errors
            .push(RowError::new(self.line, column, reason.into()));
    }

    /// The errors so far, or `value` when there are none.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<RowError>> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.errors),
        }
    }

    /// `Some(value)` when `value` is there, else a failure of `column` with `reason`.
    pub fn require<T>(&mut self, column: &str, value: Option<T>, reason: &str) -> Option<T> {
        if value.is_none() {
            self.fail(column, reason);
        }
        value
    }

    pub fn date(&mut self, column: &str, text: &str) -> Option<NaiveDate> {
        let parsed = (text.len() == 10)
            .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
            .flatten();
        self.require(column, parsed, "not a date like 2025-06-20")
    }

    /// An empty field is `Some(None)`; a bad date fails.
    pub fn optional_date(&mut self, column: &str, text: &str) -> Option<Option<NaiveDate>> {
        if text.is_empty() {
            Some(None)
        } else {
            self.date(column, text).map(Some)
        }
    }

    /// The pseudonym of a valid PGN. The PGN itself goes no further than this function.
    pub fn pseudonym(&mut self, text: &str, lookups: &Lookups) -> Option<String> {
        let pseudonym = valid_pgn(text).then(|| lookups.pseudonymiser.pseudonym(text));
        self.require(
            "pgn",
            pseudonym,
            "not a valid PGN (BSN or onderwijsnummer: 9 digits passing the eleven test)",
        )
    }

    /// The school of a BRIN, which must be of `sector` and one the uploader may import for.
    pub fn school<'a>(
        &mut self,
        text: &str,
        sector: Sector,
        lookups: &'a Lookups,
    ) -> Option<&'a SchoolInfo> {
        let brin = text.to_uppercase();
        if !valid_brin(&brin) {
            self.fail(
                "school_brin",
                "not a BRIN (2 digits and 2 capital letters, optionally 2 digits for a location)",
            );
            return None;
        }
        let Some(school) = lookups.schools.get(&brin) else {
            self.fail("school_brin", "no school has this BRIN");
            return None;
        };
        if school.sector != sector {
            let expected = match sector {
                Sector::Vo => "not a vo (vmbo) school",
                Sector::Mbo => "not an mbo school",
            };
            self.fail("school_brin", expected);
            return None;
        }
        if lookups
            .allowed_schools
            .as_ref()
            .is_some_and(|allowed| !allowed.contains(&school.id))
        {
            self.fail(
                "school_brin",
                "not your school: upload only your own school's rows",
            );
            return None;
        }
        Some(school)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [&str; 3] = ["pgn", "school_brin", "crebo"];

    fn header(names: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(names.to_vec())
    }

    #[test]
    fn the_order_of_columns_is_free() {
        let positions = header_positions(&COLUMNS, &header(&["Crebo", " pgn", "school_brin"]));
        assert_eq!(positions.unwrap(), vec![1, 2, 0]);
    }

    #[test]
    fn a_file_without_header_is_told_what_the_header_must_be_without_its_values() {
        let errors =
            header_positions(&COLUMNS, &header(&["123456782", "11AA", "25180"])).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].reason.contains("`pgn,school_brin,crebo`"));
        let text = format!("{errors:?}");
        assert!(!text.contains("123456782") && !text.contains("11AA"));
    }

    #[test]
    fn wrong_and_missing_columns_are_named_by_position_and_format() {
        let errors = header_positions(&COLUMNS, &header(&["pgn", "123456782", "pgn"])).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, ["header", "header", "school_brin", "crebo"]);
        assert!(!format!("{errors:?}").contains("123456782"));
    }
}
