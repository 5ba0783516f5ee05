//! The vocabulary of joint activities: their kind, their status and a pupil's attendance.

use crate::documented;

documented! {
    /// What vo and mbo do together.
    pub enum ActivityKind {
        /// An information session about mbo programmes.
        InfoSession => "INFO_SESSION",
        /// An exchange of pupils or students between vo and mbo.
        Exchange => "EXCHANGE",
        /// A sports day run by mbo students.
        SportsDay => "SPORTS_DAY",
        /// A guest lesson, such as one by a budget coach.
        GuestLesson => "GUEST_LESSON",
        /// A visit to an mbo campus.
        CampusVisit => "CAMPUS_VISIT",
        /// mbo teachers visiting the vmbo school.
        TeacherVisit => "TEACHER_VISIT",
        /// A company challenge.
        Challenge => "CHALLENGE",
        /// An mbo elective (keuzedeel) open to vmbo pupils.
        Elective => "ELECTIVE",
        /// Shadowing an mbo student for a day (meeloopdag).
        Shadowing => "SHADOWING",
        /// A camp or excursion.
        Excursion => "EXCURSION",
    }

    /// Where an activity stands: DRAFT → PUBLISHED → CANCELLED.
    pub enum ActivityStatus {
        /// Being prepared; visible only to those who may change it.
        Draft => "DRAFT",
        /// Open to everyone; pupils may enrol.
        Published => "PUBLISHED",
        /// Called off (with a reason); still visible so that nobody turns up.
        Cancelled => "CANCELLED",
    }

    /// Whether an enrolled pupil came.
    pub enum Attendance {
        /// The pupil took part.
        Present => "PRESENT",
        /// The pupil did not come.
        Absent => "ABSENT",
    }
}
