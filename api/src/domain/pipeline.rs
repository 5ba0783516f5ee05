//! The vocabulary before the step (DESIGN.md section 4b): a pupil's status, an application's
//! status (the national early-application rules), and signals.

use chrono::NaiveDate;

documented! {
    /// Whether a pupil is still at their vmbo school.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum StudentStatus {
        /// On the roster (year 3 or 4); no leaver row yet.
        InSchool,
        /// Left vmbo (a leaver row exists for this school year).
        Left,
    }
}
stored_as_text!(StudentStatus { InSchool => "IN_SCHOOL", Left => "LEFT" });

documented! {
    /// Where an application stands (art. 8.0.3 WEB and the early-application rules).
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum ApplicationStatus {
        /// The mbo school received the application.
        Received,
        /// An intake interview is planned.
        IntakePlanned,
        /// A training agreement (place) was offered.
        Offered,
        /// The pupil was not admitted.
        NotAdmitted,
        /// The pupil withdrew the application.
        Withdrawn,
        /// The pupil enrolled.
        Enrolled,
    }
}
stored_as_text!(ApplicationStatus {
    Received => "received",
    IntakePlanned => "intake_planned",
    Offered => "offered",
    NotAdmitted => "not_admitted",
    Withdrawn => "withdrawn",
    Enrolled => "enrolled",
});

impl ApplicationStatus {
    /// The statuses of an *open* application (DESIGN.md 4b), as stored.
    pub const OPEN: [&'static str; 4] = ["received", "intake_planned", "offered", "enrolled"];

    /// Whether an application in this status is open.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self.as_str())
    }
}

documented! {
    /// Where a status change came from.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum ApplicationSource {
        /// An `mbo-applications` import.
        Import,
        /// `recordApplication` or `updateApplicationStatus`.
        Api,
    }
}
stored_as_text!(ApplicationSource { Import => "IMPORT", Api => "API" });

documented! {
    /// Why a pupil may be lost between vmbo and mbo.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum SignalKind {
        /// From 1 April of the exam year, a year-4 pupil has no application at all.
        NoApplication,
        /// 14 days after the last refusal or withdrawal, no open application is left.
        NoAlternative,
        /// From 1 October after leaving, an offered or enrolled applicant has not started.
        NotStarted,
        /// Dropped out in the first mbo year, and no later enrolment has started.
        DroppedOut,
    }
}
stored_as_text!(SignalKind {
    NoApplication => "NO_APPLICATION",
    NoAlternative => "NO_ALTERNATIVE",
    NotStarted => "NOT_STARTED",
    DroppedOut => "DROPPED_OUT",
});

documented! {
    /// Where a signal stands.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum SignalStatus {
        /// Raised; nobody works on it yet.
        Open,
        /// Somebody works on it.
        InProgress,
        /// Resolved, by the rules (the condition ended) or by hand. Never reopened.
        Resolved,
    }
}
stored_as_text!(SignalStatus { Open => "OPEN", InProgress => "IN_PROGRESS", Resolved => "RESOLVED" });

/// 1 April of a school year's second calendar year (`NO_APPLICATION` starts that day).
pub fn first_of_april(school_year_start: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(school_year_start + 1, 4, 1).expect("1 April exists")
}
