//! The DataLoader keys before the step (DESIGN.md 4b): a pupil's activity enrolments, a
//! person's applications and signals, an application's history, a signal's notes. Pupil data
//! comes [`Sealed`]: the resolvers hand it out only on a record the caller may read, and opening
//! it audits it. A history and notes belong to an application or signal already opened.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{activity_enrolment, application, application_status, signal, signal_note, student};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::Db;
use crate::audit::{PupilData, Sealed};

/// The activity enrolments of a pupil record, oldest first.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct EnrolmentsOfStudent(pub i64);

impl Loader<EnrolmentsOfStudent> for Db {
    type Value = Sealed<Vec<activity_enrolment::Model>>;
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
        Ok(sealed_groups(keys, rows, |r| {
            EnrolmentsOfStudent(r.student_id)
        }))
    }
}

/// Groups `rows` by `key`, with an empty list for every key asked for.
fn grouped<K, V>(keys: &[K], rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>>
where
    K: Clone + Eq + std::hash::Hash,
{
    let mut map: HashMap<K, Vec<V>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

/// [`grouped`] for rows of pupil data.
fn sealed_groups<K, V: PupilData>(
    keys: &[K],
    rows: Vec<V>,
    key: impl Fn(&V) -> K,
) -> HashMap<K, Sealed<Vec<V>>>
where
    K: Clone + Eq + std::hash::Hash,
{
    grouped(keys, rows, key)
        .into_iter()
        .map(|(key, rows)| (key, Sealed::new(rows)))
        .collect()
}

/// Every application of a person (pseudonym), oldest first.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct ApplicationsOfPerson(pub String);

impl Loader<ApplicationsOfPerson> for Db {
    type Value = Sealed<Vec<application::Model>>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[ApplicationsOfPerson],
    ) -> Result<HashMap<ApplicationsOfPerson, Self::Value>, DbErr> {
        let rows = application::Entity::find()
            .filter(application::Column::Pseudonym.is_in(keys.iter().map(|k| k.0.clone())))
            .order_by_asc(application::Column::AppliedOn)
            .order_by_asc(application::Column::Id)
            .all(&self.db)
            .await?;
        Ok(sealed_groups(keys, rows, |r| {
            ApplicationsOfPerson(r.pseudonym.clone())
        }))
    }
}

/// Every status an application has had, oldest first.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct HistoryOfApplication(pub i64);

impl Loader<HistoryOfApplication> for Db {
    type Value = Vec<application_status::Model>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[HistoryOfApplication],
    ) -> Result<HashMap<HistoryOfApplication, Self::Value>, DbErr> {
        let rows = application_status::Entity::find()
            .filter(application_status::Column::ApplicationId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(application_status::Column::Id)
            .all(&self.db)
            .await?;
        Ok(grouped(keys, rows, |r| {
            HistoryOfApplication(r.application_id)
        }))
    }
}

/// Every record of a person (pseudonym), oldest school year first: the last is the person's
/// latest record.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct RecordsOfPerson(pub String);

impl Loader<RecordsOfPerson> for Db {
    type Value = Sealed<Vec<student::Model>>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[RecordsOfPerson],
    ) -> Result<HashMap<RecordsOfPerson, Self::Value>, DbErr> {
        let rows = student::Entity::find()
            .filter(student::Column::Pseudonym.is_in(keys.iter().map(|k| k.0.clone())))
            .order_by_asc(student::Column::Cohort)
            .order_by_asc(student::Column::Id)
            .all(&self.db)
            .await?;
        Ok(sealed_groups(keys, rows, |r| {
            RecordsOfPerson(r.pseudonym.clone())
        }))
    }
}

/// Every signal of a person (pseudonym), oldest first.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct SignalsOfPerson(pub String);

impl Loader<SignalsOfPerson> for Db {
    type Value = Sealed<Vec<signal::Model>>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[SignalsOfPerson],
    ) -> Result<HashMap<SignalsOfPerson, Self::Value>, DbErr> {
        let rows = signal::Entity::find()
            .filter(signal::Column::Pseudonym.is_in(keys.iter().map(|k| k.0.clone())))
            .order_by_asc(signal::Column::Id)
            .all(&self.db)
            .await?;
        Ok(sealed_groups(keys, rows, |r| {
            SignalsOfPerson(r.pseudonym.clone())
        }))
    }
}

/// The notes of a signal, oldest first.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct NotesOfSignal(pub i64);

impl Loader<NotesOfSignal> for Db {
    type Value = Vec<signal_note::Model>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[NotesOfSignal],
    ) -> Result<HashMap<NotesOfSignal, Self::Value>, DbErr> {
        let rows = signal_note::Entity::find()
            .filter(signal_note::Column::SignalId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(signal_note::Column::Id)
            .all(&self.db)
            .await?;
        Ok(grouped(keys, rows, |r| NotesOfSignal(r.signal_id)))
    }
}
