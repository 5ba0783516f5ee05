//! Whose statistics a caller may ask for (DESIGN.md 4 and 4b): admin everything; a coordinator,
//! an integration account or an rmc officer their own region; school staff only statistics
//! filtered to one of their own schools. How exact the counts are is the disclosure control's
//! business (`service/disclosure.rs`), not this module's.

use crate::{
    auth::{Role, Viewer},
    error::{AppError, AppResult},
};

/// What a caller's statistics are limited to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StatisticsScope {
    /// Every region.
    Everything,
    /// The caller's own region: the service adds it as a condition.
    Region(i64),
    /// The filter names one of the caller's own schools.
    OwnSchool,
}

/// The scope of a statistics query. `asked_region` is the region the filter names (`Some(None)`
/// for a code that names none); `named_schools` the schools it names, each as its ids with the
/// school itself first (its locations after it). Anything else is `FORBIDDEN`.
pub fn statistics(
    viewer: &Viewer,
    asked_region: Option<Option<i64>>,
    named_schools: &[&[i64]],
) -> AppResult<StatisticsScope> {
    match viewer.role() {
        Role::Admin => Ok(StatisticsScope::Everything),
        Role::Coordinator | Role::Integration | Role::Rmc => {
            let home = viewer.region_id.ok_or(AppError::Forbidden)?;
            if asked_region.is_some_and(|region| region != Some(home)) {
                return Err(AppError::Forbidden);
            }
            Ok(StatisticsScope::Region(home))
        }
        Role::SchoolStaff => named_schools
            .iter()
            .any(|ids| ids.first().is_some_and(|id| viewer.covers_school(*id)))
            .then_some(StatisticsScope::OwnSchool)
            .ok_or(AppError::Forbidden),
        _ => Err(AppError::Forbidden),
    }
}
