//! The caller of one request, with the scope of their token resolved to row ids.

use chrono::NaiveDate;
use entity::{region, school};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::{Identity, Role};
use crate::{clock::Clock, ids, service::identity};

/// The caller and the rows their token scopes them to. Built once per request.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub identity: Identity,
    /// The region of a coordinator or integration token (None if the code is unknown).
    pub region_id: Option<i64>,
    /// A school-scoped token's own school.
    pub school_id: Option<i64>,
    /// That school and its locations or colleges: what the token covers.
    pub school_ids: Vec<i64>,
    /// The region of a school-scoped token's school.
    pub school_region_id: Option<i64>,
    /// A student token's own student id.
    pub student_id: Option<i64>,
    /// A coach token's person id.
    pub person_id: Option<i64>,
    /// The service's today for this request (`LEERROUTE_TODAY`), so that every date rule of
    /// one request agrees on the day.
    today: NaiveDate,
}

impl Viewer {
    /// A caller without a token.
    pub fn anonymous() -> Self {
        Viewer::unresolved(Identity::anonymous())
    }

    /// The service itself acting as admin (CLI commands, demo seed), named in the audit log.
    pub fn system(name: &str) -> Self {
        Viewer::unresolved(Identity {
            role: Role::Admin,
            subject: Some(format!("system:{name}")),
            region: None,
            school: None,
            provider: None,
        })
    }

    fn unresolved(identity: Identity) -> Self {
        Viewer {
            identity,
            region_id: None,
            school_id: None,
            school_ids: Vec::new(),
            school_region_id: None,
            student_id: None,
            person_id: None,
            today: Clock::system().today(),
        }
    }

    /// The same caller on the day `clock` says it is.
    pub fn on(mut self, clock: &Clock) -> Self {
        self.today = clock.today();
        self
    }

    /// The service's today for this caller's request.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// Looks up the rows that the token's claims name. Unknown codes scope to nothing.
    pub async fn resolve(identity: Identity, db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let mut viewer = Viewer::unresolved(identity);
        if let Some(code) = viewer.identity.region.clone() {
            viewer.region_id = region::Entity::find()
                .filter(region::Column::Code.eq(code))
                .one(db)
                .await?
                .map(|r| r.id);
        }
        let brin = viewer.identity.school.clone();
        if let Some(brin) = brin
            && let Some(home) = find_school_for_brin(db, &brin).await?
        {
            viewer.school_region_id = Some(home.region_id);
            viewer.school_id = Some(home.id);
            viewer.school_ids = school::Entity::find()
                .filter(school::Column::ParentId.eq(home.id))
                .all(db)
                .await?
                .into_iter()
                .map(|s| s.id)
                .chain([home.id])
                .collect();
        }
        let subject_id = |type_name| {
            let subject = viewer.identity.subject.as_deref()?;
            subject
                .parse::<i64>()
                .ok()
                .or_else(|| ids::decode(subject).and_then(|(t, id)| (t == type_name).then_some(id)))
        };
        match (viewer.identity.role, viewer.identity.provider.clone()) {
            // An identity provider's `sub` is its own, not one of our ids: such a student
            // reaches a record only through a link an admin or their school made.
            (Role::Student, Some(issuer)) => {
                viewer.student_id = match viewer.identity.subject.as_deref() {
                    Some(subject) => {
                        identity::linked_student(db, &issuer, subject, &viewer.school_ids).await?
                    }
                    None => None,
                }
            }
            (Role::Student, None) => viewer.student_id = subject_id("Student"),
            // No link for persons yet: a provider's coach sees no pupil.
            (Role::Coach, None) => viewer.person_id = subject_id("Person"),
            _ => {}
        }
        Ok(viewer)
    }

    pub fn role(&self) -> Role {
        self.identity.role
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Role::Admin
    }

    /// Whether a region-scoped token (coordinator, integration) covers `region_id`; admin covers all.
    pub fn covers_region(&self, region_id: i64) -> bool {
        self.is_admin()
            || (matches!(self.role(), Role::Coordinator | Role::Integration)
                && self.region_id == Some(region_id))
    }

    /// Whether a school-scoped token covers `school_id`; admin covers all.
    pub fn covers_school(&self, school_id: i64) -> bool {
        self.is_admin()
            || (matches!(self.role(), Role::SchoolStaff | Role::Student)
                && self.school_ids.contains(&school_id))
    }

    /// Subject for the audit log.
    pub fn subject(&self) -> Option<String> {
        self.identity.subject.clone()
    }
}

/// A token's BRIN names a school, or a location (`25LH01`) of a school known only by its
/// four-character BRIN: identity providers send either.
async fn find_school_for_brin(
    db: &impl ConnectionTrait,
    brin: &str,
) -> Result<Option<school::Model>, DbErr> {
    let exact = school::Entity::find()
        .filter(school::Column::Brin.eq(brin))
        .one(db)
        .await?;
    if exact.is_some() || brin.len() != 6 {
        return Ok(exact);
    }
    school::Entity::find()
        .filter(school::Column::Brin.eq(&brin[..4]))
        .one(db)
        .await
}
