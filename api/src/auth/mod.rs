//! Who is calling and what they may do.
//!
//! - [`verify`] turns an `Authorization: Bearer` token into an [`Identity`] (HS256 tokens we
//!   mint, RS256 tokens from a school's identity provider).
//! - [`Viewer`] is that identity with its scope resolved against the database, once per request.
//! - [`policy`] holds the rule of every root field and the scope checks that resolvers call.
//! - [`token`] mints our own tokens (`leerroute token`).

pub mod policy;
pub mod scope;
pub mod token;
pub mod verify;
mod viewer;

pub use viewer::Viewer;

crate::domain::documented! {
    /// The roles of DESIGN.md section 3.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
    pub enum Role {
        /// No token.
        Anonymous,
        /// A pupil; `sub` is their student id, `school` their vmbo school.
        Student,
        /// A (super)coach; `sub` is their person id.
        Coach,
        /// Staff of one school (`school` claim).
        SchoolStaff,
        /// A regional coordinator (Verbinder) of one region (`region` claim).
        Coordinator,
        /// An integration script's service account of one region (`region` claim).
        Integration,
        /// An RMC officer (Regionale Meld- en Coördinatiefunctie) of one region (`region` claim):
        /// works on the signals of that region's pupils.
        Rmc,
        /// Functional administrator of the whole service.
        Admin,
    }
}

impl Role {
    /// Every role, in order of privilege.
    pub const ALL: [Role; 8] = [
        Role::Anonymous,
        Role::Student,
        Role::Coach,
        Role::SchoolStaff,
        Role::Coordinator,
        Role::Integration,
        Role::Rmc,
        Role::Admin,
    ];

    /// The name used in the `role` claim.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Anonymous => "anonymous",
            Role::Student => "student",
            Role::Coach => "coach",
            Role::SchoolStaff => "school_staff",
            Role::Coordinator => "coordinator",
            Role::Integration => "integration",
            Role::Rmc => "rmc",
            Role::Admin => "admin",
        }
    }

    /// Parses a `role` claim. `anonymous` is not a role a token can carry.
    pub fn parse_claim(text: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|role| *role != Role::Anonymous && role.as_str() == text)
    }
}

/// The verified claims of a request: role, subject and scope, as the token states them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub role: Role,
    pub subject: Option<String>,
    /// Region code (coordinator, integration, rmc).
    pub region: Option<String>,
    /// School BRIN (school_staff, student).
    pub school: Option<String>,
    /// For a token of an identity provider, its `iss` ("" when it has none); `None` for our own
    /// tokens. Such a token's `sub` is the provider's, never a student or person id.
    pub provider: Option<String>,
}

impl Identity {
    pub fn anonymous() -> Self {
        Identity {
            role: Role::Anonymous,
            subject: None,
            region: None,
            school: None,
            provider: None,
        }
    }
}
