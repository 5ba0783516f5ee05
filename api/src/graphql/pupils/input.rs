//! The inputs of the pupil queries and mutations, and their conversion into the service's own
//! types.

use async_graphql::{ID, InputObject};

use crate::{
    domain::{EnrolmentStatus, Leerweg, Need, Profile, pipeline::StudentStatus},
    graphql::scalars::Date,
    service::pupils::{NewEvaluation, StudentFilter, TransitionFilter},
};

/// Filters of `students`; all given filters must match.
#[derive(InputObject, Default)]
pub struct StudentFilterInput {
    /// Only pupils of this vmbo school.
    pub school_brin: Option<String>,
    /// Only records of this school year (for leavers: their cohort), such as `2024-2025`.
    pub school_year: Option<String>,
    /// Only this leerweg.
    pub leerweg: Option<Leerweg>,
    /// Only this profiel.
    pub profile: Option<Profile>,
    /// Only pupils of this leerlab.
    pub leerlab_code: Option<String>,
    /// Only pupils with (true) or without (false) a transition to mbo.
    pub has_transition: Option<bool>,
    /// Only records of this vmbo year (3 or 4).
    pub year: Option<i32>,
    /// Only pupils still at school (`IN_SCHOOL`) or only leavers (`LEFT`).
    pub status: Option<StudentStatus>,
    /// Only pupils (persons) with (true) or without (false) an application to mbo.
    pub has_application: Option<bool>,
    /// Only pupils with (true) or without (false) an `OPEN` or `IN_PROGRESS` signal.
    pub has_open_signal: Option<bool>,
}

/// Filters of `transitions`; all given filters must match.
#[derive(InputObject, Default)]
pub struct TransitionFilterInput {
    /// Only pupils who left this vmbo school.
    pub vo_school_brin: Option<String>,
    /// Only pupils who enrolled at this mbo school.
    pub mbo_school_brin: Option<String>,
    /// Only pupils who left vmbo in this school year, such as `2024-2025`.
    pub school_year: Option<String>,
    /// Only transitions to this crebo.
    pub crebo: Option<String>,
    /// Only transitions with this status.
    pub status: Option<EnrolmentStatus>,
}

/// Input of `assignCoach`.
#[derive(InputObject)]
pub struct AssignCoachInput {
    /// Global id of the pupil.
    pub student_id: ID,
    /// Global id of a person whose function is COACH.
    pub person_id: ID,
    /// First day of the assignment; the previous coach's assignment ends the day before.
    pub from: Date,
}

/// Input of `linkIdentity`.
#[derive(InputObject)]
pub struct LinkIdentityInput {
    /// Global id of the pupil record.
    pub student_id: ID,
    /// The identity provider's `sub` of the pupil.
    pub subject: String,
    /// The provider's `iss`; leave out to link the subject under any issuer.
    pub issuer: Option<String>,
}

/// Input of `submitSelfEvaluation`.
#[derive(InputObject)]
pub struct SubmitSelfEvaluationInput {
    /// Global id of the pupil (their own).
    pub student_id: ID,
    /// How the pupil feels, 1 (bad) to 5 (good).
    pub wellbeing: i32,
    /// Study skills, 1 to 5.
    pub study_skills: i32,
    /// Life skills (DigiD, bills, appointments), 1 to 5.
    pub life_skills: i32,
    /// How sure the pupil is of their choice, 1 to 5.
    pub choice_certainty: i32,
    /// What the pupil needs help with.
    pub needs: Vec<Need>,
    /// The pupil's own words.
    pub comment: Option<String>,
}

/// Input of `recordEvaluationFollowUp`.
#[derive(InputObject)]
pub struct RecordEvaluationFollowUpInput {
    /// Global id of the evaluation.
    pub evaluation_id: ID,
    /// What the coach did or agreed with the pupil.
    pub follow_up: String,
}

impl From<StudentFilterInput> for StudentFilter {
    fn from(f: StudentFilterInput) -> Self {
        StudentFilter {
            school_brin: f.school_brin,
            school_year: f.school_year,
            leerweg: f.leerweg,
            profile: f.profile,
            leerlab_code: f.leerlab_code,
            has_transition: f.has_transition,
            year: f.year,
            status: f.status,
            has_application: f.has_application,
            has_open_signal: f.has_open_signal,
        }
    }
}

impl From<TransitionFilterInput> for TransitionFilter {
    fn from(f: TransitionFilterInput) -> Self {
        TransitionFilter {
            vo_school_brin: f.vo_school_brin,
            mbo_school_brin: f.mbo_school_brin,
            school_year: f.school_year,
            crebo: f.crebo,
            status: f.status,
        }
    }
}

impl From<SubmitSelfEvaluationInput> for NewEvaluation {
    fn from(input: SubmitSelfEvaluationInput) -> Self {
        NewEvaluation {
            wellbeing: input.wellbeing,
            study_skills: input.study_skills,
            life_skills: input.life_skills,
            choice_certainty: input.choice_certainty,
            needs: input.needs,
            comment: input.comment,
        }
    }
}
