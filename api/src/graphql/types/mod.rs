//! The object types of the schema, one file each. Domain modules (`catalogue`, `leerlab`,
//! `pupils`, `activity`, `planning`, `access`) hold the queries, mutations and inputs that hand
//! these out; the types refer to each other only through this module.

mod activity;
mod activity_conflict;
mod activity_enrolment;
mod application;
mod audit_event;
mod calendar_holiday;
mod calendar_period;
mod coach_assignment;
mod import_run;
mod leerlab;
mod leerlab_member;
mod leerlab_partner;
mod person;
mod planning_week;
mod planning_week_school;
mod programme;
mod region;
mod school;
mod school_calendar;
mod school_year;
mod self_evaluation;
mod signal;
mod student;
mod transition;
mod viewer;

pub use activity::Activity;
pub use activity_conflict::ActivityConflict;
pub use activity_enrolment::ActivityEnrolment;
pub use application::{Application, ApplicationStatusChange};
pub use audit_event::AuditEvent;
pub use calendar_holiday::CalendarHoliday;
pub use calendar_period::CalendarPeriod;
pub use coach_assignment::CoachAssignment;
pub use import_run::{ImportRowError, ImportRun};
pub use leerlab::Leerlab;
pub use leerlab_member::LeerlabMember;
pub use leerlab_partner::LeerlabPartner;
pub use person::Person;
pub use planning_week::PlanningWeek;
pub use planning_week_school::PlanningWeekSchool;
pub use programme::Programme;
pub use region::Region;
pub use school::School;
pub use school_calendar::SchoolCalendar;
pub use school_year::SchoolYearInfo;
pub use self_evaluation::SelfEvaluation;
pub use signal::{Signal, SignalNote};
pub use student::Student;
pub use transition::{LevelComparison, Transition};
pub use viewer::ViewerInfo;

// Connection nodes answered by their `#[Object]` alone (see `graphql::plain`): pupil data among
// them keeps every rule of its resolvers.
impl crate::graphql::plain::PlainNode for Activity {}
impl crate::graphql::plain::PlainNode for Application {}
impl crate::graphql::plain::PlainNode for AuditEvent {}
impl crate::graphql::plain::PlainNode for ImportRun {}
impl crate::graphql::plain::PlainNode for Leerlab {}
impl crate::graphql::plain::PlainNode for Person {}
impl crate::graphql::plain::PlainNode for Programme {}
impl crate::graphql::plain::PlainNode for Signal {}
impl crate::graphql::plain::PlainNode for Student {}
impl crate::graphql::plain::PlainNode for Transition {}
