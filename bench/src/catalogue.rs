//! The catalogue of a run (regions, schools, leerlabs and partners), created through the
//! service layer of the library as an admin: the same checks as GraphQL, without HTTP.

use leerroute::{
    auth::Viewer,
    domain::Sector,
    error::AppError,
    service::{
        catalogue::{NewSchool, create_region, create_school},
        leerlab::{NewLeerlab, add_partner, create_leerlab},
    },
};
use sea_orm::DatabaseConnection;

use crate::generate::{Plan, SchoolPlan};

fn failed(what: &str, error: AppError) -> String {
    format!("{what}: {}", error.message())
}

/// Creates everything the generated files refer to.
pub async fn create(db: &DatabaseConnection, plan: &Plan) -> Result<(), String> {
    let viewer = Viewer::system("bench");
    for region in &plan.regions {
        create_region(db, &viewer, region.code, region.name)
            .await
            .map_err(|e| failed(region.code, e))?;
    }
    let schools = plan
        .vo
        .iter()
        .map(|v| (&v.school, Sector::Vo))
        .chain(plan.mbo.iter().map(|s| (s, Sector::Mbo)));
    for (school, sector) in schools {
        create_one_school(db, &viewer, plan, school, sector).await?;
    }
    for lab in &plan.leerlabs {
        let input = NewLeerlab {
            region_code: plan.regions[lab.region].code.to_owned(),
            code: lab.code.clone(),
            name: lab.name.clone(),
            kind: lab.kind,
            focus: Some("Doorlopende route vmbo-mbo (benchmark data)".to_owned()),
            target_group: None,
            starts_on: None,
        };
        create_leerlab(db, &viewer, input)
            .await
            .map_err(|e| failed(&lab.code, e))?;
        for brin in &lab.partners {
            add_partner(db, &viewer, &lab.code, brin)
                .await
                .map_err(|e| failed(&format!("{} partner {brin}", lab.code), e))?;
        }
    }
    Ok(())
}

async fn create_one_school(
    db: &DatabaseConnection,
    viewer: &Viewer,
    plan: &Plan,
    school: &SchoolPlan,
    sector: Sector,
) -> Result<(), String> {
    let input = NewSchool {
        region_code: plan.regions[school.region].code.to_owned(),
        brin: school.brin.clone(),
        name: school.name.clone(),
        sector,
        city: Some(school.city.to_owned()),
        parent_brin: school.parent.clone(),
    };
    create_school(db, viewer, input)
        .await
        .map(|_| ())
        .map_err(|e| failed(&school.brin, e))
}
