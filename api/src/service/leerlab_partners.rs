//! `removeLeerlabPartner`: a school leaves a leerlab. The leerlab stays (the change feed lists
//! an `UPSERT` of it, its partners being a nested part).

use entity::{leerlab, leerlab_partner};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{
    catalogue::require_school,
    leerlab::{can_manage, require_leerlab},
};
use crate::{
    audit,
    auth::{Viewer, policy::ensure},
    db,
    error::{AppError, AppResult},
};

/// Removes `school_brin` from the partners of `leerlab_code` (coordinator of the region,
/// admin); `NOT_FOUND` (field `schoolBrin`) when it is no partner. Returns the leerlab.
pub async fn remove_partner(
    db: &DatabaseConnection,
    viewer: &Viewer,
    leerlab_code: &str,
    school_brin: &str,
) -> AppResult<leerlab::Model> {
    let leerlab = require_leerlab(db, leerlab_code, "leerlabCode").await?;
    ensure(can_manage(viewer, leerlab.region_id))?;
    let school = require_school(db, school_brin, "schoolBrin").await?;
    let txn = db::begin_write(db).await?;
    let removed = leerlab_partner::Entity::delete_many()
        .filter(leerlab_partner::Column::LeerlabId.eq(leerlab.id))
        .filter(leerlab_partner::Column::SchoolId.eq(school.id))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::not_found_in(
            "schoolBrin",
            "this school is no partner of the leerlab",
        ));
    }
    audit::record_write(
        &txn,
        viewer,
        "leerlab.partner.remove",
        format!("Leerlab:{}/School:{}", leerlab.code, school.brin),
    )
    .await?;
    txn.commit().await?;
    Ok(leerlab)
}
