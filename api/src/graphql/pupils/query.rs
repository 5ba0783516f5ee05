//! The pupil queries: `students`, `student` and `transitions`, scoped to the caller and audited.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};

use super::input::{StudentFilterInput, TransitionFilterInput};
use crate::{
    audit::Sealed,
    error::AppResult,
    graphql::{
        connection::{Conn, from_page},
        context::{db, loader, open, selects, viewer},
        loaders::TransitionOfStudent,
        types::{Student, Transition},
    },
    ids,
    service::{
        PageArgs,
        pupils::{self as service, StudentFilter, TransitionFilter},
    },
};

#[derive(Default)]
pub struct PupilQuery;

#[Object]
impl PupilQuery {
    /// Pupils the caller may see: vmbo staff their school's pupils (years 3 and 4, and leavers), mbo staff the pupils who
    /// enrolled with them, a coach their pupils, a student themselves. Audited.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn students(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            StudentFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Student>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = StudentFilter::from(filter.unwrap_or_default());
        let page = service::list_students(
            db(ctx)?,
            viewer(ctx)?,
            &filter,
            args,
            selects(ctx, "totalCount"),
        )
        .await?;
        let page = open(ctx, page).await?;
        Ok(from_page(
            page,
            args.after.is_some(),
            |s| s.id.to_string(),
            Student,
        ))
    }

    /// One pupil by global id. `FORBIDDEN` alike for a pupil out of scope and an id that does not exist.
    async fn student(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pupil's global id.")] id: ID,
    ) -> AppResult<Student> {
        let id = ids::decode_as(&id, "Student", "id")?;
        let student = service::get_student(db(ctx)?, viewer(ctx)?, id).await?;
        Ok(Student(open(ctx, student).await?))
    }

    /// Transitions of the pupils the caller may see (same scope as `students`). Audited.
    #[graphql(complexity = "PageArgs::complexity(first, child_complexity)")]
    async fn transitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching every given filter.")] filter: Option<
            TransitionFilterInput,
        >,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> AppResult<Conn<Transition>> {
        let args = PageArgs::new(first, after.as_deref())?;
        let filter = TransitionFilter::from(filter.unwrap_or_default());
        let page = service::list_transitions(
            db(ctx)?,
            viewer(ctx)?,
            &filter,
            args,
            selects(ctx, "totalCount"),
        )
        .await?;
        let mut page = open(ctx, page).await?.map(|record| record.0);
        let keys = page.items.iter().map(|s| TransitionOfStudent(s.id));
        let transitions: Sealed<HashMap<_, _>> =
            loader(ctx)?.load_many(keys).await?.into_iter().collect();
        let mut transitions = open(ctx, transitions).await?;
        // A transition removed between the two reads leaves its pupil out of this page.
        page.items
            .retain(|s| transitions.contains_key(&TransitionOfStudent(s.id)));
        Ok(from_page(
            page,
            args.after.is_some(),
            |s| s.id.to_string(),
            |student| {
                let transition = transitions
                    .remove(&TransitionOfStudent(student.id))
                    .expect("kept above");
                Transition {
                    student,
                    transition,
                }
            },
        ))
    }
}
