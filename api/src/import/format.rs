//! What an import kind is, to the framework: its header, how one row is checked, where checked
//! rows go, and what has to be recomputed after they are written.
//!
//! A new kind is one file with a type implementing [`ImportFormat`] and one arm in
//! [`super::ImportKind::format`]; the framework does the rest the same way for every kind:
//! streaming, staging, duplicates, the takeover rule, counts from the writes, serialisation,
//! the run record and the audit row.

use async_trait::async_trait;
use sea_orm::{DatabaseTransaction, DbErr, Value};

use super::{
    ImportKind, RowError,
    check::Lookups,
    write::{self, Written},
};

/// One staging column: its name (also the target table's column) and SQL type, portable between
/// SQLite and PostgreSQL.
#[derive(Copy, Clone, Debug)]
pub struct Column {
    pub name: &'static str,
    pub sql_type: &'static str,
}

/// Shorthand for a [`Column`].
pub const fn column(name: &'static str, sql_type: &'static str) -> Column {
    Column { name, sql_type }
}

/// Where the checked rows of a kind go, described once; the SQL of staging and writing follows.
#[derive(Debug)]
pub struct Target {
    /// The table the records live in.
    pub table: &'static str,
    /// The staging table of this kind (a fresh one per import).
    pub stage: &'static str,
    /// The staged values of a row, in the order [`ImportFormat::check`] returns them. Every one
    /// is also a column of `table`; `line` is added by the framework.
    pub columns: &'static [Column],
    /// The columns that identify a record: a row whose identity exists updates that record.
    pub identity: &'static [&'static str],
    /// The columns whose change makes a row "updated" (the others follow from them).
    pub compared: &'static [&'static str],
    /// The column naming the school a record belongs to. A row may never give a record to
    /// another school (DESIGN.md section 4): such a row is an error. `None` when the school is
    /// part of the identity, so that a row can never move a record.
    pub owner: Option<&'static str>,
    /// How a duplicate identity is reported: the column, and what "the same" means.
    pub duplicate: (&'static str, &'static str),
}

impl Target {
    /// The staged columns that are not part of the identity: what an update sets.
    pub fn updated_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns
            .iter()
            .map(|c| c.name)
            .filter(|name| !self.identity.contains(name))
    }
}

/// One checked row: its staging values and a 64-bit fingerprint of its identity, with which
/// duplicates within a file are found while reading.
pub struct Staged {
    pub values: Vec<Value>,
    pub identity: u64,
}

/// What the work after the write found: transitions changed and the (cohort, region id) pairs
/// whose summary rows must be refreshed.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    pub transitions_changed: u64,
    pub cohort_regions: Vec<(i32, i64)>,
}

impl Derived {
    /// The cohorts of [`Derived::cohort_regions`], each once, in order.
    pub fn cohorts(&self) -> Vec<i32> {
        let mut cohorts: Vec<i32> = self.cohort_regions.iter().map(|(c, _)| *c).collect();
        cohorts.sort_unstable();
        cohorts.dedup();
        cohorts
    }
}

/// One import kind. Implementations are unit structs; the framework calls them.
#[async_trait]
pub trait ImportFormat: Send + Sync {
    /// Which kind this is.
    fn kind(&self) -> ImportKind;

    /// The header, in DESIGN.md order (columns may come in any order in a file).
    fn header(&self) -> &'static [&'static str];

    /// Where checked rows go.
    fn target(&self) -> &'static Target;

    /// Checks one row (fields in [`Self::header`] order). Errors never repeat a cell's value.
    fn check(&self, line: u64, fields: &[&str], lookups: &Lookups)
    -> Result<Staged, Vec<RowError>>;

    /// Writes the staged rows (the staging table is complete and checked). Default: the
    /// [`Target`]'s upsert; a kind with more to do (history rows, say) wraps or replaces it.
    async fn write(&self, txn: &DatabaseTransaction, run: i64) -> Result<Written, DbErr> {
        write::upsert(txn, self.target(), run).await
    }

    /// Recomputes what depends on the records this run wrote (they carry `import_run = run`;
    /// their persons are listed in `import_persons`).
    async fn after_write(&self, txn: &DatabaseTransaction, run: i64) -> Result<Derived, DbErr> {
        let _ = (txn, run);
        Ok(Derived::default())
    }
}

/// A 64-bit hash of a record's identity, the same for the same identity throughout an import.
pub fn fingerprint(identity: &impl std::hash::Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(identity)
}
