//! The two secrets: the HS256 key of our own tokens and the key that pseudonymises PGNs.
//!
//! On SQLite they may be left unset: the first start generates them and keeps them beside the
//! database file (mode 0600), so that `serve`, `token` and `import` agree with zero set-up.
//! On PostgreSQL they must be configured: a production database must not depend on a file
//! that one replica happens to have.

use std::{
    fs::OpenOptions,
    io::{ErrorKind, Write},
    path::{Path, PathBuf},
};

use rand::RngCore;

use crate::{config::DatabaseArgs, db};

/// The resolved secrets.
#[derive(Clone)]
pub struct Secrets {
    pub jwt: String,
    pub link: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { .. }")
    }
}

/// Resolves both secrets for a database: configured values win, else (SQLite only) the files
/// beside the database, created on first use.
pub fn resolve(args: &DatabaseArgs) -> Result<Secrets, String> {
    Ok(Secrets {
        jwt: resolve_one(
            args,
            args.jwt_secret.as_deref(),
            "jwt-secret",
            "LEERROUTE_JWT_SECRET",
        )?,
        link: resolve_one(
            args,
            args.link_secret.as_deref(),
            "link-secret",
            "LEERROUTE_LINK_SECRET",
        )?,
    })
}

fn resolve_one(
    args: &DatabaseArgs,
    configured: Option<&str>,
    suffix: &str,
    variable: &str,
) -> Result<String, String> {
    if let Some(value) = configured.filter(|v| !v.is_empty()) {
        if value.len() < 16 {
            return Err(format!("{variable} must be at least 16 characters"));
        }
        return Ok(value.to_owned());
    }
    if !db::is_sqlite(&args.database_url) {
        return Err(format!(
            "{variable} must be set when the database is PostgreSQL (see README, Configuration)"
        ));
    }
    match db::sqlite_path(&args.database_url) {
        Some(path) => read_or_create(&secret_path(&path, suffix)),
        None => Ok(random_secret()),
    }
}

/// `dir/leerroute.db` keeps its secrets in `dir/leerroute.db.jwt-secret` and `…link-secret`.
fn secret_path(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    database.with_file_name(name)
}

fn read_or_create(path: &Path) -> Result<String, String> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            let secret = random_secret();
            file.write_all(secret.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(secret)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => std::fs::read_to_string(path)
            .map(|s| s.trim().to_owned())
            .map_err(|e| format!("cannot read {}: {e}", path.display())),
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
