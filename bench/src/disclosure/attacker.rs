//! The bounds attacker of `tests/tests/statistics.rs`, over one protected answer at bench scale:
//! every identity of the table (within rows, rows adding up to the total) and non-negativity,
//! propagated to the tightest bounds on each true count. A shown `p` says `p − 2 ..= p + 2` (a
//! shown 0 is exactly 0), a null at most `min + 1`, and, for the attacker who also uses the
//! published rule that a true 0 is shown as 0, at least 1.

/// `cells[sum] = Σ cells[parts]` within every row (column indices).
pub type RowIdentity = (usize, &'static [usize]);

/// The identities of a `transitionStats` row over the 11 measures in schema order.
pub const TRANSITION_IDENTITIES: &[RowIdentity] =
    &[(0, &[1, 2]), (1, &[3, 4, 5]), (1, &[8, 9, 10])];

/// What the attacker found in one answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Pinned {
    /// True counts from 1 to 4 in the answer.
    pub small: usize,
    /// Of those, pinned exactly by identities and non-negativity.
    pub plain: usize,
    /// Of those, pinned exactly when the attacker also knows that a null is at least 1.
    pub knowing: usize,
    /// Cells whose true count fell outside the attacker's bounds (a bug in the method or here).
    pub outside: usize,
}

impl std::ops::AddAssign for Pinned {
    fn add_assign(&mut self, other: Pinned) {
        self.small += other.small;
        self.plain += other.plain;
        self.knowing += other.knowing;
        self.outside += other.outside;
    }
}

fn interval(p: Option<i64>, min: i64, knowing: bool) -> (i64, i64) {
    match p {
        Some(0) => (0, 0),
        Some(p) => (p - 2, p + 2),
        None => (i64::from(knowing), min + 1),
    }
}

fn tighten(bounds: &mut [(i64, i64)], cell: usize, lo: i64, hi: i64) -> bool {
    let old = bounds[cell];
    bounds[cell] = (old.0.max(lo), old.1.min(hi));
    bounds[cell] != old
}

/// Narrows intervals by `sum = Σ parts` until nothing changes.
fn narrow(bounds: &mut [(i64, i64)], equations: &[(usize, Vec<usize>)]) {
    loop {
        let mut changed = false;
        for (sum, parts) in equations {
            let lo: i64 = parts.iter().map(|&p| bounds[p].0).sum();
            let hi: i64 = parts.iter().map(|&p| bounds[p].1).sum();
            changed |= tighten(bounds, *sum, lo, hi);
            let (sum_lo, sum_hi) = bounds[*sum];
            for &part in parts {
                let others_lo = lo - bounds[part].0;
                let others_hi = hi - bounds[part].1;
                changed |= tighten(bounds, part, sum_lo - others_hi, sum_hi - others_lo);
            }
        }
        if !changed {
            return;
        }
    }
}

/// The cells of one answer whose true count (1..=4) the bounds pin, with and without the rule
/// `null ≥ 1`. `truth` and `shown` hold the data rows followed by the total row.
pub fn attack(
    truth: &[Vec<i64>],
    shown: &[Vec<Option<i64>>],
    identities: &[RowIdentity],
    min: i64,
) -> Pinned {
    let width = truth.first().map_or(0, Vec::len);
    let cell = |r: usize, m: usize| r * width + m;
    let mut equations = Vec::new();
    for r in 0..shown.len() {
        for (sum, parts) in identities {
            equations.push((cell(r, *sum), parts.iter().map(|&p| cell(r, p)).collect()));
        }
    }
    let total = shown.len().saturating_sub(1);
    if total > 0 {
        for m in 0..width {
            equations.push((cell(total, m), (0..total).map(|r| cell(r, m)).collect()));
        }
    }
    let mut found = Pinned {
        small: truth
            .iter()
            .flatten()
            .filter(|c| (1..=4).contains(*c))
            .count(),
        ..Pinned::default()
    };
    for knowing in [false, true] {
        let mut bounds: Vec<(i64, i64)> = shown
            .iter()
            .flat_map(|row| row.iter().map(|p| interval(*p, min, knowing)))
            .collect();
        narrow(&mut bounds, &equations);
        let (mut pinned, mut outside) = (0, 0);
        for (r, row) in truth.iter().enumerate() {
            for (m, &c) in row.iter().enumerate() {
                let (lo, hi) = bounds[cell(r, m)];
                outside += usize::from(c < lo || c > hi);
                pinned += usize::from(lo == hi && (1..=4).contains(&c));
            }
        }
        if knowing {
            found.knowing = pinned;
        } else {
            found.plain = pinned;
        }
        found.outside += outside;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_hidden_ones_under_a_total_of_k_minus_2_are_pinned_only_knowing_null_is_positive() {
        // Five hidden true 1s under a total of 5 published as 3: each is pinned when nulls are
        // at least 1, and none without that rule.
        let truth: Vec<Vec<i64>> = vec![vec![1]; 5].into_iter().chain([vec![5]]).collect();
        let shown: Vec<Vec<Option<i64>>> = vec![vec![None]; 5]
            .into_iter()
            .chain([vec![Some(3)]])
            .collect();
        let found = attack(&truth, &shown, &[], 5);
        assert_eq!(found.small, 5);
        assert_eq!(found.plain, 0);
        assert_eq!(found.knowing, 5);
        assert_eq!(found.outside, 0);
    }

    #[test]
    fn noise_of_two_leaves_lone_hidden_cells_of_a_row_unpinned() {
        let row = vec![20i64, 18, 2, 15, 2, 1, 10, 9, 3, 10, 5];
        let truth = vec![row.clone(), row.clone()];
        let published: Vec<Option<i64>> = row.iter().map(|&c| (c >= 5).then_some(c)).collect();
        let shown = vec![published.clone(), published];
        let found = attack(&truth, &shown, TRANSITION_IDENTITIES, 5);
        assert_eq!(found.small, 8);
        assert_eq!(found.plain, 0);
        assert_eq!(found.outside, 0);
    }
}
