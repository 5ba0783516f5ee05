//! Pseudonymisation of PGNs (BSN or onderwijsnummer).
//!
//! A PGN is checked and replaced on arrival by HMAC-SHA256 under `LEERROUTE_LINK_SECRET`; only
//! the hex digest is stored. The same PGN always gives the same pseudonym, which is what links
//! a vmbo leaver to their mbo enrolments whichever file arrives first; without the key the
//! pseudonym cannot be recomputed from a list of BSNs.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A keyed hasher, built once per import from the link secret.
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: Hmac<Sha256>,
}

impl Pseudonymiser {
    pub fn new(link_secret: &str) -> Self {
        Pseudonymiser {
            mac: Hmac::<Sha256>::new_from_slice(link_secret.as_bytes())
                .expect("HMAC accepts any key length"),
        }
    }

    /// The pseudonym of a (validated) PGN: 64 lowercase hex characters.
    pub fn pseudonym(&self, pgn: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(pgn.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_pgn_same_pseudonym_other_key_other_pseudonym() {
        let a = Pseudonymiser::new("key-one-0123456789");
        let b = Pseudonymiser::new("key-two-0123456789");
        assert_eq!(a.pseudonym("123456782"), a.pseudonym("123456782"));
        assert_ne!(a.pseudonym("123456782"), b.pseudonym("123456782"));
        assert_eq!(a.pseudonym("123456782").len(), 64);
        assert!(!a.pseudonym("123456782").contains("123456782"));
    }
}
