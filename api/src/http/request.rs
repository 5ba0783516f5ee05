//! Reading a GraphQL-over-HTTP request: a JSON body or a multipart upload (`POST`), or the
//! query string (`GET`). The parameters are checked here as the spec has them (`query` and
//! `operationName` strings, `variables` and `extensions` maps, each of the last three may be
//! null), so a malformed request is refused before the schema sees it.

use async_graphql::{
    Request,
    parser::types::{DocumentOperations, OperationType},
};
use axum::{
    body::Body,
    extract::Query,
    http::{HeaderMap, Uri, header},
};
use serde_json::{Map, Value};

/// One operation as a client sent it: the request for the schema, and the `documentId` of a
/// trusted document when the client named one instead of (or beside) the text.
pub struct Operation {
    pub request: Request,
    pub document_id: Option<String>,
}

/// Why a request never reaches the schema.
#[derive(Debug)]
pub enum Malformed {
    /// Not a well-formed GraphQL-over-HTTP request (bad JSON, a parameter of the wrong type,
    /// no query): 400 under either media type.
    Request(String),
    /// More operations in one batch than allowed (`QUERY_TOO_COMPLEX`).
    TooManyOperations(usize),
    /// A body or upload over the limit (413).
    TooLarge,
    /// A body that is neither JSON nor multipart (415).
    UnsupportedType,
    /// A mutation or subscription over `GET` (405 with `Allow: POST`).
    NotAQuery,
}

/// The GraphQL parameters of a `GET`'s query string; `None` when it has none (a browser
/// opening the page).
pub fn from_query_string(uri: &Uri) -> Result<Option<Operation>, Malformed> {
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|_| Malformed::Request("unreadable query string".to_owned()))?
        .0;
    const NAMES: [&str; 5] = [
        "query",
        "operationName",
        "variables",
        "extensions",
        "documentId",
    ];
    let mut params = Map::new();
    for (name, value) in pairs {
        if !NAMES.contains(&name.as_str()) {
            continue;
        }
        if params.contains_key(&name) {
            return Err(Malformed::Request(format!("`{name}` is given twice")));
        }
        // `variables` and `extensions` are URL-encoded JSON; the others plain strings.
        let value = if name == "variables" || name == "extensions" {
            serde_json::from_str(&value)
                .map_err(|_| Malformed::Request(format!("`{name}` is not JSON")))?
        } else {
            Value::String(value)
        };
        params.insert(name, value);
    }
    if params.is_empty() {
        return Ok(None);
    }
    operation(Value::Object(params)).map(Some)
}

/// One operation, or a batch (a JSON array, answered with an array even when it holds one).
pub enum Operations {
    Single(Box<Operation>),
    Batch(Vec<Operation>),
}

/// The limits of a `POST` body, in bytes.
#[derive(Clone, Copy)]
pub struct Limits {
    /// A JSON body, and the `operations` and `map` parts of an upload.
    pub json: usize,
    /// The file of an upload.
    pub upload: usize,
    /// Most operations in one batch.
    pub batch: usize,
}

/// What a `POST` body is, from its `Content-Type`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Multipart,
    Other,
}

/// The kind of body `headers` announce.
pub fn body_kind(headers: &HeaderMap) -> BodyKind {
    let essence = content_type(headers)
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => BodyKind::Json,
        "multipart/form-data" => BodyKind::Multipart,
        _ => BodyKind::Other,
    }
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The operations of a `POST`: a JSON object or array of them, or a multipart upload. A body
/// whose `Content-Length` is over its limit is refused unread; one sent in chunks is cut off
/// at the limit.
pub async fn from_body(
    headers: &HeaderMap,
    body: Body,
    limits: Limits,
) -> Result<Operations, Malformed> {
    let kind = body_kind(headers);
    let limit = match kind {
        BodyKind::Json => limits.json,
        BodyKind::Multipart => limits.upload.saturating_add(limits.json.saturating_mul(2)),
        BodyKind::Other => return Err(Malformed::UnsupportedType),
    };
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit as u64) {
        return Err(Malformed::TooLarge);
    }
    let operations = match kind {
        BodyKind::Json => from_json(body, limits.json).await?,
        _ => {
            super::multipart::read(content_type(headers), body, limits.json, limits.upload).await?
        }
    };
    if let Operations::Batch(batch) = &operations
        && batch.len() > limits.batch
    {
        return Err(Malformed::TooManyOperations(limits.batch));
    }
    Ok(operations)
}

async fn from_json(body: Body, limit: usize) -> Result<Operations, Malformed> {
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Malformed::TooLarge)?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| Malformed::Request("the body is not JSON".to_owned()))?;
    from_json_value(value)
}

/// The operations of a JSON body (or of a multipart request's `operations` part).
pub fn from_json_value(value: Value) -> Result<Operations, Malformed> {
    match value {
        Value::Array(items) if items.is_empty() => {
            Err(Malformed::Request("an empty batch".to_owned()))
        }
        Value::Array(items) => items
            .into_iter()
            .map(operation)
            .collect::<Result<_, _>>()
            .map(Operations::Batch),
        single => operation(single).map(|op| Operations::Single(Box::new(op))),
    }
}

/// One request object, its parameters checked for their types.
fn operation(value: Value) -> Result<Operation, Malformed> {
    let Value::Object(mut params) = value else {
        return Err(Malformed::Request(
            "a request must be a JSON object".to_owned(),
        ));
    };
    let field =
        |params: &Map<String, Value>, name: &str, ok: fn(&Value) -> bool, what: &str| match params
            .get(name)
        {
            Some(value) if !value.is_null() && !ok(value) => {
                Err(Malformed::Request(format!("`{name}` must be {what}")))
            }
            _ => Ok(()),
        };
    field(&params, "query", Value::is_string, "a string")?;
    field(&params, "operationName", Value::is_string, "a string")?;
    field(&params, "documentId", Value::is_string, "a string")?;
    field(&params, "variables", Value::is_object, "a map")?;
    field(&params, "extensions", Value::is_object, "a map")?;
    let document_id = params
        .remove("documentId")
        .and_then(|v| v.as_str().map(str::to_owned));
    let has_query = params.get("query").is_some_and(Value::is_string);
    if !has_query && document_id.is_none() {
        return Err(Malformed::Request(
            "the request has no `query` (nor `documentId`)".to_owned(),
        ));
    }
    let request = serde_json::from_value(Value::Object(params))
        .map_err(|_| Malformed::Request("unreadable GraphQL request".to_owned()))?;
    Ok(Operation {
        request,
        document_id,
    })
}

/// Refuses anything but a query, for `GET` (which must be safe). A document that does not
/// parse, or names no operation of its own, passes: the schema refuses it with its own error.
pub fn only_queries(request: &mut Request) -> Result<(), Malformed> {
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return Ok(());
    };
    let not_a_query = match &document.operations {
        DocumentOperations::Single(operation) => operation.node.ty != OperationType::Query,
        DocumentOperations::Multiple(operations) => match name.as_deref() {
            Some(name) => operations
                .get(name)
                .is_some_and(|op| op.node.ty != OperationType::Query),
            None => operations
                .values()
                .any(|op| op.node.ty != OperationType::Query),
        },
    };
    if not_a_query {
        Err(Malformed::NotAQuery)
    } else {
        Ok(())
    }
}
