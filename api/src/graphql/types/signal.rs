//! A signal that a pupil may be lost between vmbo and mbo. Pupil data: handed out only within
//! the caller's signal scope (never to students), and audited.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::signal;

use super::{Person, Student};
use crate::{
    domain::pipeline::{SignalKind, SignalStatus},
    error::{AppError, AppResult},
    graphql::{
        context::{loader, open},
        loaders::{NotesOfSignal, PersonById, StudentById},
        scalars::Date,
    },
    ids,
};

/// A signal (the caller may read it).
pub struct Signal(pub signal::Model);

/// A note on a signal.
#[derive(SimpleObject)]
pub struct SignalNote {
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Who wrote it (the token's subject).
    pub author: String,
    /// What they wrote.
    pub text: String,
}

/// An alert that a pupil may be lost between vmbo and mbo (no application by 1 April, not
/// admitted with no alternative, not started by 1 October, dropped out in year 1). Raised and
/// resolved by the rules; picked up and worked on by rmc and the pupil's vmbo school.
#[Object]
impl Signal {
    /// Opaque global id (Relay).
    pub async fn id(&self) -> ID {
        ids::encode("Signal", self.0.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "Signal", self.0.id).await
    }

    /// Which rule raised it.
    async fn kind(&self) -> SignalKind {
        self.0.kind
    }

    /// The pupil: the person's latest record.
    async fn student(&self, ctx: &Context<'_>) -> AppResult<Student> {
        let record = loader(ctx)?
            .load_one(StudentById(self.0.student_id))
            .await?
            .ok_or_else(|| AppError::internal("signal without pupil"))?;
        Ok(Student(open(ctx, record).await?))
    }

    /// The day of the evaluation that first found it.
    async fn raised_on(&self) -> Date {
        Date(self.0.raised_on)
    }

    /// `OPEN`, `IN_PROGRESS` or `RESOLVED` (never reopened).
    async fn status(&self) -> SignalStatus {
        self.0.status
    }

    /// Who works on it; none at first.
    async fn assignee(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        let Some(id) = self.0.assignee_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(PersonById(id)).await?.map(Person))
    }

    /// Notes, oldest first (append-only).
    async fn notes(&self, ctx: &Context<'_>) -> AppResult<Vec<SignalNote>> {
        let rows = loader(ctx)?
            .load_one(NotesOfSignal(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|n| SignalNote {
                at: n.at,
                author: n.author,
                text: n.text,
            })
            .collect())
    }

    /// The day it was resolved (by the rules or by hand); null while unresolved.
    async fn resolved_on(&self) -> Option<Date> {
        self.0.resolved_on.map(Date)
    }
}
