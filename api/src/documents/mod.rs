//! Trusted documents (DESIGN.md section 3, HTTP): GraphQL documents registered ahead of time and
//! addressed as `sha256:<hex>`, the lowercase hex SHA-256 of the document's exact bytes.
//!
//! They are stored in the database (`trusted_document`), so a document that one replica's
//! `leerroute documents add` registers runs on every replica at once: each keeps what it has
//! looked up in memory for [`CACHE_FOR`] and asks the database on a miss. The dashboard's own
//! documents are built in (they are embedded in the binary) and count as registered.

pub mod cli;

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use async_graphql::parser::{
    parse_query,
    types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet},
};
use entity::trusted_document;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use sha2::{Digest, Sha256};

use crate::config::TrustMode;

/// How long a replica trusts what it looked up: a removed document stops running everywhere
/// within this time.
pub const CACHE_FOR: Duration = Duration::from_secs(30);
/// Most documents one replica keeps in memory (the cache is emptied when it is full).
const CACHE_MAX: usize = 10_000;
/// The prefix of every `documentId`.
pub const PREFIX: &str = "sha256:";

/// The lowercase hex SHA-256 of `bytes`: a trusted document's id without its prefix.
pub fn hex_id(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hex digits of a well-formed `documentId` (`sha256:` and 64 lowercase hex digits).
pub fn parse_id(document_id: &str) -> Option<&str> {
    let hex = document_id.strip_prefix(PREFIX)?;
    let well_formed = hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then_some(hex)
}

/// The registered documents as one replica sees them.
pub struct TrustedDocuments {
    pub mode: TrustMode,
    /// The dashboard's own documents, by hex id.
    built_in: HashMap<String, Arc<str>>,
    cache: Mutex<HashMap<String, (Arc<str>, Instant)>>,
}

impl TrustedDocuments {
    pub fn new(mode: TrustMode) -> Self {
        let built_in = crate::web::dashboard_documents()
            .map(|text| (hex_id(text.as_bytes()), Arc::from(text)))
            .collect();
        TrustedDocuments {
            mode,
            built_in,
            cache: Mutex::default(),
        }
    }

    /// The text of the document with this hex id, if it is registered (or built in).
    pub async fn text(
        &self,
        db: &DatabaseConnection,
        hex: &str,
    ) -> Result<Option<Arc<str>>, DbErr> {
        if let Some(text) = self.built_in.get(hex) {
            return Ok(Some(text.clone()));
        }
        if let Some(text) = self.cached(hex) {
            return Ok(Some(text));
        }
        let Some(row) = trusted_document::Entity::find_by_id(hex.to_owned())
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let text: Arc<str> = Arc::from(row.body);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_MAX {
            cache.clear();
        }
        cache.insert(hex.to_owned(), (text.clone(), Instant::now()));
        Ok(Some(text))
    }

    /// Whether `text`, sent as an ad-hoc document, is a registered one after all: its bytes are
    /// those of a registered or built-in document, or it is an introspection query.
    pub async fn counts_as_registered(
        &self,
        db: &DatabaseConnection,
        text: &str,
    ) -> Result<bool, DbErr> {
        if only_introspection(text) {
            return Ok(true);
        }
        Ok(self.text(db, &hex_id(text.as_bytes())).await?.is_some())
    }

    fn cached(&self, hex: &str) -> Option<Arc<str>> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        match cache.get(hex) {
            Some((text, at)) if at.elapsed() < CACHE_FOR => Some(text.clone()),
            Some(_) => {
                cache.remove(hex);
                None
            }
            None => None,
        }
    }
}

/// Whether every operation of `text` asks only for introspection (`__schema`, `__type`,
/// `__typename` at its root): the standard introspection queries of graphql-js and
/// graphql-core, whatever options they were built with. They read nothing but the schema, which
/// `LEERROUTE_INTROSPECTION` guards.
pub fn only_introspection(text: &str) -> bool {
    let Ok(document) = parse_query(text) else {
        return false;
    };
    let mut seen = HashSet::new();
    document
        .operations
        .iter()
        .all(|(_, op)| root_is_introspection(&document, &op.node.selection_set.node, &mut seen))
        && !matches!(&document.operations, DocumentOperations::Multiple(ops) if ops.is_empty())
}

fn root_is_introspection<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    seen: &mut HashSet<&'a str>,
) -> bool {
    set.items.iter().all(|item| match &item.node {
        Selection::Field(field) => field.node.name.node.starts_with("__"),
        Selection::InlineFragment(fragment) => {
            root_is_introspection(document, &fragment.node.selection_set.node, seen)
        }
        Selection::FragmentSpread(spread) => {
            let name = spread.node.fragment_name.node.as_str();
            if !seen.insert(name) {
                return true;
            }
            document
                .fragments
                .get(&spread.node.fragment_name.node)
                .is_some_and(|fragment| {
                    root_is_introspection(document, &fragment.node.selection_set.node, seen)
                })
        }
    })
}

/// The names of the operations of a parsed document ("" for an anonymous one).
pub fn operation_names(document: &ExecutableDocument) -> Vec<String> {
    match &document.operations {
        DocumentOperations::Single(_) => vec![String::new()],
        DocumentOperations::Multiple(operations) => {
            let mut names: Vec<String> = operations.keys().map(|n| n.to_string()).collect();
            names.sort();
            names
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sha256_in_lowercase_hex() {
        let id = hex_id(b"{ __typename }");
        assert_eq!(id.len(), 64);
        assert_eq!(parse_id(&format!("sha256:{id}")), Some(id.as_str()));
        assert_eq!(parse_id(&format!("sha256:{}", id.to_uppercase())), None);
        assert_eq!(parse_id(&format!("md5:{id}")), None);
        assert_eq!(parse_id(&id), None);
        assert_eq!(parse_id(&format!("sha256:{}", &id[1..])), None);
    }

    #[test]
    fn introspection_only_documents_are_recognised() {
        assert!(only_introspection(
            "query IntrospectionQuery { __schema { types { name } } }"
        ));
        assert!(only_introspection(
            "{ __typename ...F } fragment F on Query { __type(name: \"X\") { name } }"
        ));
        assert!(!only_introspection("{ __typename regions { totalCount } }"));
        assert!(!only_introspection(
            "{ ...F } fragment F on Query { regions { totalCount } }"
        ));
        assert!(!only_introspection("not graphql"));
    }
}
