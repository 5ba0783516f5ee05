//! Schools, their pupils and their staff: sector, track, profile, a person's function, what
//! became of an mbo enrolment and what a pupil says they need.

use crate::documented;

documented! {
    /// Whether a school is secondary (vo, including vmbo) or vocational (mbo).
    pub enum Sector {
        /// Secondary school (voortgezet onderwijs), including vmbo.
        Vo => "VO",
        /// Vocational college (middelbaar beroepsonderwijs): a ROC or one of its colleges.
        Mbo => "MBO",
    }

    /// A vmbo track.
    pub enum Leerweg {
        /// Basisberoepsgerichte leerweg.
        Bb => "BB",
        /// Kaderberoepsgerichte leerweg.
        Kb => "KB",
        /// Gemengde leerweg.
        Gl => "GL",
        /// Theoretische leerweg.
        Tl => "TL",
    }

    /// A vmbo profile (profiel). GraphQL names replace `&` and mixed case; `code` gives the official spelling.
    pub enum Profile {
        /// Bouwen, wonen en interieur (`BWI`).
        Bwi => "BWI",
        /// Dienstverlening en producten (`D&P`).
        Dp => "D&P",
        /// Economie en ondernemen (`E&O`).
        Eo => "E&O",
        /// Groen (`GR`).
        Gr => "GR",
        /// Horeca, bakkerij en recreatie (`HBR`).
        Hbr => "HBR",
        /// Maritiem en techniek (`MaT`).
        Mat => "MaT",
        /// Media, vormgeving en ICT (`MVI`).
        Mvi => "MVI",
        /// Mobiliteit en transport (`M&T`).
        Mt => "M&T",
        /// Produceren, installeren en energie (`PIE`).
        Pie => "PIE",
        /// Zorg en welzijn (`Z&W`).
        Zw => "Z&W",
    }

    /// What a person does at their school.
    pub enum PersonFunction {
        /// Teacher.
        Teacher => "TEACHER",
        /// Career orientation and guidance (LOB) staff.
        LobStaff => "LOB_STAFF",
        /// Project lead.
        ProjectLead => "PROJECT_LEAD",
        /// Coach (may be a pupil's supercoach).
        Coach => "COACH",
        /// Coordinator or Verbinder.
        Coordinator => "COORDINATOR",
        /// Manager or board member.
        Manager => "MANAGER",
        /// Anything else.
        Other => "OTHER",
    }

    /// What became of an mbo enrolment.
    pub enum EnrolmentStatus {
        /// Still enrolled.
        Enrolled => "enrolled",
        /// Switched to another programme or school.
        Switched => "switched",
        /// Left without a diploma.
        DroppedOut => "dropped_out",
        /// Obtained the diploma.
        Graduated => "graduated",
    }

    /// Something a pupil says they need help with (self-evaluation).
    #[derive(PartialOrd, Ord)]
    pub enum Need {
        /// Getting and using DigiD.
        Digid => "DIGID",
        /// Money: paying bills, a budget.
        Finances => "FINANCES",
        /// DUO: student finance, travel product.
        Duo => "DUO",
        /// Making and keeping appointments.
        Appointments => "APPOINTMENTS",
        /// Planning work and time.
        Planning => "PLANNING",
        /// Study skills.
        StudySkills => "STUDY_SKILLS",
        /// Finding or doing an internship.
        Internship => "INTERNSHIP",
        /// Choosing a programme.
        StudyChoice => "STUDY_CHOICE",
        /// Feeling well.
        Wellbeing => "WELLBEING",
        /// Something else (see the comment).
        Other => "OTHER",
    }
}

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
