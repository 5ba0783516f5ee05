//! The catalogue's lists: regions, schools, programmes and people, filtered and paged.

use entity::{person, programme, region, school};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::{
    domain::{PersonFunction, Sector},
    error::{AppError, AppResult},
    service::{Page, PageArgs, like_pattern, page_by_id},
};

/// Filters of `schools(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct SchoolFilter {
    pub region_code: Option<String>,
    pub sector: Option<Sector>,
    /// Case-insensitive part of the name.
    pub name: Option<String>,
    pub city: Option<String>,
}

/// Filters of `people(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct PersonFilter {
    pub school_brin: Option<String>,
    pub region_code: Option<String>,
    /// Case-insensitive part of the name.
    pub name: Option<String>,
    pub function: Option<PersonFunction>,
}

/// Filters of `programmes(filter:)`.
#[derive(Clone, Debug, Default)]
pub struct ProgrammeFilter {
    pub school_brin: Option<String>,
    pub sector: Option<Sector>,
    pub crebo: Option<String>,
}

pub async fn list_regions(
    db: &DatabaseConnection,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Page<region::Model>> {
    page_by_id(
        db,
        region::Entity::find(),
        region::Column::Id,
        page,
        want_total,
    )
    .await
}

pub async fn list_schools(
    db: &DatabaseConnection,
    filter: &SchoolFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Page<school::Model>> {
    let mut condition = Condition::all();
    if let Some(code) = &filter.region_code {
        let region_ids = region::Entity::find()
            .select_only()
            .column(region::Column::Id)
            .filter(region::Column::Code.eq(code.as_str()))
            .into_query();
        condition = condition.add(school::Column::RegionId.in_subquery(region_ids));
    }
    if let Some(sector) = filter.sector {
        condition = condition.add(school::Column::Sector.eq(sector));
    }
    if let Some(name) = filter.name.as_deref().filter(|n| !n.trim().is_empty()) {
        condition = condition.add(contains_ignoring_case(
            "filter.name",
            school::Column::Name,
            name,
        )?);
    }
    if let Some(city) = filter.city.as_deref().filter(|c| !c.trim().is_empty()) {
        condition = condition.add(contains_ignoring_case(
            "filter.city",
            school::Column::City,
            city,
        )?);
    }
    page_by_id(
        db,
        school::Entity::find().filter(condition),
        school::Column::Id,
        page,
        want_total,
    )
    .await
}

pub async fn list_programmes(
    db: &DatabaseConnection,
    filter: &ProgrammeFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Page<programme::Model>> {
    let mut condition = Condition::all();
    if let Some(brin) = &filter.school_brin {
        let school_ids = school::Entity::find()
            .select_only()
            .column(school::Column::Id)
            .filter(school::Column::Brin.eq(brin.trim().to_uppercase()))
            .into_query();
        condition = condition.add(programme::Column::SchoolId.in_subquery(school_ids));
    }
    if let Some(sector) = filter.sector {
        let school_ids = school::Entity::find()
            .select_only()
            .column(school::Column::Id)
            .filter(school::Column::Sector.eq(sector))
            .into_query();
        condition = condition.add(programme::Column::SchoolId.in_subquery(school_ids));
    }
    if let Some(crebo) = &filter.crebo {
        condition = condition.add(programme::Column::Crebo.eq(crebo.as_str()));
    }
    page_by_id(
        db,
        programme::Entity::find().filter(condition),
        programme::Column::Id,
        page,
        want_total,
    )
    .await
}

/// `people(filter:)`: staff of the region's schools and the region's coordinators, in the
/// order they were added.
pub async fn list_people(
    db: &DatabaseConnection,
    filter: &PersonFilter,
    page: PageArgs,
    want_total: bool,
) -> AppResult<Page<person::Model>> {
    let mut condition = Condition::all();
    if let Some(brin) = &filter.school_brin {
        let school_ids = school::Entity::find()
            .select_only()
            .column(school::Column::Id)
            .filter(school::Column::Brin.eq(brin.trim().to_uppercase()))
            .into_query();
        condition = condition.add(person::Column::SchoolId.in_subquery(school_ids));
    }
    if let Some(code) = &filter.region_code {
        let region_ids = region::Entity::find()
            .select_only()
            .column(region::Column::Id)
            .filter(region::Column::Code.eq(code.as_str()))
            .into_query();
        let school_ids = school::Entity::find()
            .select_only()
            .column(school::Column::Id)
            .filter(school::Column::RegionId.in_subquery(region_ids))
            .into_query();
        condition = condition.add(person::Column::SchoolId.in_subquery(school_ids));
    }
    if let Some(name) = filter.name.as_deref().filter(|n| !n.trim().is_empty()) {
        condition = condition.add(contains_ignoring_case(
            "filter.name",
            person::Column::Name,
            name,
        )?);
    }
    if let Some(function) = filter.function {
        condition = condition.add(person::Column::Function.eq(function));
    }
    page_by_id(
        db,
        person::Entity::find().filter(condition),
        person::Column::Id,
        page,
        want_total,
    )
    .await
}

/// Longest search text: longer than any name, far below SQLite's 50,000-byte LIKE pattern limit.
const MAX_SEARCH_CHARS: usize = 200;

fn contains_ignoring_case(
    field: &str,
    column: impl ColumnTrait,
    text: &str,
) -> AppResult<sea_orm::sea_query::SimpleExpr> {
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("search text is at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    Ok(Expr::expr(Func::lower(Expr::col(column)))
        .like(LikeExpr::new(like_pattern(text.trim())).escape('\\')))
}
