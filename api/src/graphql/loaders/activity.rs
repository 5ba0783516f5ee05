//! The DataLoader keys of activities and calendars (see [`loaders`](super)): every
//! relation of an activity, and every school's calendar, loads in one batch per request level.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{
    activity, activity_enrolment, activity_school, coach_assignment, school_calendar_holiday,
    school_calendar_period, student,
};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::Db;
use crate::{
    audit::Sealed,
    service::{activity::EnrolmentRow, planning::Calendar},
};

/// An activity by row id.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct ActivityById(pub i64);

impl Loader<ActivityById> for Db {
    type Value = activity::Model;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[ActivityById],
    ) -> Result<HashMap<ActivityById, Self::Value>, DbErr> {
        let rows = activity::Entity::find()
            .filter(activity::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (ActivityById(row.id), row))
            .collect())
    }
}

/// The participating schools' ids of an activity, host included, in the order they were given.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct SchoolsOfActivity(pub i64);

impl Loader<SchoolsOfActivity> for Db {
    type Value = Vec<i64>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[SchoolsOfActivity],
    ) -> Result<HashMap<SchoolsOfActivity, Self::Value>, DbErr> {
        let rows = activity_school::Entity::find()
            .filter(activity_school::Column::ActivityId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(activity_school::Column::Id)
            .all(&self.db)
            .await?;
        let mut map: HashMap<_, Vec<i64>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            map.entry(SchoolsOfActivity(row.activity_id))
                .or_default()
                .push(row.school_id);
        }
        Ok(map)
    }
}

/// The enrolments of an activity. Pupil data: resolvers keep those the caller may see, and
/// opening them audits them.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct EnrolmentsOfActivity(pub i64);

impl Loader<EnrolmentsOfActivity> for Db {
    type Value = Sealed<Vec<EnrolmentRow>>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[EnrolmentsOfActivity],
    ) -> Result<HashMap<EnrolmentsOfActivity, Self::Value>, DbErr> {
        let rows = activity_enrolment::Entity::find()
            .filter(activity_enrolment::Column::ActivityId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(activity_enrolment::Column::Id)
            .all(&self.db)
            .await?;
        let schools: HashMap<i64, i64> = student::Entity::find()
            .select_only()
            .column(student::Column::Id)
            .column(student::Column::SchoolId)
            .filter(student::Column::Id.is_in(rows.iter().map(|r| r.student_id)))
            .into_tuple::<(i64, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let mut map: HashMap<_, Vec<EnrolmentRow>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for enrolment in rows {
            let student_school_id = schools.get(&enrolment.student_id).copied().unwrap_or(0);
            map.entry(EnrolmentsOfActivity(enrolment.activity_id))
                .or_default()
                .push(EnrolmentRow {
                    enrolment,
                    student_school_id,
                });
        }
        Ok(map
            .into_iter()
            .map(|(key, rows)| (key, Sealed::new(rows)))
            .collect())
    }
}

/// The students a coach (person id) is assigned to now.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct StudentsOfCoach(pub i64);

impl Loader<StudentsOfCoach> for Db {
    type Value = Vec<i64>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[StudentsOfCoach],
    ) -> Result<HashMap<StudentsOfCoach, Self::Value>, DbErr> {
        let today = self.today;
        let rows = coach_assignment::Entity::find()
            .filter(coach_assignment::Column::PersonId.is_in(keys.iter().map(|k| k.0)))
            // Assigned from a later day: not their pupil yet.
            .filter(coach_assignment::Column::StartsOn.lte(today))
            .filter(
                Condition::any()
                    .add(coach_assignment::Column::EndsOn.is_null())
                    .add(coach_assignment::Column::EndsOn.gte(today)),
            )
            .all(&self.db)
            .await?;
        let mut map: HashMap<_, Vec<i64>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            map.entry(StudentsOfCoach(row.person_id))
                .or_default()
                .push(row.student_id);
        }
        Ok(map)
    }
}

/// A school's calendar over every school year that is set.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct CalendarOfSchool(pub i64);

impl Loader<CalendarOfSchool> for Db {
    type Value = Calendar;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[CalendarOfSchool],
    ) -> Result<HashMap<CalendarOfSchool, Self::Value>, DbErr> {
        let ids = || keys.iter().map(|k| k.0);
        let periods = school_calendar_period::Entity::find()
            .filter(school_calendar_period::Column::SchoolId.is_in(ids()))
            .order_by_asc(school_calendar_period::Column::StartsOn)
            .all(&self.db)
            .await?;
        let holidays = school_calendar_holiday::Entity::find()
            .filter(school_calendar_holiday::Column::SchoolId.is_in(ids()))
            .order_by_asc(school_calendar_holiday::Column::StartsOn)
            .all(&self.db)
            .await?;
        let mut map: HashMap<_, Calendar> =
            keys.iter().map(|k| (*k, Calendar::default())).collect();
        for period in periods {
            map.entry(CalendarOfSchool(period.school_id))
                .or_default()
                .periods
                .push(period);
        }
        for holiday in holidays {
            map.entry(CalendarOfSchool(holiday.school_id))
                .or_default()
                .holidays
                .push(holiday);
        }
        Ok(map)
    }
}
