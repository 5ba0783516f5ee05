//! The pipeline mutations: applications recorded and moved by mbo staff (and, with signals,
//! `updateSignal`).

use async_graphql::{Context, Object, SimpleObject};
use entity::application;

use super::input::{RecordApplicationInput, UpdateApplicationStatusInput, UpdateSignalInput};
use crate::{
    error::AppResult,
    graphql::{
        context::{db, live, settings, viewer},
        types::{Application, Signal},
    },
    ids,
    service::{applications, signals},
};

/// Result of `recordApplication` and `updateApplicationStatus`.
#[derive(SimpleObject)]
pub struct ApplicationPayload {
    /// The application as it is now.
    pub application: Application,
}

async fn payload(ctx: &Context<'_>, model: application::Model) -> AppResult<ApplicationPayload> {
    let readable =
        applications::readable_persons(db(ctx)?, viewer(ctx)?, vec![model.pseudonym.clone()])
            .await?;
    Ok(ApplicationPayload {
        application: Application {
            readable: readable.contains(&model.pseudonym),
            model,
        },
    })
}

/// Result of `updateSignal`.
#[derive(SimpleObject)]
pub struct SignalPayload {
    /// The signal as it is now.
    pub signal: Signal,
}

#[derive(Default)]
pub struct PipelineMutation;

#[Object]
impl PipelineMutation {
    /// Records an application that reached an mbo school (its staff, admin). `CONFLICT` when the
    /// pupil already applied to this school and crebo on that day.
    async fn record_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application; every field of `RecordApplicationInput` is described.")]
        input: RecordApplicationInput,
    ) -> AppResult<ApplicationPayload> {
        let secret = &settings(ctx)?.link_secret;
        let created =
            applications::record(db(ctx)?, viewer(ctx)?, secret, input.into(), live(ctx)?).await?;
        payload(ctx, created).await
    }

    /// Moves an application to a new status (staff of its mbo school, admin); the change is kept
    /// in its history. `CONFLICT` for an application that is `ENROLLED`.
    async fn update_application_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application and its new status.")]
        input: UpdateApplicationStatusInput,
    ) -> AppResult<ApplicationPayload> {
        let id = ids::decode_as(&input.id, "Application", "id")?;
        let date = input.status_date.map(|d| d.0);
        let updated =
            applications::update_status(db(ctx)?, viewer(ctx)?, id, input.status, date, live(ctx)?)
                .await?;
        payload(ctx, updated).await
    }

    /// Works on a signal: a status, an assignee and/or a note (rmc of the pupil's region, staff
    /// of the pupil's vmbo school, admin). `CONFLICT` for a signal that is `RESOLVED`.
    async fn update_signal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signal and what changes.")] input: UpdateSignalInput,
    ) -> AppResult<SignalPayload> {
        let id = ids::decode_as(&input.id, "Signal", "id")?;
        let assignee_id = input
            .assignee_id
            .as_ref()
            .map(|a| ids::decode_as(a, "Person", "assigneeId"))
            .transpose()?;
        let changes = signals::SignalChanges {
            status: input.status,
            assignee_id,
            note: input.note,
        };
        let updated = signals::update(db(ctx)?, viewer(ctx)?, id, changes).await?;
        Ok(SignalPayload {
            signal: Signal(updated),
        })
    }
}
