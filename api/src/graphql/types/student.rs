//! A pupil record (pseudonymised): school, track, year and status, choice, transition, coach,
//! evaluations and activity enrolments. The leaver fields are null while the pupil is `IN_SCHOOL`.

use async_graphql::{Context, ID, Object};
use entity::student;

use super::{
    ActivityEnrolment, Application, CoachAssignment, Leerlab, Person, School, SelfEvaluation,
    Signal, Transition,
};
use crate::{
    audit::Sealed,
    auth::{
        Role,
        scope::{self, PersonSignals},
    },
    domain::{Leerweg, Profile, pipeline::StudentStatus},
    error::{AppError, AppResult},
    graphql::{
        context::{db, loader, open, viewer},
        loaders::{
            ApplicationsOfPerson, CoachAssignmentsOfStudent, EnrolmentsOfStudent,
            EvaluationsOfStudent, LeerlabById, PersonById, RecordsOfPerson, SchoolById,
            SignalsOfPerson, TransitionOfStudent,
        },
        scalars::Date,
    },
    ids,
    service::{activity::EnrolmentRow, signals},
};

/// A pupil's record at a vmbo school in one school year (pseudonymised: no name, no PGN).
pub struct Student(pub student::Model);

/// Whether the caller is rmc, who reads a pupil's records, applications, transition and
/// signals, and nothing else pupil-level (DESIGN.md 4b).
fn rmc(ctx: &Context<'_>) -> AppResult<bool> {
    Ok(viewer(ctx)?.role() == Role::Rmc)
}

impl Student {
    /// Whether a leaver row exists: only then do the leaver fields mean anything.
    fn has_left(&self) -> bool {
        self.0.status == StudentStatus::Left
    }
}

/// A pupil's record at a vmbo school in one school year, from year 3 until a year after leaving
/// (pseudonymised: no name, no PGN). The records of one PGN are one person. The leaver fields
/// (`examDate`, `choice*`, `transition`) are null while the pupil is `IN_SCHOOL`.
#[Object]
impl Student {
    /// Opaque global id (Relay). A student's token carries it as `sub`.
    pub async fn id(&self) -> ID {
        ids::encode("Student", self.0.id)
    }

    /// The version of this record's latest change (a decimal 64-bit integer; DESIGN.md 4c).
    pub async fn change_version(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::AppResult<String> {
        crate::graphql::changes::version_of(ctx, "Student", self.0.id).await
    }

    /// The pupil's vmbo school (for mbo staff: the pupil's vmbo background).
    async fn school(&self, ctx: &Context<'_>) -> AppResult<School> {
        loader(ctx)?
            .load_one(SchoolById(self.0.school_id))
            .await?
            .map(School)
            .ok_or_else(|| AppError::internal("student without school"))
    }

    /// The vmbo track.
    async fn leerweg(&self) -> Leerweg {
        self.0.leerweg
    }

    /// The vmbo profiel.
    async fn profile(&self) -> Profile {
        self.0.profile
    }

    /// The school year of this record, such as `2024-2025`; for a leaver, the year they left
    /// (their cohort).
    async fn school_year(&self) -> &str {
        &self.0.school_year
    }

    /// The vmbo year of this record: 3 or 4 (a leaver without a roster row: 4).
    async fn year(&self) -> i32 {
        i32::from(self.0.year)
    }

    /// `IN_SCHOOL` until a leaver row exists for this school year, then `LEFT`.
    async fn status(&self) -> StudentStatus {
        self.0.status
    }

    /// Date of the pupil's final exam; null while `IN_SCHOOL`.
    async fn exam_date(&self) -> Option<Date> {
        self.has_left().then_some(Date(self.0.exam_date))
    }

    /// The crebo of the mbo programme the pupil chose, if known; null while `IN_SCHOOL`.
    async fn choice_crebo(&self) -> Option<&str> {
        self.0.choice_crebo.as_deref().filter(|_| self.has_left())
    }

    /// When the pupil made that choice; null while `IN_SCHOOL`.
    async fn choice_date(&self) -> Option<Date> {
        self.0.choice_date.filter(|_| self.has_left()).map(Date)
    }

    /// Whether the pupil chose before their exam (the leerlab's aim: choose early); null while
    /// `IN_SCHOOL`.
    async fn chose_before_exam(&self) -> Option<bool> {
        self.has_left().then_some(self.0.chose_before_exam)
    }

    /// The leerlab the pupil took part in.
    async fn leerlab(&self, ctx: &Context<'_>) -> AppResult<Option<Leerlab>> {
        let Some(id) = self.0.leerlab_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(LeerlabById(id)).await?.map(Leerlab))
    }

    /// The pupil's step to mbo: the earliest enrolment in the school year after leaving; null if
    /// none, and while `IN_SCHOOL`.
    async fn transition(&self, ctx: &Context<'_>) -> AppResult<Option<Transition>> {
        if !self.has_left() {
            return Ok(None);
        }
        let Some(transition) = loader(ctx)?
            .load_one(TransitionOfStudent(self.0.id))
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(Transition {
            student: self.0.clone(),
            transition: open(ctx, transition).await?,
        }))
    }

    /// The pupil's current supercoach (not shown to rmc).
    async fn coach(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        if rmc(ctx)? {
            return Ok(None);
        }
        let today = viewer(ctx)?.today();
        let assignments = loader(ctx)?
            .load_one(CoachAssignmentsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        let current = assignments
            .iter()
            .find(|a| a.starts_on <= today && a.ends_on.is_none_or(|end| end >= today));
        let Some(current) = current else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(PersonById(current.person_id))
            .await?
            .map(Person))
    }

    /// Every supercoach the pupil has had, oldest first (not shown to rmc).
    async fn coach_history(&self, ctx: &Context<'_>) -> AppResult<Vec<CoachAssignment>> {
        if rmc(ctx)? {
            return Ok(Vec::new());
        }
        let assignments = loader(ctx)?
            .load_one(CoachAssignmentsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(assignments.into_iter().map(CoachAssignment).collect())
    }

    /// The pupil's self-evaluations, oldest first (not shown to rmc).
    async fn evaluations(&self, ctx: &Context<'_>) -> AppResult<Vec<SelfEvaluation>> {
        if rmc(ctx)? {
            return Ok(Vec::new());
        }
        let rows = loader(ctx)?
            .load_one(EvaluationsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        let rows = open(ctx, rows).await?;
        Ok(rows.into_iter().map(SelfEvaluation).collect())
    }

    /// The activities this record is enrolled in, oldest enrolment first (not shown to rmc).
    /// Audited.
    async fn activity_enrolments(&self, ctx: &Context<'_>) -> AppResult<Vec<ActivityEnrolment>> {
        if rmc(ctx)? {
            return Ok(Vec::new());
        }
        let rows = loader(ctx)?
            .load_one(EnrolmentsOfStudent(self.0.id))
            .await?
            .unwrap_or_default();
        let rows = open(ctx, rows).await?;
        Ok(rows
            .into_iter()
            .map(|enrolment| {
                ActivityEnrolment(EnrolmentRow {
                    enrolment,
                    student_school_id: self.0.school_id,
                })
            })
            .collect())
    }

    /// The person's applications to mbo, oldest first: all of them for vmbo staff, the pupil,
    /// their coach, rmc and admin; for mbo staff only those to their own school. Audited.
    async fn applications(&self, ctx: &Context<'_>) -> AppResult<Vec<Application>> {
        let person = self.0.pseudonym.clone();
        let loader = loader(ctx)?;
        let mut rows = loader
            .load_one(ApplicationsOfPerson(person.clone()))
            .await?
            .unwrap_or_default();
        let viewer = viewer(ctx)?;
        if scope::sees_applications_in_part(viewer) {
            let records = loader
                .load_one(RecordsOfPerson(person))
                .await?
                .unwrap_or_default();
            let their_pupil = records.check(|records| {
                scope::is_their_pupil(viewer, records.iter().map(|r| r.school_id))
            });
            rows.retain(|a| scope::sees_application(viewer, their_pupil, a.school_id));
        }
        Ok(open(ctx, rows)
            .await?
            .into_iter()
            .map(|model| Application {
                model,
                readable: true,
            })
            .collect())
    }

    /// The person's signals, oldest first (never shown to students; mbo staff see them while
    /// the pupil has an open application to, or an enrolment at, their school). Audited.
    async fn signals(&self, ctx: &Context<'_>) -> AppResult<Vec<Signal>> {
        let viewer = viewer(ctx)?;
        let rows = match scope::person_signals(viewer, self.0.school_id) {
            PersonSignals::Hidden => Sealed::new(Vec::new()),
            PersonSignals::Scoped => {
                signals::of_person(db(ctx)?, viewer, &self.0.pseudonym).await?
            }
            PersonSignals::All => loader(ctx)?
                .load_one(SignalsOfPerson(self.0.pseudonym.clone()))
                .await?
                .unwrap_or_default(),
        };
        Ok(open(ctx, rows).await?.into_iter().map(Signal).collect())
    }
}
