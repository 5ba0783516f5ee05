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
            // `token` never invents a secret (tests/tests/secrets.rs): give it the database's.
            .env(
                "LEERROUTE_JWT_SECRET",
                "cli-test-jwt-secret-0123456789abcdef",
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

/// Every type, field, argument and enum value of the schema has a description.
#[test]
fn every_part_of_the_schema_is_described() {
    let output = Command::new(env!("CARGO_BIN_EXE_leerroute"))
        .arg("schema")
        .output()
        .expect("run leerroute schema");
    let sdl = String::from_utf8(output.stdout).expect("utf-8");
    let lines: Vec<&str> = sdl.lines().collect();
    let mut undescribed = Vec::new();
    let mut in_schema_block = false;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("schema {") {
            in_schema_block = true;
        }
        if in_schema_block {
            in_schema_block = !line.starts_with('}');
            continue;
        }
        let definition = [
            "type ",
            "input ",
            "enum ",
            "interface ",
            "scalar ",
            "union ",
        ]
        .iter()
        .any(|k| line.starts_with(k));
        let member = (line.starts_with('\t')
            && !line.trim_start().starts_with("\"\"\"")
            && !line.trim().starts_with(')'))
            && line
                .trim()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic());
        if !(definition || member) {
            continue;
        }
        let previous = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .copied()
            .unwrap_or_default();
        let inside_description = lines[..i]
            .iter()
            .filter(|l| l.trim() == "\"\"\"" || l.trim().starts_with("\"\"\""))
            .count()
            % 2
            == 1;
        if !previous.trim_end().ends_with("\"\"\"") && !inside_description {
            undescribed.push(line.trim().to_owned());
        }
        // The printer puts an undescribed argument on the line of the one before it, or keeps a
        // whole undescribed argument list inline: `field(a: Int, b: String): T`.
        let inline_arguments = line.contains(",\t")
            || (member
                && line.contains('(')
                && line.contains(": ")
                && line.find('(') < line.find(": "));
        if inline_arguments && !inside_description {
            undescribed.push(format!("arguments of {}", line.trim()));
        }
    }
    assert!(
        undescribed.is_empty(),
        "without description: {undescribed:#?}"
    );
}
