//! The vocabulary of joint activities: their kind, their status and a pupil's attendance.

documented! {
    /// What vo and mbo do together.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum ActivityKind {
        /// An information session about mbo programmes.
        InfoSession,
        /// An exchange of pupils or students between vo and mbo.
        Exchange,
        /// A sports day run by mbo students.
        SportsDay,
        /// A guest lesson, such as one by a budget coach.
        GuestLesson,
        /// A visit to an mbo campus.
        CampusVisit,
        /// mbo teachers visiting the vmbo school.
        TeacherVisit,
        /// A company challenge.
        Challenge,
        /// An mbo elective (keuzedeel) open to vmbo pupils.
        Elective,
        /// Shadowing an mbo student for a day (meeloopdag).
        Shadowing,
        /// A camp or excursion.
        Excursion,
    }
}
stored_as_text!(ActivityKind {
    InfoSession => "INFO_SESSION",
    Exchange => "EXCHANGE",
    SportsDay => "SPORTS_DAY",
    GuestLesson => "GUEST_LESSON",
    CampusVisit => "CAMPUS_VISIT",
    TeacherVisit => "TEACHER_VISIT",
    Challenge => "CHALLENGE",
    Elective => "ELECTIVE",
    Shadowing => "SHADOWING",
    Excursion => "EXCURSION",
});

documented! {
    /// Where an activity stands: DRAFT → PUBLISHED → CANCELLED.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum ActivityStatus {
        /// Being prepared; visible only to those who may change it.
        Draft,
        /// Open to everyone; pupils may enrol.
        Published,
        /// Called off (with a reason); still visible so that nobody turns up.
        Cancelled,
    }
}
stored_as_text!(ActivityStatus {
    Draft => "DRAFT",
    Published => "PUBLISHED",
    Cancelled => "CANCELLED",
});

documented! {
    /// Whether an enrolled pupil came.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum Attendance {
        /// The pupil took part.
        Present,
        /// The pupil did not come.
        Absent,
    }
}
stored_as_text!(Attendance { Present => "PRESENT", Absent => "ABSENT" });
