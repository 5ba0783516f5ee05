//! `leerroute documents add|list|remove`: registering trusted documents. A file is stored only
//! when it parses and validates against the schema (limits included), so a registered document
//! never fails for its text; the error names the file and what is wrong, never more of its text.

use std::{path::Path, sync::Arc};

use async_graphql::{
    Response, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute},
    parser::parse_query,
};
use chrono::Utc;
use entity::trusted_document;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder, TransactionTrait};

use super::{PREFIX, hex_id, operation_names, parse_id};
use crate::{
    config::{DatabaseArgs, DatabaseUrlArgs, DocumentsCommand},
    error::CommandError,
    graphql::AppSchema,
};

/// Runs one `documents` command and returns what it prints.
pub async fn run(action: DocumentsCommand) -> Result<String, CommandError> {
    match action {
        DocumentsCommand::Add(args) => {
            let db = open(&args.database).await?;
            add(&db, &args.files).await
        }
        DocumentsCommand::List(args) => list(&open(&args.database).await?).await,
        DocumentsCommand::Remove(args) => remove(&open(&args.database).await?, &args.id).await,
    }
}

async fn open(args: &DatabaseUrlArgs) -> Result<DatabaseConnection, CommandError> {
    crate::open_database(&DatabaseArgs {
        database_url: args.database_url.clone(),
        jwt_secret: None,
        link_secret: None,
    })
    .await
}

/// One checked file, ready to store.
struct Checked {
    id: String,
    text: String,
    names: Vec<String>,
}

/// Checks every file, then stores them all in one transaction: one bad file stores none.
async fn add(
    db: &DatabaseConnection,
    files: &[std::path::PathBuf],
) -> Result<String, CommandError> {
    let schema = checking_schema();
    let mut checked = Vec::new();
    let mut refused = Vec::new();
    for file in files {
        match check(&schema, file).await {
            Ok(document) => checked.push(document),
            Err(why) => refused.push(format!("{}: {why}", file.display())),
        }
    }
    if !refused.is_empty() {
        return Err(CommandError::Refused(format!(
            "no document was registered; fix these files:\n  {}",
            refused.join("\n  ")
        )));
    }
    let transaction = db.begin().await.map_err(db_error)?;
    for document in &checked {
        let exists = trusted_document::Entity::find_by_id(document.id.clone())
            .one(&transaction)
            .await
            .map_err(db_error)?
            .is_some();
        if exists {
            continue;
        }
        trusted_document::Entity::insert(trusted_document::ActiveModel {
            id: Set(document.id.clone()),
            body: Set(document.text.clone()),
            operation_names: Set(document.names.join(",")),
            added_at: Set(Utc::now()),
        })
        .exec(&transaction)
        .await
        .map_err(db_error)?;
    }
    transaction.commit().await.map_err(db_error)?;
    Ok(checked
        .iter()
        .zip(files)
        .map(|(document, file)| format!("{PREFIX}{} {}", document.id, file.display()))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Reads a file and checks that it is one GraphQL document valid against the schema.
async fn check(schema: &AppSchema, file: &Path) -> Result<Checked, String> {
    let bytes = std::fs::read(file).map_err(|err| format!("cannot read it ({err})"))?;
    let id = hex_id(&bytes);
    let text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())?;
    let document = parse_query(&text).map_err(|err| format!("it does not parse: {err}"))?;
    let names = operation_names(&document);
    let response = schema.execute(text.as_str()).await;
    if !response.errors.is_empty() {
        let reasons: Vec<String> = response
            .errors
            .iter()
            .map(|error| match error.locations.first() {
                Some(at) => format!("line {}, column {}: {}", at.line, at.column, error.message),
                None => error.message.clone(),
            })
            .collect();
        return Err(format!(
            "it does not validate against the schema: {}",
            reasons.join("; ")
        ));
    }
    Ok(Checked { id, text, names })
}

async fn list(db: &DatabaseConnection) -> Result<String, CommandError> {
    let rows = trusted_document::Entity::find()
        .order_by_asc(trusted_document::Column::AddedAt)
        .order_by_asc(trusted_document::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    if rows.is_empty() {
        return Ok("no trusted documents are registered".to_owned());
    }
    Ok(rows
        .iter()
        .map(|row| {
            let names = if row.operation_names.is_empty() {
                "(anonymous)"
            } else {
                row.operation_names.as_str()
            };
            format!(
                "{PREFIX}{}\t{names}\t{}",
                row.id,
                row.added_at.format("%Y-%m-%dT%H:%M:%SZ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

async fn remove(db: &DatabaseConnection, id: &str) -> Result<String, CommandError> {
    let hex = parse_id(id).ok_or_else(|| {
        CommandError::Config(format!(
            "`{}` is not a document id; ids are `{PREFIX}` and 64 lowercase hex digits",
            id.chars().take(80).collect::<String>()
        ))
    })?;
    let deleted = trusted_document::Entity::delete_by_id(hex.to_owned())
        .exec(db)
        .await
        .map_err(db_error)?
        .rows_affected;
    if deleted == 0 {
        return Err(CommandError::Refused(format!(
            "no trusted document {PREFIX}{hex} is registered"
        )));
    }
    Ok(format!(
        "removed {PREFIX}{hex}; replicas stop running it within {} s",
        super::CACHE_FOR.as_secs()
    ))
}

fn db_error(err: sea_orm::DbErr) -> CommandError {
    CommandError::Refused(format!("database error: {err}"))
}

/// The service's schema, limits included, that parses and validates a document but never runs it.
fn checking_schema() -> AppSchema {
    crate::graphql::build_schema_with(
        None,
        None,
        &crate::config::ServiceArgs::default(),
        Some(CheckOnly),
    )
}

/// The extension that stops every operation after validation: nothing is resolved.
pub struct CheckOnly;

impl ExtensionFactory for CheckOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CheckOnly)
    }
}

#[async_trait::async_trait]
impl Extension for CheckOnly {
    async fn execute(
        &self,
        _ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        Response::new(Value::Null)
    }
}
