//! Leerroute: the GraphQL service through which the vmbo schools and mbo institutions of a
//! region work together. `main.rs` parses the command line; everything else lives here.

pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod feed;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod live;
pub mod request_id;
pub mod secrets;
pub mod seed;
pub mod service;

use std::sync::Arc;

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::{
    auth::Role,
    config::{DatabaseArgs, MigrateArgs, SeedArgs, ServeArgs, TokenArgs},
    http::AppState,
};

/// Opens the database and brings its schema up to date.
pub async fn open_database(args: &DatabaseArgs) -> Result<DatabaseConnection, String> {
    let db = db::connect(&args.database_url)
        .await
        .map_err(|e| format!("cannot open database: {e}"))?;
    Migrator::up(&db, None)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    Ok(db)
}

/// `leerroute serve`: migrate, optionally seed, then serve until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> Result<(), String> {
    let secrets = secrets::resolve(&args.database)?;
    let db = open_database(&args.database).await?;
    if args.demo {
        seed::demo(&db)
            .await
            .map_err(|e| format!("demo seed failed: {}", e.message()))?;
    }
    let state = Arc::new(AppState::new(db, secrets, &args.auth, args.service)?);
    // Serve once publications of other replicas reach this one (or say why not).
    if tokio::time::timeout(std::time::Duration::from_secs(30), state.live.ready())
        .await
        .is_err()
    {
        tracing::warn!("live updates are not listening yet; subscriptions wait for them");
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    tracing::info!(address = %args.listen, "Leerroute is serving GraphQL on /graphql");
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
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

/// `leerroute migrate`: up to date, or `--down N` migrations back.
pub async fn migrate(args: MigrateArgs) -> Result<String, String> {
    let db = db::connect(&args.database.database_url)
        .await
        .map_err(|e| format!("cannot open database: {e}"))?;
    match args.down {
        Some(steps) => {
            Migrator::down(&db, Some(steps))
                .await
                .map_err(|e| format!("rollback failed: {e}"))?;
            Ok(format!("rolled back {steps} migration(s)"))
        }
        None => {
            Migrator::up(&db, None)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            Ok("database is up to date".to_owned())
        }
    }
}

/// `leerroute seed --demo`.
pub async fn seed_demo(args: SeedArgs) -> Result<String, String> {
    let db = open_database(&args.database).await?;
    seed::demo(&db)
        .await
        .map_err(|e| format!("demo seed failed: {}", e.message()))?;
    Ok("demo regions AMS (Amsterdam) and HDW (Harderwijk) are loaded".to_owned())
}

/// `leerroute token`: a signed HS256 token.
pub fn mint_token(args: TokenArgs) -> Result<String, String> {
    let role = Role::parse_claim(&args.role).ok_or_else(|| {
        format!("unknown role `{}`; one of student, coach, school_staff, coordinator, integration, admin", args.role)
    })?;
    let missing = match role {
        Role::Coordinator | Role::Integration if args.region.is_none() => Some("--region"),
        Role::SchoolStaff | Role::Student if args.school.is_none() => Some("--school"),
        Role::Student | Role::Coach if args.subject.is_none() => Some("--subject"),
        _ => None,
    };
    if let Some(flag) = missing {
        return Err(format!("a {} token needs {flag}", role.as_str()));
    }
    let secrets = secrets::resolve(&args.database)?;
    let subject = args
        .subject
        .unwrap_or_else(|| format!("cli-{}", role.as_str()));
    let school = args.school.map(|s| s.to_uppercase());
    auth::token::mint(
        &secrets.jwt,
        &auth::token::TokenRequest {
            role,
            subject: &subject,
            region: args.region.as_deref(),
            school: school.as_deref(),
            ttl: auth::token::parse_ttl(&args.ttl)?,
        },
    )
}

/// `leerroute import …`: not available until the pupils issue lands.
pub async fn import_command(_kind: config::ImportCommand) -> Result<String, String> {
    Err("import is not implemented yet".to_owned())
}
