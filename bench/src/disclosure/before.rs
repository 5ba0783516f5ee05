//! The disclosure control *before* the cell keys, kept verbatim from
//! `api/src/service/suppression.rs` at `cadab37^` (the commit that deleted it), so that the bench
//! can apply the old method to the same exact tables and count what it hid (README, "Benchmarks").
//! Only this header, `#![allow(dead_code)]` and [`ROW_IDENTITIES`] (from the old
//! `service/statistics.rs`) are new.
//!
//! Small-cell suppression (DESIGN.md section 4, as it was), for any table of counts whose rows add up to a
//! total row and whose cells within a row obey additive identities.
//!
//! 1. Primary: every count from 1 to `min_cell - 1` is hidden.
//! 2. Complementary: while some identity (within a row, or down a column to the total) has
//!    exactly one hidden member, hide one more: its smallest shown part (or the sum, if no part
//!    is shown).
//! 3. Chains: rule 2 alone can leave a hidden cell that a combination of identities determines.
//!    We solve the identities as a linear system over the hidden cells; any hidden cell that the
//!    published numbers determine gets one more neighbour hidden, and we go back to step 2.
//!
//! The linear algebra is exact: reduced row echelon form over the integers modulo the prime
//! 2^61 − 1. The identities have coefficients ±1, and every minor of such a matrix of our size
//! is far below that prime in absolute value, so rank modulo the prime equals rank over the
//! rationals.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

/// The identities within a `transitionStats` row that the old suppression respected, over the
/// 11 measures in schema order (leavers = enrolled + notEnrolled, enrolled = retained + switched
/// + droppedOut = below + at + aboveExpectedLevel); `needsStats` had none.
pub const ROW_IDENTITIES: &[RowIdentity] = &[
    RowIdentity {
        sum: 0,
        parts: &[1, 2],
    },
    RowIdentity {
        sum: 1,
        parts: &[3, 4, 5],
    },
    RowIdentity {
        sum: 1,
        parts: &[8, 9, 10],
    },
];

/// `cells[sum] = Σ cells[parts]` within every row.
#[derive(Clone, Copy, Debug)]
pub struct RowIdentity {
    pub sum: usize,
    pub parts: &'static [usize],
}

type Cell = (usize, usize);

/// One additive identity: the value at `sum` equals the sum of the values at `parts`.
#[derive(Clone, Debug)]
struct Identity {
    sum: Cell,
    parts: Vec<Cell>,
}

impl Identity {
    fn members(&self) -> impl Iterator<Item = Cell> + '_ {
        std::iter::once(self.sum).chain(self.parts.iter().copied())
    }
}

/// Decides which cells to hide. `cells` holds the data rows followed by the total row (the
/// column sums). Returns a mask of the same shape: `true` = publish as null.
pub fn suppress(
    cells: &[Vec<i64>],
    row_identities: &[RowIdentity],
    min_cell: i64,
) -> Vec<Vec<bool>> {
    let mut hidden: Vec<Vec<bool>> = cells
        .iter()
        .map(|row| row.iter().map(|&v| v >= 1 && v < min_cell).collect())
        .collect();
    if cells.is_empty() {
        return hidden;
    }
    let identities = identities(cells, row_identities);
    loop {
        close_single_gaps(cells, &identities, &mut hidden);
        let determined = determined_cells(&identities, &hidden);
        let Some(&cell) = determined.first() else {
            return hidden;
        };
        protect(cells, &identities, &mut hidden, cell);
    }
}

/// Every identity of the table: the row identities of each row (total included) and, for
/// each column, data rows adding up to the total row.
fn identities(cells: &[Vec<i64>], row_identities: &[RowIdentity]) -> Vec<Identity> {
    let total = cells.len() - 1;
    let width = cells[0].len();
    let mut all = Vec::new();
    for row in 0..cells.len() {
        for identity in row_identities {
            all.push(Identity {
                sum: (row, identity.sum),
                parts: identity.parts.iter().map(|&c| (row, c)).collect(),
            });
        }
    }
    if total > 0 {
        for column in 0..width {
            all.push(Identity {
                sum: (total, column),
                parts: (0..total).map(|row| (row, column)).collect(),
            });
        }
    }
    all
}

/// Rule 2, repeated until no identity has exactly one hidden member.
fn close_single_gaps(cells: &[Vec<i64>], identities: &[Identity], hidden: &mut [Vec<bool>]) {
    loop {
        let mut changed = false;
        for identity in identities {
            if identity.members().filter(|&(r, c)| hidden[r][c]).count() == 1
                && let Some((r, c)) = next_to_hide(cells, identity, hidden)
            {
                hidden[r][c] = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// The smallest shown part of an identity, or its sum when every part is hidden.
fn next_to_hide(cells: &[Vec<i64>], identity: &Identity, hidden: &[Vec<bool>]) -> Option<Cell> {
    identity
        .parts
        .iter()
        .copied()
        .filter(|&(r, c)| !hidden[r][c])
        .min_by_key(|&(r, c)| (cells[r][c], r, c))
        .or_else(|| (!hidden[identity.sum.0][identity.sum.1]).then_some(identity.sum))
}

/// Hides one more cell next to a determined hidden cell: in the identity through it with the
/// fewest hidden members that still has a shown member.
fn protect(cells: &[Vec<i64>], identities: &[Identity], hidden: &mut [Vec<bool>], cell: Cell) {
    let mut through: Vec<&Identity> = identities
        .iter()
        .filter(|i| i.members().any(|m| m == cell))
        .collect();
    through.sort_by_key(|i| i.members().filter(|&(r, c)| hidden[r][c]).count());
    if let Some((r, c)) = through.iter().find_map(|i| next_to_hide(cells, i, hidden)) {
        hidden[r][c] = true;
        return;
    }
    // Every identity through the cell is fully hidden: widen to the smallest shown cell of its row.
    let (row, _) = cell;
    if let Some(c) = (0..cells[row].len())
        .filter(|&c| !hidden[row][c])
        .min_by_key(|&c| (cells[row][c], c))
    {
        hidden[row][c] = true;
    }
}

const P: u64 = (1 << 61) - 1;

fn mul(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(P)) as u64
}

fn sub(a: u64, b: u64) -> u64 {
    (a + P - b) % P
}

fn inverse(a: u64) -> u64 {
    let (mut result, mut base, mut exp) = (1u64, a, P - 2);
    while exp > 0 {
        if exp & 1 == 1 {
            result = mul(result, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    result
}

/// The hidden cells whose value follows from the published cells through the identities.
pub fn determined_cells_of(
    cells: &[Vec<i64>],
    row_identities: &[RowIdentity],
    hidden: &[Vec<bool>],
) -> Vec<(usize, usize)> {
    if cells.is_empty() {
        return Vec::new();
    }
    determined_cells(&identities(cells, row_identities), hidden)
}

fn determined_cells(identities: &[Identity], hidden: &[Vec<bool>]) -> Vec<Cell> {
    let mut index: BTreeMap<Cell, usize> = BTreeMap::new();
    for (r, row) in hidden.iter().enumerate() {
        for (c, &h) in row.iter().enumerate() {
            if h {
                let next = index.len();
                index.insert((r, c), next);
            }
        }
    }
    // Reduced row echelon form, built one equation at a time: `basis[pivot]` has a 1 at
    // `pivot` and no entry in any other pivot column.
    let mut basis: BTreeMap<usize, BTreeMap<usize, u64>> = BTreeMap::new();
    for identity in identities {
        let mut row: BTreeMap<usize, u64> = BTreeMap::new();
        for cell in &identity.parts {
            if let Some(&v) = index.get(cell) {
                *row.entry(v).or_insert(0) += 1;
            }
        }
        if let Some(&v) = index.get(&identity.sum) {
            let entry = row.entry(v).or_insert(0);
            *entry = sub(*entry % P, 1);
        }
        row.retain(|_, x| *x % P != 0);
        let pivots_in_row: Vec<usize> = row
            .keys()
            .copied()
            .filter(|k| basis.contains_key(k))
            .collect();
        for pivot in pivots_in_row {
            let factor = row.get(&pivot).copied().unwrap_or(0);
            if factor == 0 {
                continue;
            }
            for (&col, &value) in &basis[&pivot] {
                let entry = row.entry(col).or_insert(0);
                *entry = sub(*entry, mul(factor, value));
            }
            row.retain(|_, x| *x != 0);
        }
        let Some((&pivot, &lead)) = row.iter().next() else {
            continue;
        };
        let scale = inverse(lead);
        for value in row.values_mut() {
            *value = mul(*value, scale);
        }
        for other in basis.values_mut() {
            if let Some(&factor) = other.get(&pivot) {
                for (&col, &value) in &row {
                    let entry = other.entry(col).or_insert(0);
                    *entry = sub(*entry, mul(factor, value));
                }
                other.retain(|_, x| *x != 0);
            }
        }
        basis.insert(pivot, row);
    }
    let cells: Vec<Cell> = index.keys().copied().collect();
    let determined: BTreeSet<usize> = basis
        .values()
        .filter(|row| row.len() == 1)
        .filter_map(|row| row.keys().next().copied())
        .collect();
    determined.into_iter().map(|v| cells[v]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &[RowIdentity] = &[RowIdentity {
        sum: 0,
        parts: &[1, 2],
    }];

    fn table(rows: &[[i64; 3]]) -> Vec<Vec<i64>> {
        let mut cells: Vec<Vec<i64>> = rows.iter().map(|r| r.to_vec()).collect();
        let total = (0..3).map(|c| rows.iter().map(|r| r[c]).sum()).collect();
        cells.push(total);
        cells
    }

    #[test]
    fn a_lone_small_cell_gets_a_complement_in_its_row_and_column() {
        let cells = table(&[[20, 17, 3], [30, 20, 10], [25, 12, 13]]);
        let hidden = suppress(&cells, ROW, 5);
        assert!(hidden[0][2], "primary");
        assert!(hidden[0][1], "row complement");
        assert!(determined_cells_of(&cells, ROW, &hidden).is_empty());
        let in_column_two = (0..3).filter(|&r| hidden[r][2]).count();
        assert!(in_column_two >= 2, "column complement");
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        let cells = table(&[[20, 15, 5], [30, 20, 10]]);
        assert!(suppress(&cells, ROW, 5).iter().flatten().all(|h| !h));
    }

    #[test]
    fn chains_are_closed() {
        // Hidden cells forming a cycle of identities with two hidden members each can still be
        // determined when the cycle has odd structure; the solver must catch every case.
        for seed in 0..200u64 {
            let mut state = seed * 7919 + 13;
            let mut next = || {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 33) % 9
            };
            let rows: Vec<[i64; 3]> = (0..4)
                .map(|_| {
                    let a = next() as i64;
                    let b = next() as i64;
                    [a + b, a, b]
                })
                .collect();
            let cells = table(&rows);
            let hidden = suppress(&cells, ROW, 3);
            assert!(
                determined_cells_of(&cells, ROW, &hidden).is_empty(),
                "seed {seed}: {cells:?} {hidden:?}"
            );
        }
    }
}
