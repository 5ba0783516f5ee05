//! The test harness: a fresh database (SQLite file or PostgreSQL database), migrated (a copy of
//! a template migrated once per test process, see `database`), behind
//! the real router on `127.0.0.1:0`, and helpers to speak GraphQL to it as any role.
//!
//! Every database test is written once with [`db_test!`] and runs on both backends. The
//! PostgreSQL variant needs `LEERROUTE_TEST_POSTGRES_URL` (a server URL whose user may create
//! databases); without it the variant is skipped, unless `LEERROUTE_TEST_REQUIRE_POSTGRES` is
//! set (CI sets it), in which case it fails.

use std::{
    path::PathBuf,
    process::Output,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use leerroute::{
    app::AppState,
    auth::{Role, token},
    config::{AuthArgs, ServiceArgs},
    secrets::Secrets,
};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

mod database;

/// Which database a test runs on.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running service over a fresh database.
pub struct TestApp {
    pub backend: Backend,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The database URL, for CLI runs against the same data.
    pub database_url: String,
    /// A connection of our own, for assertions on what is stored.
    pub db: DatabaseConnection,
    pub secrets: Secrets,
    /// SQL statements executed by the server's connection since the last reset.
    pub statements: Arc<AtomicUsize>,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
    pg_cleanup: Option<(String, String)>,
    server: tokio::task::JoinHandle<()>,
}

/// Options for starting an app.
#[derive(Default)]
pub struct Options {
    /// Token verification settings; `None` for the defaults of `default_auth`.
    pub auth: Option<AuthArgs>,
    pub service: Option<ServiceArgs>,
}

/// The identity-provider mapping `leerroute serve` uses by default.
pub fn default_auth() -> AuthArgs {
    AuthArgs {
        jwt_school_claims: vec!["school".into(), "nlEduPersonHomeOrganizationId".into()],
        jwt_affiliation_claim: "eduPersonAffiliation".into(),
        jwt_affiliation_roles: vec![
            "student=student".into(),
            "employee=school_staff".into(),
            "staff=school_staff".into(),
            "faculty=school_staff".into(),
        ],
        ..Default::default()
    }
}

impl TestApp {
    /// Starts on `backend` with default settings, or `None` when PostgreSQL is not configured.
    pub async fn start(backend: Backend) -> Option<TestApp> {
        TestApp::start_with(backend, Options::default()).await
    }

    /// Starts with custom authentication or service settings.
    pub async fn start_with(backend: Backend, options: Options) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg_cleanup) = match backend {
            Backend::Sqlite => {
                let path = dir.path().join("test.db");
                database::sqlite_copy(&path).await;
                (format!("sqlite://{}", path.display()), None)
            }
            Backend::Postgres => {
                let server = postgres_server_url()?;
                let name = format!("lr_test_{}", uuid::Uuid::new_v4().simple());
                database::postgres_copy(&server, &name).await;
                (with_database(&server, &name), Some((server, name)))
            }
        };
        let mut db = leerroute::db::connect(&database_url)
            .await
            .expect("open test database");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let mut server_db = db.clone();
        server_db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let secrets = Secrets {
            jwt: format!("test-jwt-secret-{}", uuid::Uuid::new_v4().simple()),
            // A test that draws on the record keys prints its secret; this replays it.
            link: std::env::var("LEERROUTE_TEST_LINK_SECRET")
                .unwrap_or_else(|_| format!("test-link-secret-{}", uuid::Uuid::new_v4().simple())),
        };
        let auth = options.auth.unwrap_or_else(default_auth);
        let service = options.service.unwrap_or_default();
        let state = AppState::new(server_db, secrets.clone(), &auth, service).expect("app state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let server = tokio::spawn(async move {
            leerroute::serve_http(listener, Arc::new(state), std::future::pending())
                .await
                .expect("serve");
        });
        // Our own connection has no metric callback, so assertions do not count.
        db = leerroute::db::connect(&database_url)
            .await
            .expect("second connection");
        Some(TestApp {
            backend,
            base_url: format!("http://{address}"),
            database_url,
            db,
            secrets,
            statements,
            client: reqwest::Client::new(),
            _dir: dir,
            pg_cleanup,
            server,
        })
    }

    /// A token of ours for `role` with the given scope.
    pub fn token(
        &self,
        role: Role,
        region: Option<&str>,
        school: Option<&str>,
        subject: Option<&str>,
    ) -> String {
        let subject = subject
            .map(str::to_owned)
            .unwrap_or_else(|| format!("test-{}", role.as_str()));
        token::mint(
            &self.secrets.jwt,
            &token::TokenRequest {
                role,
                subject: &subject,
                region,
                school,
                ttl: std::time::Duration::from_secs(3600),
            },
        )
        .expect("mint token")
    }

    pub fn admin(&self) -> String {
        self.token(Role::Admin, None, None, Some("test-admin"))
    }

    pub fn coordinator(&self, region: &str) -> String {
        self.token(
            Role::Coordinator,
            Some(region),
            None,
            Some(&format!("coordinator-{region}")),
        )
    }

    pub fn staff(&self, brin: &str) -> String {
        self.token(
            Role::SchoolStaff,
            None,
            Some(brin),
            Some(&format!("staff-{brin}")),
        )
    }

    /// Posts a GraphQL operation and returns the JSON body (HTTP errors included).
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("POST /graphql");
        response.json().await.expect("JSON response")
    }

    /// Posts a GraphQL operation and returns `data`, failing the test on any error.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Posts a GraphQL operation that must fail, and returns its first error's code.
    pub async fn error_code(&self, token: Option<&str>, query: &str, variables: Value) -> String {
        let body = self.gql(token, query, variables).await;
        first_error_code(&body).unwrap_or_else(|| panic!("expected an error, got {body:#}"))
    }

    /// The raw text of a POST's `data` (`serde_json::Value` would sort its keys), failing the
    /// test on any error.
    pub async fn raw_data(&self, token: Option<&str>, query: &str) -> String {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({ "query": query }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let text = request.send().await.unwrap().text().await.unwrap();
        assert!(!text.contains(r#""errors""#), "{text}");
        let start = text.find(r#""data":"#).expect("data") + 7;
        let end = text.rfind(r#","extensions":"#).expect("extensions");
        text[start..end].to_owned()
    }

    /// A raw GET against the service.
    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{}", self.base_url, path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("GET")
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Resets the statement counter of the server's connection.
    pub fn reset_statements(&self) {
        self.statements.store(0, Ordering::SeqCst);
    }

    pub fn statement_count(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    /// Runs the real `leerroute` binary against this app's database and secrets.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.cli_command(args).output().expect("run leerroute")
    }

    /// The real `leerroute` binary with `args`, set up for this app's database and secrets, not
    /// started yet (for runs that overlap with requests).
    pub fn cli_command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(leerroute_binary());
        command
            .args(args)
            .env("LEERROUTE_DATABASE_URL", &self.database_url)
            .env("LEERROUTE_JWT_SECRET", &self.secrets.jwt)
            .env("LEERROUTE_LINK_SECRET", &self.secrets.link)
            .env("RUST_LOG", "warn");
        command
    }

    /// Writes `contents` to a new file in the test's folder and returns its path.
    pub fn write_file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self
            ._dir
            .path()
            .join(format!("{}-{name}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Counts the rows of a table through our own connection.
    pub async fn count_rows(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("one row");
        row.try_get("", "n").expect("n")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        if let Some((server, name)) = self.pg_cleanup.take() {
            // Drop the throwaway database from a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    let admin = sea_orm::Database::connect(&server).await.ok()?;
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                        .ok()?;
                    admin.close().await.ok()
                })
            })
            .join();
        }
    }
}

/// The first error's `extensions.code` of a GraphQL response.
pub fn first_error_code(body: &Value) -> Option<String> {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
}

/// The PostgreSQL server URL for tests, or `None` (test skipped) when not configured.
fn postgres_server_url() -> Option<String> {
    match std::env::var("LEERROUTE_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("LEERROUTE_TEST_REQUIRE_POSTGRES").is_some() => {
            panic!("LEERROUTE_TEST_REQUIRE_POSTGRES is set but LEERROUTE_TEST_POSTGRES_URL is not")
        }
        _ => {
            eprintln!("skipped: set LEERROUTE_TEST_POSTGRES_URL to run the PostgreSQL variant");
            None
        }
    }
}

/// `postgres://u@h:p/x?opts` with the database replaced by `name`.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

/// The `leerroute` binary built beside this test executable.
pub fn leerroute_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir");
    let binary = dir.join(format!("leerroute{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p leerroute` (cargo test builds it)",
        binary.display()
    );
    binary
}

/// A file in `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Writes one test body twice: `<name>::sqlite` and `<name>::postgres`. An optional second
/// argument is a function returning the [`Options`] to start the app with.
#[macro_export]
macro_rules! db_test {
    ($name:ident, $body:expr) => {
        $crate::db_test!($name, $crate::Options::default, $body);
    };
    ($name:ident, $options:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::start_with($crate::Backend::Sqlite, ($options)())
                    .await
                    .expect("sqlite app");
                ($body)(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) =
                    $crate::TestApp::start_with($crate::Backend::Postgres, ($options)()).await
                {
                    ($body)(app).await;
                }
            }
        }
    };
}

/// Creates a region, vo school, mbo school and a leerlab between them, as admin; returns nothing
/// but leaves `REG` / `11AA` (VO) / `22BB` (MBO) / leerlab `LAB` behind.
pub async fn small_region(app: &TestApp, region: &str, vo: &str, mbo: &str) {
    let admin = app.admin();
    app.ok(
        Some(&admin),
        "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }",
        json!({"c": region}),
    )
    .await;
    for (brin, sector) in [(vo, "VO"), (mbo, "MBO")] {
        app.ok(
            Some(&admin),
            "mutation($r: String!, $b: String!, $s: Sector!) { createSchool(input: {regionCode: $r, brin: $b, name: $b, sector: $s, city: \"Stad\"}) { school { id } } }",
            json!({"r": region, "b": brin, "s": sector}),
        )
        .await;
    }
}

/// A valid BSN derived from `n`: distinct for distinct `n` below 4 million, passes the eleven
/// test, never starts with `10`.
pub fn bsn(n: u64) -> String {
    let first = 20_000_000 + n * 16;
    (first..first + 16)
        .find_map(|body| {
            let digits: Vec<u64> = format!("{body:08}")
                .bytes()
                .map(|b| u64::from(b - b'0'))
                .collect();
            let check = digits
                .iter()
                .zip((2..=9).rev())
                .map(|(d, w)| d * w)
                .sum::<u64>()
                % 11;
            (check < 10).then(|| format!("{body:08}{check}"))
        })
        .expect("one of sixteen consecutive bodies has a check digit")
}

/// A valid onderwijsnummer derived from `n` (starts with `10`, s mod 11 = 5).
pub fn onderwijsnummer(n: u64) -> String {
    let mut body = 10_000_000 + n % 1_000_000;
    loop {
        let digits: Vec<i64> = format!("{body:08}")
            .bytes()
            .map(|b| i64::from(b - b'0'))
            .collect();
        let sum: i64 = digits.iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum();
        let last = sum - 5;
        if let Some(d) = (0..=9).find(|d| (last - d).rem_euclid(11) == 0) {
            return format!("{body:08}{d}");
        }
        body += 1;
    }
}

impl TestApp {
    /// Sends a GraphQL multipart request with one file bound to `variables.input.file`.
    pub async fn upload(&self, token: Option<&str>, mutation: &str, csv: &str) -> Value {
        self.upload_with(token, mutation, json!({}), csv).await
    }

    /// Like [`TestApp::upload`], with more fields of `input` (`file` is added).
    pub async fn upload_with(
        &self,
        token: Option<&str>,
        mutation: &str,
        mut input: Value,
        csv: &str,
    ) -> Value {
        input["file"] = Value::Null;
        let operations = json!({ "query": mutation, "variables": { "input": input } });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.input.file"] }).to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                    .file_name("upload.csv")
                    .mime_str("text/csv")
                    .expect("mime"),
            );
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("POST multipart")
            .json()
            .await
            .expect("JSON response")
    }

    /// Writes `csv` to a file in the test's folder and imports it with the CLI.
    pub fn cli_import(&self, kind: &str, csv: &str) -> Output {
        let path = self.write_file(&format!("{kind}.csv"), csv);
        self.cli(&["import", kind, path.to_str().expect("utf-8 path")])
    }
}

/// The header of the vo-leavers format.
pub const VO_HEADER: &str =
    "pgn,school_brin,leerweg,profiel,school_year,exam_date,choice_crebo,choice_date,leerlab_code";
/// The header of the mbo-enrolments format.
pub const MBO_HEADER: &str = "pgn,school_brin,crebo,level,enrolled_on,status,status_date";
