//! Deterministic test data: a catalogue plan (regions, vmbo schools, ROCs with colleges,
//! leerlabs with their partners) and the two CSV files of DESIGN.md section 4, with the counts
//! the statistics must arrive at ([`Truth`]), computed here from the definitions, independently
//! of the service.
//!
//! Everything follows from one seed through SplitMix64, so two runs with the same `--rows` and
//! `--seed` write byte-identical files.

use std::{
    fs::File,
    io::{BufWriter, Write},
    path::Path,
};

use chrono::{Duration, NaiveDate};
use leerroute::domain::{LeerlabKind, Leerweg, Profile};
use serde::Serialize;

/// SplitMix64: small, fast and stable across versions of any crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(crate) fn days(&mut self, from: u64, span: u64) -> Duration {
        Duration::days((from + self.below(span)) as i64)
    }
}

/// First cohort (school year of leaving) of the five generated.
pub const FIRST_COHORT: i32 = 2019;
pub const COHORTS: i32 = 5;

const VO_SCHOOLS: usize = 200;
const REGIONS: [(&str, &str, [&str; 3]); 4] = [
    (
        "B-AMS",
        "Benchregio Amstelland",
        ["Amsterdam", "Amstelveen", "Diemen"],
    ),
    (
        "B-UTR",
        "Benchregio Utrecht",
        ["Utrecht", "Nieuwegein", "Zeist"],
    ),
    (
        "B-RTM",
        "Benchregio Rijnmond",
        ["Rotterdam", "Schiedam", "Capelle"],
    ),
    (
        "B-VEL",
        "Benchregio Veluwe",
        ["Harderwijk", "Ermelo", "Apeldoorn"],
    ),
];
const ROCS_PER_REGION: usize = 2;
const COLLEGES_PER_ROC: usize = 4;
const LEERLABS_PER_REGION: usize = 5;

/// A region of the plan.
pub struct RegionPlan {
    pub code: &'static str,
    pub name: &'static str,
}

/// A school of the plan; colleges name their ROC as parent.
pub struct SchoolPlan {
    pub region: usize,
    pub brin: String,
    pub name: String,
    pub city: &'static str,
    pub parent: Option<String>,
}

/// A vmbo school and what its pupils look like.
pub struct VoPlan {
    pub school: SchoolPlan,
    /// Offers only GL and TL (a former mavo).
    pub(crate) gt_only: bool,
    pub(crate) profiles: [Profile; 4],
    pub(crate) weight: u64,
    pub(crate) leerlab: Option<usize>,
}

/// A leerlab and its partners (BRINs).
pub struct LeerlabPlan {
    pub region: usize,
    pub code: String,
    pub name: String,
    pub kind: LeerlabKind,
    pub partners: Vec<String>,
}

/// The catalogue the generated files refer to.
pub struct Plan {
    pub regions: Vec<RegionPlan>,
    pub vo: Vec<VoPlan>,
    /// ROCs first, then their colleges (parents before children).
    pub mbo: Vec<SchoolPlan>,
    pub leerlabs: Vec<LeerlabPlan>,
    /// Colleges (where pupils enrol) per region, as indexes into `mbo`.
    pub(crate) colleges: Vec<Vec<usize>>,
    /// Crebo codes per mbo level 1..=4 (index 0 = level 1).
    pub(crate) crebos: [Vec<String>; 4],
}

/// Two capital letters for `i` (AA, AB, …).
fn letters(i: usize) -> String {
    let a = (b'A' + (i / 26 % 26) as u8) as char;
    let b = (b'A' + (i % 26) as u8) as char;
    format!("{a}{b}")
}

impl Plan {
    pub fn new(seed: u64) -> Plan {
        let mut rng = Rng::new(seed ^ 0x5EED_CA7A_1065);
        let regions: Vec<RegionPlan> = REGIONS
            .iter()
            .map(|(code, name, _)| RegionPlan { code, name })
            .collect();
        let per_region = VO_SCHOOLS / REGIONS.len();
        let mut vo: Vec<VoPlan> = (0..VO_SCHOOLS)
            .map(|i| {
                let region = i / per_region;
                let city = REGIONS[region].2[i % 3];
                let first = rng.below(Profile::ALL.len() as u64) as usize;
                VoPlan {
                    school: SchoolPlan {
                        region,
                        brin: format!("92{}", letters(i)),
                        name: format!("Vmbo {city} {}", i + 1),
                        city,
                        parent: None,
                    },
                    gt_only: i % 5 == 4,
                    profiles: std::array::from_fn(|k| {
                        Profile::ALL[(first + k * 3) % Profile::ALL.len()]
                    }),
                    weight: 1 + rng.below(8),
                    leerlab: None,
                }
            })
            .collect();
        let mut mbo = Vec::new();
        let mut colleges = vec![Vec::new(); REGIONS.len()];
        for (region, (_, _, cities)) in REGIONS.iter().enumerate() {
            for r in 0..ROCS_PER_REGION {
                let roc = region * ROCS_PER_REGION + r;
                let brin = format!("96{}", letters(roc));
                mbo.push(SchoolPlan {
                    region,
                    brin: brin.clone(),
                    name: format!("ROC {} {}", cities[0], r + 1),
                    city: cities[0],
                    parent: None,
                });
                for c in 0..COLLEGES_PER_ROC {
                    colleges[region].push(mbo.len());
                    mbo.push(SchoolPlan {
                        region,
                        brin: format!("{brin}{:02}", c + 1),
                        name: format!("MBO College {} {}-{}", cities[c % 3], r + 1, c + 1),
                        city: cities[c % 3],
                        parent: Some(brin.clone()),
                    });
                }
            }
        }
        let kinds = [
            LeerlabKind::Leerlijn,
            LeerlabKind::DoorlopendeLeerroute,
            LeerlabKind::GeintegreerdeLeerroute,
        ];
        let mut leerlabs = Vec::new();
        for region in 0..REGIONS.len() {
            for k in 0..LEERLABS_PER_REGION {
                let index = leerlabs.len();
                let vo_count = 2 + k % 2;
                let mut partners = Vec::new();
                for j in 0..vo_count {
                    let school = &mut vo[region * per_region + k * 4 + j];
                    school.leerlab = Some(index);
                    partners.push(school.school.brin.clone());
                }
                let college = colleges[region][k % colleges[region].len()];
                partners.push(mbo[college].brin.clone());
                leerlabs.push(LeerlabPlan {
                    region,
                    code: format!("BLAB-{:02}", index + 1),
                    name: format!("Leerlab {} {}", REGIONS[region].2[k % 3], k + 1),
                    kind: kinds[k % kinds.len()],
                    partners,
                });
            }
        }
        let crebos = std::array::from_fn(|level| {
            let count = [8, 20, 24, 28][level];
            (0..count)
                .map(|j| format!("95{}{:02}", level + 1, j))
                .collect()
        });
        Plan {
            regions,
            vo,
            mbo,
            leerlabs,
            colleges,
            crebos,
        }
    }
}

/// The counts `transitionStats` must report in total, from the definitions of DESIGN.md.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Truth {
    pub leavers: i64,
    pub enrolled: i64,
    pub switched: i64,
    pub dropped_out: i64,
    pub chose_before_exam: i64,
    pub choice_matched: i64,
    pub below_expected: i64,
    pub at_expected: i64,
    pub above_expected: i64,
}

impl Truth {
    /// In the order of the baseline's and the service's stored counts.
    pub fn as_array(&self) -> [i64; 9] {
        [
            self.leavers,
            self.enrolled,
            self.switched,
            self.dropped_out,
            self.chose_before_exam,
            self.choice_matched,
            self.below_expected,
            self.at_expected,
            self.above_expected,
        ]
    }
}

/// What was written.
pub struct Generated {
    pub vo_rows: u64,
    pub mbo_rows: u64,
    pub truth: Truth,
}

/// A BSN (s mod 11 = 0) derived from `n`: one of sixteen consecutive bodies has a check digit.
pub(crate) fn bsn(n: u64) -> String {
    eleven_test(20_000_000 + n * 16, 0)
}

/// An onderwijsnummer (starts with `10`, s mod 11 = 5) derived from `n < 62,500`.
fn onderwijsnummer(n: u64) -> String {
    eleven_test(10_000_000 + n * 16, 5)
}

/// The first of sixteen 8-digit bodies from `first` whose check digit makes s mod 11 = `rest`.
fn eleven_test(first: u64, rest: u64) -> String {
    (first..first + 16)
        .find_map(|body| {
            let text = format!("{body:08}");
            let weighted: u64 = text
                .bytes()
                .zip((2..=9).rev())
                .map(|(b, w)| u64::from(b - b'0') * w)
                .sum();
            let check = (weighted + 11 - rest) % 11;
            (check < 10).then(|| format!("{text}{check}"))
        })
        .expect("one of sixteen consecutive bodies has a check digit")
}

pub(crate) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

fn expected_level(leerweg: Leerweg) -> usize {
    leerweg.expected_level() as usize
}

/// One mbo enrolment row.
struct Enrolment<'a> {
    college: &'a str,
    crebo: &'a str,
    level: usize,
    enrolled_on: NaiveDate,
    status: &'static str,
    status_date: Option<NaiveDate>,
}

impl Enrolment<'_> {
    fn write(&self, out: &mut impl Write, pgn: &str) -> std::io::Result<()> {
        let status_date = self.status_date.map(|d| d.to_string()).unwrap_or_default();
        writeln!(
            out,
            "{pgn},{},{},{},{},{},{status_date}",
            self.college, self.crebo, self.level, self.enrolled_on, self.status
        )
    }
}

/// Writes `rows` vmbo leavers to `vo_path` and their mbo enrolments to `mbo_path`.
pub fn write_files(
    plan: &Plan,
    rows: u64,
    seed: u64,
    vo_path: &Path,
    mbo_path: &Path,
) -> std::io::Result<Generated> {
    let mut rng = Rng::new(seed);
    let mut vo = BufWriter::with_capacity(1 << 20, File::create(vo_path)?);
    let mut mbo = BufWriter::with_capacity(1 << 20, File::create(mbo_path)?);
    writeln!(
        vo,
        "pgn,school_brin,leerweg,profiel,school_year,exam_date,choice_crebo,choice_date,leerlab_code"
    )?;
    writeln!(
        mbo,
        "pgn,school_brin,crebo,level,enrolled_on,status,status_date"
    )?;
    let cumulative: Vec<u64> = plan
        .vo
        .iter()
        .scan(0, |sum, s| {
            *sum += s.weight;
            Some(*sum)
        })
        .collect();
    let total_weight = *cumulative.last().expect("vo schools");
    let all_colleges: Vec<usize> = plan.colleges.iter().flatten().copied().collect();
    let stride = [1_000_003, 999_983, 7_919]
        .into_iter()
        .find(|prime| !rows.is_multiple_of(*prime))
        .expect("three primes cannot all divide rows");
    let offset = seed % rows.max(1);
    let mut generated = Generated {
        vo_rows: 0,
        mbo_rows: 0,
        truth: Truth::default(),
    };
    for i in 0..rows {
        let pick = rng.below(total_weight);
        let school = &plan.vo[cumulative.partition_point(|&c| c <= pick)];
        // Files are not sorted by PGN: a permutation of 0..rows spreads them.
        let p = (i * stride + offset) % rows;
        let pgn = if p.is_multiple_of(29) && p / 29 < 62_500 {
            onderwijsnummer(p / 29)
        } else {
            bsn(p)
        };
        let cohort = FIRST_COHORT + rng.below(COHORTS as u64) as i32;
        let leerweg = leaver_leerweg(&mut rng, school.gt_only);
        let profile = school.profiles[rng.below(4) as usize];
        let exam = date(cohort + 1, 5, 11) + rng.days(0, 45);
        let expected = expected_level(leerweg);
        let roll = rng.unit();
        let choice_crebo = (roll < 0.75).then(|| pick_crebo(&mut rng, &plan.crebos, expected));
        let choice_date = (roll < 0.72).then(|| date(cohort + 1, 1, 15) + rng.days(0, 180));
        let leerlab = school
            .leerlab
            .filter(|_| rng.chance(0.4))
            .map(|l| plan.leerlabs[l].code.as_str());
        writeln!(
            vo,
            "{pgn},{},{},{},{cohort}-{},{exam},{},{},{}",
            school.school.brin,
            leerweg.as_str(),
            profile.as_str(),
            cohort + 1,
            choice_crebo.unwrap_or_default(),
            choice_date.map(|d| d.to_string()).unwrap_or_default(),
            leerlab.unwrap_or_default(),
        )?;
        generated.vo_rows += 1;
        let truth = &mut generated.truth;
        truth.leavers += 1;
        truth.chose_before_exam += i64::from(choice_date.is_some_and(|d| d < exam));

        let region = school.school.region;
        if rng.chance(0.85) {
            let transition = {
                let college = pick_college(&mut rng, plan, region, &all_colleges);
                transition(&mut rng, plan, cohort, expected, choice_crebo, college)
            };
            record_transition(truth, &transition, expected, choice_crebo);
            transition.write(&mut mbo, &pgn)?;
            generated.mbo_rows += 1;
            if transition.status == "switched" && rng.chance(0.75) {
                let college = pick_college(&mut rng, plan, region, &all_colleges);
                let second = second_enrolment(&mut rng, plan, &transition, college);
                second.write(&mut mbo, &pgn)?;
                generated.mbo_rows += 1;
            }
        } else if rng.chance(0.3) {
            // A gap year: enrolled, but after the window, so not a transition.
            let level = 1 + rng.below(4) as usize;
            Enrolment {
                college: pick_college(&mut rng, plan, region, &all_colleges),
                crebo: pick_crebo(&mut rng, &plan.crebos, level),
                level,
                enrolled_on: date(cohort + 2, 8, 20) + rng.days(0, 20),
                status: "enrolled",
                status_date: None,
            }
            .write(&mut mbo, &pgn)?;
            generated.mbo_rows += 1;
        }
    }
    vo.flush()?;
    mbo.flush()?;
    Ok(generated)
}

/// Mostly a college of the pupil's own region, sometimes one elsewhere.
pub(crate) fn pick_college<'a>(
    rng: &mut Rng,
    plan: &'a Plan,
    region: usize,
    all: &[usize],
) -> &'a str {
    let list = if rng.chance(0.85) {
        &plan.colleges[region][..]
    } else {
        all
    };
    &plan.mbo[list[rng.below(list.len() as u64) as usize]].brin
}

pub(crate) fn leaver_leerweg(rng: &mut Rng, gt_only: bool) -> Leerweg {
    let r = rng.unit();
    match (gt_only, r) {
        (true, r) if r < 0.15 => Leerweg::Gl,
        (true, _) => Leerweg::Tl,
        (false, r) if r < 0.25 => Leerweg::Bb,
        (false, r) if r < 0.55 => Leerweg::Kb,
        (false, r) if r < 0.60 => Leerweg::Gl,
        (false, _) => Leerweg::Tl,
    }
}

pub(crate) fn pick_crebo<'a>(rng: &mut Rng, crebos: &'a [Vec<String>; 4], level: usize) -> &'a str {
    let list = &crebos[level - 1];
    &list[rng.below(list.len() as u64) as usize]
}

/// The first enrolment in the school year after leaving: mostly at the expected level, often
/// the programme chosen, with a status that may end it within or after 365 days.
fn transition<'a>(
    rng: &mut Rng,
    plan: &'a Plan,
    cohort: i32,
    expected: usize,
    choice_crebo: Option<&'a str>,
    college: &'a str,
) -> Enrolment<'a> {
    let enrolled_on = if rng.chance(0.9) {
        date(cohort + 1, 8, 15) + rng.days(0, 22)
    } else {
        date(cohort + 1, 9, 10) + rng.days(0, 270)
    };
    let (crebo, level) = match choice_crebo {
        Some(chosen) if rng.chance(0.6) => (chosen, expected),
        _ => {
            let r = rng.unit();
            let level = if r < 0.70 {
                expected
            } else if r < 0.85 {
                (expected - 1).max(1)
            } else {
                (expected + 1).min(4)
            };
            (pick_crebo(rng, &plan.crebos, level), level)
        }
    };
    let r = rng.unit();
    let (status, days) = if r < 0.10 {
        ("switched", Some(rng.days(20, 520)))
    } else if r < 0.18 {
        ("dropped_out", Some(rng.days(30, 570)))
    } else if r < 0.22 {
        ("graduated", Some(rng.days(300, 400)))
    } else {
        ("enrolled", None)
    };
    Enrolment {
        college,
        crebo,
        level,
        enrolled_on,
        status,
        status_date: days.map(|d| enrolled_on + d),
    }
}

/// After switching: a later enrolment elsewhere, which never is the transition.
fn second_enrolment<'a>(
    rng: &mut Rng,
    plan: &'a Plan,
    first: &Enrolment<'_>,
    college: &'a str,
) -> Enrolment<'a> {
    let level = 1 + rng.below(4) as usize;
    let enrolled_on = first.status_date.unwrap_or(first.enrolled_on) + rng.days(7, 30);
    let dropped = rng.chance(0.2);
    Enrolment {
        college,
        crebo: pick_crebo(rng, &plan.crebos, level),
        level,
        enrolled_on,
        status: if dropped { "dropped_out" } else { "enrolled" },
        status_date: dropped.then(|| enrolled_on + rng.days(30, 370)),
    }
}

fn record_transition(truth: &mut Truth, t: &Enrolment<'_>, expected: usize, choice: Option<&str>) {
    let within_year = t
        .status_date
        .is_some_and(|d| (d - t.enrolled_on).num_days() < 365);
    truth.enrolled += 1;
    truth.switched += i64::from(t.status == "switched" && within_year);
    truth.dropped_out += i64::from(t.status == "dropped_out" && within_year);
    truth.choice_matched += i64::from(choice == Some(t.crebo));
    match t.level.cmp(&expected) {
        std::cmp::Ordering::Less => truth.below_expected += 1,
        std::cmp::Ordering::Equal => truth.at_expected += 1,
        std::cmp::Ordering::Greater => truth.above_expected += 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leerroute::domain::{valid_brin, valid_crebo, valid_pgn};

    #[test]
    fn identifiers_are_valid() {
        for n in [0, 1, 28, 999_999, 2_000_000] {
            assert!(valid_pgn(&bsn(n)), "{}", bsn(n));
        }
        for n in [0, 1, 62_499] {
            assert!(valid_pgn(&onderwijsnummer(n)), "{}", onderwijsnummer(n));
        }
        let plan = Plan::new(1);
        assert!(plan.vo.iter().all(|s| valid_brin(&s.school.brin)));
        assert!(plan.mbo.iter().all(|s| valid_brin(&s.brin)));
        assert!(plan.crebos.iter().flatten().all(|c| valid_crebo(c)));
        assert_eq!(plan.mbo.len(), 40);
        assert_eq!(plan.leerlabs.len(), 20);
    }

    #[test]
    fn files_are_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let plan = Plan::new(7);
        let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
        let a = write_files(
            &plan,
            500,
            7,
            &dir.path().join("a.csv"),
            &dir.path().join("b.csv"),
        )
        .unwrap();
        let (a1, b1) = (read("a.csv"), read("b.csv"));
        write_files(
            &plan,
            500,
            7,
            &dir.path().join("a.csv"),
            &dir.path().join("b.csv"),
        )
        .unwrap();
        assert_eq!((a1, b1), (read("a.csv"), read("b.csv")));
        assert_eq!(a.truth.leavers, 500);
        assert!(a.truth.enrolled > 380 && a.truth.enrolled < 470);
        assert!(a.mbo_rows > a.truth.enrolled as u64);
        let vo = String::from_utf8(read("a.csv")).unwrap();
        let pgns: std::collections::HashSet<&str> = vo.lines().skip(1).map(|l| &l[..9]).collect();
        assert_eq!(pgns.len(), 500);
    }
}
