//! The link secret is bound to its database: a missing, empty, short or different secret is
//! refused by every command and never silently replaced, and `token` never invents a JWT
//! secret. Each test is what a careless operator (or a full disk) does.

use std::{path::Path, process::Output};

use leerroute_tests::{TestApp, VO_HEADER, bsn, db_test, leerroute_binary, small_region};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn leavers(from: u64, count: u64) -> String {
    let rows: Vec<String> = (from..from + count)
        .map(|n| format!("{},11AA,TL,E&O,2024-2025,2025-06-02,,,", bsn(n)))
        .collect();
    format!("{VO_HEADER}\n{}\n", rows.join("\n"))
}

/// `leerroute ARGS` on `database` with only the given environment (no inherited LEERROUTE_*).
fn run(dir: &Path, database: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(leerroute_binary());
    command
        .args(args)
        .arg("--database-url")
        .arg(database)
        .current_dir(dir)
        .env("RUST_LOG", "warn");
    for (name, _) in std::env::vars() {
        if name.starts_with("LEERROUTE_") {
            command.env_remove(name);
        }
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run leerroute")
}

db_test!(
    a_different_link_secret_is_refused_and_writes_nothing,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let first = app.cli_import("vo-leavers", &leavers(1, 3));
        assert!(first.status.success(), "{}", stderr(&first));
        let other = "an-entirely-different-link-secret-0123456789";
        let path = app.write_file("vo.csv", &leavers(1, 3));
        let refused = app
            .cli_command(&["import", "vo-leavers", path.to_str().unwrap()])
            .env("LEERROUTE_LINK_SECRET", other)
            .output()
            .unwrap();
        assert!(!refused.status.success());
        let message = stderr(&refused);
        assert!(
            message.contains("not the one this database was pseudonymised with"),
            "{message}"
        );
        assert!(!message.contains(other), "{message}");
        assert_eq!(
            app.count_rows("student").await,
            3,
            "nothing was created twice"
        );
        // The same goes for every other command that works on pupil data.
        let rebuild = app
            .cli_command(&["rebuild"])
            .env("LEERROUTE_LINK_SECRET", other)
            .output()
            .unwrap();
        assert!(!rebuild.status.success(), "{}", stderr(&rebuild));
        let again = app.cli_import("vo-leavers", &leavers(1, 3));
        assert!(again.status.success(), "{}", stderr(&again));
    }
);

db_test!(
    an_empty_or_short_secret_is_refused_without_repeating_it,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        let path = app.write_file("vo.csv", &leavers(1, 1));
        for (secret, expected) in [
            ("", "is empty"),
            ("short-link-secret-1234", "at least 32 bytes"),
        ] {
            let refused = app
                .cli_command(&["import", "vo-leavers", path.to_str().unwrap()])
                .env("LEERROUTE_LINK_SECRET", secret)
                .output()
                .unwrap();
            assert!(!refused.status.success());
            let message = stderr(&refused);
            assert!(message.contains(expected), "{message}");
            assert!(secret.is_empty() || !message.contains(secret), "{message}");
        }
        assert_eq!(app.count_rows("student").await, 0);
    }
);

db_test!(
    a_database_with_pupils_never_gets_a_new_link_secret,
    |app: TestApp| async move {
        small_region(&app, "AMS", "11AA", "22BB").await;
        // Imported through the service (no check value recorded yet, as on an older database).
        let body = app
            .upload(
                Some(&app.staff("11AA")),
                "mutation($input: ImportInput!) { importVoLeavers(input: $input) { created } }",
                &leavers(1, 2),
            )
            .await;
        assert_eq!(body["data"]["importVoLeavers"]["created"], 2, "{body:#}");
        let path = app.write_file("vo.csv", &leavers(1, 2));
        let refused = app
            .cli_command(&["import", "vo-leavers", path.to_str().unwrap()])
            .env_remove("LEERROUTE_LINK_SECRET")
            .output()
            .unwrap();
        assert!(!refused.status.success());
        let message = stderr(&refused);
        match app.backend {
            leerroute_tests::Backend::Sqlite => {
                assert!(
                    message.contains("refusing to generate a new one"),
                    "{message}"
                )
            }
            leerroute_tests::Backend::Postgres => {
                assert!(
                    message.contains("LEERROUTE_LINK_SECRET must be set"),
                    "{message}"
                )
            }
        }
        assert_eq!(app.count_rows("student").await, 2);
        if let Some(db) = app.database_url.strip_prefix("sqlite://") {
            assert!(!Path::new(&format!("{db}.link-secret")).exists());
        }
    }
);

/// The files beside a SQLite database: created once (0600, no temporary file left), and a
/// lost, emptied or replaced link-secret file stops every command.
#[test]
fn secret_files_are_created_once_and_a_lost_one_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("school.db");
    let seeded = run(dir.path(), &database, &["seed", "--demo"], &[]);
    assert!(seeded.status.success(), "{}", stderr(&seeded));
    let link = dir.path().join("school.db.link-secret");
    let jwt = dir.path().join("school.db.jwt-secret");
    let original = std::fs::read_to_string(&link).unwrap();
    assert_eq!(original.len(), 64);
    #[cfg(unix)]
    for file in [&link, &jwt] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    std::fs::remove_file(&link).unwrap();
    let lost = run(dir.path(), &database, &["seed", "--demo"], &[]);
    assert!(!lost.status.success());
    assert!(
        stderr(&lost).contains("link secret of this database is missing"),
        "{}",
        stderr(&lost)
    );
    assert!(!link.exists(), "no new secret was generated");

    std::fs::write(&link, "").unwrap();
    let empty = run(dir.path(), &database, &["rebuild"], &[]);
    assert!(!empty.status.success());
    assert!(stderr(&empty).contains("is empty"), "{}", stderr(&empty));

    std::fs::write(&link, "f".repeat(64)).unwrap();
    let other = run(dir.path(), &database, &["rebuild"], &[]);
    assert!(!other.status.success());
    assert!(stderr(&other).contains("not the one"), "{}", stderr(&other));

    std::fs::write(&link, &original).unwrap();
    let restored = run(dir.path(), &database, &["seed", "--demo"], &[]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let token = run(dir.path(), &database, &["token", "--role", "admin"], &[]);
    assert!(token.status.success(), "{}", stderr(&token));
}

/// `token` without the database's JWT secret refuses, and writes nothing anywhere.
#[test]
fn token_refuses_without_the_database_jwt_secret() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("missing.db");
    let refused = run(dir.path(), &database, &["token", "--role", "admin"], &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("no JWT secret"),
        "{}",
        stderr(&refused)
    );
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(written.is_empty(), "token wrote {written:?}");
    let short = run(
        dir.path(),
        &database,
        &["token", "--role", "admin"],
        &[("LEERROUTE_JWT_SECRET", "too-short")],
    );
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("at least 32 bytes"),
        "{}",
        stderr(&short)
    );
    let postgres = run(
        dir.path(),
        Path::new("postgres://nobody@127.0.0.1:1/none"),
        &["token", "--role", "admin"],
        &[],
    );
    assert!(!postgres.status.success());
    assert!(stderr(&postgres).contains("LEERROUTE_JWT_SECRET must be set"));
}
