//! The binary's own contract: `leerroute schema` prints exactly `api/schema.graphql`.

use std::process::Command;

#[test]
fn schema_file_matches_the_binary() {
    let output = Command::new(env!("CARGO_BIN_EXE_leerroute"))
        .arg("schema")
        .output()
        .expect("run leerroute schema");
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).expect("utf-8");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("api/schema.graphql exists");
    assert!(
        printed.trim_end() == committed.trim_end(),
        "api/schema.graphql is out of date: run `cargo run -p leerroute -- schema > api/schema.graphql`"
    );
}

#[test]
fn token_refuses_unknown_roles_and_missing_scope() {
    let dir = std::env::temp_dir().join(format!("lr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_leerroute"))
            .args(args)
            .env(
                "LEERROUTE_DATABASE_URL",
                dir.join("t.db").display().to_string(),
            )
            .output()
            .unwrap()
    };
    assert!(!run(&["token", "--role", "wizard"]).status.success());
    assert!(!run(&["token", "--role", "coordinator"]).status.success());
    let ok = run(&[
        "token",
        "--role",
        "coordinator",
        "--region",
        "AMS",
        "--ttl",
        "1h",
    ]);
    assert!(ok.status.success());
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout)
            .trim()
            .split('.')
            .count(),
        3
    );
    std::fs::remove_dir_all(&dir).ok();
}
