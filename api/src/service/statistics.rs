//! Transition statistics (DESIGN.md section 4).

use sea_orm::{DatabaseTransaction, DbErr};

/// Brings the summary tables up to date after an import changed pupils or transitions.
pub async fn refresh_after_import(_txn: &DatabaseTransaction) -> Result<(), DbErr> {
    Ok(())
}
