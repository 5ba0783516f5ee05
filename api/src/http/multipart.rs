//! The GraphQL multipart request spec (uploads), read as it streams in: `operations` (whose
//! elements may carry a `documentId`, like a JSON body's) and `map` are held to the JSON body
//! limit, each file to the upload limit, and the whole body to both together, so no part is
//! read past its limit. Files go to anonymous temporary files, never into memory.

use std::{collections::HashMap, io::Write};

use async_graphql::UploadValue;
use axum::body::Body;
use futures::TryStreamExt;

use super::request::{Malformed, Operations, from_json_value};

/// Reads a multipart request with `json_limit` bytes for `operations` and `map` and
/// `upload_limit` bytes for its one file.
pub async fn read(
    content_type: &str,
    body: Body,
    json_limit: usize,
    upload_limit: usize,
) -> Result<Operations, Malformed> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| Malformed::Request("a multipart request needs a boundary".to_owned()))?;
    let (json_limit, upload_limit) = (json_limit as u64, upload_limit as u64);
    let limits = multer::SizeLimit::new()
        .whole_stream(upload_limit.saturating_add(json_limit.saturating_mul(2)))
        .per_field(upload_limit)
        .for_field("operations", json_limit)
        .for_field("map", json_limit);
    let mut multipart = multer::Multipart::with_constraints(
        body.into_data_stream().map_err(std::io::Error::other),
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let mut operations = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("operations") => {
                let bytes = field.bytes().await.map_err(unreadable)?;
                let value = serde_json::from_slice(&bytes).map_err(|_| {
                    Malformed::Request("the `operations` part is not JSON".to_owned())
                })?;
                operations = Some(from_json_value(value)?);
            }
            Some("map") => {
                let bytes = field.bytes().await.map_err(unreadable)?;
                map = Some(serde_json::from_slice(&bytes).map_err(|_| {
                    Malformed::Request(
                        "the `map` part must map file fields to lists of paths".to_owned(),
                    )
                })?);
            }
            Some(name) if field.file_name().is_some() => {
                if !files.is_empty() {
                    return Err(Malformed::Request("one file per request".to_owned()));
                }
                let name = name.to_owned();
                let filename = field.file_name().unwrap_or_default().to_owned();
                let content_type = field.content_type().map(ToString::to_string);
                let mut file = tempfile::tempfile().map_err(stored)?;
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    file.write_all(&chunk).map_err(stored)?;
                }
                std::io::Seek::rewind(&mut file).map_err(stored)?;
                files.push((name, filename, content_type, file));
            }
            _ => {}
        }
    }
    let mut operations = operations
        .ok_or_else(|| Malformed::Request("the `operations` part is missing".to_owned()))?;
    let mut map = map.ok_or_else(|| Malformed::Request("the `map` part is missing".to_owned()))?;
    for (name, filename, content_type, file) in files {
        let Some(paths) = map.remove(&name) else {
            continue;
        };
        let upload = UploadValue {
            filename,
            content_type,
            content: file,
        };
        for path in paths {
            let copy = upload.try_clone().map_err(stored)?;
            match &mut operations {
                Operations::Single(operation) => operation.request.set_upload(&path, copy),
                Operations::Batch(batch) => {
                    let (index, path) = path.split_once('.').unwrap_or((path.as_str(), ""));
                    if let Some(operation) = index
                        .parse::<usize>()
                        .ok()
                        .and_then(|index| batch.get_mut(index))
                    {
                        operation.request.set_upload(path, copy);
                    }
                }
            }
        }
    }
    if !map.is_empty() {
        return Err(Malformed::Request(
            "`map` names a file the request does not hold".to_owned(),
        ));
    }
    Ok(operations)
}

fn unreadable(err: multer::Error) -> Malformed {
    match err {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            Malformed::TooLarge
        }
        other => Malformed::Request(format!("unreadable multipart request: {other}")),
    }
}

fn stored(err: std::io::Error) -> Malformed {
    tracing::error!(error = %err, "cannot store an upload in a temporary file");
    Malformed::Request("the upload could not be stored".to_owned())
}
