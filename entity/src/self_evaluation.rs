//! A pupil's evaluation of their own route and what they need.

use sea_orm::entity::prelude::*;
use vocabulary::{Need, TextList};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "self_evaluation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub student_id: i64,
    pub submitted_at: DateTimeUtc,
    pub wellbeing: i16,
    pub study_skills: i16,
    pub life_skills: i16,
    pub choice_certainty: i16,
    pub needs: TextList<Need>,
    pub comment: Option<String>,
    pub follow_up: Option<String>,
    pub follow_up_by: Option<i64>,
    pub follow_up_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
