//! The domain's vocabulary as types: codes that are validated once, where they enter,
//! so the rest of the code can trust them. The enums are declared with [`documented!`], so
//! that the GraphQL layer (`graphql/enums.rs`) can publish them, doc comments and all, without
//! this module knowing of GraphQL; `stored_as_text!` gives each its text in the database and
//! in CSV files.

use chrono::{Datelike, NaiveDate};

/// Declares, for an enum, the text stored in the database and read from files.
macro_rules! stored_as_text {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The text stored in the database and used in CSV files.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }

            /// Parses the stored text.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($ty::$variant),)+ _ => None }
            }

            /// Parses text that was written by us; anything else is a corrupt database.
            pub fn from_db(text: &str) -> Self {
                Self::parse(text).unwrap_or_else(|| panic!(concat!("stored ", stringify!($ty), " `{}` is unknown"), text))
            }
        }
    };
}

/// An enum whose doc comments are also data: every value with its name and its documentation,
/// so that an interface (the GraphQL layer, `graphql/enums.rs`) can describe the enum without
/// this layer knowing of it.
pub trait Documented: Copy + Send + Sync + Eq + 'static {
    /// The lines of the enum's doc comment.
    const DOC: &'static [&'static str];
    /// Every value, in declaration order, with its Rust name and the lines of its doc comment.
    const VALUES: &'static [(Self, &'static str, &'static [&'static str])];
}

/// Declares enums of unit variants and implements [`Documented`] for each.
macro_rules! documented {
    ($(
        $(#[doc = $doc:literal])*
        #[derive($($derive:path),* $(,)?)]
        $vis:vis enum $name:ident {
            $($(#[doc = $value_doc:literal])* $value:ident),+ $(,)?
        }
    )+) => {$(
        $(#[doc = $doc])*
        #[derive($($derive),*)]
        $vis enum $name {
            $($(#[doc = $value_doc])* $value),+
        }

        impl $crate::domain::Documented for $name {
            const DOC: &'static [&'static str] = &[$($doc),*];
            const VALUES: &'static [(Self, &'static str, &'static [&'static str])] =
                &[$(($name::$value, stringify!($value), &[$($value_doc),*])),+];
        }
    )+};
}
pub(crate) use documented;

pub mod activity;
pub mod pipeline;

documented! {
    /// Whether a school is secondary (vo, including vmbo) or vocational (mbo).
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum Sector {
        /// Secondary school (voortgezet onderwijs), including vmbo.
        Vo,
        /// Vocational college (middelbaar beroepsonderwijs): a ROC or one of its colleges.
        Mbo,
    }
}
stored_as_text!(Sector { Vo => "VO", Mbo => "MBO" });

documented! {
    /// A vmbo track.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum Leerweg {
        /// Basisberoepsgerichte leerweg.
        Bb,
        /// Kaderberoepsgerichte leerweg.
        Kb,
        /// Gemengde leerweg.
        Gl,
        /// Theoretische leerweg.
        Tl,
    }
}
stored_as_text!(Leerweg { Bb => "BB", Kb => "KB", Gl => "GL", Tl => "TL" });

impl Leerweg {
    /// The inspectorate's "passend niveau": the mbo level a pupil of this track is expected to start at.
    pub fn expected_level(self) -> i16 {
        match self {
            Leerweg::Bb => 2,
            Leerweg::Kb => 3,
            Leerweg::Gl | Leerweg::Tl => 4,
        }
    }
}

documented! {
    /// A vmbo profile (profiel). GraphQL names replace `&` and mixed case; `code` gives the official spelling.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum Profile {
        /// Bouwen, wonen en interieur (`BWI`).
        Bwi,
        /// Dienstverlening en producten (`D&P`).
        Dp,
        /// Economie en ondernemen (`E&O`).
        Eo,
        /// Groen (`GR`).
        Gr,
        /// Horeca, bakkerij en recreatie (`HBR`).
        Hbr,
        /// Maritiem en techniek (`MaT`).
        Mat,
        /// Media, vormgeving en ICT (`MVI`).
        Mvi,
        /// Mobiliteit en transport (`M&T`).
        Mt,
        /// Produceren, installeren en energie (`PIE`).
        Pie,
        /// Zorg en welzijn (`Z&W`).
        Zw,
    }
}
stored_as_text!(Profile {
    Bwi => "BWI", Dp => "D&P", Eo => "E&O", Gr => "GR", Hbr => "HBR",
    Mat => "MaT", Mvi => "MVI", Mt => "M&T", Pie => "PIE", Zw => "Z&W",
});

documented! {
    /// What kind of partnership a leerlab is.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum LeerlabKind {
        /// Programmes aligned on content only.
        Leerlijn,
        /// A doorlopende leerroute under the Wet doorlopende leerroutes (vmbo year 3 to an mbo 2/3/4 diploma).
        DoorlopendeLeerroute,
        /// A geïntegreerde leerroute (BB to mbo 2).
        GeintegreerdeLeerroute,
    }
}
stored_as_text!(LeerlabKind {
    Leerlijn => "LEERLIJN",
    DoorlopendeLeerroute => "DOORLOPENDE_LEERROUTE",
    GeintegreerdeLeerroute => "GEINTEGREERDE_LEERROUTE",
});

impl LeerlabKind {
    /// Whether this is a leerroute in the legal sense (registered with DUO, may use the instruments).
    pub fn is_leerroute(self) -> bool {
        self != LeerlabKind::Leerlijn
    }
}

documented! {
    /// Where a leerlab stands.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum LeerlabStatus {
        /// Being prepared.
        Planned,
        /// Pupils take part.
        Running,
        /// No longer running.
        Ended,
    }
}
stored_as_text!(LeerlabStatus { Planned => "PLANNED", Running => "RUNNING", Ended => "ENDED" });

documented! {
    /// The side a school takes in a leerlab; it follows the school's sector.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum PartnerRole {
        /// The vmbo side.
        Vo,
        /// The mbo side.
        Mbo,
    }
}
stored_as_text!(PartnerRole { Vo => "VO", Mbo => "MBO" });

impl From<Sector> for PartnerRole {
    fn from(sector: Sector) -> Self {
        match sector {
            Sector::Vo => PartnerRole::Vo,
            Sector::Mbo => PartnerRole::Mbo,
        }
    }
}

documented! {
    /// A team of a leerlab.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum Team {
        /// Runs the leerlab day to day.
        ProjectTeam,
        /// Board-level steering group.
        SteeringGroup,
        /// Teachers and LOB staff who develop the route.
        DevelopmentGroup,
    }
}
stored_as_text!(Team {
    ProjectTeam => "PROJECT_TEAM",
    SteeringGroup => "STEERING_GROUP",
    DevelopmentGroup => "DEVELOPMENT_GROUP",
});

documented! {
    /// What a person does at their school.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum PersonFunction {
        /// Teacher.
        Teacher,
        /// Career orientation and guidance (LOB) staff.
        LobStaff,
        /// Project lead.
        ProjectLead,
        /// Coach (may be a pupil's supercoach).
        Coach,
        /// Coordinator or Verbinder.
        Coordinator,
        /// Manager or board member.
        Manager,
        /// Anything else.
        Other,
    }
}
stored_as_text!(PersonFunction {
    Teacher => "TEACHER",
    LobStaff => "LOB_STAFF",
    ProjectLead => "PROJECT_LEAD",
    Coach => "COACH",
    Coordinator => "COORDINATOR",
    Manager => "MANAGER",
    Other => "OTHER",
});

documented! {
    /// A legal instrument of the Wet doorlopende leerroutes; each rests on a signed cooperation agreement.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum LegalInstrument {
        /// The vmbo exam spread over more than one year.
        SpreadExam,
        /// mbo parts taught and examined early.
        EarlyMboParts,
        /// One joint PTA/OER.
        JointPtaOer,
        /// Team authority (teambevoegdheid).
        TeamAuthority,
        /// One teaching-time norm for the whole route.
        SingleTeachingTimeNorm,
    }
}
stored_as_text!(LegalInstrument {
    SpreadExam => "SPREAD_EXAM",
    EarlyMboParts => "EARLY_MBO_PARTS",
    JointPtaOer => "JOINT_PTA_OER",
    TeamAuthority => "TEAM_AUTHORITY",
    SingleTeachingTimeNorm => "SINGLE_TEACHING_TIME_NORM",
});

/// Instruments are stored as one comma-separated column.
pub fn instruments_to_text(instruments: &[LegalInstrument]) -> String {
    let mut names: Vec<&str> = instruments.iter().map(|i| i.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// The inverse of [`instruments_to_text`].
pub fn instruments_from_text(text: &str) -> Vec<LegalInstrument> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(LegalInstrument::from_db)
        .collect()
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

documented! {
    /// What became of an mbo enrolment.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum EnrolmentStatus {
        /// Still enrolled.
        Enrolled,
        /// Switched to another programme or school.
        Switched,
        /// Left without a diploma.
        DroppedOut,
        /// Obtained the diploma.
        Graduated,
    }
}
stored_as_text!(EnrolmentStatus {
    Enrolled => "enrolled",
    Switched => "switched",
    DroppedOut => "dropped_out",
    Graduated => "graduated",
});

documented! {
    /// Something a pupil says they need help with (self-evaluation).
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Need {
        /// Getting and using DigiD.
        Digid,
        /// Money: paying bills, a budget.
        Finances,
        /// DUO: student finance, travel product.
        Duo,
        /// Making and keeping appointments.
        Appointments,
        /// Planning work and time.
        Planning,
        /// Study skills.
        StudySkills,
        /// Finding or doing an internship.
        Internship,
        /// Choosing a programme.
        StudyChoice,
        /// Feeling well.
        Wellbeing,
        /// Something else (see the comment).
        Other,
    }
}
stored_as_text!(Need {
    Digid => "DIGID",
    Finances => "FINANCES",
    Duo => "DUO",
    Appointments => "APPOINTMENTS",
    Planning => "PLANNING",
    StudySkills => "STUDY_SKILLS",
    Internship => "INTERNSHIP",
    StudyChoice => "STUDY_CHOICE",
    Wellbeing => "WELLBEING",
    Other => "OTHER",
});

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
