//! The vocabulary of leerlabs: their kind and status, the side and team of their members and
//! the legal instruments of the Wet doorlopende leerroutes.

use crate::{Sector, documented};

documented! {
    /// What kind of partnership a leerlab is.
    pub enum LeerlabKind {
        /// Programmes aligned on content only.
        Leerlijn => "LEERLIJN",
        /// A doorlopende leerroute under the Wet doorlopende leerroutes (vmbo year 3 to an mbo 2/3/4 diploma).
        DoorlopendeLeerroute => "DOORLOPENDE_LEERROUTE",
        /// A geïntegreerde leerroute (BB to mbo 2).
        GeintegreerdeLeerroute => "GEINTEGREERDE_LEERROUTE",
    }

    /// Where a leerlab stands.
    pub enum LeerlabStatus {
        /// Being prepared.
        Planned => "PLANNED",
        /// Pupils take part.
        Running => "RUNNING",
        /// No longer running.
        Ended => "ENDED",
    }

    /// The side a school takes in a leerlab; it follows the school's sector.
    pub enum PartnerRole {
        /// The vmbo side.
        Vo => "VO",
        /// The mbo side.
        Mbo => "MBO",
    }

    /// A team of a leerlab.
    pub enum Team {
        /// Runs the leerlab day to day.
        ProjectTeam => "PROJECT_TEAM",
        /// Board-level steering group.
        SteeringGroup => "STEERING_GROUP",
        /// Teachers and LOB staff who develop the route.
        DevelopmentGroup => "DEVELOPMENT_GROUP",
    }

    /// A legal instrument of the Wet doorlopende leerroutes; each rests on a signed cooperation agreement.
    pub enum LegalInstrument {
        /// The vmbo exam spread over more than one year.
        SpreadExam => "SPREAD_EXAM",
        /// mbo parts taught and examined early.
        EarlyMboParts => "EARLY_MBO_PARTS",
        /// One joint PTA/OER.
        JointPtaOer => "JOINT_PTA_OER",
        /// Team authority (teambevoegdheid).
        TeamAuthority => "TEAM_AUTHORITY",
        /// One teaching-time norm for the whole route.
        SingleTeachingTimeNorm => "SINGLE_TEACHING_TIME_NORM",
    }
}

impl LeerlabKind {
    /// Whether this is a leerroute in the legal sense (registered with DUO, may use the instruments).
    pub fn is_leerroute(self) -> bool {
        self != LeerlabKind::Leerlijn
    }
}

impl From<Sector> for PartnerRole {
    fn from(sector: Sector) -> Self {
        match sector {
            Sector::Vo => PartnerRole::Vo,
            Sector::Mbo => PartnerRole::Mbo,
        }
    }
}
