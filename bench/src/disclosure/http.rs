//! The requests of the disclosure part: GraphQL statistics and the CSV export, every body
//! checked (HTTP 200, no `errors`).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::child::Leerroute;

const MEASURES: &str = "leavers enrolled notEnrolled retained switched droppedOut \
    choseBeforeExam choiceMatched belowExpectedLevel atExpectedLevel aboveExpectedLevel";

/// The 11 measures of a `transitionStats` row, in schema order.
pub const FIELDS: [&str; 11] = [
    "leavers",
    "enrolled",
    "notEnrolled",
    "retained",
    "switched",
    "droppedOut",
    "choseBeforeExam",
    "choiceMatched",
    "belowExpectedLevel",
    "atExpectedLevel",
    "aboveExpectedLevel",
];

fn transition_query() -> String {
    format!(
        "query($f: TransitionStatsFilter, $g: [TransitionDimension!]!) {{ transitionStats(filter: $f, groupBy: $g) {{ \
         rows {{ key {{ cohort voSchoolBrin mboSchoolBrin leerweg profile crebo level leerlabCode }} {MEASURES} }} \
         total {{ {MEASURES} }} }} }}"
    )
}

const NEEDS_QUERY: &str = "query($f: NeedsStatsFilter, $g: [NeedsDimension!]!) { needsStats(filter: $f, groupBy: $g) { \
    rows { key { cohort schoolBrin leerlabCode } respondents needs { need pupils } } \
    total { respondents needs { need pupils } } } }";

/// A published table: (row key as text, values) per row, and the total.
#[derive(Debug, Default, Clone)]
pub struct Table {
    pub rows: Vec<(String, Vec<Option<i64>>)>,
    pub total: Vec<Option<i64>>,
}

/// One timed request of the comparison.
pub enum Query {
    Graphql {
        name: String,
        query: String,
        variables: Value,
    },
    Csv {
        name: String,
        path: String,
    },
}

impl Query {
    pub fn name(&self) -> String {
        match self {
            Query::Graphql { name, .. } | Query::Csv { name, .. } => name.clone(),
        }
    }
}

/// The queries timed protected against exact, all filtered to `region`.
pub fn timed(region: &str) -> Vec<Query> {
    let graphql = |name: &str, query: String, g: &[&str]| Query::Graphql {
        name: name.to_owned(),
        query,
        variables: json!({ "f": { "regionCode": region }, "g": g }),
    };
    vec![
        graphql(
            "transitionStats [VO_SCHOOL, COHORT]",
            transition_query(),
            &["VO_SCHOOL", "COHORT"],
        ),
        graphql(
            "transitionStats [MBO_SCHOOL, CREBO, LEVEL]",
            transition_query(),
            &["MBO_SCHOOL", "CREBO", "LEVEL"],
        ),
        graphql(
            "transitionStats [VO_SCHOOL, MBO_SCHOOL, COHORT]",
            transition_query(),
            &["VO_SCHOOL", "MBO_SCHOOL", "COHORT"],
        ),
        graphql(
            "needsStats [SCHOOL, COHORT]",
            NEEDS_QUERY.to_owned(),
            &["SCHOOL", "COHORT"],
        ),
        Query::Csv {
            name: "CSV export groupBy=VO_SCHOOL,COHORT".into(),
            path: format!(
                "/export/transition-stats.csv?regionCode={region}&groupBy=VO_SCHOOL&groupBy=COHORT"
            ),
        },
    ]
}

/// A token from `leerroute token ARGS`.
pub async fn token(leerroute: &Leerroute, args: &[&str]) -> Result<String, String> {
    let mut all = vec!["token"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--subject", "bench-disclosure"]);
    let out = leerroute.run(&all, "token-disclosure").await?;
    if !out.success {
        return Err(format!("leerroute token failed: {}", out.stderr));
    }
    Ok(out.stdout.trim().to_owned())
}

/// An HTTP client for one server.
pub struct Client {
    base: String,
    client: reqwest::Client,
}

impl Client {
    pub fn new(base: &str) -> Result<Client, String> {
        Ok(Client {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .build()
                .map_err(|e| e.to_string())?,
        })
    }

    /// POST /graphql; the time covers sending and the whole body; errors are failures.
    pub async fn graphql(
        &self,
        token: &str,
        query: &str,
        variables: &Value,
    ) -> Result<(Duration, Value), String> {
        let started = Instant::now();
        let response = self
            .client
            .post(format!("{}/graphql", self.base))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        let value: Value = serde_json::from_str(&body).map_err(|e| format!("not JSON: {e}"))?;
        if !status.is_success() || value.get("errors").is_some() {
            return Err(format!("HTTP {status}: {}", &body[..body.len().min(400)]));
        }
        Ok((elapsed, value))
    }

    /// GET a CSV path; the body must have a header and rows.
    pub async fn csv(&self, token: &str, path: &str) -> Result<(Duration, String), String> {
        let started = Instant::now();
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        if !status.is_success() || body.lines().count() < 2 {
            return Err(format!(
                "CSV HTTP {status}: {}",
                &body[..body.len().min(400)]
            ));
        }
        Ok((elapsed, body))
    }

    /// One timed request of the comparison.
    pub async fn ask(&self, query: &Query, token: &str) -> Result<Duration, String> {
        match query {
            Query::Graphql {
                query, variables, ..
            } => Ok(self.graphql(token, query, variables).await?.0),
            Query::Csv { path, .. } => Ok(self.csv(token, path).await?.0),
        }
    }

    pub async fn transition(
        &self,
        token: &str,
        variables: &Value,
    ) -> Result<(Duration, Table), String> {
        let (elapsed, body) = self.graphql(token, &transition_query(), variables).await?;
        let stats = &body["data"]["transitionStats"];
        let values = |row: &Value| FIELDS.iter().map(|f| row[*f].as_i64()).collect();
        Ok((elapsed, table(stats, values)))
    }

    pub async fn needs(&self, token: &str, variables: &Value) -> Result<(Duration, Table), String> {
        let (elapsed, body) = self.graphql(token, NEEDS_QUERY, variables).await?;
        let stats = &body["data"]["needsStats"];
        Ok((elapsed, table(stats, needs_values)))
    }
}

/// `respondents`, then every need's `pupils` in the order of the need's name.
fn needs_values(row: &Value) -> Vec<Option<i64>> {
    let mut needs: Vec<(&str, Option<i64>)> = row["needs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|n| (n["need"].as_str().unwrap_or(""), n["pupils"].as_i64()))
                .collect()
        })
        .unwrap_or_default();
    needs.sort_by_key(|n| n.0);
    std::iter::once(row["respondents"].as_i64())
        .chain(needs.into_iter().map(|n| n.1))
        .collect()
}

fn table(stats: &Value, values: impl Fn(&Value) -> Vec<Option<i64>>) -> Table {
    Table {
        rows: stats["rows"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|row| (row["key"].to_string(), values(row)))
                    .collect()
            })
            .unwrap_or_default(),
        total: values(&stats["total"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_are_read_in_name_order_after_the_respondents() {
        let row = json!({"respondents": 40, "needs": [
            {"need": "DUO", "pupils": 7}, {"need": "DIGID", "pupils": null}]});
        assert_eq!(needs_values(&row), vec![Some(40), None, Some(7)]);
    }

    #[test]
    fn rows_are_keyed_by_their_key_object() {
        let stats = json!({"rows": [{"key": {"cohort": "2023-2024"}, "leavers": 9}],
            "total": {"leavers": 9}});
        let t = table(&stats, |r| vec![r["leavers"].as_i64()]);
        assert_eq!(
            t.rows,
            vec![("{\"cohort\":\"2023-2024\"}".to_owned(), vec![Some(9)])]
        );
        assert_eq!(t.total, vec![Some(9)]);
    }
}
