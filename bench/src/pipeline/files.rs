//! The pipeline's CSV files (DESIGN.md section 4): a `vo-pupils` roster of the school year
//! 2025-2026 (years 3 and 4, half each) over the plan's vmbo schools, and `mbo-applications` of
//! the fourth-year pupils to the colleges (mostly of their own region), deterministic from the seed.

use std::{
    fs::File,
    io::{BufWriter, Write},
    path::Path,
};

use chrono::NaiveDate;

use crate::generate::{Plan, Rng, bsn, date, leaver_leerweg, pick_college};

/// The roster's school year and the day the bench evaluates signals on (`LEERROUTE_TODAY`): after
/// 1 April, so `NO_APPLICATION` applies to fourth-year pupils without an application.
pub const SCHOOL_YEAR: &str = "2025-2026";
pub const TODAY: &str = "2026-04-15";

/// PGNs of roster pupils start here (leavers use `bsn(0..rows)`): room for 3M leavers.
const FIRST_PUPIL: u64 = 3_000_000;

const STATUSES: [&str; 6] = [
    "received",
    "intake_planned",
    "offered",
    "not_admitted",
    "withdrawn",
    "enrolled",
];

/// What was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub pupils: u64,
    pub applications: u64,
    /// Fourth-year pupils without any application (each gets a `NO_APPLICATION` signal).
    pub year4_without: u64,
}

/// Writes `pupils` roster rows and about two applications per pupil (0 to 8 per fourth-year pupil).
pub fn write(
    plan: &Plan,
    pupils: u64,
    seed: u64,
    roster_path: &Path,
    applications_path: &Path,
) -> std::io::Result<Written> {
    let mut rng = Rng::new(seed ^ 0x9199_E11E);
    let mut roster = BufWriter::with_capacity(1 << 20, File::create(roster_path)?);
    let mut apps = BufWriter::with_capacity(1 << 20, File::create(applications_path)?);
    writeln!(
        roster,
        "pgn,school_brin,leerweg,profiel,school_year,year,leerlab_code"
    )?;
    writeln!(
        apps,
        "pgn,school_brin,crebo,level,applied_on,status,status_date"
    )?;
    let all_colleges: Vec<usize> = plan.colleges.iter().flatten().copied().collect();
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("a date");
    let first_day = date(2025, 10, 1);
    let mut written = Written::default();
    for i in 0..pupils {
        let school = &plan.vo[rng.below(plan.vo.len() as u64) as usize];
        let pgn = bsn(FIRST_PUPIL + i);
        let year = 3 + i % 2;
        let leerweg = leaver_leerweg(&mut rng, school.gt_only);
        let profile = school.profiles[rng.below(4) as usize];
        let leerlab = school
            .leerlab
            .filter(|_| rng.chance(0.4))
            .map(|l| plan.leerlabs[l].code.as_str());
        writeln!(
            roster,
            "{pgn},{},{},{},{SCHOOL_YEAR},{year},{}",
            school.school.brin,
            leerweg.as_str(),
            profile.as_str(),
            leerlab.unwrap_or_default()
        )?;
        written.pupils += 1;
        if year != 4 {
            continue;
        }
        let count = rng.below(9);
        written.year4_without += u64::from(count == 0);
        let expected = usize::from(leerweg.expected_level() as u8);
        let offset = rng.below(8) as usize;
        for j in 0..count as usize {
            let college = pick_college(&mut rng, plan, school.school.region, &all_colleges);
            // Distinct crebos per pupil keep the identity (pgn, school, crebo, applied_on) unique.
            let level = if rng.chance(0.8) {
                expected
            } else {
                expected.max(2) - 1
            };
            let list = &plan.crebos[level - 1];
            // (every list has at least 8 crebos, a pupil at most 8 applications).
            let crebo = &list[(j + offset) % list.len()];
            let applied_on = first_day + rng.days(0, (today - first_day).num_days() as u64);
            let status = STATUSES[rng.below(STATUSES.len() as u64) as usize];
            let reached = applied_on + rng.days(0, (today - applied_on).num_days() as u64 + 1);
            writeln!(
                apps,
                "{pgn},{college},{crebo},{level},{applied_on},{status},{reached}"
            )?;
            written.applications += 1;
        }
    }
    roster.flush()?;
    apps.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_deterministic_and_applications_unique() {
        let dir = tempfile::tempdir().unwrap();
        let plan = Plan::new(5);
        let (r, a) = (dir.path().join("r.csv"), dir.path().join("a.csv"));
        let first = write(&plan, 2_000, 5, &r, &a).unwrap();
        let (roster, apps) = (
            std::fs::read(&r).unwrap(),
            std::fs::read_to_string(&a).unwrap(),
        );
        assert_eq!(write(&plan, 2_000, 5, &r, &a).unwrap(), first);
        assert_eq!(std::fs::read(&r).unwrap(), roster);
        assert_eq!(first.pupils, 2_000);
        // About 4 applications per fourth-year pupil (1,000 of them).
        assert!((3_000..5_000).contains(&first.applications), "{first:?}");
        assert!(
            first.year4_without > 50 && first.year4_without < 200,
            "{first:?}"
        );
        let lines: Vec<&str> = apps.lines().skip(1).collect();
        assert_eq!(lines.len() as u64, first.applications);
        let mut identities: Vec<String> = lines
            .iter()
            .map(|l| {
                l.split(',')
                    .take(3)
                    .chain(l.split(',').skip(4).take(1))
                    .collect()
            })
            .collect();
        identities.sort();
        identities.dedup();
        assert_eq!(identities.len(), lines.len());
        for line in &lines {
            let f: Vec<&str> = line.split(',').collect();
            assert!(
                f[4] <= f[6] && f[6] <= TODAY,
                "status date in range: {line}"
            );
        }
    }
}
