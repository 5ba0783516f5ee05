//! Pupil data on its way to a caller. The service and the loaders hand pupil rows to the GraphQL
//! layer sealed; the only way to the rows is [`Sealed::open`], which notes their reads in the
//! audit trail. So a resolver cannot hand out pupil data without an audit row: forgetting the
//! audit no longer compiles. The GraphQL layer may not query the pupil tables itself (clippy's
//! `disallowed_types`, `api/clippy.toml`).

use std::{collections::HashMap, hash::Hash};

use entity::{activity_enrolment, application, self_evaluation, signal, student, transition};
use sea_orm::{DatabaseConnection, DbErr};

use super::AuditTrail;
use crate::{
    auth::Viewer,
    service::{
        Page, applications::target as application_target, pupils::student_target,
        signals::target as signal_target,
    },
};

/// One read of pupil data: the action and its target (a global id, never anything identifying).
pub type Read = (&'static str, String);

/// Rows of pupil data: the reads that handing them out makes.
pub trait PupilData {
    /// Adds the reads of this value to `reads`.
    fn reads(&self, reads: &mut Vec<Read>);
}

/// Implements [`PupilData`] for a row: one read of `$action` on the target `$target(row)`.
macro_rules! pupil_row {
    ($($model:ty => $action:literal, |$row:ident| $target:expr;)+) => {$(
        impl PupilData for $model {
            fn reads(&self, reads: &mut Vec<Read>) {
                let $row = self;
                reads.push(($action, $target));
            }
        }
    )+};
}

pupil_row! {
    student::Model => "student.read", |row| student_target(row.id);
    transition::Model => "transition.read", |row| student_target(row.student_id);
    self_evaluation::Model => "evaluation.read", |row| student_target(row.student_id);
    activity_enrolment::Model => "activity.enrolment.read", |row| student_target(row.student_id);
    application::Model => "application.read", |row| application_target(row.id);
    signal::Model => "signal.read", |row| signal_target(row.id);
}

impl<T: PupilData> PupilData for Vec<T> {
    fn reads(&self, reads: &mut Vec<Read>) {
        self.iter().for_each(|row| row.reads(reads));
    }
}

impl<T: PupilData> PupilData for Option<T> {
    fn reads(&self, reads: &mut Vec<Read>) {
        if let Some(row) = self {
            row.reads(reads);
        }
    }
}

impl<T: PupilData> PupilData for Page<T> {
    fn reads(&self, reads: &mut Vec<Read>) {
        self.items.reads(reads);
    }
}

impl<K, V: PupilData> PupilData for HashMap<K, V> {
    fn reads(&self, reads: &mut Vec<Read>) {
        self.values().for_each(|row| row.reads(reads));
    }
}

/// Pupil data not yet handed out. Open it with [`Sealed::open`].
#[must_use = "pupil data reaches a caller only through `open`, which audits it"]
#[derive(Clone, Debug)]
pub struct Sealed<T>(T);

impl<T: PupilData> Sealed<T> {
    /// Seals rows read from a pupil table.
    pub fn new(value: T) -> Self {
        Sealed(value)
    }

    /// Notes the reads of the value in the audit trail and hands the value out.
    pub async fn open(self, reads: &Reads<'_>) -> Result<T, DbErr> {
        let mut noted = Vec::new();
        self.0.reads(&mut noted);
        reads.note(noted).await?;
        Ok(self.0)
    }

    /// Looks at the sealed value to decide something (whether a caller may see it, whose it
    /// is), without handing it out. What it returns must not be pupil data.
    pub fn check<R>(&self, look: impl FnOnce(&T) -> R) -> R {
        look(&self.0)
    }

    /// Changes the sealed value (say, keeps the latest record of a list) without opening it.
    pub fn map<U: PupilData>(self, change: impl FnOnce(T) -> U) -> Sealed<U> {
        Sealed(change(self.0))
    }
}

/// Nothing sealed: what a loader gives for a key without rows.
impl<T: PupilData + Default> Default for Sealed<T> {
    fn default() -> Self {
        Sealed(T::default())
    }
}

/// Sealed values by key (a loader's answer) as one sealed map.
impl<K: Eq + Hash, V: PupilData> FromIterator<(K, Sealed<V>)> for Sealed<HashMap<K, V>> {
    fn from_iter<I: IntoIterator<Item = (K, Sealed<V>)>>(sealed: I) -> Self {
        Sealed(
            sealed
                .into_iter()
                .map(|(key, value)| (key, value.0))
                .collect(),
        )
    }
}

impl<T: PupilData> Sealed<Vec<T>> {
    /// Keeps the rows the caller may see; only those are audited when opened.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep);
    }
}

/// Where the reads of one caller are noted: the request's trail (written once the request
/// ends), or at once on a websocket, which has no request end.
pub enum Reads<'a> {
    Trail(&'a AuditTrail),
    AtOnce {
        db: &'a DatabaseConnection,
        viewer: &'a Viewer,
    },
}

impl Reads<'_> {
    /// Notes `reads`; at once they go where a trail goes (on SQLite the audit journal, so that
    /// a running import never holds them up).
    pub async fn note(&self, reads: Vec<Read>) -> Result<(), DbErr> {
        match self {
            Reads::Trail(trail) => reads.into_iter().for_each(|(a, t)| trail.read(a, t)),
            Reads::AtOnce { db, viewer } if !reads.is_empty() => {
                let trail = AuditTrail::new(viewer, crate::request_id::current());
                reads.into_iter().for_each(|(a, t)| trail.read(a, t));
                trail.flush(db).await?;
            }
            Reads::AtOnce { .. } => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    /// Columns that make a table's rows pupil data.
    const PUPIL_COLUMNS: [&str; 5] = [
        "pub pseudonym:",
        "pub student_id:",
        "pub application_id:",
        "pub signal_id:",
        "pub evaluation_id:",
    ];

    /// A new pupil table must be closed to the GraphQL layer too: every entity with a pupil
    /// column is a disallowed type in `api/clippy.toml`, so that a resolver querying it does
    /// not pass CI.
    #[test]
    fn every_pupil_table_is_closed_to_the_graphql_layer() {
        let api = Path::new(env!("CARGO_MANIFEST_DIR"));
        let clippy = fs::read_to_string(api.join("clippy.toml")).unwrap();
        let entities = api.join("../entity/src");
        let mut pupil_tables = Vec::new();
        for file in fs::read_dir(&entities).unwrap() {
            let path = file.unwrap().path();
            let text = fs::read_to_string(&path).unwrap();
            if PUPIL_COLUMNS.iter().any(|column| text.contains(column)) {
                let table = path.file_stem().unwrap().to_string_lossy().into_owned();
                let rule = format!("\"entity::{table}::Entity\"");
                assert!(
                    clippy.contains(&rule),
                    "{table} holds pupil data: add {rule} to api/clippy.toml"
                );
                pupil_tables.push(table);
            }
        }
        assert!(pupil_tables.len() >= 14, "{pupil_tables:?}");
    }
}
