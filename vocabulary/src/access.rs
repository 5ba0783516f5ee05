//! Who calls: the roles of DESIGN.md section 3, as tokens and the audit log name them.

use crate::documented;

documented! {
    /// The roles of DESIGN.md section 3.
    pub enum Role {
        /// No token.
        Anonymous => "anonymous",
        /// A pupil; `sub` is their student id, `school` their vmbo school.
        Student => "student",
        /// A (super)coach; `sub` is their person id.
        Coach => "coach",
        /// Staff of one school (`school` claim).
        SchoolStaff => "school_staff",
        /// A regional coordinator (Verbinder) of one region (`region` claim).
        Coordinator => "coordinator",
        /// An integration script's service account of one region (`region` claim).
        Integration => "integration",
        /// An RMC officer (Regionale Meld- en Coördinatiefunctie) of one region (`region` claim):
        /// works on the signals of that region's pupils.
        Rmc => "rmc",
        /// Functional administrator of the whole service.
        Admin => "admin",
    }
}

impl Role {
    /// Parses a `role` claim. `anonymous` is not a role a token can carry.
    pub fn parse_claim(text: &str) -> Option<Role> {
        Role::parse(text).filter(|role| *role != Role::Anonymous)
    }
}
