//! Fresh, migrated databases for tests, fast: the migrations run once per test process into a
//! template, and every test gets a copy of it (crates.io's `TestDatabase` pattern). On
//! PostgreSQL the copy is `CREATE DATABASE … TEMPLATE …`; on SQLite it is a file copy.

use std::path::{Path, PathBuf};

use migration::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;
use tokio::sync::OnceCell;

/// Prefix of the template databases on a PostgreSQL server: `lr_template_<pid>_<random>`.
const PG_TEMPLATE_PREFIX: &str = "lr_template_";

/// The migrated SQLite file of this process, copied for each test.
static SQLITE_TEMPLATE: OnceCell<(tempfile::TempDir, PathBuf)> = OnceCell::const_new();
/// The migrated PostgreSQL template database of this process.
static PG_TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Writes a fresh migrated SQLite database to `path`.
pub async fn sqlite_copy(path: &Path) {
    let (_, template) = SQLITE_TEMPLATE.get_or_init(sqlite_template).await;
    std::fs::copy(template, path).expect("copy the SQLite template");
}

async fn sqlite_template() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("template dir");
    let path = dir.path().join("template.db");
    let db = leerroute::db::connect_with_pool(&format!("sqlite://{}", path.display()), Some(1))
        .await
        .expect("open the SQLite template");
    Migrator::up(&db, None).await.expect("migrate the template");
    // Back to a rollback journal: the whole database is then in the one file we copy.
    db.execute_unprepared("PRAGMA journal_mode=DELETE")
        .await
        .expect("leave WAL mode");
    db.close().await.expect("close the SQLite template");
    (dir, path)
}

/// Creates database `name` on `server` as a copy of this process's migrated template.
pub async fn postgres_copy(server: &str, name: &str) {
    let template = PG_TEMPLATE.get_or_init(|| postgres_template(server)).await;
    let admin = sea_orm::Database::connect(server)
        .await
        .expect("connect to PostgreSQL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .await
        .expect("create test database from the template");
    admin.close().await.ok();
}

/// Migrates a new template database; first drops the templates of test processes that have
/// ended (a process cannot drop its own at exit: statics are never dropped).
async fn postgres_template(server: &str) -> String {
    let name = format!(
        "{PG_TEMPLATE_PREFIX}{}_{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let admin = sea_orm::Database::connect(server)
        .await
        .expect("connect to PostgreSQL");
    drop_orphaned_templates(&admin).await;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the template database");
    admin.close().await.ok();
    let db = leerroute::db::connect_with_pool(&crate::with_database(server, &name), Some(1))
        .await
        .expect("connect to the template");
    Migrator::up(&db, None).await.expect("migrate the template");
    // No session may stay on a template while it is copied.
    db.close().await.expect("close the template");
    name
}

async fn drop_orphaned_templates(admin: &sea_orm::DatabaseConnection) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PG_TEMPLATE_PREFIX}%'"),
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        if owner_has_ended(&name) {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            admin.execute_unprepared(&sql).await.ok();
        }
    }
}

/// Whether the test process that made template `name` has ended. Only Linux can tell (by
/// `/proc`); elsewhere templates are kept.
fn owner_has_ended(name: &str) -> bool {
    let pid = name
        .strip_prefix(PG_TEMPLATE_PREFIX)
        .and_then(|rest| rest.split('_').next());
    match pid {
        Some(pid) if Path::new("/proc/self").exists() => !Path::new("/proc").join(pid).exists(),
        _ => false,
    }
}
