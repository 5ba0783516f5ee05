//! Leerroute: the GraphQL service through which the vmbo schools and mbo institutions of a
//! region work together. `main.rs` parses the command line; everything else lives here.
//!
//! Only the modules marked `allow(clippy::disallowed_types)` may query the pupil tables
//! (`api/clippy.toml`); the GraphQL and HTTP layers get pupil data [`audit::Sealed`], and
//! opening it writes the audit trail.

pub mod app;
pub mod audit;
pub mod audit_journal;
#[allow(clippy::disallowed_types)]
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod documents;
pub mod domain;
pub mod error;
pub mod export;
pub mod feed;
pub mod graphql;
mod http;
pub mod ids;
#[allow(clippy::disallowed_types)]
pub mod import;
pub mod live;
pub mod metrics;
pub mod net;
pub mod pseudonym;
pub mod rate_limit;
pub mod request_id;
#[allow(clippy::disallowed_types)]
pub mod secrets;
#[allow(clippy::disallowed_types)]
pub mod seed;
#[allow(clippy::disallowed_types)]
pub mod service;
pub mod web;

use std::sync::Arc;

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

pub use http::{router, serve as serve_http};

use crate::{
    app::AppState,
    auth::Role,
    config::{BackupArgs, DatabaseArgs, MigrateArgs, RebuildArgs, SeedArgs, ServeArgs, TokenArgs},
    error::CommandError,
};

/// Opens the database and brings its schema up to date.
pub async fn open_database(args: &DatabaseArgs) -> Result<DatabaseConnection, CommandError> {
    open_database_with_pool(args, None).await
}

/// As [`open_database`], with at most `pool` connections (default: [`db::default_pool_size`]).
pub async fn open_database_with_pool(
    args: &DatabaseArgs,
    pool: Option<u32>,
) -> Result<DatabaseConnection, CommandError> {
    let db = db::connect_with_pool(&args.database_url, pool)
        .await
        .map_err(CommandError::Open)?;
    Migrator::up(&db, None)
        .await
        .map_err(CommandError::Migrate)?;
    db::ensure_writable(&db)
        .await
        .map_err(CommandError::Config)?;
    Ok(db)
}

/// `leerroute serve`: migrate, optionally seed, then serve until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> Result<(), CommandError> {
    let db = open_database_with_pool(&args.database, args.db_pool).await?;
    let secrets = secrets::bind(&db, &args.database).await?;
    if args.demo {
        seed::demo(&db, &secrets.link, args.service.clock.clock())
            .await
            .map_err(|e| CommandError::Refused(format!("demo seed failed: {}", e.message())))?;
        db::after_bulk_write(&db).await;
    }
    let clock = args.service.clock.clock();
    let retention = args.service.changes_retention_days;
    let state = Arc::new(AppState::new(db, secrets, &args.auth, args.service)?);
    // Retention and signals for today before the first request, then daily.
    let daily = service::daily::Daily {
        db: state.db.clone(),
        clock,
        live: state.live.clone(),
        terms: args.retention.terms(),
    };
    daily.run_once().await;
    tokio::spawn(daily.every_day());
    tokio::spawn(service::changes::daily(state.db.clone(), clock, retention));
    // Serve once publications of other replicas reach this one (or say why not).
    if tokio::time::timeout(std::time::Duration::from_secs(30), state.live.ready())
        .await
        .is_err()
    {
        tracing::warn!("live updates are not listening yet; subscriptions wait for them");
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|source| CommandError::Listen {
            address: args.listen,
            source,
        })?;
    tracing::info!(address = %args.listen, "Leerroute is serving GraphQL on /graphql");
    http::serve(listener, state, shutdown_signal())
        .await
        .map_err(CommandError::Serve)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

/// `leerroute signals refresh`: one evaluation of the signal rules for today.
pub async fn signals_command(action: config::SignalsCommand) -> Result<String, CommandError> {
    let config::SignalsCommand::Refresh(args) = action;
    let db = open_database(&args.database).await?;
    // Signals work on pupil data: not on a database with the wrong link secret.
    secrets::bind(&db, &args.database).await?;
    let viewer = auth::Viewer::system("signals").on(&args.clock.clock());
    let live = live::Live::announcer(&db);
    let evaluated = service::signals::refresh(&db, &viewer, &live).await?;
    Ok(format!(
        "signals for {}: {} raised, {} resolved",
        viewer.today(),
        evaluated.raised.len(),
        evaluated.resolved
    ))
}

/// `leerroute purge [--dry-run]`: pupil data and audit events past their terms deleted in one
/// transaction (or counted), one line per kind.
pub async fn purge_command(args: config::PurgeArgs) -> Result<String, CommandError> {
    let db = open_database(&args.database).await?;
    // The purge keeps the statistics' cell keys: not on a database with the wrong link secret.
    secrets::bind(&db, &args.database).await?;
    let viewer = auth::Viewer::system("purge").on(&args.clock.clock());
    let purged =
        service::retention::purge(&db, &viewer, args.retention.terms(), args.dry_run).await?;
    let _ = db.close().await;
    Ok(purged.report())
}

/// `leerroute migrate`: up to date, or `--down N` migrations back.
pub async fn migrate(args: MigrateArgs) -> Result<String, CommandError> {
    let db = db::connect(&args.database.database_url)
        .await
        .map_err(CommandError::Open)?;
    match args.down {
        Some(steps) => {
            Migrator::down(&db, Some(steps))
                .await
                .map_err(CommandError::Migrate)?;
            Ok(format!("rolled back {steps} migration(s)"))
        }
        None => {
            Migrator::up(&db, None)
                .await
                .map_err(CommandError::Migrate)?;
            Ok("database is up to date".to_owned())
        }
    }
}

/// `leerroute seed --demo`.
pub async fn seed_demo(args: SeedArgs) -> Result<String, CommandError> {
    let db = open_database(&args.database).await?;
    let secrets = secrets::bind(&db, &args.database).await?;
    seed::demo(&db, &secrets.link, args.clock.clock())
        .await
        .map_err(|e| format!("demo seed failed: {}", e.message()))?;
    db::after_bulk_write(&db).await;
    let _ = db.close().await;
    Ok(
        "demo regions AMS (Amsterdam) and HDW (Harderwijk) are loaded, with 240 demo pupils and their self-evaluations"
            .to_owned(),
    )
}

/// `leerroute backup FILE`: a consistent copy of a SQLite database while the service runs
/// (`VACUUM INTO`: one read transaction, so writers carry on and the copy is one moment's state,
/// compacted, without a `-wal` file). PostgreSQL has `pg_dump` for this.
pub async fn backup(args: BackupArgs) -> Result<String, CommandError> {
    if !db::is_sqlite(&args.database.database_url) {
        return Err(CommandError::Config(
            "`leerroute backup` copies a SQLite database; back up PostgreSQL with pg_dump".into(),
        ));
    }
    if args.file.exists() {
        return Err(CommandError::Config(format!(
            "{} already exists; a backup never overwrites a file",
            args.file.display()
        )));
    }
    let db = open_database(&args.database).await?;
    let target = args.file.to_string_lossy().into_owned();
    db::execute(
        &db,
        include_str!("sql/backup_vacuum_into.sql"),
        vec![target.into()],
    )
    .await
    .map_err(|err| CommandError::Refused(format!("backup failed: {err}")))?;
    let _ = db.close().await;
    Ok(format!("backed up the database to {}", args.file.display()))
}

/// `leerroute token`: a signed HS256 token.
pub fn mint_token(args: TokenArgs) -> Result<String, CommandError> {
    let role = Role::parse_claim(&args.role).ok_or_else(|| {
        format!("unknown role `{}`; one of student, coach, school_staff, coordinator, integration, rmc, admin", args.role)
    })?;
    let missing = match role {
        Role::Coordinator | Role::Integration | Role::Rmc if args.region.is_none() => {
            Some("--region")
        }
        Role::SchoolStaff | Role::Student if args.school.is_none() => Some("--school"),
        Role::Student | Role::Coach if args.subject.is_none() => Some("--subject"),
        _ => None,
    };
    if let Some(flag) = missing {
        return Err(CommandError::Config(format!(
            "a {} token needs {flag}",
            role.as_str()
        )));
    }
    let jwt_secret = secrets::jwt_only(&args.database)?;
    let subject = args
        .subject
        .unwrap_or_else(|| format!("cli-{}", role.as_str()));
    let school = args.school.map(|s| s.to_uppercase());
    auth::token::mint(
        &jwt_secret,
        &auth::token::TokenRequest {
            role,
            subject: &subject,
            region: args.region.as_deref(),
            school: school.as_deref(),
            ttl: auth::token::parse_ttl(&args.ttl)?,
        },
    )
    .map_err(CommandError::Config)
}

/// `leerroute rebuild`: every transition and summary table recomputed from the pupil records,
/// holding the import lock.
pub async fn rebuild(args: RebuildArgs) -> Result<String, CommandError> {
    let db = open_database(&args.database).await?;
    // Rebuild needs no new secret, but it must not run on a database with the wrong one.
    let secrets = secrets::bind(&db, &args.database).await?;
    let keys = service::disclosure::RecordKeys::new(&secrets.link);
    let rebuilt = import::rebuild::run(&db, &auth::Viewer::system("rebuild"), &keys).await?;
    Ok(format!(
        "rebuilt the transitions of {} leavers ({} changed), {} record key(s) and the summary tables of {} cohort(s)",
        rebuilt.leavers, rebuilt.transitions_changed, rebuilt.record_keys, rebuilt.cohorts
    ))
}

/// `leerroute import vo-leavers|mbo-enrolments|vo-pupils|mbo-applications FILE`: one transaction, progress on a terminal,
/// every bad row on stderr and a non-zero exit when the file is refused.
pub async fn import_command(kind: config::ImportCommand) -> Result<String, CommandError> {
    use std::io::IsTerminal;
    let (kind, args) = match kind {
        config::ImportCommand::VoLeavers(args) => (import::ImportKind::VoLeavers, args),
        config::ImportCommand::MboEnrolments(args) => (import::ImportKind::MboEnrolments, args),
        config::ImportCommand::VoPupils(args) => (import::ImportKind::VoPupils, args),
        config::ImportCommand::MboApplications(args) => (import::ImportKind::MboApplications, args),
    };
    let db = open_database(&args.database).await?;
    let secrets = secrets::bind(&db, &args.database).await?;
    let file = std::fs::File::open(&args.file).map_err(|source| CommandError::Read {
        path: args.file.clone(),
        source,
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = indicatif::ProgressBar::new(size);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {wide_bar} {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let progress_bar = bar.clone();
    let progress: import::Progress = Arc::new(move |read| progress_bar.set_position(read));
    let live = Some(Arc::new(live::Live::announcer(&db)));
    let job = import::ImportJob {
        db,
        viewer: auth::Viewer::system("import").on(&args.clock.clock()),
        link_secret: secrets.link.clone(),
        kind,
        live,
    };
    let result = import::run(
        &job,
        Box::new(std::io::BufReader::new(file)),
        Some(progress),
    )
    .await;
    bar.finish_and_clear();
    match result {
        Ok(summary) => Ok(format!(
            "imported {} {} rows: {} new, {} updated, {} unchanged; {} transitions changed",
            summary.rows,
            kind.as_str(),
            summary.created,
            summary.updated,
            summary.unchanged,
            summary.transitions_changed
        )),
        Err(error::AppError::BadInput {
            message,
            details: Some(details),
            ..
        }) => {
            let mut lines = vec![message];
            for row in details["errors"].as_array().into_iter().flatten() {
                lines.push(format!(
                    "  line {}, column {}: {}",
                    row["line"],
                    row["column"].as_str().unwrap_or("?"),
                    row["reason"].as_str().unwrap_or("?")
                ));
            }
            Err(CommandError::Refused(lines.join("\n")))
        }
        Err(other) => Err(other.into()),
    }
}
