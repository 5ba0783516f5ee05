//! Who may call which root field: one table, deny by default.
//!
//! The schema's roots (`graphql::root_policy`) check every root query, mutation and
//! subscription field against [`rule`] before it resolves; a field missing from the table is refused, so a new
//! operation is closed until someone writes its rule. Row scoping (which school, which
//! region, which pupil) is then the resolver's and loader's job, with the helpers below.

use super::{Role, Viewer};
use crate::error::{AppError, AppResult};

use Role::*;

/// Who may call a root field.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, with or without a token.
    Public,
    /// Only these roles (and always admin).
    Roles(&'static [Role]),
}

const PUPIL_READERS: &[Role] = &[Student, Coach, SchoolStaff, Rmc];
/// Every role that works at a school or for a region: not anonymous, not pupils.
const STAFF: &[Role] = &[Coach, SchoolStaff, Coordinator, Integration, Rmc];
/// Every role but anonymous (DESIGN.md 4c).
const FEED_READERS: &[Role] = &[Student, Coach, SchoolStaff, Coordinator, Integration, Rmc];
const STATISTICS_READERS: &[Role] = &[SchoolStaff, Coordinator, Integration, Rmc];

/// The rule of a root field, by operation type (`Query`, `Mutation`, `Subscription`) and name.
/// `None` means no rule: refused.
pub fn rule(operation: &str, field: &str) -> Option<Rule> {
    use Rule::*;
    let rule = match (operation, field) {
        (
            "Query",
            "regions" | "region" | "schools" | "school" | "programmes" | "leerlabs" | "leerlab"
            | "activities" | "activity" | "node" | "viewer" | "currentSchoolYear",
        ) => Public,
        ("Query", "students" | "student" | "transitions") => Roles(PUPIL_READERS),
        ("Query", "people") => Roles(STAFF),
        ("Query", "transitionStats" | "needsStats") => Roles(STATISTICS_READERS),
        ("Query", "planningWeeks" | "schoolCalendar") => Roles(&[SchoolStaff, Coordinator]),
        ("Query", "auditEvents") => Roles(&[]),
        ("Query", "changes" | "changeVersion") => Roles(FEED_READERS),
        ("Mutation", "createRegion") => Roles(&[]),
        ("Mutation", "createSchool" | "updateSchool") => Roles(&[Coordinator]),
        ("Mutation", "createProgramme" | "createPerson") => Roles(&[SchoolStaff, Coordinator]),
        (
            "Mutation",
            "createLeerlab"
            | "updateLeerlab"
            | "addLeerlabPartner"
            | "addLeerlabMember"
            | "addLeerlabTargetProgramme"
            | "removeLeerlabPartner",
        ) => Roles(&[Coordinator]),
        ("Mutation", "registerLeerroute") => Roles(&[SchoolStaff, Coordinator]),
        ("Mutation", "setSchoolCalendar") => Roles(&[SchoolStaff, Coordinator]),
        (
            "Mutation",
            "createActivity" | "updateActivity" | "publishActivity" | "cancelActivity"
            | "deleteActivity",
        ) => Roles(&[SchoolStaff, Coordinator]),
        ("Mutation", "enrolInActivity" | "withdrawFromActivity") => Roles(&[Student, SchoolStaff]),
        ("Mutation", "recordAttendance") => Roles(&[Student, SchoolStaff]),
        ("Mutation", "assignCoach") => Roles(&[SchoolStaff]),
        ("Mutation", "linkIdentity") => Roles(&[SchoolStaff]),
        ("Mutation", "submitSelfEvaluation") => Roles(&[Student]),
        ("Mutation", "recordEvaluationFollowUp") => Roles(&[Coach]),
        (
            "Mutation",
            "importVoLeavers"
            | "importMboEnrolments"
            | "importVoPupils"
            | "importMboApplications"
            | "startImport",
        ) => Roles(&[SchoolStaff]),
        ("Query", "importRuns" | "importRun") => Roles(&[SchoolStaff]),
        ("Query", "applications") => Roles(PUPIL_READERS),
        ("Query", "signals") => Roles(&[Coach, SchoolStaff, Rmc]),
        ("Query", "pipelineStats") => Roles(STATISTICS_READERS),
        ("Mutation", "updateSignal") => Roles(&[SchoolStaff, Rmc]),
        ("Mutation", "recordApplication" | "updateApplicationStatus") => Roles(&[SchoolStaff]),
        ("Subscription", "activityPublished") => Public,
        ("Subscription", "signalRaised") => Roles(&[Coach, SchoolStaff, Rmc]),
        _ => return None,
    };
    Some(rule)
}

/// Whether `role` passes `rule`. Admin passes every rule that exists.
pub fn allows(rule: Rule, role: Role) -> bool {
    match rule {
        Rule::Public => true,
        Rule::Roles(roles) => role == Admin || roles.contains(&role),
    }
}

/// What `role` may call: `query:<field>`, `mutation:<field>` and `subscription:<field>` for
/// every root field of `fields` (operation type, field name) whose rule lets it pass.
pub fn scopes<'a>(role: Role, fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    fields
        .into_iter()
        .filter(|(operation, field)| rule(operation, field).is_some_and(|r| allows(r, role)))
        .map(|(operation, field)| format!("{}:{field}", operation.to_ascii_lowercase()))
        .collect()
}

/// Checks a root field for a viewer: `UNAUTHENTICATED` for a missing token, else `FORBIDDEN`.
pub fn check_root_field(viewer: &Viewer, operation: &str, field: &str) -> AppResult<()> {
    if field.starts_with("__") {
        return Ok(());
    }
    match rule(operation, field) {
        Some(rule) if allows(rule, viewer.role()) => Ok(()),
        _ if viewer.role() == Anonymous => Err(AppError::Unauthenticated(format!(
            "`{field}` needs a token"
        ))),
        _ => Err(AppError::Forbidden),
    }
}

/// Fails with `FORBIDDEN` unless `allowed`. The message is the same whether or not the
/// object exists, so a refusal reveals nothing.
pub fn ensure(allowed: bool) -> AppResult<()> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
