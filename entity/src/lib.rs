//! sea-orm entities of Leerroute: one module per table, nothing else.

pub mod activity;
pub mod activity_enrolment;
pub mod activity_school;
pub mod audit_event;
pub mod coach_assignment;
pub mod enrolment;
pub mod identity_link;
pub mod import_run;
pub mod leerlab;
pub mod leerlab_member;
pub mod leerlab_partner;
pub mod leerlab_target_programme;
pub mod person;
pub mod programme;
pub mod region;
pub mod school;
pub mod school_calendar;
pub mod school_calendar_holiday;
pub mod school_calendar_period;
pub mod secret_check;
pub mod self_evaluation;
pub mod self_evaluation_need;
pub mod student;
pub mod transition;
