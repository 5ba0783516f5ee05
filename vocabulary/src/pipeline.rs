//! The vocabulary before the step (DESIGN.md section 4b): a pupil's status, an application's
//! status (the national early-application rules), and signals.

use chrono::NaiveDate;

use crate::documented;

documented! {
    /// Whether a pupil is still at their vmbo school.
    pub enum StudentStatus {
        /// On the roster (year 3 or 4); no leaver row yet.
        InSchool => "IN_SCHOOL",
        /// Left vmbo (a leaver row exists for this school year).
        Left => "LEFT",
    }

    /// Where an application stands (art. 8.0.3 WEB and the early-application rules).
    pub enum ApplicationStatus {
        /// The mbo school received the application.
        Received => "received",
        /// An intake interview is planned.
        IntakePlanned => "intake_planned",
        /// A training agreement (place) was offered.
        Offered => "offered",
        /// The pupil was not admitted.
        NotAdmitted => "not_admitted",
        /// The pupil withdrew the application.
        Withdrawn => "withdrawn",
        /// The pupil enrolled.
        Enrolled => "enrolled",
    }

    /// Where a status change came from.
    pub enum ApplicationSource {
        /// An `mbo-applications` import.
        Import => "IMPORT",
        /// `recordApplication` or `updateApplicationStatus`.
        Api => "API",
    }

    /// Why a pupil may be lost between vmbo and mbo.
    pub enum SignalKind {
        /// From 1 April of the exam year, a year-4 pupil has no application at all.
        NoApplication => "NO_APPLICATION",
        /// 14 days after the last refusal or withdrawal, no open application is left.
        NoAlternative => "NO_ALTERNATIVE",
        /// From 1 October after leaving, an offered or enrolled applicant has not started.
        NotStarted => "NOT_STARTED",
        /// Dropped out in the first mbo year, and no later enrolment has started.
        DroppedOut => "DROPPED_OUT",
    }

    /// Where a signal stands.
    pub enum SignalStatus {
        /// Raised; nobody works on it yet.
        Open => "OPEN",
        /// Somebody works on it.
        InProgress => "IN_PROGRESS",
        /// Resolved, by the rules (the condition ended) or by hand. Never reopened.
        Resolved => "RESOLVED",
    }
}

impl ApplicationStatus {
    /// The statuses of an *open* application (DESIGN.md 4b).
    pub const OPEN: [ApplicationStatus; 4] = [
        ApplicationStatus::Received,
        ApplicationStatus::IntakePlanned,
        ApplicationStatus::Offered,
        ApplicationStatus::Enrolled,
    ];

    /// Whether an application in this status is open.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

/// 1 April of a school year's second calendar year (`NO_APPLICATION` starts that day).
pub fn first_of_april(school_year_start: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(school_year_start + 1, 4, 1).expect("1 April exists")
}
