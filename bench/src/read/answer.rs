//! The data of an answer to the nested catalogue query, whatever the server calls its fields
//! (`regions`/`schools` in Leerroute, `allRegions`/`schoolsByRegionId` in PostGraphile), so
//! that every server's answer can be compared with the one derived from the plan.

use serde_json::Value;

/// A school as the query selects it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchoolAnswer {
    pub brin: String,
    pub name: String,
    pub sector: String,
}

/// A region with its school count and first page of schools.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionAnswer {
    pub code: String,
    pub name: String,
    pub total: i64,
    pub schools: Vec<SchoolAnswer>,
}

/// The region count and first page of regions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub total: i64,
    pub regions: Vec<RegionAnswer>,
}

/// Where a server puts the two connections.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub regions: &'static str,
    pub schools: &'static str,
}

fn text(value: &Value, field: &str) -> Result<String, String> {
    value[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("`{field}` is not a string"))
}

fn count(connection: &Value) -> Result<i64, String> {
    connection["totalCount"]
        .as_i64()
        .ok_or_else(|| "`totalCount` is not a number".to_owned())
}

fn nodes(connection: &Value) -> Result<&Vec<Value>, String> {
    connection["nodes"]
        .as_array()
        .ok_or_else(|| "`nodes` is not a list".to_owned())
}

impl Shape {
    /// Reads a response body: JSON without `errors`, with `data` in this shape.
    pub fn parse(&self, body: &[u8]) -> Result<Answer, String> {
        let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
        if let Some(errors) = value.get("errors") {
            return Err(format!("GraphQL errors: {errors}"));
        }
        let regions = &value["data"][self.regions];
        let regions_out = nodes(regions)?
            .iter()
            .map(|region| self.region(region))
            .collect::<Result<_, _>>()?;
        Ok(Answer {
            total: count(regions)?,
            regions: regions_out,
        })
    }

    fn region(&self, region: &Value) -> Result<RegionAnswer, String> {
        let schools = &region[self.schools];
        let schools_out = nodes(schools)?
            .iter()
            .map(|school| {
                Ok(SchoolAnswer {
                    brin: text(school, "brin")?,
                    name: text(school, "name")?,
                    sector: text(school, "sector")?.to_uppercase(),
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(RegionAnswer {
            code: text(region, "code")?,
            name: text(region, "name")?,
            total: count(schools)?,
            schools: schools_out,
        })
    }
}

/// Where two answers first differ, for the report.
pub fn difference(ours: &Answer, expected: &Answer) -> Option<String> {
    if ours.total != expected.total {
        return Some(format!(
            "regions totalCount {} instead of {}",
            ours.total, expected.total
        ));
    }
    if ours.regions.len() != expected.regions.len() {
        return Some(format!(
            "{} regions instead of {}",
            ours.regions.len(),
            expected.regions.len()
        ));
    }
    ours.regions
        .iter()
        .zip(&expected.regions)
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("region {} differs from the expected {}", a.code, b.code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_read_the_same_data() {
        let ours = br#"{"data":{"regions":{"totalCount":2,"nodes":[{"code":"A","name":"Aa",
            "schools":{"totalCount":1,"nodes":[{"brin":"93AA","name":"S","sector":"VO"}]}}]}}}"#;
        let theirs = br#"{"data":{"allRegions":{"totalCount":2,"nodes":[{"code":"A","name":"Aa",
            "schoolsByRegionId":{"totalCount":1,"nodes":[{"brin":"93AA","name":"S","sector":"VO"}]}}]}}}"#;
        let a = Shape {
            regions: "regions",
            schools: "schools",
        }
        .parse(ours)
        .unwrap();
        let b = Shape {
            regions: "allRegions",
            schools: "schoolsByRegionId",
        }
        .parse(theirs)
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(difference(&a, &b), None);
        assert_eq!(a.regions[0].schools[0].brin, "93AA");
    }

    #[test]
    fn errors_and_wrong_counts_are_caught() {
        let shape = Shape {
            regions: "regions",
            schools: "schools",
        };
        assert!(
            shape
                .parse(br#"{"data":null,"errors":[{"message":"x"}]}"#)
                .is_err()
        );
        let a = shape
            .parse(br#"{"data":{"regions":{"totalCount":3,"nodes":[]}}}"#)
            .unwrap();
        let b = Answer {
            total: 2,
            regions: vec![],
        };
        assert!(difference(&a, &b).unwrap().contains("totalCount 3"));
    }
}
