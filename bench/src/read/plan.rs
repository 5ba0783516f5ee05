//! The catalogue of the read-path comparison: 40 regions and 1,500 schools, spread unevenly
//! over the regions and registered interleaved (a region's schools do not have consecutive ids),
//! and the answer the nested query must give, derived from the plan alone.

use leerroute::{
    auth::Viewer,
    domain::Sector,
    service::catalogue::{NewSchool, create_region, create_school},
};
use sea_orm::DatabaseConnection;

use super::answer::{Answer, RegionAnswer, SchoolAnswer};
use crate::generate::Rng;

pub const REGIONS: usize = 40;
pub const SCHOOLS: usize = 1_500;
/// `regions(first:)` and `schools(first:)` of the measured query.
pub const REGION_PAGE: usize = 10;
pub const SCHOOL_PAGE: usize = 20;

const CITIES: [&str; 8] = [
    "Amsterdam",
    "Utrecht",
    "Rotterdam",
    "Harderwijk",
    "Zwolle",
    "Groningen",
    "Eindhoven",
    "Middelburg",
];

/// One school of the plan, in order of registration.
pub struct PlannedSchool {
    pub region: usize,
    pub brin: String,
    pub name: String,
    pub sector: Sector,
    pub city: &'static str,
}

/// Regions (code, name) and schools, both in order of registration.
pub struct CataloguePlan {
    pub regions: Vec<(String, String)>,
    pub schools: Vec<PlannedSchool>,
}

/// Two capital letters for `i` (AA, AB, …, ZZ).
fn letters(i: usize) -> String {
    let a = (b'A' + (i / 26 % 26) as u8) as char;
    let b = (b'A' + (i % 26) as u8) as char;
    format!("{a}{b}")
}

impl CataloguePlan {
    pub fn new(seed: u64) -> CataloguePlan {
        let mut rng = Rng::new(seed ^ 0xCA7A_1097E);
        let regions = (0..REGIONS)
            .map(|r| (format!("R-{:02}", r + 1), format!("Leesregio {}", r + 1)))
            .collect();
        // Weights 1..=6: some regions have fewer schools than a page, most have more.
        let weights: Vec<u64> = (0..REGIONS).map(|_| 1 + rng.below(6)).collect();
        let total: u64 = weights.iter().sum();
        let schools = (0..SCHOOLS)
            .map(|i| {
                let mut pick = rng.below(total);
                let region = weights
                    .iter()
                    .position(|&w| {
                        let hit = pick < w;
                        pick = pick.saturating_sub(w);
                        hit
                    })
                    .unwrap_or(0);
                let city = CITIES[rng.below(CITIES.len() as u64) as usize];
                let sector = if i % 3 == 2 { Sector::Mbo } else { Sector::Vo };
                let kind = if sector == Sector::Mbo {
                    "MBO College"
                } else {
                    "Vmbo"
                };
                PlannedSchool {
                    region,
                    brin: format!("{}{}", 93 + i / 676, letters(i % 676)),
                    name: format!("{kind} {city} {}", i + 1),
                    sector,
                    city,
                }
            })
            .collect();
        CataloguePlan { regions, schools }
    }

    /// What `regions(first: 10) { totalCount nodes { code name schools(first: 20) { totalCount
    /// nodes { brin name sector } } } }` must return: registration order is id order.
    pub fn expected(&self) -> Answer {
        let regions = self
            .regions
            .iter()
            .enumerate()
            .take(REGION_PAGE)
            .map(|(r, (code, name))| {
                let mine: Vec<&PlannedSchool> =
                    self.schools.iter().filter(|s| s.region == r).collect();
                RegionAnswer {
                    code: code.clone(),
                    name: name.clone(),
                    total: mine.len() as i64,
                    schools: mine
                        .iter()
                        .take(SCHOOL_PAGE)
                        .map(|s| SchoolAnswer {
                            brin: s.brin.clone(),
                            name: s.name.clone(),
                            sector: s.sector.as_str().to_owned(),
                        })
                        .collect(),
                }
            })
            .collect();
        Answer {
            total: self.regions.len() as i64,
            regions,
        }
    }

    /// Creates the regions and schools through the service layer, as the system.
    pub async fn create(&self, db: &DatabaseConnection) -> Result<(), String> {
        let viewer = Viewer::system("bench");
        for (code, name) in &self.regions {
            create_region(db, &viewer, code, name)
                .await
                .map_err(|e| format!("region {code}: {}", e.message()))?;
        }
        for school in &self.schools {
            let input = NewSchool {
                region_code: self.regions[school.region].0.clone(),
                brin: school.brin.clone(),
                name: school.name.clone(),
                sector: school.sector,
                city: Some(school.city.to_owned()),
                parent_brin: None,
            };
            create_school(db, &viewer, input)
                .await
                .map_err(|e| format!("school {}: {}", school.brin, e.message()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_has_the_issue_s_size_and_unique_brins() {
        let plan = CataloguePlan::new(2026);
        assert_eq!(plan.regions.len(), 40);
        assert_eq!(plan.schools.len(), 1_500);
        let brins: std::collections::HashSet<_> = plan.schools.iter().map(|s| &s.brin).collect();
        assert_eq!(brins.len(), 1_500);
        assert!(
            plan.schools
                .iter()
                .all(|s| leerroute::domain::valid_brin(&s.brin))
        );
        let expected = plan.expected();
        assert_eq!(expected.regions.len(), 10);
        // Both sides of a page boundary occur: full pages and regions with fewer schools.
        assert!(expected.regions.iter().any(|r| r.total > 20));
        let all: Vec<usize> = (0..40)
            .map(|r| plan.schools.iter().filter(|s| s.region == r).count())
            .collect();
        assert!(all.iter().any(|&n| n < 20), "{all:?}");
    }
}
