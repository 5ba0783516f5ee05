//! The embedded files under `/assets/`: one table, built at compile time from `api/assets/`,
//! so the binary needs nothing beside it and serves nothing but what is listed here.

use std::sync::LazyLock;

use axum::{
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use super::headers::secure;

/// One embedded file, served at `/assets/{path}`.
pub struct Asset {
    pub path: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! assets {
    ($($path:literal),* $(,)?) => {
        &[$(Asset {
            path: $path,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)),
        }),*]
    };
}

/// Every file the pages may load. A file under `api/assets/` that is missing here is not
/// served (a unit test below lists such files).
pub static ASSETS: &[Asset] = assets![
    "vendor/react/react.production.min.js",
    "vendor/react/react-dom.production.min.js",
    "vendor/graphiql/graphiql.min.js",
    "vendor/graphiql/graphiql.min.css",
    "vendor/graphql-ws/graphql-ws.min.js",
    "vendor/echarts/echarts.min.js",
    "vendor/THIRD-PARTY-LICENSES.txt",
    "vendor/VERSIONS",
    "favicon.svg",
    "graphiql/init.js",
    "graphiql/graphiql.css",
    "dashboard/dashboard.css",
    "dashboard/main.js",
    "dashboard/session.js",
    "dashboard/api.js",
    "dashboard/format.js",
    "dashboard/table.js",
    "dashboard/charts.js",
    "dashboard/flow.js",
    "dashboard/rates.js",
    "dashboard/needs.js",
    "dashboard/signals.js",
    "dashboard/pipeline.js",
    "dashboard/queries/viewer.graphql",
    "dashboard/queries/names.graphql",
    "dashboard/queries/cohorts.graphql",
    "dashboard/queries/flow.graphql",
    "dashboard/queries/rates.graphql",
    "dashboard/queries/needs.graphql",
    "dashboard/queries/signals.graphql",
    "dashboard/queries/schoolyear.graphql",
    "dashboard/queries/pipeline.graphql",
];

/// A strong validator per asset, so a browser revalidates cheaply and never keeps a file of
/// an older binary.
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| format!("\"{}\"", hex::encode(&Sha256::digest(asset.bytes)[..12])))
        .collect()
});

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("graphql") => "application/graphql; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    }
}

/// `GET /assets/{*path}`: the embedded file, 304 when the browser has it, 404 otherwise.
pub async fn serve(Path(path): Path<String>, request: HeaderMap) -> Response {
    let Some(index) = ASSETS.iter().position(|asset| asset.path == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = &ETAGS[index];
    let cached = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut response = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, content_type(&path))],
            ASSETS[index].bytes,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    secure(&mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files of `api/assets/` that pages load, but that the table above does not serve.
    #[test]
    fn every_page_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
        let mut missing = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("assets dir") {
                let path = entry.expect("entry").path();
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if path.is_dir() {
                    stack.push(path);
                } else if is_served_kind(&relative) && !ASSETS.iter().any(|a| a.path == relative) {
                    missing.push(relative);
                }
            }
        }
        assert!(missing.is_empty(), "not in ASSETS: {missing:?}");
    }

    /// Scripts, styles and queries outside the vendor folder's own tooling; the pages
    /// themselves (`index.html`) are served at `/graphql` and `/dashboard`.
    fn is_served_kind(relative: &str) -> bool {
        let kind = relative.rsplit_once('.').map(|(_, ext)| ext);
        matches!(kind, Some("js" | "css" | "graphql" | "svg")) && !relative.contains("node_modules")
    }

    #[test]
    fn assets_are_typed() {
        assert_eq!(
            content_type("dashboard/main.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("vendor/graphiql/graphiql.min.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("vendor/VERSIONS"), "text/plain; charset=utf-8");
    }
}
