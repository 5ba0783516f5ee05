//! Disclosure control at bench scale (issue 9, DESIGN.md section 4): protected answers (a
//! coordinator's token) against exact ones (admin, same filter) for `transitionStats`,
//! `needsStats` and the CSV export, timed in interleaved rounds; the utility of the protected
//! counts (mean absolute error, hidden cells) beside the old suppression ([`before`]) applied to
//! the same exact tables; and the bounds attacker of the test suite ([`attacker`]) over every
//! protected answer.

mod attacker;
mod before;
pub mod http;

use std::{collections::HashMap, fmt::Write, time::Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use serde_json::json;

use crate::{child::Leerroute, progress, report::Latency};
pub use attacker::Pinned;
use http::{Client, Query, Table};

/// Options of this part.
#[derive(clap::Args, Debug, Clone)]
pub struct DisclosureArgs {
    /// Leave out the disclosure part (protected against exact answers, utility, attacker).
    #[arg(long)]
    pub no_disclosure: bool,
    /// Timed rounds of the protected/exact comparison (each round asks every query both ways,
    /// in alternating order).
    #[arg(long, default_value_t = 15)]
    pub disclosure_rounds: usize,
}

/// One query asked both ways.
#[derive(Debug, Serialize)]
pub struct Timing {
    pub query: String,
    pub exact: Latency,
    pub protected: Latency,
    /// Protected median / exact median.
    pub ratio: f64,
}

/// What the protected answers of one statistic cost in accuracy, after and before.
#[derive(Debug, Default, Serialize)]
pub struct Utility {
    pub statistic: String,
    pub answers: usize,
    pub cells: usize,
    /// True counts from 1 to 4.
    pub small: usize,
    /// Cell keys: hidden (null) cells, and the error of the shown ones.
    pub hidden_after: usize,
    pub mean_absolute_error_after: f64,
    pub max_error_after: i64,
    /// The old method on the same exact tables: every 1–4 plus complementary suppression.
    pub hidden_before: usize,
    pub solver_seconds: f64,
}

/// This part of a run.
#[derive(Debug, Serialize)]
pub struct DisclosureReport {
    pub region: String,
    pub rounds: usize,
    pub timings: Vec<Timing>,
    pub utility: Vec<Utility>,
    pub attacker: Pinned,
    pub attacker_answers: usize,
}

const TRANSITION_GROUPINGS: [&[&str]; 10] = [
    &[],
    &["COHORT"],
    &["VO_SCHOOL", "COHORT"],
    &["MBO_SCHOOL"],
    &["LEERLAB"],
    &["CREBO", "LEVEL"],
    &["LEERWEG", "PROFILE"],
    &["LEERLAB", "LEERWEG", "COHORT"],
    &["VO_SCHOOL", "COHORT", "LEERWEG", "PROFILE"],
    &["VO_SCHOOL", "MBO_SCHOOL", "COHORT"],
];

const NEEDS_GROUPINGS: [&[&str]; 4] = [
    &[],
    &["COHORT"],
    &["SCHOOL", "COHORT"],
    &["LEERLAB", "COHORT"],
];

/// Self-evaluations for every fifth leaver, each naming some of the needs, straight in SQL (the
/// bench data has none, and `needsStats` reads these tables directly).
async fn self_evaluations(db: &DatabaseConnection) -> Result<u64, String> {
    let run = |sql: String| async move {
        db.execute_unprepared(&sql)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| format!("seeding self-evaluations: {e}"))
    };
    let evaluations = run("INSERT INTO self_evaluation (student_id, submitted_at, wellbeing, \
         study_skills, life_skills, choice_certainty, needs) SELECT id, CURRENT_TIMESTAMP, 3, 3, 3, 3, '' \
         FROM student WHERE id % 5 = 0"
        .to_owned())
    .await?;
    for (i, need) in leerroute::domain::Need::ALL.iter().enumerate() {
        run(format!(
            "INSERT INTO self_evaluation_need (evaluation_id, student_id, need) SELECT id, \
             student_id, '{}' FROM self_evaluation WHERE (student_id / 5 + {}) % {} = 0",
            need.as_str(),
            7 * i,
            3 + 2 * i
        ))
        .await?;
    }
    Ok(evaluations)
}

/// Runs this part against a started server on the imported data.
pub async fn measure(
    args: &DisclosureArgs,
    db: &DatabaseConnection,
    leerroute: &Leerroute,
    base: &str,
    regions: &[&str],
) -> Result<DisclosureReport, String> {
    progress("disclosure: self-evaluations for every fifth leaver");
    let evaluations = self_evaluations(db).await?;
    progress(&format!("disclosure: {evaluations} self-evaluations"));
    let admin = http::token(leerroute, &["--role", "admin"]).await?;
    let mut coordinators = Vec::new();
    for region in regions {
        coordinators
            .push(http::token(leerroute, &["--role", "coordinator", "--region", region]).await?);
    }
    let client = Client::new(base)?;
    progress(&format!(
        "disclosure: protected against exact, {} interleaved rounds (+2 warm-up)",
        args.disclosure_rounds
    ));
    let queries = http::timed(regions[0]);
    let timings = interleaved(
        &client,
        &queries,
        &admin,
        &coordinators[0],
        args.disclosure_rounds,
    )
    .await?;
    progress("disclosure: utility and the bounds attacker over every region and grouping");
    let mut transition = Utility {
        statistic: "transitionStats".into(),
        ..Default::default()
    };
    let mut needs = Utility {
        statistic: "needsStats".into(),
        ..Default::default()
    };
    let mut pinned = Pinned::default();
    let mut attacker_answers = 0;
    for (region, coordinator) in regions.iter().zip(&coordinators) {
        let filter = json!({ "regionCode": region });
        for group_by in TRANSITION_GROUPINGS {
            let variables = json!({ "f": filter, "g": group_by });
            let (_, exact) = client.transition(&admin, &variables).await?;
            let (_, shown) = client.transition(coordinator, &variables).await?;
            let (truth, shown) = align(&exact, &shown)?;
            add(&mut transition, &truth, &shown, before::ROW_IDENTITIES);
            pinned += attacker::attack(&truth, &shown, attacker::TRANSITION_IDENTITIES, 5);
            attacker_answers += 1;
        }
        for group_by in NEEDS_GROUPINGS {
            let variables = json!({ "f": filter, "g": group_by });
            let (_, exact) = client.needs(&admin, &variables).await?;
            let (_, shown) = client.needs(coordinator, &variables).await?;
            let (truth, shown) = align(&exact, &shown)?;
            add(&mut needs, &truth, &shown, &[]);
        }
    }
    Ok(DisclosureReport {
        region: regions[0].to_owned(),
        rounds: args.disclosure_rounds,
        timings,
        utility: vec![transition, needs],
        attacker: pinned,
        attacker_answers,
    })
}

/// Every query as `exact` and as `protected`, in alternating order per round, after two
/// untimed rounds; the medians of each.
pub async fn interleaved(
    client: &Client,
    queries: &[Query],
    exact: &str,
    protected: &str,
    rounds: usize,
) -> Result<Vec<Timing>, String> {
    let mut times = vec![(Vec::new(), Vec::new()); queries.len()];
    for round in 0..rounds + 2 {
        for (q, query) in queries.iter().enumerate() {
            let order = if round % 2 == 0 {
                [(exact, false), (protected, true)]
            } else {
                [(protected, true), (exact, false)]
            };
            for (token, is_protected) in order {
                let elapsed = client.ask(query, token).await?;
                if round >= 2 {
                    let (e, p) = &mut times[q];
                    if is_protected { p } else { e }.push(elapsed);
                }
            }
        }
    }
    Ok(queries
        .iter()
        .zip(times)
        .map(|(query, (exact, protected))| {
            let (exact, protected) = (Latency::of(&exact), Latency::of(&protected));
            Timing {
                query: query.name(),
                ratio: protected.median_ms / exact.median_ms,
                exact,
                protected,
            }
        })
        .collect())
}

/// A Markdown table of protected against exact timings.
pub fn timing_table(out: &mut String, timings: &[Timing]) {
    let _ = writeln!(
        out,
        "| query | exact median / p95 ms | protected median / p95 ms | protected / exact |\n| --- | ---: | ---: | ---: |"
    );
    for t in timings {
        let _ = writeln!(
            out,
            "| {} | {:.1} / {:.1} | {:.1} / {:.1} | {:.3} |",
            t.query,
            t.exact.median_ms,
            t.exact.p95_ms,
            t.protected.median_ms,
            t.protected.p95_ms,
            t.ratio
        );
    }
}

/// The exact table and the protected one, row by row in the same order (data rows, then total).
type Aligned = (Vec<Vec<i64>>, Vec<Vec<Option<i64>>>);

fn align(exact: &Table, shown: &Table) -> Result<Aligned, String> {
    let by_key: HashMap<&str, &Vec<Option<i64>>> =
        shown.rows.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut truth = Vec::new();
    let mut published = Vec::new();
    for (key, values) in exact
        .rows
        .iter()
        .chain([&(String::new(), exact.total.clone())])
    {
        let row = if key.is_empty() {
            Some(&shown.total)
        } else {
            by_key.get(key.as_str()).copied()
        };
        let row = row.ok_or_else(|| format!("the protected answer has no row {key}"))?;
        truth.push(values.iter().map(|v| v.unwrap_or(-1)).collect());
        published.push(row.clone());
    }
    if shown.rows.len() != exact.rows.len() {
        return Err("protected and exact answers have different rows".into());
    }
    Ok((truth, published))
}

/// Adds one answer to a statistic's utility: after (what was published) and before (the old
/// suppression on the exact table).
fn add(
    utility: &mut Utility,
    truth: &[Vec<i64>],
    shown: &[Vec<Option<i64>>],
    identities: &[before::RowIdentity],
) {
    utility.answers += 1;
    let mut error_sum =
        utility.mean_absolute_error_after * (utility.cells - utility.hidden_after) as f64;
    for (t_row, s_row) in truth.iter().zip(shown) {
        for (&c, p) in t_row.iter().zip(s_row) {
            utility.cells += 1;
            utility.small += usize::from((1..=4).contains(&c));
            match p {
                None => utility.hidden_after += 1,
                Some(p) => {
                    error_sum += (p - c).abs() as f64;
                    utility.max_error_after = utility.max_error_after.max((p - c).abs());
                }
            }
        }
    }
    let shown_cells = (utility.cells - utility.hidden_after).max(1);
    utility.mean_absolute_error_after = error_sum / shown_cells as f64;
    let started = Instant::now();
    let hidden = before::suppress(truth, identities, 5);
    utility.solver_seconds += started.elapsed().as_secs_f64();
    utility.hidden_before += hidden.iter().flatten().filter(|h| **h).count();
}

impl DisclosureReport {
    /// The tables printed at the end of a run (Markdown, as in the README).
    pub fn table(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\ndisclosure: region {} (exact: admin with regionCode; protected: its coordinator), {} interleaved rounds",
            self.region, self.rounds
        );
        timing_table(out, &self.timings);
        let _ = writeln!(
            out,
            "\n| statistic | answers | cells | true 1–4 | hidden after (cell keys) | MAE of shown, after | max error | hidden before (1–4 + complementary) | old solver s |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for u in &self.utility {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {:.3} | {} | {} | {:.2} |",
                u.statistic,
                u.answers,
                u.cells,
                u.small,
                u.hidden_after,
                u.mean_absolute_error_after,
                u.max_error_after,
                u.hidden_before,
                u.solver_seconds
            );
        }
        let a = &self.attacker;
        let _ = writeln!(
            out,
            "\nbounds attacker over {} protected transitionStats answers: of {} true counts 1–4, {} pinned by identities and non-negativity, {} also knowing a null is at least 1 ({} true counts outside the bounds)",
            self.attacker_answers, a.small, a.plain, a.knowing, a.outside
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, Vec<Option<i64>>)], total: Vec<Option<i64>>) -> Table {
        Table {
            rows: rows
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            total,
        }
    }

    #[test]
    fn rows_are_matched_by_key_and_errors_counted_over_shown_cells() {
        let exact = table(
            &[
                ("a", vec![Some(20), Some(3)]),
                ("b", vec![Some(30), Some(9)]),
            ],
            vec![Some(50), Some(12)],
        );
        // The protected answer lists its rows in another order.
        let shown = table(
            &[("b", vec![Some(31), Some(7)]), ("a", vec![Some(20), None])],
            vec![Some(48), Some(12)],
        );
        let (truth, published) = align(&exact, &shown).unwrap();
        assert_eq!(truth, vec![vec![20, 3], vec![30, 9], vec![50, 12]]);
        assert_eq!(published[0], vec![Some(20), None]);
        let mut utility = Utility::default();
        add(&mut utility, &truth, &published, &[]);
        assert_eq!(
            (utility.cells, utility.small, utility.hidden_after),
            (6, 1, 1)
        );
        // |31-30| + |7-9| + |48-50| = 5 over 5 shown cells.
        assert!((utility.mean_absolute_error_after - 1.0).abs() < 1e-9);
        assert_eq!(utility.max_error_after, 2);
        // The old method hides the 3 and, to protect it, at least one more in its column.
        assert!(utility.hidden_before >= 2, "{utility:?}");
        // A second answer keeps the mean over all shown cells.
        add(&mut utility, &truth, &published, &[]);
        assert!((utility.mean_absolute_error_after - 1.0).abs() < 1e-9);
        assert_eq!(utility.answers, 2);
    }

    #[test]
    fn a_protected_answer_without_an_exact_row_is_an_error() {
        let exact = table(&[("a", vec![Some(20)])], vec![Some(20)]);
        let shown = table(&[("c", vec![Some(20)])], vec![Some(20)]);
        assert!(align(&exact, &shown).is_err());
    }
}
