//! One error type for the whole service, and the single place where it becomes a GraphQL error.
//!
//! Internal errors (database, I/O) are logged in full under the request id and reach the
//! client only as `INTERNAL` with that id: no SQL or database text ever leaves the process.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

/// The `extensions.code` of every GraphQL error (DESIGN.md, "Errors"), and the first word of
/// the text errors of the CSV export and the calendar feed. Codes are compared as this enum,
/// never as strings; [`ErrorCode::as_str`] is the one spelling on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    QueryTooComplex,
    RateLimited,
    Unavailable,
    PersistedDocumentNotFound,
    Internal,
}

impl ErrorCode {
    /// Every code, for lookups by wire name.
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::BadUserInput,
        ErrorCode::Conflict,
        ErrorCode::QueryTooComplex,
        ErrorCode::RateLimited,
        ErrorCode::Unavailable,
        ErrorCode::PersistedDocumentNotFound,
        ErrorCode::Internal,
    ];

    /// The code as clients see it in `extensions.code`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::QueryTooComplex => "QUERY_TOO_COMPLEX",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::PersistedDocumentNotFound => "PERSISTED_DOCUMENT_NOT_FOUND",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// The code of a wire name, if it is one.
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == name)
    }

    /// The code of an error's `extensions.code`, if it has one of ours.
    pub fn of(extensions: Option<&async_graphql::ErrorExtensionValues>) -> Option<Self> {
        match extensions?.get("code")? {
            async_graphql::Value::String(name) => Self::from_wire(name),
            _ => None,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every way a request can fail, each with its `extensions.code` from DESIGN.md.
///
/// It deliberately does not implement `Display`: async-graphql turns any `Display` type into
/// an error without a code, and we want every `?` in a resolver to go through our mapping.
#[derive(Debug, Clone)]
pub enum AppError {
    Unauthenticated(String),
    /// Out of scope. Deliberately says nothing about whether the object exists.
    Forbidden,
    NotFound {
        message: String,
        /// The input field that named the missing object, if any.
        field: Option<String>,
    },
    BadInput {
        field: String,
        message: String,
        /// Machine-readable details, such as every bad row of an import.
        details: Option<serde_json::Value>,
    },
    Conflict(String),
    /// A change-feed `since` older than the tombstones kept: start again from `"0"`.
    StaleVersion {
        min_version: i64,
    },
    TooComplex(String),
    RateLimited,
    Database(DbErr),
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A `BAD_USER_INPUT` error about one input field.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadInput {
            field: field.into(),
            message: message.into(),
            details: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::NotFound {
            message: message.into(),
            field: None,
        }
    }

    /// A `NOT_FOUND` error about the object an input field names.
    pub fn not_found_in(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::NotFound {
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict(message.into())
    }

    pub fn internal(message: impl Into<String>) -> Self {
        AppError::Internal(message.into())
    }

    /// The `extensions.code` of DESIGN.md.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound { .. } => ErrorCode::NotFound,
            AppError::BadInput { .. } | AppError::StaleVersion { .. } => ErrorCode::BadUserInput,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::TooComplex(_) => ErrorCode::QueryTooComplex,
            AppError::RateLimited => ErrorCode::RateLimited,
            AppError::Database(err) if is_unique_violation(err) => ErrorCode::Conflict,
            AppError::Database(err) if is_unavailable(err) => ErrorCode::Unavailable,
            AppError::Database(_) | AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The message a client may see; internal details are replaced by the request id.
    pub fn public_message(&self) -> String {
        match self.code() {
            ErrorCode::Internal => internal_message(&crate::request_id::current()),
            ErrorCode::Conflict if matches!(self, AppError::Database(_)) => {
                "this record already exists".to_owned()
            }
            ErrorCode::Unavailable => unavailable_message(),
            _ => self.message(),
        }
    }

    /// The full message, internal details included: for logs and the CLI, never for clients.
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthenticated(m)
            | AppError::Conflict(m)
            | AppError::TooComplex(m)
            | AppError::Internal(m) => m.clone(),
            AppError::Forbidden => "not allowed for this token".to_owned(),
            AppError::NotFound { message, .. } | AppError::BadInput { message, .. } => {
                message.clone()
            }
            AppError::RateLimited => "too many requests; try again later".to_owned(),
            AppError::StaleVersion { min_version } => format!(
                "`since` is older than the deletes kept (from version {min_version} on); \
                 start again from \"0\""
            ),
            AppError::Database(err) => format!("database error: {err}"),
        }
    }
}

/// Seconds a client is told to wait before retrying when the database is busy or unreachable:
/// long enough for a lock to pass or a database restart to finish, short enough for a person.
pub const RETRY_AFTER_SECS: u64 = 5;

/// The message of `UNAVAILABLE`.
pub fn unavailable_message() -> String {
    format!("the database is busy or unreachable; try again in {RETRY_AFTER_SECS} s")
}

/// Whether a database error means "busy or unreachable, try again" rather than a fault: no
/// connection to be had (pool time-out, refused, closed, reset), SQLite's lock still taken after
/// the busy timeout (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended codes), or PostgreSQL
/// shutting down, starting up, out of reach, or refusing a lock, deadlock or serialisation.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    let sqlx_error = match err {
        // No connection to be had, whatever the driver's reason.
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match &**sqlx_error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| unavailable_code(&code)),
        _ => false,
    }
}

/// SQLite's numeric result codes (primary code in the low byte) and PostgreSQL's SQLSTATEs.
fn unavailable_code(code: &str) -> bool {
    if let Ok(sqlite) = code.parse::<i64>() {
        return matches!(sqlite & 0xff, 5 | 6);
    }
    code.starts_with("08")
        || code.starts_with("57P")
        || matches!(code, "55P03" | "40001" | "40P01" | "53300")
}

/// The message of an internal error: nothing but the request id to quote.
pub fn internal_message(request_id: &str) -> String {
    format!("internal error; quote request id {request_id} when reporting it")
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        AppError::Database(err)
    }
}

/// Whether a database error is a unique-key violation (a duplicate natural key).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let code = err.code();
        if code == ErrorCode::Internal {
            tracing::error!(request_id = %crate::request_id::current(), error = %err.message(), "internal error");
        }
        async_graphql::Error::new(err.public_message()).extend_with(|_, ext| {
            ext.set("code", code.as_str());
            match &err {
                AppError::BadInput { field, details, .. } => {
                    ext.set("field", field.as_str());
                    if let Some(details) = details
                        && let Ok(value) = async_graphql::Value::from_json(details.clone())
                    {
                        ext.set("details", value);
                    }
                }
                AppError::NotFound {
                    field: Some(field), ..
                } => ext.set("field", field.as_str()),
                AppError::StaleVersion { min_version } => {
                    ext.set("field", "since");
                    ext.set("minVersion", min_version.to_string());
                }
                _ if code == ErrorCode::Internal => {
                    ext.set("requestId", crate::request_id::current())
                }
                _ if code == ErrorCode::Unavailable => ext.set("retryAfter", RETRY_AFTER_SECS),
                _ => {}
            }
        })
    }
}

impl From<async_graphql::Error> for AppError {
    fn from(err: async_graphql::Error) -> Self {
        AppError::Internal(err.message)
    }
}

/// Why a command of the CLI failed; `main` prints it on stderr and exits non-zero.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("cannot open database: {0}")]
    Open(#[source] DbErr),
    #[error("migration failed: {0}")]
    Migrate(#[source] DbErr),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
    #[error("cannot open {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Bad configuration or arguments (a missing secret, an unknown role, …).
    #[error("{0}")]
    Config(String),
    /// The service refused the work (a bad import file, a failed seed); the message says why.
    #[error("{0}")]
    Refused(String),
}

impl From<String> for CommandError {
    fn from(message: String) -> Self {
        CommandError::Config(message)
    }
}

impl From<AppError> for CommandError {
    fn from(err: AppError) -> Self {
        CommandError::Refused(err.message())
    }
}
