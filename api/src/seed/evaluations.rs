//! The demo's self-evaluations: three in five demo pupils of IJburg College say what they need,
//! so that `needsStats` (and the dashboard) have something to show. Submitted through the
//! service as admin, as a school enters them from paper, and only once: when the demo pupils
//! have evaluations already, none are added.

use entity::{school, self_evaluation, student};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::{
    auth::Viewer,
    domain::Need,
    error::AppResult,
    service::pupils::{NewEvaluation, submit_self_evaluation},
};

pub(super) async fn evaluations(db: &DatabaseConnection, admin: &Viewer) -> AppResult<()> {
    let Some(ijburg) = school::Entity::find()
        .filter(school::Column::Brin.eq("90IJ"))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let ids: Vec<i64> = student::Entity::find()
        .filter(student::Column::SchoolId.eq(ijburg.id))
        .order_by_asc(student::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|pupil| pupil.id)
        .collect();
    let existing = self_evaluation::Entity::find()
        .filter(self_evaluation::Column::StudentId.is_in(ids.clone()))
        .count(db)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    for (n, id) in ids.into_iter().enumerate().filter(|(n, _)| n % 5 < 3) {
        let score = |offset: usize| 1 + ((n + offset) % 5) as i32;
        let evaluation = NewEvaluation {
            wellbeing: score(0),
            study_skills: score(2),
            life_skills: score(3),
            choice_certainty: score(1),
            needs: demo_needs(n),
            comment: None,
        };
        submit_self_evaluation(db, admin, id, evaluation).await?;
    }
    Ok(())
}

/// What demo pupil `n` needs: most often study choice and study skills (the main causes of
/// switching and dropping out), then the life skills of the seed article.
fn demo_needs(n: usize) -> Vec<Need> {
    [
        (2, 0, Need::StudyChoice),
        (3, 0, Need::StudySkills),
        (4, 1, Need::Finances),
        (5, 2, Need::Digid),
        (6, 1, Need::Duo),
        (7, 3, Need::Appointments),
        (8, 5, Need::Planning),
        (9, 4, Need::Wellbeing),
        (10, 7, Need::Internship),
    ]
    .into_iter()
    .filter(|(every, at, _)| n % every == *at)
    .map(|(_, _, need)| need)
    .collect()
}
