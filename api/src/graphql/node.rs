//! Relay's `Node` interface and `node(id:)`: fetch any object by its global id.

use async_graphql::{Context, ID, Interface, Object};

use super::{
    activity::visible_activity,
    context::{db, loader, open, viewer},
    loaders::{LeerlabById, PersonById, ProgrammeById, RegionById, SchoolById},
    types::{
        Activity, Application, ImportRun, Leerlab, Person, Programme, Region, School, Signal,
        Student,
    },
};
use crate::{
    error::AppResult,
    ids,
    service::{applications, import_runs, pupils, signals},
};

/// An object with a global id.
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "Opaque global id (Relay)."),
    field(
        name = "change_version",
        ty = "AppResult<String>",
        desc = "The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c)."
    )
)]
pub enum Node {
    Region(Region),
    School(School),
    Programme(Programme),
    Person(Person),
    Leerlab(Leerlab),
    Student(Student),
    Activity(Activity),
    ImportRun(ImportRun),
    Application(Application),
    Signal(Signal),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when there is none (or the caller may not know of it).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as returned in `id` fields.")] id: ID,
    ) -> AppResult<Option<Node>> {
        let Some((type_name, row)) = ids::decode(&id) else {
            return Ok(None);
        };
        let loader = loader(ctx)?;
        Ok(match type_name.as_str() {
            "Region" => loader
                .load_one(RegionById(row))
                .await?
                .map(|m| Node::Region(Region(m))),
            "School" => loader
                .load_one(SchoolById(row))
                .await?
                .map(|m| Node::School(School(m))),
            "Programme" => loader
                .load_one(ProgrammeById(row))
                .await?
                .map(|m| Node::Programme(Programme(m))),
            "Person" => loader
                .load_one(PersonById(row))
                .await?
                .map(|m| Node::Person(Person(m))),
            "Leerlab" => loader
                .load_one(LeerlabById(row))
                .await?
                .map(|m| Node::Leerlab(Leerlab(m))),
            "Student" => {
                let student = pupils::get_student(db(ctx)?, viewer(ctx)?, row).await?;
                Some(Node::Student(Student(open(ctx, student).await?)))
            }
            "Activity" => visible_activity(ctx, row)
                .await?
                .map(|m| Node::Activity(Activity(m))),
            "ImportRun" => Some(Node::ImportRun(ImportRun(
                import_runs::get(db(ctx)?, viewer(ctx)?, row).await?,
            ))),
            "Application" => {
                let (db, viewer) = (db(ctx)?, viewer(ctx)?);
                let model = open(ctx, applications::get(db, viewer, row).await?).await?;
                let readable =
                    applications::readable_persons(db, viewer, vec![model.pseudonym.clone()])
                        .await?;
                Some(Node::Application(Application {
                    readable: readable.contains(&model.pseudonym),
                    model,
                }))
            }
            "Signal" => {
                let model = signals::get(db(ctx)?, viewer(ctx)?, row).await?;
                Some(Node::Signal(Signal(open(ctx, model).await?)))
            }
            _ => None,
        })
    }
}
