//! The domain's vocabulary as types: codes that are validated once, where they enter,
//! so the rest of the code can trust them. The enums live in the `vocabulary` crate (so that the
//! table models can hold them) and are re-exported here.

use chrono::{Datelike, NaiveDate};

pub use vocabulary::{
    Documented, EnrolmentStatus, LeerlabKind, LeerlabStatus, Leerweg, LegalInstrument, Need,
    PartnerRole, PersonFunction, Profile, Sector, Team, TextList, activity, pipeline,
};

/// A leerlab's instruments as stored: each once, in the order of their texts.
pub fn instruments_list(instruments: &[LegalInstrument]) -> TextList<LegalInstrument> {
    let mut list = instruments.to_vec();
    list.sort_unstable_by_key(|i| i.as_str());
    list.dedup();
    TextList(list)
}

/// Checks a BRIN: 2 digits and 2 capital letters, optionally 2 more digits for a location.
pub fn valid_brin(brin: &str) -> bool {
    let b = brin.as_bytes();
    (b.len() == 4 || b.len() == 6)
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[2..4].iter().all(u8::is_ascii_uppercase)
        && b[4..].iter().all(u8::is_ascii_digit)
}

/// Checks a crebo code: exactly five digits.
pub fn valid_crebo(crebo: &str) -> bool {
    crebo.len() == 5 && crebo.bytes().all(|b| b.is_ascii_digit())
}

/// Checks an mbo level: 1 (Entree) to 4.
pub fn valid_level(level: i32) -> bool {
    (1..=4).contains(&level)
}

/// Checks a region or leerlab code: 1 to 32 letters, digits, `-` or `_`.
pub fn valid_code(code: &str) -> bool {
    (1..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A school year such as `2024-2025` (1 August 2024 to 31 July 2025), kept as its first calendar year.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchoolYear(pub i32);

impl SchoolYear {
    /// Parses `YYYY-YYYY` where the second year follows the first.
    pub fn parse(text: &str) -> Option<Self> {
        let (a, b) = text.split_once('-')?;
        if a.len() != 4 || b.len() != 4 {
            return None;
        }
        let (a, b): (i32, i32) = (a.parse().ok()?, b.parse().ok()?);
        (b == a + 1 && (1990..=2100).contains(&a)).then_some(SchoolYear(a))
    }

    /// The school year a date falls in.
    pub fn containing(date: NaiveDate) -> Self {
        if date.month() >= 8 {
            SchoolYear(date.year())
        } else {
            SchoolYear(date.year() - 1)
        }
    }

    /// 1 August of the first year.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 8, 1).expect("1 August exists")
    }

    /// 31 July of the second year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 7, 31).expect("31 July exists")
    }

    pub fn next(self) -> Self {
        SchoolYear(self.0 + 1)
    }
}

impl std::fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.0, self.0 + 1)
    }
}

/// Checks a PGN (BSN or onderwijsnummer) with the eleven test of DESIGN.md.
pub fn valid_pgn(pgn: &str) -> bool {
    let digits: Vec<i64> = pgn
        .bytes()
        .map(|b| i64::from(b) - i64::from(b'0'))
        .collect();
    if digits.len() != 9 || digits.iter().any(|d| !(0..=9).contains(d)) {
        return false;
    }
    let weighted: i64 = digits[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(d, w)| d * w)
        .sum();
    let s = weighted - digits[8];
    let is_bsn = s.rem_euclid(11) == 0 && pgn != "000000000";
    let is_onderwijsnummer = pgn.starts_with("10") && s.rem_euclid(11) == 5;
    is_bsn || is_onderwijsnummer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brin_format() {
        assert!(valid_brin("25LH"));
        assert!(valid_brin("25LH01"));
        assert!(!valid_brin("25lh"));
        assert!(!valid_brin("25LH1"));
        assert!(!valid_brin("2XLH"));
    }

    #[test]
    fn school_years() {
        assert_eq!(SchoolYear::parse("2024-2025"), Some(SchoolYear(2024)));
        assert_eq!(SchoolYear::parse("2024-2026"), None);
        assert_eq!(SchoolYear(2024).to_string(), "2024-2025");
        let d = NaiveDate::from_ymd_opt(2025, 7, 31).unwrap();
        assert_eq!(SchoolYear::containing(d), SchoolYear(2024));
        assert_eq!(
            SchoolYear::containing(d.succ_opt().unwrap()),
            SchoolYear(2025)
        );
    }

    #[test]
    fn pgn_eleven_test() {
        assert!(valid_pgn("111222333")); // a well-known valid test BSN
        assert!(valid_pgn("123456782"));
        assert!(!valid_pgn("123456789"));
        assert!(!valid_pgn("12345678"));
        assert!(!valid_pgn("000000000"));
        // onderwijsnummer: starts with 10 and s mod 11 = 5
        let on = (0..10)
            .map(|last| format!("1000000{:01}{}", 0, last))
            .find(|n| valid_pgn(n) && n.starts_with("10"));
        assert!(on.is_some());
    }

    #[test]
    fn profiles_keep_their_official_spelling() {
        assert_eq!(Profile::parse("D&P"), Some(Profile::Dp));
        assert_eq!(Profile::Mat.as_str(), "MaT");
        assert_eq!(Profile::ALL.len(), 10);
    }
}
