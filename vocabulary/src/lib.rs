//! The domain's vocabulary: every enum of Leerroute's tables, roles and files, declared once
//! with its values, the text each value is stored as (in the database, in CSV files and in
//! tokens) and its documentation.
//!
//! A crate of its own so that the table models of `entity` can hold these types in their
//! columns (a typed `status`, not a `String`), while the GraphQL layer of `api` publishes the same
//! types with their doc comments as descriptions. Nothing here knows of GraphQL unless the
//! `graphql` feature asks for it (only `api` does).

pub mod access;
pub mod activity;
pub mod import;
pub mod leerlab;
mod list;
pub mod pipeline;
pub mod school;

#[cfg(feature = "graphql")]
pub mod graphql;

// So that `documented!` names this crate by one path, inside it and out.
extern crate self as vocabulary;

pub use access::Role;
pub use activity::{ActivityKind, ActivityStatus, Attendance};
pub use import::{ImportKind, RunStatus};
pub use leerlab::{LeerlabKind, LeerlabStatus, LegalInstrument, PartnerRole, Team};
pub use list::TextList;
pub use pipeline::{ApplicationSource, ApplicationStatus, SignalKind, SignalStatus, StudentStatus};
pub use school::{EnrolmentStatus, Leerweg, Need, PersonFunction, Profile, Sector};

/// An enum whose doc comments are also data: every value with its name and its documentation,
/// so that an interface (the GraphQL layer) can describe the enum without this crate knowing of it.
pub trait Documented: Copy + Send + Sync + Eq + 'static {
    /// The lines of the enum's doc comment.
    const DOC: &'static [&'static str];
    /// Every value, in declaration order, with its Rust name and the lines of its doc comment.
    const VALUES: &'static [(Self, &'static str, &'static [&'static str])];
}

/// An enum stored as text: the text of a value (what `documented!` gives the sea-orm value type).
pub trait StoredAsText: Sized {
    /// The text of this value.
    fn stored_text(&self) -> &'static str;
    /// The value of a text.
    fn from_text(text: &str) -> Option<Self>;
    /// The error for a text that is none of the values.
    fn unknown() -> UnknownValue;
}

/// A stored text that is none of its enum's values: a database written by something else.
/// Names the type only, never the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownValue {
    pub type_name: &'static str,
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a stored {} is none of its values", self.type_name)
    }
}

impl std::error::Error for UnknownValue {}

/// Declares enums of unit variants, each `Copy, Clone, Debug, PartialEq, Eq, Hash` (plus what a
/// `#[derive(…)]` adds), and implements [`Documented`] for each.
///
/// Written `Value => "TEXT"`, each value also gets its stored text: the enum then has `ALL`,
/// `as_str` and `parse`, and is a sea-orm value type stored as that text, so that a table
/// model's column can have the enum's type.
#[macro_export]
macro_rules! documented {
    (@enum [$($doc:literal)*] [$($derive:path),*] [$(#[$extra:meta])*]
        $vis:vis $name:ident { $([$($value_doc:literal)*] $value:ident),+ }) => {
        $(#[doc = $doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash $(, $derive)*)]
        $(#[$extra])*
        $vis enum $name {
            $($(#[doc = $value_doc])* $value),+
        }

        impl $crate::Documented for $name {
            const DOC: &'static [&'static str] = &[$($doc),*];
            const VALUES: &'static [(Self, &'static str, &'static [&'static str])] =
                &[$(($name::$value, stringify!($value), &[$($value_doc),*])),+];
        }
    };
    (@stored $name:ident { $($value:ident => $text:literal),+ }) => {
        impl $crate::StoredAsText for $name {
            fn stored_text(&self) -> &'static str {
                self.as_str()
            }

            fn from_text(text: &str) -> Option<Self> {
                Self::parse(text)
            }

            fn unknown() -> $crate::UnknownValue {
                $crate::UnknownValue { type_name: stringify!($name) }
            }
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$value),+];

            /// The text stored in the database and used in files.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$value => $text),+ }
            }

            /// Parses the stored text.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$value),)+ _ => None }
            }

            /// Reads a stored text (for the sea-orm value type); anything else is a database
            /// written by something else.
            fn from_stored(text: &str) -> Result<Self, $crate::UnknownValue> {
                Self::parse(text).ok_or_else(<Self as $crate::StoredAsText>::unknown)
            }
        }
    };
    ($(
        $(#[doc = $doc:literal])*
        $(#[derive($($derive:path),+ $(,)?)])?
        $vis:vis enum $name:ident {
            $($(#[doc = $value_doc:literal])* $value:ident => $text:literal),+ $(,)?
        }
    )+) => {$(
        $crate::documented!(@enum [$($doc)*] [$($($derive),+)?] [
            #[derive(sea_orm::DeriveValueType)]
            #[sea_orm(value_type = "String", from_str = "Self::from_stored", to_str = "vocabulary::StoredAsText::stored_text")]
        ] $vis $name { $([$($value_doc)*] $value),+ });
        $crate::documented!(@stored $name { $($value => $text),+ });
    )+};
    ($(
        $(#[doc = $doc:literal])*
        $(#[derive($($derive:path),+ $(,)?)])?
        $vis:vis enum $name:ident {
            $($(#[doc = $value_doc:literal])* $value:ident),+ $(,)?
        }
    )+) => {$(
        $crate::documented!(@enum [$($doc)*] [$($($derive),+)?] [] $vis $name {
            $([$($value_doc)*] $value),+
        });
    )+};
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Every value's text reads back as that value, and no two values share a text.
    fn texts_round_trip<T: Documented + StoredAsText + std::fmt::Debug>() {
        let mut seen = HashSet::new();
        for (value, name, _) in T::VALUES {
            let text = value.stored_text();
            assert_eq!(T::from_text(text).as_ref(), Some(value), "{name}");
            assert!(seen.insert(text), "{name}: `{text}` twice");
        }
        assert_eq!(T::from_text("NONE OF THEM"), None);
    }

    #[test]
    fn every_stored_enum_reads_back_its_own_texts() {
        texts_round_trip::<Role>();
        texts_round_trip::<ActivityKind>();
        texts_round_trip::<ActivityStatus>();
        texts_round_trip::<Attendance>();
        texts_round_trip::<ImportKind>();
        texts_round_trip::<RunStatus>();
        texts_round_trip::<LeerlabKind>();
        texts_round_trip::<LeerlabStatus>();
        texts_round_trip::<LegalInstrument>();
        texts_round_trip::<PartnerRole>();
        texts_round_trip::<Team>();
        texts_round_trip::<ApplicationSource>();
        texts_round_trip::<ApplicationStatus>();
        texts_round_trip::<SignalKind>();
        texts_round_trip::<SignalStatus>();
        texts_round_trip::<StudentStatus>();
        texts_round_trip::<EnrolmentStatus>();
        texts_round_trip::<Leerweg>();
        texts_round_trip::<Need>();
        texts_round_trip::<PersonFunction>();
        texts_round_trip::<Profile>();
        texts_round_trip::<Sector>();
    }

    #[test]
    fn a_text_list_keeps_its_order_and_refuses_unknown_parts() {
        let list = TextList(vec![Need::StudySkills, Need::Digid]);
        assert_eq!(list.to_text(), "STUDY_SKILLS,DIGID");
        assert_eq!(TextList::from_text("STUDY_SKILLS,DIGID"), Ok(list));
        assert_eq!(TextList::<Need>::from_text(""), Ok(TextList::default()));
        let unknown = TextList::<Need>::from_text("DIGID,FORGED").unwrap_err();
        assert!(!unknown.to_string().contains("FORGED"), "{unknown}");
    }

    #[test]
    fn a_role_claim_is_never_anonymous() {
        assert_eq!(Role::parse_claim("rmc"), Some(Role::Rmc));
        assert_eq!(Role::parse_claim("anonymous"), None);
    }
}
