//! Every row rule: which rows a caller may see or change, once it may call a field at all (the
//! root rules of `policy.rs`). The service layer asks these functions and adds their conditions to
//! its SQL; no other module decides by role which rows a caller reaches.
//!
//! - [`pupils`]: pupil records, applications and signals (re-exported here);
//! - [`catalogue`]: regions, schools and leerlabs a caller manages, and the import runs it reads;
//! - [`activities`]: drafts, and whose enrolment and attendance a caller records;
//! - [`statistics`]: whose statistics a caller may ask for;
//! - [`changes`]: which rows of the change feed a caller hears of.

pub mod activities;
pub mod catalogue;
pub mod changes;
mod pupils;
pub mod statistics;

pub use catalogue::{can_manage_school, import_runs, import_schools};
pub use pupils::*;
