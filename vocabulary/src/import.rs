//! The CSV formats an import reads, and where an import run stands. The texts name them in
//! commands, `import_run` and the audit log.

use crate::documented;

documented! {
    /// The CSV formats of DESIGN.md section 4.
    pub enum ImportKind {
        /// `vo-leavers`: pupils leaving a vmbo school.
        VoLeavers => "vo-leavers",
        /// `mbo-enrolments`: enrolments at an mbo school.
        MboEnrolments => "mbo-enrolments",
        /// `vo-pupils`: the roster of vmbo pupils in years 3 and 4.
        VoPupils => "vo-pupils",
        /// `mbo-applications`: applications to an mbo school.
        MboApplications => "mbo-applications",
    }

    /// How far an import run got.
    pub enum RunStatus {
        /// The file has arrived; the run waits for the import before it (imports never interleave).
        Queued => "queued",
        /// Reading, checking and writing.
        Running => "running",
        /// Committed: the counts say what it did.
        Done => "done",
        /// The file had bad rows and nothing was written: see `errors`.
        Refused => "refused",
        /// An internal error, or the process running it stopped; nothing was written.
        Failed => "failed",
    }
}
