//! Nested relations load through DataLoaders: the number of SQL statements of a nested query
//! depends on its depth, not on how many rows it returns.

use leerroute_tests::{TestApp, db_test};
use serde_json::json;

/// Creates `regions` regions (numbered from `first_region`), each with `schools` schools (half VO, half MBO) with two
/// programmes each, and one leerlab per region with every school as partner and two members.
async fn populate(app: &TestApp, first_region: usize, regions: usize, schools: usize) {
    let admin = app.admin();
    for r in first_region..first_region + regions {
        let region = format!("R{r}");
        app.ok(
            Some(&admin),
            "mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }",
            json!({"c": region}),
        )
        .await;
        app.ok(Some(&admin), "mutation($r: String!) { createLeerlab(input: {regionCode: $r, code: $r, name: $r, kind: LEERLIJN}) { leerlab { id } } }", json!({"r": region})).await;
        for s in 0..schools {
            let brin = format!("{:02}{}{}", s, (b'A' + r as u8) as char, 'Z');
            let mbo = s % 2 == 1;
            let sector = if mbo { "MBO" } else { "VO" };
            app.ok(Some(&admin), "mutation($r: String!, $b: String!, $s: Sector!) { createSchool(input: {regionCode: $r, brin: $b, name: $b, sector: $s}) { school { id } } }", json!({"r": region, "b": brin, "s": sector})).await;
            for p in 0..2 {
                let input = if mbo {
                    json!({"schoolBrin": brin, "name": format!("P{p}"), "crebo": format!("1000{p}"), "level": 2 + p})
                } else {
                    json!({"schoolBrin": brin, "name": format!("P{p}"), "leerweg": if p == 0 { "BB" } else { "TL" }})
                };
                app.ok(Some(&admin), "mutation($i: CreateProgrammeInput!) { createProgramme(input: $i) { programme { id } } }", json!({"i": input})).await;
            }
            app.ok(Some(&admin), "mutation($l: String!, $b: String!) { addLeerlabPartner(input: {leerlabCode: $l, schoolBrin: $b}) { partner { role } } }", json!({"l": region, "b": brin})).await;
        }
        for m in 0..2 {
            let person = app.ok(Some(&admin), "mutation($n: String!) { createPerson(input: {name: $n, function: TEACHER}) { person { id } } }", json!({"n": format!("{region}-{m}")})).await;
            app.ok(Some(&admin), "mutation($l: String!, $p: ID!) { addLeerlabMember(input: {leerlabCode: $l, personId: $p, team: PROJECT_TEAM}) { member { team } } }", json!({"l": region, "p": person["createPerson"]["person"]["id"]})).await;
        }
    }
}

/// The three chains of the issue, each a query of its own so that every loader is used at one
/// depth only (a loader used at two depths may or may not share a batch, depending on timing).
const CHAINS: [(&str, &str); 3] = [
    (
        "regions → schools → programmes",
        "{ regions(first: 10) { totalCount edges { node { code schools(first: 20) { totalCount edges { node { brin programmes(first: 5) { totalCount edges { node { name crebo } } } } } } } } } }",
    ),
    (
        "leerlabs → partners → school",
        "{ leerlabs(first: 10) { edges { node { code partners { role school { brin name } } } } } }",
    ),
    (
        "leerlabs → members → person",
        "{ leerlabs(first: 10) { edges { node { code members { team person { name function } } } } } }",
    ),
];

/// Statements per chain, and the number of schools the first chain returned.
async fn statements_per_chain(app: &TestApp) -> (Vec<usize>, usize) {
    let mut counts = Vec::new();
    let mut schools = 0;
    for (i, (_, query)) in CHAINS.iter().enumerate() {
        app.reset_statements();
        let data = app.ok(None, query, json!({})).await;
        counts.push(app.statement_count());
        if i == 0 {
            schools = data["regions"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["node"]["schools"]["edges"].as_array().unwrap().len())
                .sum();
        }
    }
    (counts, schools)
}

db_test!(
    statement_count_does_not_grow_with_rows,
    |app: TestApp| async move {
        populate(&app, 0, 1, 2).await;
        let (small, small_rows) = statements_per_chain(&app).await;
        // Four more regions of six schools: thirteen times the rows of the first size.
        populate(&app, 1, 4, 6).await;
        let (large, large_rows) = statements_per_chain(&app).await;
        assert!(
            large_rows >= 10 * small_rows,
            "the second size really is larger ({small_rows} → {large_rows} schools)"
        );
        for (i, (chain, _)) in CHAINS.iter().enumerate() {
            eprintln!(
                "{:?} {chain}: {} statements at {small_rows} schools, {} at {large_rows}",
                app.backend, small[i], large[i]
            );
            assert_eq!(
                small[i], large[i],
                "{chain}: statement count grew with the number of rows"
            );
        }
        // One statement per level: a connection's page and its count come together.
        assert!(
            small[0] <= 3,
            "regions → schools → programmes took {} statements",
            small[0]
        );
        assert!(
            small[1] <= 3 && small[2] <= 3,
            "leerlab chains took {small:?} statements"
        );
    }
);
