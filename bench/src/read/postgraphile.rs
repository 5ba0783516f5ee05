//! PostGraphile 4 and 5 on the bench database: installed from npm at the versions pinned by
//! `bench/postgraphile/*/package-lock.json` (by `bench/postgraphile/install.sh`, into
//! `target/postgraphile`), both run by the Node.js 22 of npm's `node` package, each on a free
//! loopback port, in production mode and with the stock settings of its version.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use super::answer::Shape;
use crate::child::{Running, spawn_program};

/// The nested catalogue query in PostGraphile's schema (the same for 4 and for 5 with the
/// amber preset): the same pages, in primary-key (registration) order.
pub const QUERY: &str = "query Catalogue { allRegions(first: 10, orderBy: PRIMARY_KEY_ASC) { \
    totalCount nodes { code name schoolsByRegionId(first: 20, orderBy: PRIMARY_KEY_ASC) { \
    totalCount nodes { brin name sector } } } } }";

/// Where PostGraphile puts the two connections.
pub const SHAPE: Shape = Shape {
    regions: "allRegions",
    schools: "schoolsByRegionId",
};

/// The major versions compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Major {
    V4,
    V5,
}

impl Major {
    pub fn folder(self) -> &'static str {
        match self {
            Major::V4 => "v4",
            Major::V5 => "v5",
        }
    }

    /// The CLI script inside the installed package.
    fn cli(self) -> &'static str {
        match self {
            Major::V4 => "node_modules/postgraphile/cli.js",
            Major::V5 => "node_modules/postgraphile/dist/cli-run.js",
        }
    }
}

/// The installed servers and their Node.js.
pub struct Installation {
    pub dir: PathBuf,
}

/// The install script of the committed package files.
fn install_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("postgraphile/install.sh")
}

fn package_version(package_json: &Path) -> String {
    std::fs::read_to_string(package_json)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

impl Installation {
    /// Installs into `dir` what is not installed at the pinned versions yet (npm ci).
    pub fn ensure(dir: &Path) -> Result<Installation, String> {
        let script = install_script();
        let output = Command::new("bash")
            .arg(&script)
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !output.status.success() {
            return Err(format!(
                "{} failed:\n{}",
                script.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(Installation {
            dir: dir.to_owned(),
        })
    }

    fn node(&self) -> PathBuf {
        self.dir.join("node/node_modules/node/bin/node")
    }

    /// `PostGraphile 4.14.1 (Node 22.23.3)`.
    pub fn label(&self, major: Major) -> String {
        let server = package_version(
            &self
                .dir
                .join(major.folder())
                .join("node_modules/postgraphile/package.json"),
        );
        let node = package_version(&self.dir.join("node/node_modules/node/package.json"));
        format!("PostGraphile {server} (Node {node})")
    }

    /// Starts PostGraphile `major` on `127.0.0.1:port` over `database_url` (schema `public`).
    pub fn spawn(
        &self,
        major: Major,
        database_url: &str,
        port: u16,
        log_dir: &Path,
    ) -> Result<Running, String> {
        let port = port.to_string();
        let folder = self.dir.join(major.folder());
        let mut args = vec![
            major.cli(),
            "-c",
            database_url,
            "-s",
            "public",
            "-n",
            "127.0.0.1",
            "-p",
            &port,
        ];
        match major {
            // No query log to the console, no GraphiQL: PostGraphile 4's production advice.
            Major::V4 => args.extend(["--disable-query-log", "--disable-graphiql"]),
            Major::V5 => args.extend(["-C", "graphile.config.mjs"]),
        }
        let env = vec![
            ("NODE_ENV".to_owned(), "production".to_owned()),
            ("GRAPHILE_ENV".to_owned(), "production".to_owned()),
        ];
        let name = format!("postgraphile-{}", major.folder());
        spawn_program(&self.node(), &args, &env, Some(&folder), log_dir, &name)
    }
}
