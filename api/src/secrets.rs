//! The two secrets: the HS256 key of our own tokens and the key that pseudonymises PGNs.
//!
//! On SQLite they may be left unset: the first start generates them and keeps them beside the
//! database file (mode 0600), so that `serve`, `token` and `import` agree with zero set-up.
//! On PostgreSQL they must be configured: a production database must not depend on a file
//! that one replica happens to have.
//!
//! The link secret is bound to its database. Every pseudonym depends on it, so a lost or
//! different secret would silently make every pupil a stranger (a re-import creates them all
//! again), and an empty one would make pseudonyms an unkeyed hash anyone with a BSN list can
//! recompute. So: a secret shorter than [`MIN_BYTES`] (an empty one included) is refused; the
//! database keeps a check value of its link secret (`secret_check`) and every command refuses
//! a secret that does not match it; and a new link secret is only ever generated for a
//! database that has neither a check value nor pupil data.

use std::{
    fs::OpenOptions,
    io::{ErrorKind, Write},
    path::{Path, PathBuf},
};

use entity::secret_check;
use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QuerySelect};
use sha2::Sha256;

use crate::{config::DatabaseArgs, db};

/// The shortest secret accepted, in bytes (a generated one is 64 hex characters).
pub const MIN_BYTES: usize = 32;

/// What the check value is an HMAC of; changing it would refuse every existing database.
const CHECK_TEXT: &[u8] = b"leerroute link secret check v1";

const LINK: Kind = Kind {
    suffix: "link-secret",
    variable: "LEERROUTE_LINK_SECRET",
};
const JWT: Kind = Kind {
    suffix: "jwt-secret",
    variable: "LEERROUTE_JWT_SECRET",
};

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

/// One of the two secrets: the file suffix beside a SQLite database and its variable.
#[derive(Clone, Copy)]
struct Kind {
    suffix: &'static str,
    variable: &'static str,
}

/// Both secrets of an open, migrated database. The link secret must match the database's
/// check value (recorded on first use); a missing one is generated only for a SQLite file
/// whose database has no check value and no pupil data. A missing JWT secret is generated
/// beside a SQLite file (losing it only invalidates tokens).
pub async fn bind(db: &impl ConnectionTrait, args: &DatabaseArgs) -> Result<Secrets, String> {
    let jwt = match load(args, JWT, args.jwt_secret.as_deref())? {
        Some(secret) => secret,
        None => create(args, JWT)?,
    };
    let stored = stored_check(db).await.map_err(database_error)?;
    let link = match load(args, LINK, args.link_secret.as_deref())? {
        Some(secret) => secret,
        None if stored.is_some() => return Err(missing_bound_secret(args)),
        None if holds_pupil_data(db).await.map_err(database_error)? => {
            return Err(missing_bound_secret(args));
        }
        None => create(args, LINK)?,
    };
    let check = check_value(&link);
    let bound = match stored {
        Some(stored) => stored,
        None => record_check(db, &check).await.map_err(database_error)?,
    };
    if bound != check {
        return Err(format!(
            "the link secret given ({}) is not the one this database was pseudonymised with; \
             refusing to run, because every pupil would become a stranger. Use the database's \
             own link secret",
            source_of(args, LINK, args.link_secret.is_some())
        ));
    }
    Ok(Secrets { jwt, link })
}

/// The JWT secret alone, for `leerroute token`: configured, or the file beside a SQLite
/// database. Never generated: a token signed with a new secret would fit no running service.
pub fn jwt_only(args: &DatabaseArgs) -> Result<String, String> {
    load(args, JWT, args.jwt_secret.as_deref())?.ok_or_else(|| {
        let path = file_of(args, JWT).map_or_else(String::new, |p| p.display().to_string());
        format!(
            "there is no JWT secret for this database ({path} does not exist): start `leerroute \
             serve` with the same --database-url once (it creates it), or set LEERROUTE_JWT_SECRET"
        )
    })
}

/// The check value of a link secret: HMAC-SHA256 of a fixed text, from which the secret
/// cannot be recovered.
pub fn check_value(link_secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(link_secret.as_bytes())
        .expect("HMAC accepts any key length");
    mac.update(CHECK_TEXT);
    hex::encode(mac.finalize().into_bytes())
}

/// A configured value, else the file beside a SQLite database; `None` when neither exists.
fn load(
    args: &DatabaseArgs,
    kind: Kind,
    configured: Option<&str>,
) -> Result<Option<String>, String> {
    if let Some(value) = configured {
        return validated(value, kind.variable).map(Some);
    }
    if !db::is_sqlite(&args.database_url) {
        return Err(format!(
            "{} must be set when the database is PostgreSQL (see README, Configuration)",
            kind.variable
        ));
    }
    let Some(path) = file_of(args, kind) else {
        return Ok(None);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => validated(text.trim(), &path.display().to_string()).map(Some),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Refuses an empty or short secret; the message names where it came from, never its value.
fn validated(value: &str, source: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err(format!(
            "{source} is empty; a secret must be at least {MIN_BYTES} bytes (restore it, or for a \
             new database `openssl rand -hex 32`)"
        ));
    }
    if value.len() < MIN_BYTES {
        return Err(format!(
            "{source} is {} bytes long; a secret must be at least {MIN_BYTES} bytes \
             (`openssl rand -hex 32`)",
            value.len()
        ));
    }
    Ok(value.to_owned())
}

/// Generates a secret into the file beside a SQLite database (an in-memory database gets one
/// for the process only).
fn create(args: &DatabaseArgs, kind: Kind) -> Result<String, String> {
    match file_of(args, kind) {
        Some(path) => write_new(&path),
        None => Ok(random_secret()),
    }
}

/// `dir/leerroute.db` keeps its secrets in `dir/leerroute.db.jwt-secret` and `…link-secret`.
fn file_of(args: &DatabaseArgs, kind: Kind) -> Option<PathBuf> {
    let database = db::sqlite_path(&args.database_url)?;
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}", kind.suffix));
    Some(database.with_file_name(name))
}

fn source_of(args: &DatabaseArgs, kind: Kind, configured: bool) -> String {
    match (configured, file_of(args, kind)) {
        (false, Some(path)) => path.display().to_string(),
        _ => kind.variable.to_owned(),
    }
}

fn missing_bound_secret(args: &DatabaseArgs) -> String {
    let path = file_of(args, LINK).map_or_else(String::new, |p| format!("{} ", p.display()));
    format!(
        "the link secret of this database is missing ({path}not found, LEERROUTE_LINK_SECRET not \
         set), and the database holds pupil data pseudonymised with it; refusing to generate a \
         new one. Restore the file from a backup or set LEERROUTE_LINK_SECRET"
    )
}

/// Writes a new secret atomically: a temporary file (mode 0600) written in full, then linked
/// into place, never over an existing file. When another process won the race, its secret is
/// the one.
fn write_new(path: &Path) -> Result<String, String> {
    let secret = random_secret();
    let mut temporary = path.as_os_str().to_os_string();
    temporary.push(format!(".tmp-{}-{}", std::process::id(), random_secret()));
    let temporary = PathBuf::from(temporary);
    let written = write_private(&temporary, &secret)
        .map_err(|e| format!("cannot write {}: {e}", temporary.display()));
    let placed = written.and_then(|()| {
        match std::fs::hard_link(&temporary, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
            // A file system without hard links: rename, unless the file appeared meanwhile.
            Err(_) if !path.exists() => std::fs::rename(&temporary, path)
                .map(|()| true)
                .map_err(|e| format!("cannot create {}: {e}", path.display())),
            Err(_) => Ok(false),
        }
    });
    let _ = std::fs::remove_file(&temporary);
    if placed? {
        return Ok(secret);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    validated(text.trim(), &path.display().to_string())
}

fn write_private(path: &Path, secret: &str) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(secret.as_bytes())?;
    file.sync_all()
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

async fn stored_check(db: &impl ConnectionTrait) -> Result<Option<String>, DbErr> {
    Ok(secret_check::Entity::find_by_id("link".to_owned())
        .one(db)
        .await?
        .map(|row| row.check_value))
}

/// Records `check` unless a concurrent command recorded one first; returns the one recorded.
async fn record_check(db: &impl ConnectionTrait, check: &str) -> Result<String, DbErr> {
    secret_check::Entity::insert(secret_check::ActiveModel {
        name: Set("link".to_owned()),
        check_value: Set(check.to_owned()),
        created_at: Set(chrono::Utc::now()),
    })
    .on_conflict_do_nothing_on([secret_check::Column::Name])
    .exec(db)
    .await?;
    Ok(stored_check(db).await?.unwrap_or_else(|| check.to_owned()))
}

/// Whether any pseudonymised data exists (vmbo records, mbo enrolments or applications, which
/// carry pseudonyms even before their pupil's vmbo record arrives).
async fn holds_pupil_data(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let student = entity::student::Entity::find()
        .select_only()
        .column(entity::student::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    if student.is_some() {
        return Ok(true);
    }
    let enrolment = entity::enrolment::Entity::find()
        .select_only()
        .column(entity::enrolment::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    if enrolment.is_some() {
        return Ok(true);
    }
    let application = entity::application::Entity::find()
        .select_only()
        .column(entity::application::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(application.is_some())
}

fn database_error(e: DbErr) -> String {
    format!("cannot check the link secret against the database: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_depends_on_the_secret_and_hides_it() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        assert_eq!(check_value(&a), check_value(&a));
        assert_ne!(check_value(&a), check_value(&b));
        assert!(!check_value(&a).contains(&a));
    }

    #[test]
    fn empty_and_short_secrets_are_refused_without_their_value() {
        assert!(validated("", "X").unwrap_err().contains("empty"));
        let short = validated("short-secret-value", "X").unwrap_err();
        assert!(short.contains("at least 32 bytes"));
        assert!(!short.contains("short-secret-value"));
        assert!(validated(&"k".repeat(32), "X").is_ok());
    }
}
