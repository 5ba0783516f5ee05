//! Disclosure control (DESIGN.md section 4): the cell-key method of the Australian Bureau of
//! Statistics' TableBuilder, with DUO's rule that counts 1–4 are never shown.
//!
//! Every pupil has a secret record key `rkey` in 0..255. A count `c` over a set of pupils S has
//! the cell key `ckey = (Σ rkey over S) mod 256` and is published as
//! `p = max(0, c + (ckey mod 5) − 2)`, except that `c = 0` is 0; a `p` from 1 to
//! `minCellSize − 1`, or 0 for `c > 0`, is published as null. The noise follows from the set of
//! pupils alone, so the same pupils get the same value whichever query asks, and the difference
//! of two answers is never certain.
//!
//! How a statistic uses this (transitionStats, needsStats, the CSV export, pipelineStats):
//! 1. Beside each count, let SQL add up the stored keys of the same pupils:
//!    `COUNT(*)` and [`key_sum`]`("s.record_key")`, or `SUM(CASE WHEN … THEN s.record_key ELSE 0
//!    END)` for a conditional count. Sums of keys add up and subtract like counts (a summary
//!    table may keep them per group), as long as each pupil is counted at most once.
//! 2. Put both in a [`Cell`] and call [`Disclosure::publish`] with whether the caller gets exact
//!    counts (`admin`, and `school_staff` whose filter names their own school).
//!
//! The key is stored masked: `student.record_key = (a·rkey + b) mod 256`, with an odd `a` and a
//! `b` derived from the link secret, so a reader of the database cannot tell a pupil's key (nor
//! a group's) without the secret. The mask is affine, so the stored keys of a set still add up:
//! `Σ stored = a·Σ rkey + |S|·b (mod 256)`, and [`Disclosure::cell_key`] takes it off again.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The SQL sum of a stored-key column over a group, 0 for none, as BIGINT on both databases.
pub fn key_sum(column: &str) -> String {
    format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)")
}

/// A count and the sum of the stored record keys of the pupils it counts. Cells of disjoint sets
/// add up, and a cell minus a cell of a subset is the cell of the rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub count: i64,
    pub keys: i64,
}

impl Cell {
    pub fn new(count: i64, keys: i64) -> Self {
        Cell { count, keys }
    }
}

impl std::ops::Add for Cell {
    type Output = Cell;
    fn add(self, other: Cell) -> Cell {
        Cell::new(self.count + other.count, self.keys + other.keys)
    }
}

impl std::ops::Sub for Cell {
    type Output = Cell;
    fn sub(self, other: Cell) -> Cell {
        Cell::new(self.count - other.count, self.keys - other.keys)
    }
}

impl std::iter::Sum for Cell {
    fn sum<I: Iterator<Item = Cell>>(iter: I) -> Cell {
        iter.fold(Cell::default(), |a, b| a + b)
    }
}

/// The record keys of a region, from its link secret.
#[derive(Clone)]
pub struct RecordKeys {
    mac: Hmac<Sha256>,
    a: u8,
    a_inverse: u8,
    b: u8,
}

impl std::fmt::Debug for RecordKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKeys(secret)")
    }
}

fn mac(secret: &str, label: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

/// The inverse of an odd `a` modulo 256.
fn inverse(a: u8) -> u8 {
    (1..=255u8)
        .step_by(2)
        .find(|x| a.wrapping_mul(*x) == 1)
        .expect("an odd number has an inverse modulo 256")
}

impl RecordKeys {
    /// Record keys derive from pseudonyms under a key of their own, itself derived from the link
    /// secret (so a pseudonym's key is not a byte of the pseudonym).
    pub fn new(link_secret: &str) -> Self {
        let key = mac(link_secret, b"leerroute record keys");
        let mask = mac(link_secret, b"leerroute record key mask");
        let a = mask[0] | 1;
        RecordKeys {
            mac: Hmac::<Sha256>::new_from_slice(&key).expect("any key length"),
            a,
            a_inverse: inverse(a),
            b: mask[1],
        }
    }

    /// The record key `rkey` of the pupil with this pseudonym (the same for every record of a
    /// person).
    pub fn record_key(&self, pseudonym: &str) -> u8 {
        let mut mac = self.mac.clone();
        mac.update(pseudonym.as_bytes());
        mac.finalize().into_bytes()[0]
    }

    /// What `student.record_key` holds for this pseudonym: the key under the mask.
    pub fn stored_key(&self, pseudonym: &str) -> i16 {
        i16::from(
            self.a
                .wrapping_mul(self.record_key(pseudonym))
                .wrapping_add(self.b),
        )
    }

    /// `ckey = (Σ rkey) mod 256` of the pupils of a cell, from the sum of their stored keys.
    pub fn cell_key(&self, cell: Cell) -> u8 {
        let masked = cell.keys.rem_euclid(256) - cell.count.rem_euclid(256) * i64::from(self.b);
        (masked.rem_euclid(256) as u8).wrapping_mul(self.a_inverse)
    }
}

/// How statistics are published: the record keys and the smallest count shown.
#[derive(Clone, Debug)]
pub struct Disclosure {
    keys: RecordKeys,
    min_cell: i64,
}

impl Disclosure {
    pub fn new(link_secret: &str, min_cell: i64) -> Self {
        Disclosure {
            keys: RecordKeys::new(link_secret),
            min_cell,
        }
    }

    /// The smallest count published (`LEERROUTE_MIN_CELL`).
    pub fn min_cell(&self) -> i64 {
        self.min_cell
    }

    /// The record keys (for tests and tools that check published values).
    pub fn keys(&self) -> &RecordKeys {
        &self.keys
    }

    /// The protected value of a cell: `None` where it is hidden.
    pub fn protect(&self, cell: Cell) -> Option<i64> {
        if cell.count == 0 {
            return Some(0);
        }
        let noise = i64::from(self.keys.cell_key(cell) % 5) - 2;
        let published = (cell.count + noise).max(0);
        (published >= self.min_cell).then_some(published)
    }

    /// The value of a cell for a caller who gets exact counts (`exact`) or protected ones.
    pub fn publish(&self, exact: bool, cell: Cell) -> Option<i64> {
        if exact {
            Some(cell.count)
        } else {
            self.protect(cell)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_keys_add_up_to_the_cell_key() {
        let d = RecordKeys::new("a link secret of some length");
        let pupils: Vec<String> = (0..300).map(|i| format!("pseudonym-{i}")).collect();
        for n in [0, 1, 2, 7, 255, 256, 300] {
            let set = &pupils[..n];
            let rkeys: u32 = set.iter().map(|p| u32::from(d.record_key(p))).sum();
            let stored: i64 = set.iter().map(|p| i64::from(d.stored_key(p))).sum();
            assert_eq!(d.cell_key(Cell::new(n as i64, stored)), (rkeys % 256) as u8);
        }
    }

    #[test]
    fn small_counts_are_never_shown_and_zero_is_zero() {
        let d = Disclosure::new("another secret", 5);
        assert_eq!(d.protect(Cell::new(0, 0)), Some(0));
        for count in 1..200 {
            for keys in 0..256 {
                let p = d.protect(Cell::new(count, keys));
                match p {
                    None => assert!(count <= 6),
                    Some(p) => {
                        assert!(p >= 5, "{count} published as {p}");
                        assert!((p - count).abs() <= 2);
                    }
                }
            }
        }
        assert_eq!(d.publish(true, Cell::new(3, 17)), Some(3));
    }

    #[test]
    fn the_mask_depends_on_the_secret() {
        let a = RecordKeys::new("secret one");
        let b = RecordKeys::new("secret two");
        let differ = (0..50)
            .filter(|i| {
                let p = format!("p{i}");
                a.record_key(&p) != b.record_key(&p)
            })
            .count();
        assert!(differ > 40);
    }
}
