//! The request's DataLoaders: every nested relation loads through here, so a query costs a
//! number of SQL statements that depends on its depth, never on the number of rows.
//!
//! One [`Db`] loader implements `Loader<K>` for many key types; each key type is one kind of
//! relation. A new set is built per request (see `http.rs`), so no cache is shared between
//! callers, and scoping by the caller stays in the resolvers that hand out the keys.

mod activity;
mod pages;
mod pipeline;
mod scheduling;

pub use activity::{
    ActivityById, CalendarOfSchool, EnrolmentsOfActivity, SchoolsOfActivity, StudentsOfCoach,
};
pub use pages::{LeerlabsOfRegion, ProgrammesOfSchool, SchoolsOfRegion};
pub use pipeline::{
    ApplicationsOfPerson, EnrolmentsOfStudent, HistoryOfApplication, NotesOfSignal,
    RecordsOfPerson, SignalsOfPerson,
};
pub use scheduling::FetchQueue;

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{
    coach_assignment, leerlab, leerlab_member, leerlab_partner, leerlab_target_programme, person,
    programme, region, school, self_evaluation, student,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::audit::Sealed;

/// The loader behind every relation of one request.
pub struct Db {
    pub db: DatabaseConnection,
    /// The service's today for this request (current coach assignments and the like).
    pub today: chrono::NaiveDate,
}

/// Declares a key type that loads rows of `$module` by primary key, each wrapped in `$wrap`
/// (pupil data comes [`Sealed`]).
macro_rules! by_id {
    ($key:ident, $module:ident) => {
        by_id!($key, $module, $module::Model, |row| row);
    };
    ($key:ident, $module:ident, $value:ty, $wrap:expr) => {
        #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
        pub struct $key(pub i64);

        impl Loader<$key> for Db {
            type Value = $value;
            type Error = DbErr;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, DbErr> {
                let rows = $module::Entity::find()
                    .filter($module::Column::Id.is_in(keys.iter().map(|k| k.0)))
                    .all(&self.db)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|row| ($key(row.id), $wrap(row)))
                    .collect())
            }
        }
    };
}

/// A foreign-key value as a loader key; optional keys are always set in rows found by them.
trait ParentKey {
    fn key(self) -> i64;
}

impl ParentKey for i64 {
    fn key(self) -> i64 {
        self
    }
}

impl ParentKey for Option<i64> {
    fn key(self) -> i64 {
        self.unwrap_or_default()
    }
}

/// Declares a key type that loads all rows of `$module` whose `$field` is the key, by id,
/// the list wrapped in `$wrap` (pupil data comes [`Sealed`]).
macro_rules! children {
    ($key:ident, $module:ident, $column:ident, $field:ident) => {
        children!(
            $key,
            $module,
            $column,
            $field,
            Vec<$module::Model>,
            |rows| rows
        );
    };
    ($key:ident, $module:ident, $column:ident, $field:ident, $value:ty, $wrap:expr) => {
        #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
        pub struct $key(pub i64);

        impl Loader<$key> for Db {
            type Value = $value;
            type Error = DbErr;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, DbErr> {
                let rows = $module::Entity::find()
                    .filter($module::Column::$column.is_in(keys.iter().map(|k| k.0)))
                    .order_by_asc($module::Column::Id)
                    .all(&self.db)
                    .await?;
                let mut map: HashMap<$key, Vec<$module::Model>> =
                    keys.iter().map(|k| (*k, Vec::new())).collect();
                for row in rows {
                    map.entry($key(ParentKey::key(row.$field)))
                        .or_default()
                        .push(row);
                }
                Ok(map
                    .into_iter()
                    .map(|(key, rows)| (key, $wrap(rows)))
                    .collect())
            }
        }
    };
}

by_id!(RegionById, region);
by_id!(SchoolById, school);
by_id!(ProgrammeById, programme);
by_id!(PersonById, person);
by_id!(LeerlabById, leerlab);
by_id!(StudentById, student, Sealed<student::Model>, Sealed::new);

children!(PartnersOfLeerlab, leerlab_partner, LeerlabId, leerlab_id);
children!(MembersOfLeerlab, leerlab_member, LeerlabId, leerlab_id);
children!(
    TargetsOfLeerlab,
    leerlab_target_programme,
    LeerlabId,
    leerlab_id
);
children!(CollegesOfSchool, school, ParentId, parent_id);
children!(
    CoachAssignmentsOfStudent,
    coach_assignment,
    StudentId,
    student_id
);
children!(
    EvaluationsOfStudent,
    self_evaluation,
    StudentId,
    student_id,
    Sealed<Vec<self_evaluation::Model>>,
    Sealed::new
);

/// The transition of a pupil (keyed by student id; absent when the pupil has none).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct TransitionOfStudent(pub i64);

impl Loader<TransitionOfStudent> for Db {
    type Value = Sealed<entity::transition::Model>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[TransitionOfStudent],
    ) -> Result<HashMap<TransitionOfStudent, Self::Value>, DbErr> {
        let rows = entity::transition::Entity::find()
            .filter(entity::transition::Column::StudentId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (TransitionOfStudent(row.student_id), Sealed::new(row)))
            .collect())
    }
}
