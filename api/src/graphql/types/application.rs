//! An application to an mbo programme, with every status it has had. Pupil data: handed out
//! only within the caller's application scope, and audited.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::application;

use super::{School, Student};
use crate::{
    domain::pipeline::{ApplicationSource, ApplicationStatus},
    error::{AppError, AppResult},
    graphql::{
        context::{loader, open},
        loaders::{HistoryOfApplication, RecordsOfPerson, SchoolById},
        scalars::Date,
    },
    ids,
};

/// An application; `readable` says whether the caller may read the applicant's person.
pub struct Application {
    pub model: application::Model,
    pub readable: bool,
}

/// One status an application had.
#[derive(SimpleObject)]
pub struct ApplicationStatusChange {
    /// The status.
    pub status: ApplicationStatus,
    /// The day the status was reached.
    pub status_date: Date,
    /// When the change was recorded.
    pub at: DateTime<Utc>,
    /// Where it came from: an import or the API.
    pub source: ApplicationSource,
}

/// A pupil's application (aanmelding) to an mbo programme. Its status follows the national
/// early-application rules; `history` keeps every status it has had.
#[Object]
impl Application {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Application", self.model.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "Application", self.model.id).await
    }

    /// The applicant's latest pupil record; null when the caller may not read the pupil, or no
    /// vmbo record of the applicant exists (yet).
    async fn student(&self, ctx: &Context<'_>) -> AppResult<Option<Student>> {
        if !self.readable {
            return Ok(None);
        }
        let records = loader(ctx)?
            .load_one(RecordsOfPerson(self.model.pseudonym.clone()))
            .await?
            .unwrap_or_default();
        let latest = records.map(|records| records.into_iter().last());
        Ok(open(ctx, latest).await?.map(Student))
    }

    /// The mbo school applied to.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.model.school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("application without school"))
    }

    /// The programme's crebo code.
    async fn crebo(&self) -> &str {
        &self.model.crebo
    }

    /// The programme's mbo level (1 to 4).
    async fn level(&self) -> i32 {
        i32::from(self.model.level)
    }

    /// The day the pupil applied.
    async fn applied_on(&self) -> Date {
        Date(self.model.applied_on)
    }

    /// The current status.
    async fn status(&self) -> ApplicationStatus {
        self.model.status
    }

    /// The day the current status was reached.
    async fn status_date(&self) -> Date {
        Date(self.model.status_date)
    }

    /// Every status the application has had, the first included, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Vec<ApplicationStatusChange>> {
        let rows = loader(ctx)?
            .load_one(HistoryOfApplication(self.model.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|h| ApplicationStatusChange {
                status: h.status,
                status_date: Date(h.status_date),
                at: h.at,
                source: h.source,
            })
            .collect())
    }
}
