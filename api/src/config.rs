//! The command line and its environment variables, read once at start-up and passed down.
//! A flag beats its variable (clap's `env`), and nothing below reads the environment again.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::clock::Clock;

/// Leerroute: the GraphQL service through which vmbo schools, mbo institutions and their
/// regional coordinators work together.
#[derive(Parser, Debug)]
#[command(name = "leerroute", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at start-up: the size of `serve`'s settings does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database, then serve GraphQL over HTTP.
    Serve(ServeArgs),
    /// Bring the database schema up to date (or roll back with --down).
    Migrate(MigrateArgs),
    /// Load the demo regions (Amsterdam, Harderwijk); safe to run twice.
    Seed(SeedArgs),
    /// Import a CSV file of vmbo leavers or mbo enrolments (DESIGN.md section 4).
    Import {
        #[command(subcommand)]
        kind: ImportCommand,
    },
    /// Recompute every transition and the summary tables from the pupil records (repairs a
    /// database written by concurrent imports before they were serialised).
    Rebuild(RebuildArgs),
    /// Copy a SQLite database to FILE while the service runs (an online, consistent backup).
    Backup(BackupArgs),
    /// Evaluate the signal rules (DESIGN.md 4b) for today (`serve` also does so at start and
    /// daily at 00:05 Europe/Amsterdam).
    Signals {
        #[command(subcommand)]
        action: SignalsCommand,
    },
    /// Delete pupil data past its retention term and audit events past theirs (DESIGN.md 4b);
    /// `serve` also does so at start and daily at 00:05 Europe/Amsterdam.
    Purge(PurgeArgs),
    /// Mint a token for development or for an integration script's service account.
    Token(TokenArgs),
    /// Register, list or remove trusted documents (`{"documentId": "sha256:<hex>"}`).
    Documents {
        #[command(subcommand)]
        action: DocumentsCommand,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Subcommand, Debug)]
pub enum DocumentsCommand {
    /// Register each FILE (a GraphQL document that parses and validates against the schema);
    /// prints `sha256:<hex> FILE` for each.
    Add(DocumentsAddArgs),
    /// Print every registered document: its id, operation names and when it was added.
    List(DocumentsArgs),
    /// Remove the document with this id (`sha256:<hex>`).
    Remove(DocumentsRemoveArgs),
}

#[derive(Args, Debug)]
pub struct DocumentsAddArgs {
    /// The files, each one GraphQL document.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub database: DatabaseUrlArgs,
}

#[derive(Args, Debug)]
pub struct DocumentsArgs {
    #[command(flatten)]
    pub database: DatabaseUrlArgs,
}

#[derive(Args, Debug)]
pub struct DocumentsRemoveArgs {
    /// The document's id, `sha256:<hex>`.
    pub id: String,
    #[command(flatten)]
    pub database: DatabaseUrlArgs,
}

/// Only the database, for commands that touch no pupil data and no secret.
#[derive(Args, Debug, Clone)]
pub struct DatabaseUrlArgs {
    /// Database URL: `postgres://…`, `sqlite://file.db`, or a bare path to a SQLite file.
    #[arg(long, env = "LEERROUTE_DATABASE_URL", default_value = "leerroute.db")]
    pub database_url: String,
}

/// Which documents run (DESIGN.md section 3, HTTP, "Trusted documents").
#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TrustMode {
    /// Registered documents (`documentId`) and documents sent in `query` both run.
    #[default]
    Allow,
    /// Only registered documents run (and, for admin, audited ad-hoc ones).
    Require,
    /// No registered documents: a `documentId` is refused.
    Off,
}

/// Where the data lives and the secrets that belong to it.
#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Database URL: `postgres://…`, `sqlite://file.db`, or a bare path to a SQLite file.
    #[arg(long, env = "LEERROUTE_DATABASE_URL", default_value = "leerroute.db")]
    pub database_url: String,
    /// HS256 secret for our own tokens. Generated beside a SQLite file when unset.
    #[arg(long, env = "LEERROUTE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Key that pseudonymises PGNs. Generated beside a SQLite file when unset; never change it.
    #[arg(long, env = "LEERROUTE_LINK_SECRET", hide_env_values = true)]
    pub link_secret: Option<String>,
}

/// How tokens from identity providers are verified and mapped to roles.
#[derive(Args, Debug, Clone, Default)]
pub struct AuthArgs {
    /// PEM public key for RS256 tokens from an identity provider.
    #[arg(long, env = "LEERROUTE_JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<PathBuf>,
    /// JWKS file with the identity provider's RS256 keys (chosen by `kid`).
    #[arg(long, env = "LEERROUTE_JWT_JWKS")]
    pub jwt_jwks: Option<PathBuf>,
    /// Required `iss` of tokens, when set.
    #[arg(long, env = "LEERROUTE_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` of tokens, when set.
    #[arg(long, env = "LEERROUTE_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Claims that may carry the school's BRIN, tried in order.
    #[arg(
        long,
        env = "LEERROUTE_JWT_SCHOOL_CLAIMS",
        default_value = "school,nlEduPersonHomeOrganizationId",
        value_delimiter = ','
    )]
    pub jwt_school_claims: Vec<String>,
    /// Claim with the person's affiliations (used when a token has no `role`).
    #[arg(
        long,
        env = "LEERROUTE_JWT_AFFILIATION_CLAIM",
        default_value = "eduPersonAffiliation"
    )]
    pub jwt_affiliation_claim: String,
    /// Affiliation to role mapping, `affiliation=role` pairs; the most privileged match wins.
    #[arg(
        long,
        env = "LEERROUTE_JWT_AFFILIATION_ROLES",
        default_value = "student=student,employee=school_staff,staff=school_staff,faculty=school_staff",
        value_delimiter = ','
    )]
    pub jwt_affiliation_roles: Vec<String>,
}

/// The service's "today" (see [`crate::clock`]).
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct ClockArgs {
    /// The date that signal rules, retention, status dates and the demo use (`YYYY-MM-DD`);
    /// default: today in Europe/Amsterdam.
    #[arg(long, env = "LEERROUTE_TODAY")]
    pub today: Option<chrono::NaiveDate>,
}

impl ClockArgs {
    pub fn clock(&self) -> Clock {
        Clock::from_setting(self.today)
    }
}

/// The default of `LEERROUTE_RATE_LIMIT`: cost points per caller and minute. A dashboard page
/// view asks for a few statistics (a few thousand points); a portal would need some twenty page
/// views a minute per user to reach it.
pub const DEFAULT_RATE_LIMIT: u64 = 100_000;

/// Limits and switches of the HTTP service.
#[derive(Args, Debug, Clone)]
pub struct ServiceArgs {
    /// Smallest count published in statistics; smaller counts are hidden.
    #[arg(long, env = "LEERROUTE_MIN_CELL", default_value_t = 5)]
    pub min_cell: i64,
    /// Serve introspection and GraphiQL. Switch off in production if the schema is private.
    #[arg(long, env = "LEERROUTE_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,
    /// Deepest query accepted.
    #[arg(long, env = "LEERROUTE_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,
    /// Highest query complexity accepted (a list counts `first` times its fields).
    #[arg(long, env = "LEERROUTE_MAX_COMPLEXITY", default_value_t = 50_000)]
    pub max_complexity: usize,
    /// Most operations in one batched request.
    #[arg(long, env = "LEERROUTE_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Cost points per caller (token issuer and subject, or client address) per 60-second
    /// window; 0 = no limit.
    #[arg(long, env = "LEERROUTE_RATE_LIMIT", default_value_t = DEFAULT_RATE_LIMIT)]
    pub rate_limit: u64,
    /// Proxies (IPs and CIDRs, comma-separated) whose `X-Forwarded-For` names the client.
    #[arg(long, env = "LEERROUTE_TRUSTED_PROXIES", value_delimiter = ',', value_parser = crate::net::parse_net)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Client addresses (CIDRs, comma-separated) that may read `GET /metrics` without a token;
    /// anyone else needs an admin token.
    #[arg(long, env = "LEERROUTE_METRICS_ALLOW", value_delimiter = ',', value_parser = crate::net::parse_net, default_value = "127.0.0.0/8")]
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// Largest uploaded file (a multipart request), in megabytes.
    #[arg(long, env = "LEERROUTE_MAX_UPLOAD_MB", default_value_t = 512)]
    pub max_upload_mb: usize,
    /// Largest JSON request body (and the `operations` and `map` parts of an upload), in KiB.
    #[arg(long, env = "LEERROUTE_MAX_BODY_KB", default_value_t = 1024)]
    pub max_body_kb: usize,
    /// Most aliases in one document (fragments counted as often as they are spread).
    #[arg(long, env = "LEERROUTE_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// Which documents run: `allow`, `require` (only registered ones) or `off`.
    #[arg(long, env = "LEERROUTE_TRUSTED_DOCUMENTS", value_enum, default_value_t = TrustMode::Allow)]
    pub trusted_documents: TrustMode,
    /// Seconds a client may take to send a request's headers, and to start its next request on
    /// a kept-alive connection; then the connection is closed.
    #[arg(long, env = "LEERROUTE_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Longest pause, in seconds, while a request body arrives; then the request fails.
    #[arg(long, env = "LEERROUTE_BODY_TIMEOUT", default_value_t = 30)]
    pub body_timeout_secs: u64,
    /// Seconds that running requests get after SIGTERM or Ctrl-C before the process ends anyway.
    #[arg(long, env = "LEERROUTE_SHUTDOWN_TIMEOUT", default_value_t = 10)]
    pub shutdown_timeout_secs: u64,
    /// Days the change feed keeps its deletes (tombstones), counted to `LEERROUTE_TODAY`.
    #[arg(long, env = "LEERROUTE_CHANGES_RETENTION_DAYS", default_value_t = 90)]
    pub changes_retention_days: u32,
    #[command(flatten)]
    pub clock: ClockArgs,
}

impl Default for ServiceArgs {
    fn default() -> Self {
        ServiceArgs {
            min_cell: 5,
            introspection: true,
            max_depth: 12,
            max_complexity: 50_000,
            max_batch: 10,
            rate_limit: DEFAULT_RATE_LIMIT,
            trusted_proxies: Vec::new(),
            metrics_allow: vec![crate::net::parse_net("127.0.0.0/8").expect("a CIDR")],
            max_upload_mb: 512,
            max_body_kb: 1024,
            max_aliases: 30,
            trusted_documents: TrustMode::Allow,
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            shutdown_timeout_secs: 10,
            changes_retention_days: 90,
            clock: ClockArgs::default(),
        }
    }
}

/// How long pupil data and audit events are kept ([`crate::service::retention`]).
#[derive(Args, Debug, Clone, Copy)]
pub struct RetentionArgs {
    /// Years pupil data is kept after 31 July of a person's last school year (and applications
    /// and enrolments without a vmbo record after their last status date).
    #[arg(long, env = "LEERROUTE_RETENTION_YEARS", default_value_t = 5)]
    pub retention_years: u32,
    /// Days an audit event is kept.
    #[arg(long, env = "LEERROUTE_AUDIT_RETENTION_DAYS", default_value_t = 730)]
    pub audit_retention_days: u32,
}

impl RetentionArgs {
    pub fn terms(&self) -> crate::service::retention::Terms {
        crate::service::retention::Terms {
            years: self.retention_years,
            audit_days: self.audit_retention_days,
        }
    }
}

#[derive(Args, Debug)]
pub struct PurgeArgs {
    /// Print what would be deleted (counts per kind) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub retention: RetentionArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LEERROUTE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo regions before serving.
    #[arg(long)]
    pub demo: bool,
    /// Most database connections the service keeps open (default: PostgreSQL 2 per core,
    /// at least 4; SQLite 8).
    #[arg(long, env = "LEERROUTE_DB_POOL")]
    pub db_pool: Option<u32>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub retention: RetentionArgs,
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Roll back this many migrations instead of migrating up.
    #[arg(long)]
    pub down: Option<u32>,
}

#[derive(Args, Debug)]
pub struct SeedArgs {
    /// Load the demo regions (the only seed there is; required so that seeding is never an accident).
    #[arg(long, required = true)]
    pub demo: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// vmbo leavers: `pgn,school_brin,leerweg,profiel,school_year,exam_date,choice_crebo,choice_date,leerlab_code`.
    VoLeavers(ImportArgs),
    /// mbo enrolments: `pgn,school_brin,crebo,level,enrolled_on,status,status_date`.
    MboEnrolments(ImportArgs),
    /// vmbo pupils of years 3 and 4: `pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code`.
    VoPupils(ImportArgs),
    /// mbo applications: `pgn,school_brin,crebo,level,applied_on,status,status_date`.
    MboApplications(ImportArgs),
}

#[derive(Subcommand, Debug)]
pub enum SignalsCommand {
    /// Evaluate the rules now; prints how many signals were raised and resolved.
    Refresh(SignalsArgs),
}

#[derive(Args, Debug)]
pub struct SignalsArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, header row).
    pub file: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
}

#[derive(Args, Debug)]
pub struct RebuildArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The new file to write (must not exist).
    pub file: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// One of student, coach, school_staff, coordinator, integration, rmc, admin.
    #[arg(long)]
    pub role: String,
    /// Region code (coordinator, integration, rmc).
    #[arg(long)]
    pub region: Option<String>,
    /// School BRIN (school_staff, student).
    #[arg(long)]
    pub school: Option<String>,
    /// Subject: a student id (student), a person id (coach), or a service account name.
    #[arg(long)]
    pub subject: Option<String>,
    /// Lifetime, such as `30m`, `8h` or `90d`.
    #[arg(long, default_value = "8h")]
    pub ttl: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}
