//! The inputs of the imports and of `importRuns`.

use async_graphql::{InputObject, Upload};

use crate::{
    import::{ImportKind, runs::RunStatus},
    service::import_runs::ImportRunFilter,
};

/// Input of the imports: one CSV file (GraphQL multipart request).
#[derive(InputObject)]
pub struct ImportInput {
    /// The CSV file, UTF-8 with a header row, in the format of DESIGN.md section 4.
    pub file: Upload,
}

/// Input of `startImport`: the format and the file.
#[derive(InputObject)]
pub struct StartImportInput {
    /// Which format the file is in.
    pub kind: ImportKind,
    /// The CSV file, UTF-8 with a header row, in the format of DESIGN.md section 4.
    pub file: Upload,
}

/// Filters of `importRuns`; all given filters must match.
#[derive(InputObject, Default)]
pub struct ImportRunFilterInput {
    /// Only runs of this format.
    pub kind: Option<ImportKind>,
    /// Only runs in this status.
    pub status: Option<RunStatus>,
    /// Only runs uploaded by this school's staff.
    pub school_brin: Option<String>,
}

impl ImportRunFilterInput {
    /// The service's filter; the school is resolved by the caller.
    pub fn into_filter(self, school_id: Option<i64>) -> ImportRunFilter {
        ImportRunFilter {
            kind: self.kind,
            status: self.status,
            school_id,
        }
    }
}
