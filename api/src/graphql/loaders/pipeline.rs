//! The DataLoader keys before the step (DESIGN.md 4b): a pupil's activity enrolments, a
//! person's applications and signals, an application's history, a signal's notes. Pupil data:
//! the resolvers hand these out only on a record the caller may read, and audit them.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::activity_enrolment;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::Db;

/// The activity enrolments of a pupil record, oldest first.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct EnrolmentsOfStudent(pub i64);

impl Loader<EnrolmentsOfStudent> for Db {
    type Value = Vec<activity_enrolment::Model>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[EnrolmentsOfStudent],
    ) -> Result<HashMap<EnrolmentsOfStudent, Self::Value>, DbErr> {
        let rows = activity_enrolment::Entity::find()
            .filter(activity_enrolment::Column::StudentId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(activity_enrolment::Column::Id)
            .all(&self.db)
            .await?;
        let mut map: HashMap<_, Vec<_>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            map.entry(EnrolmentsOfStudent(row.student_id))
                .or_default()
                .push(row);
        }
        Ok(map)
    }
}
