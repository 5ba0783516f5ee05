//! Small builders shared by the migrations, so each table reads as a list of columns.

use sea_orm_migration::prelude::*;

/// A foreign key from `table.column` to `target.id`; rows of `table` go when their target goes
/// only where `cascade` says so, otherwise the delete is refused.
pub fn foreign_key(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    target: impl IntoIden + 'static,
    cascade: bool,
) -> ForeignKeyCreateStatement {
    let action = if cascade {
        ForeignKeyAction::Cascade
    } else {
        ForeignKeyAction::Restrict
    };
    ForeignKey::create()
        .from(table, column)
        .to(target, Alias::new("id"))
        .on_delete(action)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A (possibly unique) index named after its table and columns.
pub fn index(table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(Alias::new(table));
    for column in columns {
        statement.col(Alias::new(*column));
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}

/// Creates each index in turn.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops tables in the given order (children before parents).
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
            .await?;
    }
    Ok(())
}
