//! The database triggers of the change feed (DESIGN.md 4c), generated from one table of what
//! each table means to the feed, for SQLite (row triggers) and PostgreSQL (statement triggers
//! over transition tables, so an import of a million rows pays per statement, not per row).
//!
//! Every write path (mutations, imports, signal evaluation, purge, seed) is covered because the
//! database itself records the change. `change_entry` holds one row per (node type, row id,
//! region): its latest `version`, whether it was deleted, and `moved` when the record has left
//! that region (a `DELETE` for callers of that region). Versions:
//! - SQLite has one writer, so a trigger takes the next version from `change_meta` at once;
//! - PostgreSQL writes `-xid` and stamps the transaction's rows at commit, under an advisory
//!   lock, from a sequence (a deferred constraint trigger on `change_pending`): version order is
//!   commit order, so a reader never sees a version above one that has yet to commit.

/// A table whose rows are nodes of the feed.
pub struct Node {
    pub ty: &'static str,
    pub table: &'static str,
    /// The record's region (`0`: none), over the row alias `r`.
    pub region: &'static str,
    /// The record's school (`0`: none), over `r`: who may see its `DELETE`.
    pub school: &'static str,
    /// The columns whose change is a change of the record (derived columns left out).
    pub compared: &'static [&'static str],
    /// The column whose change can move the record to another region.
    pub moves_with: Option<&'static str>,
    /// A change of the record changes the scope of its person's other parts (rmc, staff, coach).
    pub person: Option<&'static str>,
}

/// A table whose rows are a nested part of a node (its change is the node's change).
pub struct Part {
    pub table: &'static str,
    pub ty: &'static str,
    pub parent: &'static str,
    /// The pseudonym of the part's person, when the part changes who may read that person.
    pub person: Option<&'static str>,
}

const SCHOOL_REGION: &str =
    "COALESCE((SELECT s.region_id FROM school s WHERE s.id = r.school_id), 0)";

pub const NODES: &[Node] = &[
    Node {
        ty: "Region",
        table: "region",
        region: "r.id",
        school: "0",
        compared: &["code", "name"],
        moves_with: None,
        person: None,
    },
    Node {
        ty: "School",
        table: "school",
        region: "r.region_id",
        school: "r.id",
        compared: &["region_id", "parent_id", "brin", "name", "sector", "city"],
        moves_with: Some("region_id"),
        person: None,
    },
    Node {
        ty: "Programme",
        table: "programme",
        region: SCHOOL_REGION,
        school: "r.school_id",
        compared: &["school_id", "name", "crebo", "level", "leerweg", "profile"],
        moves_with: Some("school_id"),
        person: None,
    },
    Node {
        ty: "Person",
        table: "person",
        region: SCHOOL_REGION,
        school: "COALESCE(r.school_id, 0)",
        compared: &["school_id", "name", "email", "function"],
        moves_with: Some("school_id"),
        person: None,
    },
    Node {
        ty: "Leerlab",
        table: "leerlab",
        region: "r.region_id",
        school: "0",
        compared: &[
            "region_id",
            "code",
            "name",
            "kind",
            "status",
            "focus",
            "target_group",
            "starts_on",
            "agreement_signed_on",
            "transfer_option",
            "instruments",
        ],
        moves_with: Some("region_id"),
        person: None,
    },
    Node {
        ty: "Activity",
        table: "activity",
        region: "r.region_id",
        school: "r.host_school_id",
        // Not `enrolled_count`: derived fields do not bump the version.
        compared: &[
            "region_id",
            "host_school_id",
            "leerlab_id",
            "kind",
            "title",
            "description",
            "location",
            "status",
            "starts_at",
            "ends_at",
            "capacity",
            "cancel_reason",
            "published_at",
        ],
        moves_with: Some("region_id"),
        person: None,
    },
    Node {
        ty: "Student",
        table: "student",
        region: "r.region_id",
        school: "r.school_id",
        compared: &[
            "pseudonym",
            "region_id",
            "school_id",
            "leerweg",
            "profile",
            "school_year",
            "exam_date",
            "choice_crebo",
            "choice_date",
            "leerlab_id",
            "year",
            "status",
        ],
        moves_with: Some("region_id"),
        person: Some("pseudonym"),
    },
    Node {
        ty: "ImportRun",
        table: "import_run",
        region: SCHOOL_REGION,
        school: "COALESCE(r.school_id, 0)",
        compared: &[
            "kind",
            "status",
            "rows",
            "created",
            "updated",
            "unchanged",
            "transitions_changed",
            "error_count",
            "finished_at",
            "cohorts",
        ],
        moves_with: None,
        person: None,
    },
    Node {
        ty: "Application",
        table: "application",
        // The pupil's region once the pupil is known, else the mbo school's.
        region: "COALESCE((SELECT st.region_id FROM student st WHERE st.pseudonym = r.pseudonym \
                 ORDER BY st.cohort DESC LIMIT 1), (SELECT s.region_id FROM school s \
                 WHERE s.id = r.school_id), 0)",
        school: "r.school_id",
        compared: &[
            "pseudonym",
            "school_id",
            "crebo",
            "level",
            "applied_on",
            "status",
            "status_date",
        ],
        moves_with: None,
        person: Some("pseudonym"),
    },
    Node {
        ty: "Signal",
        table: "signal",
        region: "COALESCE((SELECT st.region_id FROM student st WHERE st.id = r.student_id), 0)",
        school: "COALESCE((SELECT st.school_id FROM student st WHERE st.id = r.student_id), 0)",
        compared: &[
            "student_id",
            "kind",
            "status",
            "raised_on",
            "resolved_on",
            "assignee_id",
        ],
        moves_with: None,
        person: Some("pseudonym"),
    },
];

pub const PARTS: &[Part] = &[
    Part {
        table: "leerlab_partner",
        ty: "Leerlab",
        parent: "leerlab_id",
        person: None,
    },
    Part {
        table: "leerlab_member",
        ty: "Leerlab",
        parent: "leerlab_id",
        person: None,
    },
    Part {
        table: "leerlab_target_programme",
        ty: "Leerlab",
        parent: "leerlab_id",
        person: None,
    },
    Part {
        table: "activity_school",
        ty: "Activity",
        parent: "activity_id",
        person: None,
    },
    Part {
        table: "school_calendar",
        ty: "School",
        parent: "school_id",
        person: None,
    },
    Part {
        table: "school_calendar_period",
        ty: "School",
        parent: "school_id",
        person: None,
    },
    Part {
        table: "school_calendar_holiday",
        ty: "School",
        parent: "school_id",
        person: None,
    },
    Part {
        table: "transition",
        ty: "Student",
        parent: "student_id",
        person: None,
    },
    Part {
        table: "self_evaluation",
        ty: "Student",
        parent: "student_id",
        person: None,
    },
    // A coach assignment changes who may read the person's applications and signals too.
    Part {
        table: "coach_assignment",
        ty: "Student",
        parent: "student_id",
        person: Some("(SELECT st.pseudonym FROM student st WHERE st.id = r.student_id)"),
    },
    Part {
        table: "signal_note",
        ty: "Signal",
        parent: "signal_id",
        person: None,
    },
];

/// Which database the SQL is for.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Which rows a statement of a trigger reads.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Rows {
    New,
    Old,
}

impl Dialect {
    /// The version this trigger's statements write.
    fn version(self) -> &'static str {
        match self {
            Dialect::Sqlite => "(SELECT version FROM change_meta WHERE id = 1)",
            Dialect::Postgres => "v",
        }
    }

    fn today(self) -> &'static str {
        match self {
            Dialect::Sqlite => "date('now')",
            Dialect::Postgres => "CURRENT_DATE",
        }
    }

    /// `FROM …` over the trigger's rows, as alias `r` (SQLite: the one row, read back from the
    /// table after an insert or update).
    fn from(self, table: &str, rows: Rows) -> String {
        match (self, rows) {
            (Dialect::Sqlite, Rows::New) => format!("{table} r WHERE r.id = NEW.id"),
            (Dialect::Sqlite, Rows::Old) => "(SELECT OLD.id AS id) r WHERE true".to_owned(),
            (Dialect::Postgres, Rows::New) => "new_rows r WHERE true".to_owned(),
            (Dialect::Postgres, Rows::Old) => "old_rows r WHERE true".to_owned(),
        }
    }

    /// A list of values of `expr` over the trigger's rows, for `IN (…)`.
    fn values(self, expr: &str, rows: Rows) -> String {
        match (self, rows) {
            (Dialect::Sqlite, Rows::New) => expr.replace("r.", "NEW."),
            (Dialect::Sqlite, Rows::Old) => expr.replace("r.", "OLD."),
            (Dialect::Postgres, Rows::New) => format!("SELECT {expr} FROM new_rows r"),
            (Dialect::Postgres, Rows::Old) => format!("SELECT {expr} FROM old_rows r"),
        }
    }
}

/// Records the rows of `from` as changed now, in their current region.
fn upsert(d: Dialect, node: &Node, from: &str) -> String {
    upsert_at(node, from, d.version())
}

fn upsert_at(node: &Node, from: &str, version: &str) -> String {
    format!(
        "INSERT INTO change_entry (type, row_id, region_id, school_id, version, deleted, moved, deleted_on) \
         SELECT '{ty}', r.id, {region}, {school}, {v}, 0, 0, NULL FROM {from} \
         ON CONFLICT (type, row_id, region_id) DO UPDATE SET version = excluded.version, \
         school_id = excluded.school_id, deleted = 0, moved = 0, deleted_on = NULL",
        ty = node.ty,
        region = node.region,
        school = node.school,
        v = version,
    )
}

/// Marks the region rows a record has left as moved (a `DELETE` for that region).
fn depart(d: Dialect, node: &Node, ids: &str) -> String {
    let current = match d {
        Dialect::Sqlite => format!("{} r WHERE r.id = change_entry.row_id", node.table),
        Dialect::Postgres => "new_rows r WHERE r.id = change_entry.row_id".to_owned(),
    };
    format!(
        "UPDATE change_entry SET version = {v}, moved = 1, deleted_on = {today} \
         WHERE type = '{ty}' AND moved = 0 AND deleted = 0 AND row_id IN ({ids}) \
         AND region_id <> (SELECT {region} FROM {current})",
        v = d.version(),
        today = d.today(),
        ty = node.ty,
        region = node.region,
    )
}

/// Bumps the live rows of records of type `ty` whose ids are `ids`.
fn bump(d: Dialect, ty: &str, ids: &str) -> String {
    format!(
        "UPDATE change_entry SET version = {v} WHERE type = '{ty}' AND moved = 0 AND deleted = 0 \
         AND row_id IN ({ids})",
        v = d.version(),
    )
}

/// Bumps every record, application and signal of the persons `pseudonyms`: their scope for
/// rmc, staff and coaches may have changed.
/// `own` (a type and the ids of the trigger's rows) is left out: those rows were just written.
fn bump_person(d: Dialect, pseudonyms: &str, own: Option<(&str, &str)>) -> Vec<String> {
    PERSON_TYPES
        .iter()
        .map(|(ty, table)| {
            let except = match own {
                Some((own_ty, ids)) if own_ty == *ty => format!(" AND p.id NOT IN ({ids})"),
                _ => String::new(),
            };
            bump(
                d,
                ty,
                &format!("SELECT p.id FROM {table} p WHERE p.pseudonym IN ({pseudonyms}){except}"),
            )
        })
        .collect()
}

/// Marks the records as deleted (tombstones).
fn tombstone(d: Dialect, ty: &str, ids: &str) -> String {
    format!(
        "UPDATE change_entry SET version = {v}, deleted = 1, deleted_on = {today} \
         WHERE type = '{ty}' AND moved = 0 AND row_id IN ({ids})",
        v = d.version(),
        today = d.today(),
    )
}

/// The statements that record the records `ids` (a subquery of row ids) of `node` as changed
/// at `version` in their current region, outside a trigger (a school that moves region takes
/// its programmes, staff and pupils along). PostgreSQL: `version` is the transaction's pending
/// mark, `-xid`, stamped at commit like any other.
pub fn touch_sql(d: Dialect, node: &Node, ids: &str, version: &str) -> Vec<String> {
    let current = format!("{} r WHERE r.id = change_entry.row_id", node.table);
    let depart = format!(
        "UPDATE change_entry SET version = {version}, moved = 1, deleted_on = {today} \
         WHERE type = '{ty}' AND moved = 0 AND deleted = 0 AND row_id IN ({ids}) \
         AND region_id <> (SELECT {region} FROM {current})",
        today = d.today(),
        ty = node.ty,
        region = node.region,
    );
    let upsert = upsert_at(
        node,
        &format!("{} r WHERE r.id IN ({ids})", node.table),
        version,
    );
    vec![depart, upsert]
}

/// SQLite: the condition under which a trigger runs (no import has paused them).
const SQLITE_LIVE: &str = "(SELECT paused FROM change_meta WHERE id = 1) = 0";

/// PostgreSQL: the transaction-local setting by which an import pauses the triggers.
pub const PAUSED_SETTING: &str = "leerroute.changes_paused";

/// The statements that record, at `version`, what an import wrote while the triggers were
/// paused: the records of `table` that carry `import_run = run` (created or updated by it) as
/// changed in their current region, and every record, application and signal of their persons
/// (`persons`, a subquery of pseudonyms) bumped (the transitions of a leaver are a part of the pupil's record; a person's scope may
/// have changed). A superset of what the row triggers would have recorded: a bump only makes
/// the feed deliver a record's current state again.
pub fn import_sql(d: Dialect, table: &str, run: i64, persons: &str, version: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let ids = format!("SELECT id FROM {table} WHERE import_run = {run}");
    if let Some(node) = NODES.iter().find(|n| n.table == table) {
        let current = format!("{} r WHERE r.id = change_entry.row_id", node.table);
        if node.moves_with.is_some() {
            statements.push(format!(
                "UPDATE change_entry SET version = {version}, moved = 1, deleted_on = {today} \
                 WHERE type = '{ty}' AND moved = 0 AND deleted = 0 AND row_id IN ({ids}) \
                 AND region_id <> (SELECT {region} FROM {current})",
                today = d.today(),
                ty = node.ty,
                region = node.region,
            ));
        }
        statements.push(upsert_at(
            node,
            &format!("{} r WHERE r.import_run = {run}", node.table),
            version,
        ));
    }
    let own: Vec<&str> = PERSON_TYPES
        .iter()
        .filter(|(_, t)| *t == table)
        .map(|(ty, _)| *ty)
        .collect();
    statements.extend(bump_persons_at(d, persons, version, &own));
    statements
}

/// The statements that record, at `version`, the signals `ids` (a subquery) selects, which a
/// signal evaluation raised or changed while the triggers were paused: each in its region, and
/// every record, application and signal of their persons `persons` (a subquery of pseudonyms,
/// which the caller keeps: the same persons, looked up once) bumped, as the row triggers would.
/// `shared`: the version is the import's, which already stamped these persons' rows.
pub fn signals_sql(
    d: Dialect,
    ids: &str,
    persons: &str,
    version: &str,
    shared: bool,
) -> Vec<String> {
    let node = node("Signal").expect("signals are in the feed");
    let mut statements = vec![upsert_at(
        node,
        &format!("signal r WHERE r.id IN ({ids})"),
        version,
    )];
    let stamped: Vec<&str> = PERSON_TYPES
        .iter()
        .map(|(ty, _)| *ty)
        .filter(|ty| shared || *ty == "Signal")
        .collect();
    statements.extend(bump_persons_at(d, persons, version, &stamped));
    statements
}

/// Bumps to `version` every record, application and signal of the persons `pseudonyms` (a
/// subquery) but those already at it (the rows just upserted: rewriting a million of them again
/// took as long as the upsert). `stamped` names the types this version already stamped for most
/// of these persons: on SQLite those are driven from the feed's own rows of the type, older
/// than `version` (the newest: one writer), so that a million persons whose rows are all
/// current probe nothing (1.6 s -> 0.1 s each at 1M); the others from the persons' rows, which
/// is cheaper when most of them must move. PostgreSQL plans both shapes alike.
pub fn bump_persons_at(
    d: Dialect,
    pseudonyms: &str,
    version: &str,
    stamped: &[&str],
) -> Vec<String> {
    PERSON_TYPES
        .iter()
        .map(|(ty, table)| {
            let common = format!(
                "UPDATE change_entry SET version = {version} WHERE type = '{ty}' AND moved = 0 \
                 AND deleted = 0"
            );
            if d == Dialect::Sqlite && stamped.contains(ty) {
                format!(
                    "{common} AND version < {version} AND EXISTS (SELECT 1 FROM {table} p \
                     WHERE p.id = change_entry.row_id AND p.pseudonym IN ({pseudonyms}))"
                )
            } else {
                format!(
                    "{common} AND version <> {version} \
                     AND row_id IN (SELECT p.id FROM {table} p WHERE p.pseudonym IN ({pseudonyms}))"
                )
            }
        })
        .collect()
}

/// The node types that belong to a person, with their tables.
pub const PERSON_TYPES: [(&str, &str); 3] = [
    ("Student", "student"),
    ("Application", "application"),
    ("Signal", "signal"),
];

/// The node of type `ty`.
pub fn node(ty: &str) -> Option<&'static Node> {
    NODES.iter().find(|n| n.ty == ty)
}

/// One trigger: its name, table, event and statements.
pub struct Trigger {
    pub name: String,
    pub table: &'static str,
    pub event: &'static str,
    /// SQLite: the `WHEN` condition (an update that changes a compared column).
    pub when: Option<String>,
    pub statements: Vec<String>,
}

fn changed_sqlite(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("NEW.{c} IS NOT OLD.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn changed_postgres(columns: &[&str]) -> String {
    let row = |alias: &str| {
        columns
            .iter()
            .map(|c| format!("{alias}.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("ROW({}) IS DISTINCT FROM ROW({})", row("n"), row("o"))
}

/// The columns of a node with a person whose change can change who may read the person.
fn scope_columns(node: &Node) -> &'static [&'static str] {
    match node.ty {
        "Student" => &["pseudonym", "region_id", "school_id", "status", "exam_date"],
        "Application" => &["pseudonym", "school_id", "status", "status_date"],
        _ => node.compared,
    }
}

/// The triggers of a node table.
pub fn node_triggers(d: Dialect, node: &Node) -> Vec<Trigger> {
    let mut insert = vec![upsert(d, node, &d.from(node.table, Rows::New))];
    let mut update = Vec::new();
    let changed_ids = match d {
        Dialect::Sqlite => "NEW.id".to_owned(),
        Dialect::Postgres => format!(
            "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {}",
            changed_postgres(node.compared)
        ),
    };
    if let Some(column) = node.moves_with {
        let moved = match d {
            Dialect::Sqlite => format!("NEW.{column} IS NOT OLD.{column}"),
            Dialect::Postgres => format!("n.{column} IS DISTINCT FROM o.{column}"),
        };
        let ids = match d {
            Dialect::Sqlite => format!("SELECT NEW.id WHERE {moved}"),
            Dialect::Postgres => {
                format!("SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {moved}")
            }
        };
        update.push(depart(d, node, &ids));
    }
    let changed_from = match d {
        Dialect::Sqlite => d.from(node.table, Rows::New),
        Dialect::Postgres => format!("new_rows r WHERE r.id IN ({changed_ids})"),
    };
    update.push(upsert(d, node, &changed_from));
    let mut delete = vec![tombstone(d, node.ty, &d.values("r.id", Rows::Old))];
    if let Some(column) = node.person {
        let own = format!("r.{column}");
        // The record's own row was just written; the others of the person follow.
        let new_ids = d.values("r.id", Rows::New);
        let mine = Some((node.ty, new_ids.as_str()));
        insert.extend(bump_person(d, &d.values(&own, Rows::New), mine));
        // Only a change of what scope rules read moves the person's other parts in or out of
        // scope (a pupil's year does not): imports that update many rows skip the rest.
        let scoped = scope_columns(node);
        let changed_persons = match d {
            Dialect::Sqlite => format!("SELECT NEW.{column} WHERE {}", changed_sqlite(scoped)),
            Dialect::Postgres => format!(
                "SELECT n.{column} FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {}",
                changed_postgres(scoped)
            ),
        };
        update.extend(bump_person(d, &changed_persons, mine));
        delete.extend(bump_person(d, &d.values(&own, Rows::Old), None));
    }
    let when = (d == Dialect::Sqlite).then(|| changed_sqlite(node.compared));
    vec![
        trigger(node.table, "INSERT", None, insert),
        trigger(node.table, "UPDATE", when, update),
        trigger(node.table, "DELETE", None, delete),
    ]
}

/// The triggers of a nested-part table.
pub fn part_triggers(d: Dialect, part: &Part) -> Vec<Trigger> {
    let parent = format!("r.{}", part.parent);
    let mut events = Vec::new();
    for (event, rows) in [
        ("INSERT", vec![Rows::New]),
        ("UPDATE", vec![Rows::New, Rows::Old]),
        ("DELETE", vec![Rows::Old]),
    ] {
        let mut statements = Vec::new();
        for &side in &rows {
            statements.push(bump(d, part.ty, &d.values(&parent, side)));
            if let Some(person) = part.person {
                statements.extend(bump_person(d, &d.values(person, side), None));
            }
        }
        events.push(trigger(part.table, event, None, statements));
    }
    events
}

fn trigger(
    table: &'static str,
    event: &'static str,
    when: Option<String>,
    statements: Vec<String>,
) -> Trigger {
    Trigger {
        name: format!("change_{table}_{}", event.to_lowercase()),
        table,
        event,
        when,
        statements,
    }
}

/// Every trigger of the feed.
pub fn all(d: Dialect) -> Vec<Trigger> {
    let mut triggers: Vec<Trigger> = NODES.iter().flat_map(|n| node_triggers(d, n)).collect();
    triggers.extend(PARTS.iter().flat_map(|p| part_triggers(d, p)));
    triggers
}

/// The SQL that creates `trigger` (PostgreSQL: its function and its trigger).
pub fn create_sql(d: Dialect, trigger: &Trigger) -> Vec<String> {
    match d {
        Dialect::Sqlite => {
            // An import pauses the triggers and stamps its rows set-based (`import_sql`).
            let when = match &trigger.when {
                Some(w) => format!(" WHEN {SQLITE_LIVE} AND ({w})"),
                None => format!(" WHEN {SQLITE_LIVE}"),
            };
            vec![format!(
                "CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN \
                 UPDATE change_meta SET version = version + 1 WHERE id = 1; {body}; END",
                name = trigger.name,
                event = trigger.event,
                table = trigger.table,
                body = trigger.statements.join("; "),
            )]
        }
        Dialect::Postgres => {
            let referencing = match trigger.event {
                "INSERT" => "REFERENCING NEW TABLE AS new_rows",
                "UPDATE" => "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                _ => "REFERENCING OLD TABLE AS old_rows",
            };
            vec![
                format!(
                    "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     DECLARE v bigint := -(pg_current_xact_id()::text::bigint); \
                     BEGIN \
                     IF current_setting('{PAUSED_SETTING}', true) = 'on' THEN RETURN NULL; END IF; \
                     INSERT INTO change_pending (xid) VALUES (-v) ON CONFLICT DO NOTHING; \
                     {body}; \
                     RETURN NULL; END $$",
                    name = trigger.name,
                    body = trigger.statements.join("; "),
                ),
                format!(
                    "CREATE TRIGGER {name} AFTER {event} ON {table} {referencing} \
                     FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
                    name = trigger.name,
                    event = trigger.event,
                    table = trigger.table,
                ),
            ]
        }
    }
}

/// The SQL that drops `trigger`.
pub fn drop_sql(d: Dialect, trigger: &Trigger) -> Vec<String> {
    match d {
        Dialect::Sqlite => vec![format!("DROP TRIGGER IF EXISTS {}", trigger.name)],
        Dialect::Postgres => vec![
            format!(
                "DROP TRIGGER IF EXISTS {} ON {}",
                trigger.name, trigger.table
            ),
            format!("DROP FUNCTION IF EXISTS {}()", trigger.name),
        ],
    }
}
