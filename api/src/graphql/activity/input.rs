//! The inputs of the activity queries and mutations, and their conversion into the service's
//! own types.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};

use crate::{
    domain::activity::{ActivityKind, ActivityStatus, Attendance},
    graphql::tri_state,
    service::activity::{ActivityChanges, ActivityFilter, AttendanceChanges, NewActivity},
};

/// Filters of `activities`; all given filters must match.
#[derive(InputObject, Default)]
pub struct ActivityFilterInput {
    /// Only activities of this region.
    pub region_code: Option<String>,
    /// Only activities this school takes part in (hosting included).
    pub school_brin: Option<String>,
    /// Only activities of this leerlab.
    pub leerlab_code: Option<String>,
    /// Only activities of this kind.
    pub kind: Option<ActivityKind>,
    /// Only activities that end after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Only activities that start before this moment.
    pub to: Option<DateTime<Utc>>,
    /// Only activities with this status (drafts only as far as the caller may see them).
    pub status: Option<ActivityStatus>,
}

/// Input of `createActivity`.
#[derive(InputObject)]
pub struct CreateActivityInput {
    /// Code of the region.
    pub region_code: String,
    /// BRIN of the school that organises it (a school of the region).
    pub host_school_brin: String,
    /// BRINs of the schools taking part: schools of the region or partners of the leerlab.
    /// The host takes part whether or not it is listed.
    pub participating_school_brins: Vec<String>,
    /// Code of the leerlab it belongs to (of the same region), if any.
    pub leerlab_code: Option<String>,
    /// What kind of activity it is.
    pub kind: ActivityKind,
    /// Title.
    pub title: String,
    /// What happens, for whom, and what to bring.
    pub description: Option<String>,
    /// Where it takes place.
    pub location: Option<String>,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends (after `startsAt`, at most 31 days later).
    pub ends_at: DateTime<Utc>,
    /// How many pupils can take part (at least 1).
    pub capacity: i32,
}

/// Input of `updateActivity`: omitted fields stay as they are; `null` clears a field.
#[derive(InputObject)]
pub struct UpdateActivityInput {
    /// Global id of the activity.
    pub id: ID,
    /// New kind.
    pub kind: Option<ActivityKind>,
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New location.
    pub location: MaybeUndefined<String>,
    /// New start.
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
    /// New capacity; not below the number enrolled.
    pub capacity: Option<i32>,
    /// The participating schools (replaces the list; the host always takes part).
    pub participating_school_brins: Option<Vec<String>>,
    /// The leerlab (of the same region); null detaches it.
    pub leerlab_code: MaybeUndefined<String>,
}

/// Input of `publishActivity`.
#[derive(InputObject)]
pub struct PublishActivityInput {
    /// Global id of the draft to publish.
    pub id: ID,
}

/// Input of `deleteActivity`.
#[derive(InputObject)]
pub struct DeleteActivityInput {
    /// Global id of the draft to delete.
    pub id: ID,
}

/// Input of `cancelActivity`.
#[derive(InputObject)]
pub struct CancelActivityInput {
    /// Global id of the published activity to cancel.
    pub id: ID,
    /// Why it is cancelled; shown to everyone.
    pub reason: String,
}

/// Input of `enrolInActivity`.
#[derive(InputObject)]
pub struct EnrolInActivityInput {
    /// Global id of the published activity.
    pub activity_id: ID,
    /// Global id of the pupil (a student enrols themself; staff their own school's pupils).
    pub student_id: ID,
}

/// Input of `withdrawFromActivity`.
#[derive(InputObject)]
pub struct WithdrawFromActivityInput {
    /// Global id of the activity.
    pub activity_id: ID,
    /// Global id of the enrolled pupil (a student withdraws themself; staff their own school's
    /// pupils).
    pub student_id: ID,
}

/// Input of `recordAttendance`.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// Global id of the activity.
    pub activity_id: ID,
    /// Global id of the enrolled pupil.
    pub student_id: ID,
    /// Whether the pupil came (staff of the host school or of the pupil's school).
    pub attendance: Option<Attendance>,
    /// The pupil's reflection (only the pupil themself).
    pub reflection: Option<String>,
}

impl From<ActivityFilterInput> for ActivityFilter {
    fn from(f: ActivityFilterInput) -> Self {
        ActivityFilter {
            region_code: f.region_code,
            school_brin: f.school_brin,
            leerlab_code: f.leerlab_code,
            kind: f.kind,
            from: f.from,
            to: f.to,
            status: f.status,
        }
    }
}

impl From<CreateActivityInput> for NewActivity {
    fn from(input: CreateActivityInput) -> Self {
        NewActivity {
            region_code: input.region_code,
            host_school_brin: input.host_school_brin,
            participating_school_brins: input.participating_school_brins,
            leerlab_code: input.leerlab_code,
            kind: input.kind,
            title: input.title,
            description: input.description,
            location: input.location,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            capacity: input.capacity,
        }
    }
}

impl From<UpdateActivityInput> for ActivityChanges {
    fn from(input: UpdateActivityInput) -> Self {
        ActivityChanges {
            kind: input.kind,
            title: input.title,
            description: tri_state(input.description),
            location: tri_state(input.location),
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            capacity: input.capacity,
            participating_school_brins: input.participating_school_brins,
            leerlab_code: tri_state(input.leerlab_code),
        }
    }
}

impl From<RecordAttendanceInput> for AttendanceChanges {
    fn from(input: RecordAttendanceInput) -> Self {
        AttendanceChanges {
            attendance: input.attendance,
            reflection: input.reflection,
        }
    }
}
