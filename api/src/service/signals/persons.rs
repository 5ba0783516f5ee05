//! Whose signals an evaluation looks at, and whose pipeline summary rows it recomputes after.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Value};

use crate::db::{self, execute, sql_template, statement};

/// Whose signals to evaluate.
#[derive(Clone, Copy, Debug)]
pub enum Persons<'a> {
    All,
    One(&'a str),
    /// The persons of the records an import wrote into `records`, listed once in the temporary
    /// table `import_persons` by [`Persons::of_import`].
    OfImport {
        records: &'static str,
    },
    /// The persons a temporary table of pseudonyms holds.
    Listed(&'static str),
}

impl Persons<'_> {
    /// `AND {column} …` that keeps these persons' rows (nothing for all), with its values.
    pub fn filter(&self, column: &str) -> (String, Vec<Value>) {
        match self {
            Persons::All => (String::new(), vec![]),
            Persons::One(p) => (format!(" AND {column} = ?"), vec![(*p).into()]),
            Persons::OfImport { .. } => Persons::Listed(IMPORT_PERSONS).filter(column),
            Persons::Listed(table) => (format!(" AND {column} IN ({})", of_list(table)), vec![]),
        }
    }

    /// Lists the persons of the records that import run `run` wrote into `records` in
    /// `import_persons`, once: the feed's bumps, the signals and the pipeline summary each
    /// looked them up again (a million persons, seconds each).
    pub async fn of_import(
        db: &impl ConnectionTrait,
        records: &'static str,
        run: i64,
    ) -> Result<Persons<'static>, DbErr> {
        let select = sql_template(
            include_str!("../sql/signals_select_import_persons.sql"),
            &[("table", records)],
        );
        list(db, IMPORT_PERSONS, &select, vec![run.into()]).await?;
        Ok(Persons::OfImport { records })
    }

    /// Whether an import's persons are most of the database: evaluating everyone is then
    /// cheaper than filtering each statement through the list (a full mbo file).
    pub async fn are_most(&self, db: &impl ConnectionTrait) -> Result<bool, DbErr> {
        if !matches!(self, Persons::OfImport { .. }) {
            return Ok(false);
        }
        let row = db
            .query_one_raw(statement(
                db.get_database_backend(),
                include_str!("../sql/signals_import_persons_are_most.sql"),
                vec![],
            ))
            .await?;
        let most: i32 = row.map(|r| r.try_get("", "most")).transpose()?.unwrap_or(0);
        Ok(most == 1)
    }
}

/// The temporary table of [`Persons::of_import`].
pub const IMPORT_PERSONS: &str = "import_persons";

/// The pseudonyms of a list of persons (a temporary table) as a subquery.
pub fn of_list(table: &str) -> String {
    sql_template(
        include_str!("../sql/signals_persons_of_list.sql"),
        &[("table", table)],
    )
}

/// Lists in the temporary table `table`, each once and looked up by person, the pseudonyms that
/// the query `select` returns.
pub(super) async fn list(
    db: &impl ConnectionTrait,
    table: &str,
    select: &str,
    values: Vec<Value>,
) -> Result<(), DbErr> {
    db::drop_table_if_exists(db, table).await?;
    let pieces = [("table", table), ("select", select)];
    if db.get_database_backend() == DbBackend::Postgres {
        let create = include_str!("../sql/signals_persons_list_create_postgres.sql");
        execute(db, &sql_template(create, &pieces), values).await?;
        let index = include_str!("../sql/signals_persons_list_index.sql");
        execute(db, &sql_template(index, &pieces[..1]), vec![]).await?;
    } else {
        let create = include_str!("../sql/signals_persons_list_create_sqlite.sql");
        execute(db, &sql_template(create, &pieces[..1]), vec![]).await?;
        let fill = include_str!("../sql/signals_persons_list_fill_sqlite.sql");
        execute(db, &sql_template(fill, &pieces), values).await?;
    }
    crate::import::transitions::analyze(db, table).await
}

/// Whose pipeline summary rows to recompute after an evaluation of `changed`: everyone's or the
/// one person's as asked; after an import of the records of most persons (`most`), everyone's
/// (filtering a million rows through the list took four times as long); after another import,
/// the persons whose signals changed (`signal_persons`) and the import's when the summary counts
/// its records (an enrolment is not among them: an mbo file changes the summary only through
/// the signals it changes).
pub async fn pipeline_persons<'a>(
    db: &impl ConnectionTrait,
    changed: Persons<'a>,
    most: bool,
) -> Result<Persons<'a>, DbErr> {
    let Persons::OfImport { records } = changed else {
        return Ok(changed);
    };
    let counted = crate::service::pipeline::SOURCES.contains(&records);
    if counted && most {
        return Ok(Persons::All);
    }
    let of_import = if counted {
        include_str!("../sql/signals_pipeline_persons_of_import.sql")
    } else {
        ""
    };
    let select = sql_template(
        include_str!("../sql/signals_select_pipeline_persons.sql"),
        &[("of_import", of_import)],
    );
    list(db, "pipeline_persons", &select, vec![]).await?;
    Ok(Persons::Listed("pipeline_persons"))
}
