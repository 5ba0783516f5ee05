//! The inputs of the application and signal operations.

use async_graphql::{ID, InputObject};

use crate::{
    domain::pipeline::{ApplicationStatus, SignalKind, SignalStatus},
    graphql::scalars::Date,
    service::{
        applications::{ApplicationFilter, NewApplication},
        signals::SignalFilter,
    },
};

/// Filters of `applications`; all given filters must match.
#[derive(InputObject, Default)]
pub struct ApplicationFilterInput {
    /// Only applications to this mbo school, or of pupils of this vmbo school.
    pub school_brin: Option<String>,
    /// Only applications made in this school year, such as `2025-2026`.
    pub school_year: Option<String>,
    /// Only applications in this status.
    pub status: Option<ApplicationStatus>,
}

impl From<ApplicationFilterInput> for ApplicationFilter {
    fn from(f: ApplicationFilterInput) -> Self {
        ApplicationFilter {
            school_brin: f.school_brin,
            school_year: f.school_year,
            status: f.status,
        }
    }
}

/// Input of `recordApplication`.
#[derive(InputObject)]
pub struct RecordApplicationInput {
    /// The applicant's PGN (BSN or onderwijsnummer). Pseudonymised at once; never stored or
    /// repeated.
    pub pgn: String,
    /// The mbo school applied to (yours).
    pub school_brin: String,
    /// The programme's crebo code.
    pub crebo: String,
    /// The programme's mbo level, 1 to 4.
    pub level: i32,
    /// The day the pupil applied (not after today).
    pub applied_on: Date,
    /// The status reached so far; default `RECEIVED`.
    pub status: Option<ApplicationStatus>,
    /// The day that status was reached, between `appliedOn` and today; default today.
    pub status_date: Option<Date>,
}

impl From<RecordApplicationInput> for NewApplication {
    fn from(input: RecordApplicationInput) -> Self {
        NewApplication {
            pgn: input.pgn,
            school_brin: input.school_brin,
            crebo: input.crebo,
            level: input.level,
            applied_on: input.applied_on.0,
            status: input.status,
            status_date: input.status_date.map(|d| d.0),
        }
    }
}

/// Input of `updateApplicationStatus`.
#[derive(InputObject)]
pub struct UpdateApplicationStatusInput {
    /// Global id of the application.
    pub id: ID,
    /// The new status. An `ENROLLED` application does not change (`CONFLICT`).
    pub status: ApplicationStatus,
    /// The day the status was reached, between `appliedOn` and today; default today.
    pub status_date: Option<Date>,
}

/// Filters of `signals`; all given filters must match.
#[derive(InputObject, Default)]
pub struct SignalFilterInput {
    /// Only signals of pupils of this region.
    pub region_code: Option<String>,
    /// Only signals of pupils of this vmbo school, or who applied to this mbo school.
    pub school_brin: Option<String>,
    /// Only this kind.
    pub kind: Option<SignalKind>,
    /// Only this status.
    pub status: Option<SignalStatus>,
}

impl From<SignalFilterInput> for SignalFilter {
    fn from(f: SignalFilterInput) -> Self {
        SignalFilter {
            region_code: f.region_code,
            school_brin: f.school_brin,
            kind: f.kind,
            status: f.status,
        }
    }
}

/// Input of `updateSignal`; give at least one of `status`, `assigneeId` and `note`.
#[derive(InputObject)]
pub struct UpdateSignalInput {
    /// Global id of the signal.
    pub id: ID,
    /// The new status; `RESOLVED` closes it for good.
    pub status: Option<SignalStatus>,
    /// Global id of the person who works on it.
    pub assignee_id: Option<ID>,
    /// A note to add (append-only, at most 4000 characters).
    pub note: Option<String>,
}
