//! The request's DataLoaders: every nested relation loads through here, so a query costs a
//! number of SQL statements that depends on its depth, never on the number of rows.
//!
//! One [`Db`] loader implements `Loader<K>` for many key types; each key type is one kind of
//! relation. A new set is built per request (see `http.rs`), so no cache is shared between
//! callers, and scoping by the caller stays in the resolvers that hand out the keys.

mod activity;

pub use activity::{
    ActivityById, CalendarOfSchool, EnrolmentsOfActivity, SchoolsOfActivity, StudentsOfCoach,
};

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{
    coach_assignment, leerlab, leerlab_member, leerlab_partner, leerlab_target_programme, person,
    programme, region, school, self_evaluation,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
};

use crate::{
    db::{placeholders, statement},
    service::{Page, PageArgs},
};

/// The loader behind every relation of one request.
pub struct Db {
    pub db: DatabaseConnection,
    /// The service's today for this request (current coach assignments and the like).
    pub today: chrono::NaiveDate,
}

/// Declares a key type that loads rows of `$module` by primary key.
macro_rules! by_id {
    ($key:ident, $module:ident) => {
        #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
        pub struct $key(pub i64);

        impl Loader<$key> for Db {
            type Value = $module::Model;
            type Error = DbErr;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, DbErr> {
                let rows = $module::Entity::find()
                    .filter($module::Column::Id.is_in(keys.iter().map(|k| k.0)))
                    .all(&self.db)
                    .await?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
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

/// Declares a key type that loads all rows of `$module` whose `$field` is the key, by id.
macro_rules! children {
    ($key:ident, $module:ident, $column:ident, $field:ident) => {
        #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
        pub struct $key(pub i64);

        impl Loader<$key> for Db {
            type Value = Vec<$module::Model>;
            type Error = DbErr;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, DbErr> {
                let rows = $module::Entity::find()
                    .filter($module::Column::$column.is_in(keys.iter().map(|k| k.0)))
                    .order_by_asc($module::Column::Id)
                    .all(&self.db)
                    .await?;
                let mut map: HashMap<$key, Self::Value> =
                    keys.iter().map(|k| (*k, Vec::new())).collect();
                for row in rows {
                    map.entry($key(ParentKey::key(row.$field)))
                        .or_default()
                        .push(row);
                }
                Ok(map)
            }
        }
    };
}

/// Declares a key type that loads one page of `$module` rows per parent (`$column`).
macro_rules! child_pages {
    ($key:ident, $module:ident, $table:literal, $column:literal) => {
        #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
        pub struct $key(pub i64, pub PageArgs);

        impl Loader<$key> for Db {
            type Value = Page<$module::Model>;
            type Error = DbErr;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, DbErr> {
                let pairs: Vec<(i64, PageArgs)> = keys.iter().map(|k| (k.0, k.1)).collect();
                let pages =
                    load_child_pages::<$module::Entity>(&self.db, $table, $column, &pairs).await?;
                Ok(pages
                    .into_iter()
                    .map(|((id, args), page)| ($key(id, args), page))
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
children!(EvaluationsOfStudent, self_evaluation, StudentId, student_id);

/// The transition of a pupil (keyed by student id; absent when the pupil has none).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct TransitionOfStudent(pub i64);

impl Loader<TransitionOfStudent> for Db {
    type Value = entity::transition::Model;
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
            .map(|row| (TransitionOfStudent(row.student_id), row))
            .collect())
    }
}

child_pages!(SchoolsOfRegion, school, "school", "region_id");
child_pages!(LeerlabsOfRegion, leerlab, "leerlab", "region_id");
child_pages!(ProgrammesOfSchool, programme, "programme", "school_id");

/// Loads a page of children for many parents: one windowed query and one count per
/// distinct page size, whatever the number of parents.
async fn load_child_pages<E>(
    db: &DatabaseConnection,
    table: &str,
    parent_column: &str,
    keys: &[(i64, PageArgs)],
) -> Result<HashMap<(i64, PageArgs), Page<E::Model>>, DbErr>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    use sea_orm::ConnectionTrait;
    let backend = db.get_database_backend();
    let mut by_args: HashMap<PageArgs, Vec<i64>> = HashMap::new();
    for (parent, args) in keys {
        by_args.entry(*args).or_default().push(*parent);
    }
    let mut pages = HashMap::new();
    for (args, parents) in by_args {
        let mut values: Vec<sea_orm::Value> = parents.iter().map(|&p| p.into()).collect();
        let after = match args.after {
            Some(after) => {
                values.push(after.into());
                "AND t.id > ?"
            }
            None => "",
        };
        values.push(((args.first + 1) as i64).into());
        let sql = format!(
            "SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.{parent_column} ORDER BY t.id) AS page_row \
             FROM {table} t WHERE t.{parent_column} IN ({}) {after}) ranked WHERE page_row <= ? ORDER BY id",
            placeholders(parents.len())
        );
        let rows = db.query_all_raw(statement(backend, &sql, values)).await?;
        let count_sql = format!(
            "SELECT {parent_column} AS parent, COUNT(*) AS n FROM {table} WHERE {parent_column} IN ({}) GROUP BY {parent_column}",
            placeholders(parents.len())
        );
        let counts = db
            .query_all_raw(statement(
                backend,
                &count_sql,
                parents.iter().map(|&p| p.into()).collect(),
            ))
            .await?;
        let mut items: HashMap<i64, Vec<E::Model>> = HashMap::new();
        for row in rows {
            let parent: i64 = row.try_get("", parent_column)?;
            items
                .entry(parent)
                .or_default()
                .push(E::Model::from_query_result(&row, "")?);
        }
        let mut totals: HashMap<i64, i64> = HashMap::new();
        for row in counts {
            totals.insert(row.try_get("", "parent")?, row.try_get("", "n")?);
        }
        for parent in parents {
            let fetched = items.remove(&parent).unwrap_or_default();
            let total = totals.get(&parent).copied().unwrap_or(0);
            pages.insert(
                (parent, args),
                Page::from_fetch(fetched, args.first, Some(total)),
            );
        }
    }
    Ok(pages)
}
