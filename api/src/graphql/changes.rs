//! The change feed (DESIGN.md 4c): `changes(since:, first:, after:)`, `Query.changeVersion`
//! and the `changeVersion` of every node. Every pupil record delivered is audited like a
//! direct read (`student.read`, `application.read`, `signal.read`).

use std::collections::HashMap;

use async_graphql::{Context, Enum, ID, Object, dataloader::Loader};
use entity::{activity, application, import_run, leerlab, person, programme, region, school};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::{
    connection::{Conn, from_page},
    context::{db, loader, open, selects, viewer},
    loaders::Db,
    node::Node,
    types::{
        Activity, Application, ImportRun, Leerlab, Person, Programme, Region, School, Signal,
        Student,
    },
};
use crate::{
    error::{AppError, AppResult},
    ids,
    service::{
        PageArgs, applications,
        changes::{self as service, Change as Entry},
    },
};

/// The version of a node, through the request's loader.
pub async fn version_of(ctx: &Context<'_>, ty: &'static str, id: i64) -> AppResult<String> {
    let version = loader(ctx)?.load_one(VersionOf(ty, id)).await?;
    Ok(version.unwrap_or(0).to_string())
}

/// The latest change version of a node (type name, row id).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct VersionOf(pub &'static str, pub i64);

impl Loader<VersionOf> for Db {
    type Value = i64;
    type Error = DbErr;

    async fn load(&self, keys: &[VersionOf]) -> Result<HashMap<VersionOf, i64>, DbErr> {
        let mut by_type: HashMap<&'static str, Vec<i64>> = HashMap::new();
        for key in keys {
            by_type.entry(key.0).or_default().push(key.1);
        }
        let mut found = HashMap::new();
        for (ty, ids) in by_type {
            for (id, version) in service::versions_of(&self.db, ty, &ids).await? {
                found.insert(VersionOf(ty, id), version);
            }
        }
        Ok(found)
    }
}

/// What happened to a record: it is there (new or changed), or it is gone for the caller.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChangeOp {
    /// The record is new or changed, or has come into the caller's scope: store `object`.
    Upsert,
    /// The record was deleted or has left the caller's scope: remove it (no record data).
    Delete,
}

/// One record changed after `since`, at its latest version.
pub struct Change {
    entry: Entry,
    object: Option<Node>,
}

/// One record changed after `since`, at its latest version: `UPSERT` with the record as the
/// caller may read it now, or `DELETE` with nothing but its type and id.
#[Object]
impl Change {
    /// The version of this change (a decimal 64-bit integer); the next `since` is the last one.
    async fn change_version(&self) -> String {
        self.entry.version.to_string()
    }

    /// `UPSERT` or `DELETE`.
    async fn op(&self) -> ChangeOp {
        match self.object {
            Some(_) => ChangeOp::Upsert,
            None => ChangeOp::Delete,
        }
    }

    /// The GraphQL type name of the record (`School`, `Student`, …).
    #[graphql(name = "type")]
    async fn ty(&self) -> &str {
        &self.entry.ty
    }

    /// The record's global id.
    async fn id(&self) -> ID {
        ids::encode(&self.entry.ty, self.entry.row_id)
    }

    /// The record's natural key (`School.brin`, `Region.code`, `Leerlab.code`); null for other
    /// types and for a `DELETE`.
    async fn natural_key(&self) -> Option<String> {
        match &self.object {
            Some(Node::Region(r)) => Some(r.0.code.clone()),
            Some(Node::School(s)) => Some(s.0.brin.clone()),
            Some(Node::Leerlab(l)) => Some(l.0.code.clone()),
            _ => None,
        }
    }

    /// The record, resolved with the caller's permissions; null for a `DELETE`.
    async fn object(&self) -> Option<&Node> {
        self.object.as_ref()
    }
}

#[derive(Default)]
pub struct ChangeQuery;

#[Object]
impl ChangeQuery {
    /// The records changed after `since` that the caller may read (or that left their scope),
    /// each once at its latest version, oldest first. `since: "0"` lists every live record;
    /// then pass the last `changeVersion` seen. Pupil records delivered are audited. A `since`
    /// older than the deletes kept answers `BAD_USER_INPUT` with `extensions.minVersion`: start
    /// again from `"0"`.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A change version (decimal); `\"0\"` for everything.")] since: String,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(
            desc = "Return the changes after this cursor (`pageInfo.endCursor`), for the same `since`."
        )]
        after: Option<String>,
    ) -> AppResult<Conn<Change>> {
        let since = service::parse_version("since", &since)?;
        let args = PageArgs::new(first, None)?;
        let after = after.as_deref().map(service::decode_after).transpose()?;
        let (db, viewer) = (db(ctx)?, viewer(ctx)?);
        let page = service::list(
            db,
            viewer,
            since,
            args.first,
            after.as_ref(),
            selects(ctx, "totalCount"),
        )
        .await?;
        let mut objects = objects(db, &page.items).await?;
        let pupil_rows = open(ctx, service::pupil_rows(db, &page.items).await?).await?;
        add_pupil_rows(&mut objects, pupil_rows);
        let persons: Vec<String> = objects
            .values()
            .filter_map(|node| match node {
                Found::Application(a) => Some(a.pseudonym.clone()),
                _ => None,
            })
            .collect();
        let readable = applications::readable_persons(db, viewer, persons).await?;
        let page = page.map(|entry| {
            let found = entry
                .upsert
                .then(|| objects.remove(&(entry.ty.clone(), entry.row_id)))
                .flatten();
            let object = found.map(|found| match found {
                Found::Node(node) => node,
                Found::Application(model) => Node::Application(Application {
                    readable: readable.contains(&model.pseudonym),
                    model,
                }),
            });
            Change { entry, object }
        });
        Ok(from_page(
            page,
            after.is_some(),
            |c| c.entry.cursor_key(),
            |c| c,
        ))
    }

    /// The latest change version there is (a decimal 64-bit integer): where a client that has
    /// just made a full pull goes on from.
    async fn change_version(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(service::current_version(db(ctx)?).await?.to_string())
    }
}

/// A record loaded for a page (applications wait for `readable`).
enum Found {
    Node(Node),
    Application(application::Model),
}

macro_rules! load {
    ($db:expr, $ids:expr, $module:ident, $wrap:expr, $out:expr, $ty:expr) => {{
        if !$ids.is_empty() {
            for model in $module::Entity::find()
                .filter($module::Column::Id.is_in($ids.clone()))
                .all($db)
                .await?
            {
                $out.insert(($ty.to_owned(), model.id), $wrap(model));
            }
        }
    }};
}

/// Adds the (opened) pupil records of a page to its [`objects`].
fn add_pupil_rows(objects: &mut HashMap<(String, i64), Found>, rows: service::PupilRows) {
    for m in rows.students {
        objects.insert(
            ("Student".to_owned(), m.id),
            Found::Node(Node::Student(Student(m))),
        );
    }
    for m in rows.signals {
        objects.insert(
            ("Signal".to_owned(), m.id),
            Found::Node(Node::Signal(Signal(m))),
        );
    }
    for m in rows.applications {
        objects.insert(("Application".to_owned(), m.id), Found::Application(m));
    }
}

/// The catalogue records behind the `UPSERT`s of a page, by (type, row id): one statement per type.
/// Their scope was checked in the page's statement.
async fn objects(
    db: &DatabaseConnection,
    entries: &[Entry],
) -> AppResult<HashMap<(String, i64), Found>> {
    let mut ids: HashMap<&str, Vec<i64>> = HashMap::new();
    for entry in entries.iter().filter(|e| e.upsert) {
        ids.entry(entry.ty.as_str()).or_default().push(entry.row_id);
    }
    let mut out = HashMap::new();
    for (ty, ids) in ids {
        match ty {
            "Region" => load!(
                db,
                ids,
                region,
                |m| Found::Node(Node::Region(Region(m))),
                out,
                ty
            ),
            "School" => load!(
                db,
                ids,
                school,
                |m| Found::Node(Node::School(School(m))),
                out,
                ty
            ),
            "Programme" => load!(
                db,
                ids,
                programme,
                |m| Found::Node(Node::Programme(Programme(m))),
                out,
                ty
            ),
            "Person" => load!(
                db,
                ids,
                person,
                |m| Found::Node(Node::Person(Person(m))),
                out,
                ty
            ),
            "Leerlab" => load!(
                db,
                ids,
                leerlab,
                |m| Found::Node(Node::Leerlab(Leerlab(m))),
                out,
                ty
            ),
            "Activity" => load!(
                db,
                ids,
                activity,
                |m| Found::Node(Node::Activity(Activity(m))),
                out,
                ty
            ),
            // Pupil data comes sealed from the service: `add_pupil_rows`.
            "Student" | "Signal" | "Application" => {}
            "ImportRun" => load!(
                db,
                ids,
                import_run,
                |m| Found::Node(Node::ImportRun(ImportRun(m))),
                out,
                ty
            ),
            _ => {
                return Err(AppError::internal(format!(
                    "change feed: unknown type {ty}"
                )));
            }
        }
    }
    Ok(out)
}
impl crate::graphql::plain::PlainNode for Change {}
