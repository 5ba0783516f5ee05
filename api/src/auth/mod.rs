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

pub use vocabulary::Role;

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
